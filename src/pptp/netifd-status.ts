// Status of tunnels that netifd runs (manager `netifd`): the router program
// (remote/programs/netifd-status.sh) and the pure parsers of what it prints. netifd's view of an
// interface is `ubus call network.interface.NAME status`: `up`, `pending` (setting up, e.g.
// waiting for the route to the server through the WAN), `l3_device` (pptp-NAME), the addresses,
// routes and, after pppd exited, netifd's `errors` (ppp.sh's names for pppd's exit status:
// AUTH_TOPEER_FAILED, OPTION_ERROR, CONNECT_FAILED, ...). The verdict still comes from pppd's
// syslog lines, found by the pid in pppd's pid file for pptp-NAME.
import { commonVars, program } from '../remote/program.js';
import { kv, splitSections } from '../remote/frame.js';

/** First line of the netifd-status program's output. */
export const NETIFD_STATUS_MAGIC = '@@pptp-fleet-netifd-status 1';

const IFACE = /^[A-Za-z0-9_]+$/;

/**
 * The program reporting netifd interfaces IFACES (interface names, see render/netifd.ts
 * netifdInterface), under fake root ROOT in tests.
 * @example netifdStatusScript(['office']) // '# pptp-fleet netifd-status v1\nR=''\n…'
 */
export function netifdStatusScript(ifaces: readonly string[], root = ''): string {
  for (const i of ifaces) if (!IFACE.test(i)) throw new RangeError(`netifd interface name must match [A-Za-z0-9_]+: ${JSON.stringify(i)}`);
  if (new Set(ifaces).size !== ifaces.length) throw new RangeError('duplicate interface name');
  return program('netifd-status', { ...commonVars(root), MAGIC: NETIFD_STATUS_MAGIC, IFACES: ifaces.join(' ') }, 'common.sh', 'netifd-status.sh');
}

export interface NetifdAddress {
  address: string;
  mask: number;
  ptpaddress: string | null;
}
export interface NetifdRoute {
  target: string;
  mask: number;
  nexthop: string;
}
export interface NetifdError {
  subsystem: string;
  code: string;
}

/** What netifd says about one interface. */
export interface NetifdStatus {
  up: boolean;
  pending: boolean;
  /** false after `ifdown` (and for `auto '0'`): a `network reload` leaves it down. */
  autostart: boolean;
  proto: string | null;
  /** The device once up: pptp-NAME. */
  l3Device: string | null;
  uptimeSec: number | null;
  ipv4: NetifdAddress[];
  routes: NetifdRoute[];
  errors: NetifdError[];
}

/** One interface as the program reports it. */
export interface NetifdIfaceReport {
  iface: string;
  /** false: netifd has no such interface (ubus: "Not found"), or ubus failed. */
  exists: boolean;
  status: NetifdStatus | null;
  /** ubus's message when it failed (its stderr), else null. */
  ubusError: string | null;
  /** The pid in pppd's pid file for pptp-NAME, if any (the attempt's syslog lines carry it). */
  pppdPid: number | null;
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Parses the JSON of `ubus call network.interface.NAME status`; throws on text that is not a
 * JSON object. Fields netifd omits (l3_device while down, errors when none) come back empty.
 * @example parseNetifdStatus('{"up": true, "pending": false, "l3_device": "pptp-office"}').l3Device // 'pptp-office'
 */
export function parseNetifdStatus(json: string): NetifdStatus {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('netifd status is not a JSON object');
  const o = parsed as Record<string, unknown>;
  return {
    up: o['up'] === true,
    pending: o['pending'] === true,
    autostart: o['autostart'] !== false,
    proto: str(o['proto']),
    l3Device: str(o['l3_device']),
    uptimeSec: num(o['uptime']),
    ipv4: arr(o['ipv4-address']).map((a) => ({ address: str(obj(a)['address']) ?? '', mask: num(obj(a)['mask']) ?? 32, ptpaddress: str(obj(a)['ptpaddress']) })),
    routes: arr(o['route']).map((r) => ({ target: str(obj(r)['target']) ?? '', mask: num(obj(r)['mask']) ?? 0, nexthop: str(obj(r)['nexthop']) ?? '0.0.0.0' })),
    errors: arr(o['errors']).map((e) => ({ subsystem: str(obj(e)['subsystem']) ?? '', code: str(obj(e)['code']) ?? '' })),
  };
}

/**
 * Parses netifdStatusScript's output, one report per interface in the order asked; throws
 * FactsParseError (remote/frame.ts) on output that is not the program's.
 * @example parseNetifdStatusOutput(stdout)[0]?.status?.up // true
 */
export function parseNetifdStatusOutput(stdout: string): NetifdIfaceReport[] {
  return splitSections(stdout, NETIFD_STATUS_MAGIC, 'netifd-status output')
    .filter((s) => s.name === 'iface')
    .map((s): NetifdIfaceReport => {
      const text = s.data.join('\n').trim();
      const pid = /^\d+$/.test(kv(s, 'pid')) ? Number(kv(s, 'pid')) : null;
      if (kv(s, 'rc') !== '0') return { iface: s.arg, exists: false, status: null, ubusError: text || `ubus exited ${kv(s, 'rc')}`, pppdPid: pid };
      try {
        return { iface: s.arg, exists: true, status: parseNetifdStatus(text), ubusError: null, pppdPid: pid };
      } catch (err) {
        return { iface: s.arg, exists: true, status: null, ubusError: `status not understood: ${err instanceof Error ? err.message : String(err)}`, pppdPid: pid };
      }
    });
}
