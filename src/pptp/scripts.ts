// Tunnel control on the router: the up/down/status programs (src/remote/programs/tunnels-*.sh,
// busybox ash, sent over stdin of one exec each) with their generated headers, and pure parsers
// of what they print.
//
// A tunnel is one `pppd call NAME` whose peer file sets `linkname NAME`, so its pid file is
// ppp-NAME.pid in /var/run (pppd <= 2.4.9) or /var/run/pppd (2.5), pid on line 1, interface on
// line 2 once up: the scripts are told which from the pppd version in the facts. Only that pid is ever
// signalled: never killall (it would also kill a PPPoE WAN pppd).
//
// Output framing is the facts format (src/remote/frame.ts): `@@section arg` headers, key=value
// metadata, every line of captured output or syslog prefixed with `|` (so a log line reading
// "@@end" cannot end the frame), empty lines ignored, `@@end` last.
//
// Timeout policy (up): a tunnel whose foreground pppd has not exited within timeoutSec is
// stopped (its foreground pid and the pid in its pid file are sent SIGTERM), so a broken config
// (wrong password with `persist`, GRE blocked, ...) does not keep retrying unattended. The run
// reports exit=timeout; the captured output says why.
//
// Which log belongs to a tunnel (its current attempt only): the foreground `pppd ... debug`
// output the up script captured in /tmp/pptp-fleet-NAME.out, then the syslog lines of the pid
// that attempt left running (recorded in /tmp/pptp-fleet-NAME.daemon: with updetach the daemon
// has another pid than the foreground pppd, and only the foreground saw LCP/auth/IPCP). A pppd
// the tool did not start (boot script, by hand) is judged by the syslog lines of its own pid.
// Lines of an earlier pid (a stopped or restarted pppd) are never part of it.

import { FactsParseError, TUNNELS_DOWN_MAGIC, TUNNELS_STATUS_MAGIC, TUNNELS_UP_MAGIC, dataText as data, kv, splitSections, type Section } from '../remote/frame.js';
import { PPPD, RESTART_MARKER_PREFIX, TUNNEL_STATE_PREFIX, WORK_DIR_PREFIX } from '../remote/paths.js';
import { commonVars, program, type HeaderValue } from '../remote/program.js';
import type { TunnelManager } from '../inventory/types.js';
import { netifdInterface } from '../render/netifd.js';
import { parseNetifdStatus, type NetifdIfaceStatus } from './netifd-tunnels.js';

export const TUNNELS_UP_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-up';
export const TUNNELS_DOWN_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-down';
export const TUNNELS_STATUS_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-status';

/** Seconds a restart waits for the old pppd to exit (ip-down runs first). */
export const RESTART_STOP_WAIT_SEC = 10;
/** Seconds after a successful updetach to wait for "ip-up finished" in syslog. */
export const IP_UP_WAIT_SEC = 3;

export interface TunnelScriptOptions {
  /** Tests only: prefix of every absolute path (fake router root, incl. its usr/sbin/pppd). */
  root?: string;
  /**
   * The router's pppd version (facts.pppdVersion): where its pid files are (2.5: /var/run/pppd,
   * else /var/run; src/remote/paths.ts). Unknown (status reads no facts): each tunnel's pid
   * file is looked for in both.
   */
  pppdVersion?: string | null;
}

const NAME = /^[A-Za-z0-9_-]+$/;

function checkNames(names: readonly string[]): void {
  for (const n of names) if (!NAME.test(n)) throw new RangeError(`tunnel name must match [A-Za-z0-9_-]+: ${JSON.stringify(n)}`);
  if (new Set(names).size !== names.length) throw new RangeError('duplicate tunnel name');
}

function checkTimeout(t: number): void {
  if (!Number.isInteger(t) || t < 1) throw new RangeError('timeoutSec must be a positive integer');
}

/** The header values the three tunnel programs share (src/remote/programs/tunnels-lib.sh). */
function tunnelVars(options: TunnelScriptOptions, names: readonly string[], timeoutSec: number, magic: string): Record<string, HeaderValue> {
  return { ...commonVars(options.root ?? '', options.pppdVersion), T: timeoutSec, NAMES: names.join(' '), ST: TUNNEL_STATE_PREFIX, WORK: WORK_DIR_PREFIX, MAGIC: magic };
}

