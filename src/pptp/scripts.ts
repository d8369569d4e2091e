// Tunnel control on the router: pure generation of the up/down/status scripts (busybox ash,
// sent over stdin of one exec each) and pure parsers of what they print. The lead wires SSH.
//
// A tunnel is one `pppd call NAME` whose peer file sets `linkname NAME`, so its pid file is
// /var/run/ppp-NAME.pid (pid on line 1, interface on line 2 once up). Only that pid is ever
// signalled: never killall (it would also kill a PPPoE WAN pppd).
//
// Output framing is the facts format (src/facts/gather.ts): `@@section arg` headers, key=value
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

import { FactsParseError, splitSections, type Section } from '../facts/parse.js';
import { SH_HELPERS } from '../facts/gather.js';
import { shQuote } from '../shell/quote.js';

export const TUNNELS_UP_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-up';
export const TUNNELS_DOWN_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-down';
export const TUNNELS_STATUS_COMMAND = '/bin/sh -s -- pptp-fleet:tunnels-status';

const UP_MAGIC = '@@pptp-fleet-tunnels-up 1';
const DOWN_MAGIC = '@@pptp-fleet-tunnels-down 1';
const STATUS_MAGIC = '@@pptp-fleet-tunnels-status 1';

/** Seconds a restart waits for the old pppd to exit (ip-down runs first). */
export const RESTART_STOP_WAIT_SEC = 10;
/** Seconds after a successful updetach to wait for "ip-up finished" in syslog. */
export const IP_UP_WAIT_SEC = 3;

