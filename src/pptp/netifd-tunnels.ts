// Tunnel control for tunnels netifd runs (manager netifd): the router program
// (src/remote/programs/tunnels-netifd.sh) that brings interfaces up with `ifup` and takes them
// down with `ifdown`, watching `ubus call network.interface.IFACE status`. Its output is the
// pppd tunnel programs' (scripts.ts), so parseTunnelsUpOutput / parseTunnelsDownOutput read it
// and the verdict comes from the same pppd syslog lines: those of the pppds netifd started for
// the interface during the attempt (found by ppp.sh's command line, `ipparam IFACE ifname`).
//
// As a hand-run tunnel's failed or timed-out pppd is not left running, an interface whose attempt
// fails or does not come up within the timeout is taken down (`ifdown`) in the same exec, once its
// lines are read, so netifd stops retrying it; the run reports down=1 (TunnelRun.takenDown).
import { TUNNELS_UP_MAGIC } from '../remote/frame.js';
import { RESTART_MARKER_PREFIX, TUNNEL_STATE_PREFIX, WORK_DIR_PREFIX } from '../remote/paths.js';
import { commonVars, program } from '../remote/program.js';
import { netifdInterface } from '../render/netifd.js';

export const NETIFD_UP_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-up';

/** restart: `ifup` whatever its state; ensure: `ifup` only when netifd is neither up nor setting it up. */
export type NetifdUpMode = 'restart' | 'ensure';

/**
 * One tunnel to bring up. `stalePid` (ensure only): the pid of the pppd that ran before this
 * apply's file writes; still running after the apply's `network reload` (netifd restarts an
 * interface only when its own section changed), it runs the old files and is restarted.
 */
export interface NetifdUp {
  name: string;
  mode: NetifdUpMode;
  stalePid?: number;
}

const NAME = /^[A-Za-z0-9_-]+$/;

function words(tunnels: readonly NetifdUp[]): string {
  const names = tunnels.map((t) => t.name);
  for (const n of names) if (!NAME.test(n)) throw new RangeError(`tunnel name must match [A-Za-z0-9_-]+: ${JSON.stringify(n)}`);
  if (new Set(names).size !== names.length) throw new RangeError('duplicate tunnel name');
  if (new Set(names.map(netifdInterface)).size !== names.length) throw new RangeError('two tunnels with one netifd interface');
  for (const t of tunnels) if (t.stalePid !== undefined && (!Number.isInteger(t.stalePid) || t.stalePid < 1)) throw new RangeError(`stalePid must be a pid: ${String(t.stalePid)}`);
  return tunnels.map((t) => `${t.name}:${netifdInterface(t.name)}:${t.mode}${t.mode === 'ensure' && t.stalePid !== undefined ? `:${t.stalePid}` : ''}`).join(' ');
}

function vars(tunnelWords: string, timeoutSec: number, magic: string, root: string): Record<string, string | number> {
  if (!Number.isInteger(timeoutSec) || timeoutSec < 1) throw new RangeError('timeoutSec must be a positive integer');
  return { ...commonVars(root), TUNNELS: tunnelWords, T: timeoutSec, NAMES: '', ST: TUNNEL_STATE_PREFIX, WORK: WORK_DIR_PREFIX, MAGIC: magic, MARK: RESTART_MARKER_PREFIX };
}

/**
 * The program bringing netifd tunnels up and waiting up to timeoutSec for each (netifd up, or
 * netifd's `errors` after pppd exited).
 * @example netifdUpScript([{ name: 'office', mode: 'ensure' }], 30) // '# pptp-fleet tunnels-netifd-up v1\n…'
 */
export function netifdUpScript(tunnels: readonly NetifdUp[], timeoutSec: number, root = ''): string {
  return program('tunnels-netifd-up', vars(words(tunnels), timeoutSec, TUNNELS_UP_MAGIC, root), 'common.sh', 'pppd-pid.sh', 'tunnels-lib.sh', 'tunnels-netifd.sh');
}

/** What `ubus call network.interface.IFACE status` says about a PPTP interface. */
export interface NetifdIfaceStatus {
  up: boolean;
  /** netifd is setting it up (pppd negotiating, or waiting for the route to the server). */
  pending: boolean;
  /** false after `ifdown` (or `option auto '0'`): netifd leaves it down. */
  autostart: boolean;
  /** The device while up: pptp-IFACE. */
  l3Device: string | null;
  /** Seconds up. */
  uptime: number | null;
  /** Our end (`ipv4-address[0].address`, from pppd's IPLOCAL via ppp-up). */
  localIp: string | null;
  /** The peer (`ipv4-address[0].ptpaddress`, pppd's IPREMOTE). */
  remoteIp: string | null;
  /** netifd's error codes, `errors[].code` (ppp.sh's names of pppd's exit status: AUTH_FAILED, CONNECT_FAILED, ...). */
  errors: string[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Parses netifd's interface status (ubus's JSON); null when the text is no JSON object (no
 * such interface: ubus printed nothing). Fields netifd leaves out read as null / empty.
 * @example parseNetifdStatus('{"up": true, "l3_device": "pptp-office", "ipv4-address": [{"address": "10.8.0.2", "mask": 32, "ptpaddress": "10.8.0.1"}]}')?.remoteIp // '10.8.0.1'
 */
export function parseNetifdStatus(json: string): NetifdIfaceStatus | null {
  let o: unknown;
  try {
    o = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const j = o as Record<string, unknown>;
  const addrs = Array.isArray(j['ipv4-address']) ? (j['ipv4-address'] as unknown[]) : [];
  const a0 = (typeof addrs[0] === 'object' && addrs[0] !== null ? addrs[0] : {}) as Record<string, unknown>;
  const errors = Array.isArray(j.errors) ? (j.errors as unknown[]).map((e) => str((e as Record<string, unknown> | null)?.code)).filter((c): c is string => c !== null) : [];
  return {
    up: j.up === true,
    pending: j.pending === true,
    autostart: j.autostart !== false,
    l3Device: j.up === true ? str(j.l3_device) : null,
    uptime: typeof j.uptime === 'number' ? j.uptime : null,
    localIp: str(a0.address),
    remoteIp: str(a0.ptpaddress),
    errors,
  };
}