/**
 * The script that brings tunnels up concurrently (src/remote/programs/tunnels-up.sh). A tunnel
 * with restart=false that is already alive is left alone ("kept"); with restart=true its pid is
 * stopped first (up to 10 s). Each started tunnel runs `/usr/sbin/pppd call NAME updetach
 * debug`, output to /tmp/pptp-fleet-NAME.out. Example:
 * tunnelsUpScript([{ name: 'office', restart: true }], 30).
 */
export function tunnelsUpScript(tunnels: Array<{ name: string; restart: boolean }>, timeoutSec: number, options: TunnelScriptOptions = {}): string {
  const names = tunnels.map((t) => t.name);
  checkNames(names);
  checkTimeout(timeoutSec);
  const anyRestart = tunnels.some((t) => t.restart);
  return program(
    'tunnels-up',
    {
      ...tunnelVars(options, names, timeoutSec, TUNNELS_UP_MAGIC),
      TUNNELS: tunnels.map((t) => `${t.name}:${t.restart ? 1 : 0}`).join(' '),
      LIMIT: timeoutSec + (anyRestart ? RESTART_STOP_WAIT_SEC : 0),
      STOPWAIT: RESTART_STOP_WAIT_SEC,
      IPUPWAIT: IP_UP_WAIT_SEC,
      MARK: RESTART_MARKER_PREFIX,
      PPPD,
    },
    'common.sh',
    'pppd-pid.sh',
    'tunnels-lib.sh',
    'tunnels-up.sh',
  );
}

/**
 * The script that stops tunnels concurrently (src/remote/programs/tunnels-down.sh): the hand-run
 * NAMES by SIGTERM to the pid in each one's pid file only, the netifd tunnels NETIFD by `ifdown`
 * of their interfaces (netifd keeps them down), in the same exec; then up to timeoutSec for each
 * pppd to exit (pppd runs ip-down before exiting).
 * @example tunnelsDownScript(['wr-office'], 15, { netifd: ['office'] })
 */
export function tunnelsDownScript(names: readonly string[], timeoutSec: number, options: TunnelScriptOptions & { netifd?: readonly string[] } = {}): string {
  const viaNetifd = options.netifd ?? [];
  checkNames([...names, ...viaNetifd]);
  if (new Set(viaNetifd.map(netifdInterface)).size !== viaNetifd.length) throw new RangeError('two tunnels with one netifd interface');
  checkTimeout(timeoutSec);
  const vars = { ...tunnelVars(options, names, timeoutSec, TUNNELS_DOWN_MAGIC), NETIFD: viaNetifd.map((n) => `${n}:${netifdInterface(n)}`).join(' ') };
  return program('tunnels-down', vars, 'common.sh', 'pppd-pid.sh', 'tunnels-lib.sh', 'tunnels-down.sh');
}

/** A tunnel `status` asks about: its name and, when the inventory names one, its manager. */
export type StatusTunnel = string | { name: string; manager?: TunnelManager };

/**
 * The script that reports each tunnel's state and the log of its current (or, when none runs,
 * last) attempt (src/remote/programs/tunnels-status.sh): a hand-run pppd's pid file, liveness,
 * interface and age, or a netifd interface's `ubus call network.interface.IFACE status`. A
 * tunnel without a manager is netifd's when no hand-run pppd of it lives and netifd has a pptp
 * interface for it. See the header for which log lines count.
 * @example tunnelsStatusScript([{ name: 'office', manager: 'netifd' }, 'home'])
 */
export function tunnelsStatusScript(tunnels: readonly StatusTunnel[], options: TunnelScriptOptions = {}): string {
  const list = tunnels.map((t) => (typeof t === 'string' ? { name: t } : t));
  const names = list.map((t) => t.name);
  checkNames(names);
  const words = list.map((t) => `${t.name}:${netifdInterface(t.name)}:${t.manager ?? 'auto'}`).join(' ');
  return program('tunnels-status', { ...tunnelVars(options, names, 1, TUNNELS_STATUS_MAGIC), TUNNELS: words }, 'common.sh', 'pppd-pid.sh', 'tunnels-lib.sh', 'tunnels-status.sh');
}