export interface TunnelScriptOptions {
  /** Tests only: prefix of every absolute path (fake router root, incl. its usr/sbin/pppd). */
  root?: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;

function checkNames(names: readonly string[]): void {
  for (const n of names) if (!NAME.test(n)) throw new RangeError(`tunnel name must match [A-Za-z0-9_-]+: ${JSON.stringify(n)}`);
  if (new Set(names).size !== names.length) throw new RangeError('duplicate tunnel name');
}

function checkTimeout(t: number): void {
  if (!Number.isInteger(t) || t < 1) throw new RangeError('timeoutSec must be a positive integer');
}

function preamble(root: string, timeoutSec: number): string {
  return `R=${shQuote(root)}
T=${timeoutSec}
LC_ALL=C; export LC_ALL
${SH_HELPERS}
# pidof_link NAME: the pid in NAME's pid file (empty when none).
pidof_link() { sed -n 1p "$R/var/run/ppp-$1.pid" 2>/dev/null | tr -d ' \\r\\t'; }
iface_of() { sed -n 2p "$R/var/run/ppp-$1.pid" 2>/dev/null | tr -d ' \\r\\t'; }
# wait_gone PID SECS: 0 once PID is gone, 1 if it still lives after SECS.
wait_gone() {
  _i=0
  while alive "$1"; do
    [ "$_i" -ge "$2" ] && return 1
    sleep 1; _i=$((_i + 1))
  done
  return 0
}
# log_of PID [MAX]: syslog lines of pppd[PID], framed.
log_of() { [ -n "$1" ] && syslog | grep "pppd\\[$1\\]" | tail -n "\${2:-60}" | pfx; echo; }
mkdir -p "$R/tmp"
W=$R/tmp/pptp-fleet.$$
rm -rf "$W"; mkdir -p "$W" || exit 1
`;
}

/**
 * The script that brings tunnels up concurrently. A tunnel with restart=false that is already
 * alive is left alone ("kept"); with restart=true its pid is stopped first (up to 10 s). Each
 * started tunnel runs `/usr/sbin/pppd call NAME updetach debug`, output to
 * /tmp/pptp-fleet-NAME.out. Example: tunnelsUpScript([{ name: 'office', restart: true }], 30).
 */
export function tunnelsUpScript(tunnels: Array<{ name: string; restart: boolean }>, timeoutSec: number, options: TunnelScriptOptions = {}): string {
  const names = tunnels.map((t) => t.name);
  checkNames(names);
  checkTimeout(timeoutSec);
  const anyRestart = tunnels.some((t) => t.restart);
  const q = names.map(shQuote).join(' ');
  const starts = tunnels.map((t) => `start_one ${shQuote(t.name)} ${t.restart ? 1 : 0} &`).join('\n');
  return `# pptp-fleet tunnels-up v1
${preamble(options.root ?? '', timeoutSec)}
start_one() {
  _n=$1
  _p=$(pidof_link "$_n")
  if alive "$_p"; then
    echo "$_p" >"$W/$_n.old"
    if [ "$2" = 0 ]; then echo kept >"$W/$_n.action"; return 0; fi
    kill "$_p" 2>/dev/null
    if wait_gone "$_p" ${RESTART_STOP_WAIT_SEC}; then :; else echo stop-failed >"$W/$_n.action"; return 0; fi
  fi
  echo started >"$W/$_n.action"
  rm -f "$R/tmp/pptp-fleet-$_n.daemon" "$R/var/run/pptp-fleet/restart-$_n"
  "$R/usr/sbin/pppd" call "$_n" updetach debug >"$R/tmp/pptp-fleet-$_n.out" 2>&1 </dev/null &
  echo $! >"$W/$_n.fg"
  wait $!
  echo $? >"$W/$_n.rc"
}
# pending NAME: 0 while NAME's foreground pppd still runs (or has not been started yet).
pending() {
  [ -f "$W/$1.action" ] || return 0
  [ "$(cat "$W/$1.action")" = started ] || return 1
  [ -f "$W/$1.rc" ] && return 1
  return 0
}
${starts}
LIMIT=$((T + ${anyRestart ? RESTART_STOP_WAIT_SEC : 0}))
_s=0
while :; do
  _busy=0
  for _n in ${q}; do pending "$_n" && _busy=1; done
  [ "$_busy" = 0 ] && break
  [ "$_s" -ge "$LIMIT" ] && break
  sleep 1; _s=$((_s + 1))
done
# Timed out: stop that tunnel's foreground pppd and its pid-file pid, nothing else.
for _n in ${q}; do
  pending "$_n" || continue
  echo 1 >"$W/$_n.timeout"
  _f=$(cat "$W/$_n.fg" 2>/dev/null); _p=$(pidof_link "$_n")
  [ -n "$_f" ] && kill "$_f" 2>/dev/null
  alive "$_p" && kill "$_p" 2>/dev/null
  [ -n "$_f" ] && wait_gone "$_f" 5
  wait_gone "$_p" 5
done
# Came up: give ip-up a moment to log "Script /etc/ppp/ip-up finished".
_s=0
while [ "$_s" -lt ${IP_UP_WAIT_SEC} ]; do
  _busy=0
  for _n in ${q}; do
    [ "$(cat "$W/$_n.rc" 2>/dev/null)" = 0 ] || continue
    _p=$(pidof_link "$_n")
    alive "$_p" || continue
    syslog | grep "pppd\\[$_p\\]" | grep -q 'ip-up finished' || _busy=1
  done
  [ "$_busy" = 0 ] && break
  sleep 1; _s=$((_s + 1))
done
echo '${UP_MAGIC}'
for _n in ${q}; do
  echo "@@tunnel $_n"
  echo "action=$(cat "$W/$_n.action" 2>/dev/null)"
  if [ -f "$W/$_n.timeout" ]; then echo exit=timeout; else echo "exit=$(cat "$W/$_n.rc" 2>/dev/null)"; fi
  _p=$(pidof_link "$_n"); _f=$(cat "$W/$_n.fg" 2>/dev/null)
  echo "pid=$_p"
  if alive "$_p"; then echo alive=1; else echo alive=0; fi
  echo "iface=$(iface_of "$_n")"
  echo "fgpid=$_f"
  echo '@@stdout'
  if [ -n "$_f" ] && [ -f "$R/tmp/pptp-fleet-$_n.out" ]; then pfx <"$R/tmp/pptp-fleet-$_n.out"; echo; fi
  # The pppd this attempt left behind is the tunnel's until the next start (status reads it).
  [ -n "$_f" ] && [ -n "$_p" ] && [ "$(cat "$W/$_n.rc" 2>/dev/null)" = 0 ] && echo "$_p" >"$R/tmp/pptp-fleet-$_n.daemon"
  echo '@@syslog'
  # Kept or not restarted: the running (old) pid's lines. Started: only the new daemon's lines,
  # never those of the pppd this run stopped.
  [ -z "$_p" ] && [ -z "$_f" ] && _p=$(cat "$W/$_n.old" 2>/dev/null)
  [ -n "$_p" ] && [ "$_p" != "$_f" ] && log_of "$_p" 60
done
echo '@@end'
rm -rf "$W"
`;
}

/**
 * The script that stops tunnels concurrently: SIGTERM to the pid in each tunnel's pid file only,
 * then up to timeoutSec for it to exit (pppd runs ip-down before exiting).
 */
export function tunnelsDownScript(names: string[], timeoutSec: number, options: TunnelScriptOptions = {}): string {
  checkNames(names);
  checkTimeout(timeoutSec);
  const q = names.map(shQuote).join(' ');
  return `# pptp-fleet tunnels-down v1
${preamble(options.root ?? '', timeoutSec)}
stop_one() {
  _n=$1
  _p=$(pidof_link "$_n")
  alive "$_p" || return 0
  echo "$_p" >"$W/$_n.pid"
  syslog | grep -c "pppd\\[$_p\\]" >"$W/$_n.before"
  kill "$_p" 2>/dev/null
  if wait_gone "$_p" "$T"; then echo 1 >"$W/$_n.stopped"; else echo 0 >"$W/$_n.stopped"; fi
}
for _n in ${q}; do stop_one "$_n" & done
wait
echo '${DOWN_MAGIC}'
for _n in ${q}; do
  echo "@@tunnel $_n"
  _p=$(cat "$W/$_n.pid" 2>/dev/null)
  if [ -n "$_p" ]; then
    echo was=1; echo "pid=$_p"; echo "stopped=$(cat "$W/$_n.stopped" 2>/dev/null)"
    echo '@@syslog'
    _b=$(cat "$W/$_n.before" 2>/dev/null); _b=\${_b:-0}
    syslog | grep "pppd\\[$_p\\]" | sed -n "$((_b + 1)),\\$p" | tail -n 60 | pfx
  else
    echo was=0; echo pid=; echo stopped=1
    echo '@@syslog'
  fi
done
echo '@@end'
rm -rf "$W"
`;
}

/**
 * The script that reports each tunnel's pid file, liveness, interface, age and the log of its
 * current (or, when none runs, last) attempt; see the header for which lines that is.
 */
export function tunnelsStatusScript(names: string[], options: TunnelScriptOptions = {}): string {
  checkNames(names);
  const q = names.map(shQuote).join(' ');
  return `# pptp-fleet tunnels-status v1
${preamble(options.root ?? '', 1)}
echo '${STATUS_MAGIC}'
for _n in ${q}; do
  echo "@@tunnel $_n"
  _f=$R/var/run/ppp-$_n.pid
  if [ -f "$_f" ]; then echo pidfile=1; else echo pidfile=0; fi
  _p=$(pidof_link "$_n")
  echo "pid=$_p"
  if alive "$_p"; then echo alive=1; else echo alive=0; fi
  echo "iface=$(iface_of "$_n")"
  echo "since=$(date -r "$_f" +%s 2>/dev/null)"
  echo "now=$(date +%s)"
  # The tool's last attempt counts when the pppd it left is the one running, or none runs.
  _o=$R/tmp/pptp-fleet-$_n.out
  _d=$(sed -n 1p "$R/tmp/pptp-fleet-$_n.daemon" 2>/dev/null | tr -d ' \\r\\t')
  _l=$_p
  _mine=0
  if [ -f "$_o" ]; then
    if alive "$_p"; then
      [ "$_p" = "$_d" ] && _mine=1
    else
      _mine=1; _l=$_d
    fi
  fi
  echo "attempt=$_mine"
  echo '@@stdout'
  if [ "$_mine" = 1 ]; then pfx <"$_o"; echo; fi
  echo '@@syslog'
  log_of "$_l" 60
done
echo '@@end'
rm -rf "$W"
`;
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
  pidFile: boolean;
  pid: number | null;
  alive: boolean;
  iface: string | null;
  /** Pid file mtime (epoch seconds): when the link came up. */
  since: number | null;
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

function kv(s: Section, key: string): string {
  return s.kv.find(([k]) => k === key)?.[1] ?? '';
}

function intOrNull(v: string): number | null {
  return /^\d+$/.test(v) ? Number(v) : null;
}

function data(s: Section | undefined): string {
  if (!s) return '';
  const lines = [...s.data];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Parses tunnelsUpScript's output; throws FactsParseError on foreign or cut-off output. */
export function parseTunnelsUpOutput(stdout: string): TunnelRun[] {
  const what = 'tunnels-up output';
  return groups(stdout, UP_MAGIC, what).map(({ head, sub }) => {
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
    };
  });
}

/** Parses tunnelsDownScript's output. */
export function parseTunnelsDownOutput(stdout: string): TunnelStop[] {
  return groups(stdout, DOWN_MAGIC, 'tunnels-down output').map(({ head, sub }) => ({
    name: head.arg,
    wasRunning: kv(head, 'was') === '1',
    stopped: kv(head, 'stopped') === '1',
    pid: intOrNull(kv(head, 'pid')),
    log: data(sub.syslog),
  }));
}

/** Parses tunnelsStatusScript's output. */
export function parseTunnelsStatusOutput(stdout: string): TunnelStatus[] {
  return groups(stdout, STATUS_MAGIC, 'tunnels-status output').map(({ head, sub }) => {
    const iface = kv(head, 'iface');
    const out = data(sub.stdout);
    const sys = data(sub.syslog);
    const fromAttempt = kv(head, 'attempt') === '1' && out !== '';
    return {
      name: head.arg,
      pidFile: kv(head, 'pidfile') === '1',
      pid: intOrNull(kv(head, 'pid')),
      alive: kv(head, 'alive') === '1',
      iface: iface || null,
      since: intOrNull(kv(head, 'since')),
      now: intOrNull(kv(head, 'now')),
      log: fromAttempt ? [out, stripSyslogPrefix(sys)].filter((x) => x !== '').join('\n') : sys,
      fromAttempt,
      stdout: fromAttempt ? out : '',
      syslog: sys,
    };
  });
}