// ---------------------------------------------------------------------------------------------
// Parsers

export interface TunnelRun {
  name: string;
  /** Foreground pppd exit code (0: link up and detached); null when not started or timed out. */
  exitCode: number | null;
  timedOut: boolean;
  /** Pid in the pid file after the run (the detached daemon), if any. */
  pid: number | null;
  alive: boolean;
  iface: string | null;
  /** Foreground output, then the daemon's syslog messages (prefix `... pppd[PID]: ` removed). */
  log: string;
  /** started, kept (already up, restart=false) or stop-failed (old pppd would not exit). */
  action: 'started' | 'kept' | 'stop-failed';
  /** Raw captured foreground stdout+stderr. */
  stdout: string;
  /** Raw syslog lines of the daemon pid, as logread prints them. */
  syslog: string;
  /** netifd tunnels: netifd's name for pppd's last exit (`AUTH_TOPEER_FAILED`, ...), if any. */
  netifdError?: string;
  /** netifd tunnels: the attempt failed or timed out and the program took the interface down (`ifdown`). */
  takenDown?: boolean;
  /** netifd was restarted first to load the pptp protocol (tunnels-netifd.sh proto_pptp), every interface going down for a moment: `done` it has it now, `failed` still not. */
  netifdRestarted?: 'done' | 'failed';
  /** The interfaces that were up before that restart and that the program brought back with `ifup` (auto 0 ones the new netifd left down). */
  netifdRestored?: string[];
}

export interface TunnelStop {
  name: string;
  wasRunning: boolean;
  stopped: boolean;
  pid: number | null;
  /** Syslog lines of that pid logged during the stop (raw). */
  log: string;
}

export interface TunnelStatus {
  name: string;
  /** Who runs it: a hand-run pppd, or netifd (then `netifd` has netifd's report). */
  manager: TunnelManager;
  /** netifd tunnels: `ubus call network.interface.IFACE status`, null when netifd has no such interface. */
  netifd?: NetifdIfaceStatus | null;
  pidFile: boolean;
  pid: number | null;
  alive: boolean;
  iface: string | null;
  /** Pid file mtime (epoch seconds): when the link came up. */
  since: number | null;
  /** Hand-run: the kernel's host route to the peer via `iface` (IPCP completed), when alive. */
  peer?: string | null;
  /** The router's clock when asked (compare with since, not with the local clock). */
  now: number | null;
  /**
   * What the verdict is read from: the output of the attempt pptp-fleet started (when that
   * attempt's pppd is the one running, or none runs), then the syslog messages of the running
   * pid (else of the pid that attempt left), prefixes removed; without such an attempt, the
   * running pid's raw syslog lines.
   */
  log: string;
  /** True when `log` starts with the output of the attempt pptp-fleet started. */
  fromAttempt: boolean;
  /** That attempt's captured foreground output (empty when not used). */
  stdout: string;
  /** Last ~60 syslog lines of that pid (raw). */
  syslog: string;
  /** netifd tunnels: down since pptp-fleet took it down after a failed attempt (`log` is that attempt's). */
  takenDown?: boolean;
}

/** Removes syslog prefixes: "Thu Nov 26 ... daemon.notice pppd[123]: msg" → "msg". */
export function stripSyslogPrefix(lines: string): string {
  return lines
    .split('\n')
    .map((l) => l.replace(/^.*?pppd\[\d+\]:\s?/, ''))
    .join('\n');
}

interface Group {
  head: Section;
  sub: Record<string, Section>;
}

function groups(stdout: string, magic: string, what: string): Group[] {
  const sections = splitSections(stdout, magic, what);
  const out: Group[] = [];
  for (const s of sections) {
    if (s.name === 'tunnel') {
      if (!NAME.test(s.arg)) fail(what, `bad tunnel name`, s, stdout);
      out.push({ head: s, sub: {} });
    } else {
      const g = out[out.length - 1];
      if (!g || g.sub[s.name]) fail(what, `unexpected section "${s.name}"`, s, stdout);
      else g.sub[s.name] = s;
    }
  }
  return out;
}

function fail(what: string, reason: string, s: Section, stdout: string): never {
  throw new FactsParseError(reason, `${s.name} ${s.arg}`.trim(), s.line, stdout.split('\n').filter((l) => !l.startsWith('|')).join('\n').slice(0, 200), what);
}

function intOrNull(v: string): number | null {
  return /^\d+$/.test(v) ? Number(v) : null;
}

/** Parses tunnelsUpScript's output; throws FactsParseError on foreign or cut-off output. */
export function parseTunnelsUpOutput(stdout: string): TunnelRun[] {
  const what = 'tunnels-up output';
  return groups(stdout, TUNNELS_UP_MAGIC, what).map(({ head, sub }) => {
    const action = kv(head, 'action');
    if (action !== 'started' && action !== 'kept' && action !== 'stop-failed') fail(what, `unknown action "${action.slice(0, 20)}"`, head, stdout);
    const exit = kv(head, 'exit');
    const out = data(sub.stdout);
    const sys = data(sub.syslog);
    const iface = kv(head, 'iface');
    return {
      name: head.arg,
      exitCode: intOrNull(exit),
      timedOut: exit === 'timeout',
      pid: intOrNull(kv(head, 'pid')),
      alive: kv(head, 'alive') === '1',
      iface: iface || null,
      log: [out, stripSyslogPrefix(sys)].filter((x) => x !== '').join('\n'),
      action,
      stdout: out,
      syslog: sys,
      ...(kv(head, 'netifd_error') ? { netifdError: kv(head, 'netifd_error') } : {}),
      ...(kv(head, 'down') === '1' ? { takenDown: true } : {}),
      ...(kv(head, 'netifd_restarted') === '1' ? { netifdRestarted: 'done' as const } : kv(head, 'netifd_restarted') === 'failed' ? { netifdRestarted: 'failed' as const } : {}),
      ...(kv(head, 'netifd_restored') ? { netifdRestored: kv(head, 'netifd_restored').split(' ').filter((x) => x !== '') } : {}),
    };
  });
}

/** Parses tunnelsDownScript's output. */
export function parseTunnelsDownOutput(stdout: string): TunnelStop[] {
  return groups(stdout, TUNNELS_DOWN_MAGIC, 'tunnels-down output').map(({ head, sub }) => ({
    name: head.arg,
    wasRunning: kv(head, 'was') === '1',
    stopped: kv(head, 'stopped') === '1',
    pid: intOrNull(kv(head, 'pid')),
    log: data(sub.syslog),
  }));
}

/** Parses tunnelsStatusScript's output. */
export function parseTunnelsStatusOutput(stdout: string): TunnelStatus[] {
  return groups(stdout, TUNNELS_STATUS_MAGIC, 'tunnels-status output').map(({ head, sub }): TunnelStatus => {
    const sys = data(sub.syslog);
    if (kv(head, 'manager') === 'netifd') {
      const u = parseNetifdStatus(data(sub.ubus));
      const now = intOrNull(kv(head, 'now'));
      return {
        name: head.arg,
        manager: 'netifd',
        netifd: u,
        pidFile: false,
        pid: intOrNull(kv(head, 'pid')),
        alive: kv(head, 'alive') === '1',
        iface: u?.l3Device ?? null,
        since: u?.up && u.uptime !== null && now !== null ? now - u.uptime : null,
        now,
        log: sys,
        fromAttempt: false,
        stdout: '',
        syslog: sys,
        ...(kv(head, 'down') === '1' ? { takenDown: true } : {}),
      };
    }
    const iface = kv(head, 'iface');
    const out = data(sub.stdout);
    const fromAttempt = kv(head, 'attempt') === '1' && out !== '';
    return {
      name: head.arg,
      manager: 'pppd',
      pidFile: kv(head, 'pidfile') === '1',
      pid: intOrNull(kv(head, 'pid')),
      alive: kv(head, 'alive') === '1',
      iface: iface || null,
      peer: kv(head, 'peer') || null,
      since: intOrNull(kv(head, 'since')),
      now: intOrNull(kv(head, 'now')),
      log: fromAttempt ? [out, stripSyslogPrefix(sys)].filter((x) => x !== '').join('\n') : sys,
      fromAttempt,
      stdout: fromAttempt ? out : '',
      syslog: sys,
    };
  });
}
