// pppd log → one structured session per connection attempt. Pure: text in, data out.
//
// Every message pppd, its plugins and pptp-linux print that matters is one row of the table in
// rules.ts (pattern → what it tells, with a real example line). This file only frames the text
// (lines.ts), decides whose each line is by what it says — pppd started by pptpd or accel-ppp
// logs under another tag — groups lines into attempts (by process, then by the table's "fresh
// attempt" rows) and hands each attempt to verdict.ts.

import type { Attempt, Diagnosis, ParsedLog, Verdict } from './types.js';
import { fromAccel, splitLog, type LogLine, type LogOrigin } from './lines.js';
import { clientLeft, l2tpSession, newSession, scriptFailed, serverSide, sstpSession, type EndEvent, type Session } from './session.js';
import { SOURCE_HEADS, cutMessage, isPptpSourceMessage, isSharedSourceMessage, isSourceMessage } from './source-messages.js';
import { FRONT_END_ROWS, POST_MORTEM_ROWS, HANGUP, SSL_VPN_TEARDOWN, NM_RULES, NM_WHILE_RUNNING_ROWS, PPPD_RULES, PPTP_RULES, PPTPD_REAPING, PPTPD_RULES, XL2TPD_RULES, SIGHUP, connectsWithoutPty, isBarePptpMessage, isFreshLine, isPppdMessage, isSharedPppdMessage, pptpMessage, ruleFor, mppeFromOption } from './rules.js';
import { authFailureWasWarning, decideVerdict } from './verdict.js';
import { hintFor } from './hints.js';
import { XL2TPD_LNS_CALL, readXl2tpdAlone, xl2tpdLines, xl2tpdText } from './xl2tpd.js';

export { hintFor };
export { authFromOption, mppeFromOption, decodeScriptStatus } from './rules.js';
export type { EndEvent, EndKind, HookScript, Session } from './session.js';

/** xl2tpd (a LAC) setting up the call its pppd will run on (control.c, xl2tpd.c). */
const XL2TPD_CALL = /^(?:Call established with \S+, Local: |Calling on tunnel \d+|Connecting to host \S+, port 1701|Connection established to \S+, 1701)/;


/** accel-ppp's dumps of the teardown it sends as a session ends (pptp.c ppp_finished, pptp_close; LCP's TermAck). */
const ACCEL_TEARDOWN = /^(?:sent|rcvd) \[(?:PPTP (?:Call-Disconnect-Notify|Stop-Ctrl-Conn-(?:Request|Reply))|LCP Term(?:Ack|Req)|PPPoE PADT)\b/;

/**
 * Programs around pppd whose own lines, under their own tag, a few of pppd's rows read: chat's
 * word on the dial it ran (the signal that stopped it, its failure), openfortivpn's teardown of
 * the tunnel (rows with evidence: false, not pppd's words), sstpc's word on the SSTP connection
 * pppd runs over.
 */
const PROGRAM_ROWS: ReadonlyArray<readonly [RegExp, ReadonlySet<string>]> = [
  [/^chat$/i, new Set(['chat-signal', 'chat-failed', 'chat-dialing'])],
  [/^openfortivpn$/i, new Set(['ssl-vpn-down'])],
  [/^sstpc$/i, new Set(['sstp-control-failed', 'sstp-aborted', 'sstp-plugin-socket', 'sstp-established'])],
];

/**
 * Words other programs print too (a `shared` row of the table, or a catalogue format from the
 * radiusclient library or a generic plugin message) under another program's tag: that program's
 * line, not pppd's. Under pppd's tag, or with none, they are pppd's.
 */
const othersLine = (l: LogLine): boolean => l.prog !== null && l.source !== 'pppd' && (isSharedPppdMessage(l.msg) || isSharedSourceMessage(l.msg));

/** Whose line it is, judged by its content: pptp's own format first, then the pppd table. */
type Speaker = 'pppd' | 'pptp' | null;

function speakerOf(l: LogLine): Speaker {
  // NetworkManager's pppd plugin passes pppd's own lines on under its tag ("NetworkManager[722]:
  // Modem hangup"); NetworkManager's own lines start with "<level>".
  if (l.source === 'ignored' && /^NetworkManager$/i.test(l.prog ?? '') && !l.msg.startsWith('<') && isPppdMessage(l.msg)) return 'pppd';
  // xl2tpd reports its pppd's exit status (xl2tpd.c child_handler: "pppd exited for call N with
  // code 11"): on an L2TP server whose pppd logs elsewhere, the only word on how the call ended.
  if (l.source === 'ignored' && /^xl2tpd$/i.test(l.prog ?? '') && ruleFor(PPPD_RULES, l.msg)?.rule.name === 'exit-status') return 'pppd';
  // xl2tpd's word on the call its pppd runs (the peer closing it, xl2tpd stopped): relayed.
  if (isXl2tpdRow(l)) return 'pppd';
  // a program around pppd whose own words a few of pppd's rows read (PROGRAM_ROWS)
  const rows = PROGRAM_ROWS.find(([prog]) => prog.test(l.prog ?? ''))?.[1];
  if (rows?.has(ruleFor(PPPD_RULES, l.msg.trim())?.rule.name ?? '')) return 'pppd';
  if (l.source === 'ignored') return null;
  // accel-ppp runs PPP itself: its lines (its PPTP, PPPoE and L2TP dumps too) are the PPP
  // daemon's, read by pppd's table and its accel rows, never by the PPTP client's rows (its own
  // "send [PPTP Outgoing-Call-Reply ... <Result 1>]" accepts a call; pptp-linux reads a refusal).
  if (fromAccel(l)) return /[A-Za-z]{2}/.test(l.msg) ? 'pppd' : null;
  // pptpd's own lines: only its rows about the client's control connection.
  if (l.source === 'pptpd') return ruleFor(PPTPD_RULES, l.msg) ? 'pptp' : null;
  if (pptpMessage(l.msg)) return 'pptp';
  if (isPppdMessage(l.msg) && !othersLine(l)) return 'pppd';
  if (isBarePptpMessage(l.msg)) return 'pptp';
  // Every message pppd and pptp print has words: a tagged line without one is binary noise a
  // front end relayed (wvdial's "pppd: \uFFFD\uFFFD[06][08]", the modem's PPP frames on its pty).
  if (!/[A-Za-z]{2}/.test(l.msg)) return null;
  if (l.source === 'pppd') return 'pppd';
  if (l.source === 'pptp') return 'pptp';
  return null;
}

const xl2tpdHit = (l: LogLine): ReturnType<typeof ruleFor> => {
  const text = xl2tpdText(l);
  return text === null ? null : ruleFor(XL2TPD_RULES, text);
};
const isXl2tpdRow = (l: LogLine): boolean => xl2tpdHit(l) !== null;
/** call.c destroy_call (built with TRUST_PPPD_TO_DIE): the pid of the pppd xl2tpd stops. */
const XL2TPD_STOPS_PPPD = /^Terminating pppd: sending TERM signal to pid (\d+)/;

/**
 * xl2tpd's lines from before the paste shows any pppd line (a NetworkManager-l2tp paste that
 * starts after the link came up): the tunnel time-out of the call xl2tpd ended by stopping the
 * pppd of `pid`, among its lines since it last stopped another pppd.
 */
function tunnelTimeoutBefore(early: LogLine[], pid: string | null): LogLine | undefined {
  let from = 0;
  for (const [i, x] of early.entries()) {
    const stopped = XL2TPD_STOPS_PPPD.exec(x.msg)?.[1];
    if (stopped === undefined) continue;
    if (stopped === pid) return early.slice(from, i).find((y) => xl2tpdHit(y)?.rule.name === 'xl2tpd-tunnel-timeout');
    from = i + 1;
  }
  return undefined;
}
// A row of pppd's table that reads a front end's line, not pppd's (rules.ts FRONT_END_ROWS).
const isFrontEndRow = (l: LogLine): boolean => l.source === 'unknown' && l.prog !== null && FRONT_END_ROWS.has(ruleFor(PPPD_RULES, l.msg)?.rule.name ?? '');

/** rp-pppoe's user-space client (`pppoe[PID]:`), the program pppd runs as its pty. */
const isPppoeClient = (l: LogLine): boolean => /^pppoe$/i.test(l.prog ?? '');

/** Feeds one line to an attempt: the first matching row of the speaker's table acts on it. */
function feed(s: Session, l: LogLine, speaker: 'pppd' | 'pptp'): void {
  s.lines.push(l);
  // the pty program is rp-pppoe's client: the link is PPPoE, on a network device, not pptp
  if (isPppoeClient(l)) {
    s.nonPptpLink ??= l;
    s.networkLink ??= l;
  }
  if (l.source === 'pptpd') {
    // pptpd's lines in an attempt: its pppd is a server's, on pptpd's pty (no TCP 1723 of its own).
    s.nonPptpLink ??= l;
    s.tunnelServer ??= l;
    const hit = ruleFor(PPTPD_RULES, l.msg);
    hit?.rule.on(s, hit.m, l);
    return;
  }
  if (speaker === 'pptp') {
    const hit = ruleFor(PPTP_RULES, pptpMessage(l.msg)?.text ?? l.msg);
    hit?.rule.on(s, hit.m, l);
    return;
  }
  const hit = xl2tpdHit(l) ?? ruleFor(PPPD_RULES, l.msg) ?? (l.source === 'ignored' ? ruleFor(NM_RULES, l.msg) : null);
  hit?.rule.on(s, hit.m, l);
}

// NetworkManager's own lines: "<info>  text", 1.x "<info>  [1554300932.4387] vpn-connection[...]: Data:   text".
const NM_OWN = /^<\w+>\s*(?:\[[\d.]+\]\s*)?(?:vpn-connection\[[^\]]*\]:\s*)?(?:Data:\s*)?/;
// A VPN plugin service's own lines on NetworkManager's stream (nm-vpn-plugin-macros.h _NMLOG:
// "nm-pptp[2340] <info>  Terminated ppp daemon with PID 2345."; before it, glib's g_message:
// "** Message: Terminated ppp daemon with PID 2345.", since glib 2.56 with a time after "Message:").
const NM_VPN_SERVICE = /^(?:nm-(?:pptp|l2tp)\[\d+\]\s+<\w+>|\*\* Message:(?: \d\d:\d\d:\d\d\.\d+:)?)\s*/;
// The VPN NetworkManager reports is a PPP one (NetworkManager-pptp, -l2tp, -sstp): its device.
const PPP_VPN = /Tunnel Device: "?ppp\d|\(ppp\d+\)|NetworkManager\.pptp|nm-pptp|\bpppd\b/;

/** macOS's pppd: its PPTP/L2TP plugins' own words, sys-MacOSX.c's publish_entry, the 10.7+ router lookup. */
// (pppd's own pptp.so plugin, accel-pptp's, which OpenWrt, Asuswrt, Padavan, DD-WRT and Tomato
// run, starts its errors with "PPTP: " too: "Unknown host", "connect failed", "failed to ...")
const APPLE_PPPD = /^(?:PPTP|L2TP)(?:: (?!Unknown host|connect failed|failed to )| connecting to| connection established| hangup$| has detected| disconnect)|^publish_entry SCDSet|^(?:pptp|l2tp)_get_router_address|^IPSec connection /;
/** wvdial's console (wvdialer.cc): its report of pppd's end, or its "-->" relay of pppd's lines. */
const WVDIAL_RUNS_PPPD = /The PPP daemon has died|^\s*-->\s|^Pid of pppd: \d+|^Starting pppd at |WvDial<\*\d+>|\bwvdial\b/i;
/**
 * NetworkManager 0.x and its pppd: the 0.7-0.9 plugin's "nm-pptp-ppp-plugin: (nm_...)" and
 * "** Message:" lines, 0.x's numbered "VPN plugin state changed: N", pppd 2.4.5 and older.
 */
const LEGACY_DESKTOP = /nm-(?:pptp|l2tp)-ppp-plugin: \(nm_|\*\* Message: |<info>\s+VPN plugin state changed: \d|\bpppd 2\.4\.[0-5]\b|\/usr\/lib\/pppd\/2\.4\.[0-5]\//;
/**
 * NetworkManager runs this pppd: its VPN plugin's pppd plugin loaded or logging (the .so's name;
 * nm-pptp-pppd-plugin.c _NMLOG "nm-pptp[PID] <info>  [helper-PID] ..."; older plugins
 * "nm-pptp-ppp-plugin: ..."), pptp started with NetworkManager's log string (nm-pptp-service.c
 * construct_pppd_args: `--logstring nm-pptp-service-PID`), or xl2tpd's stderr on NetworkManager's
 * journal stream (nm-l2tp-service.c runs `xl2tpd -D`).
 */
const NETWORK_MANAGER_RUNS_PPPD = /\bnm-(?:pptp|l2tp)(?:-pppd?)?-plugin\b|\bnm-(?:pptp|l2tp)\[\d+\]|\bnm-pptp-service-\d+|\bNetworkManager\[\d+\]:\s+xl2tpd\[\d+\]:/;

/** A NetworkManager line reporting the VPN's IP configuration (NM_RULES), as that row's text. */
function nmVpnLine(l: LogLine): LogLine | null {
  // its tag, or none when `journalctl -o cat` printed the messages alone
  if (!(l.prog === null || /^NetworkManager$/i.test(l.prog))) return null;
  // untagged, the line is the message as NetworkManager wrote it (no front-end prefix to find)
  const own = l.prog === null && l.raw.trim().startsWith('<') ? l.raw.trim() : l.msg;
  const msg = own.replace(NM_OWN, '').replace(NM_VPN_SERVICE, '').trim();
  const row = ruleFor(NM_RULES, msg)?.rule.name;
  // its level in front ("<info> ", a plugin service's "nm-pptp[N] <info> "), or a wrapped copy that put the secrets message on a line of its own
  return row !== undefined && (own.startsWith('<') || NM_VPN_SERVICE.test(own) || (l.prog === null && row === 'nm-no-secrets')) ? { ...l, msg, source: 'ignored' } : null;
}

/**
 * Lines that are a front end's copy of one pppd logged itself: a front end that keeps pppd's
 * stdout (netctl's `network` with `updetach`, Debian's `ifup` running `pon`) logs each of pppd's
 * messages again under its own tag, in the same second. Such a line is that line again, not
 * another pppd's (NetworkManager's copies are handled as relays: relayedByNetworkManager).
 */
function copiesOfPppdLines(lines: readonly LogLine[]): Set<LogLine> {
  const stampOf = (l: LogLine): string | null => {
    const at = l.prog === null ? -1 : l.raw.indexOf(`${l.prog}[`);
    return at > 0 ? l.raw.slice(0, at) : null;
  };
  const own = new Set<string>();
  for (const l of lines) {
    const stamp = /^pppd$/i.test(l.prog ?? '') && l.pid !== null ? stampOf(l) : null;
    if (stamp !== null) own.add(`${stamp}\u0000${l.msg}`);
  }
  const copies = new Set<LogLine>();
  if (own.size === 0) return copies;
  for (const l of lines) {
    if (l.source !== 'unknown' || l.pid === null || /^(?:pppd|NetworkManager)$/i.test(l.prog ?? '')) continue;
    const stamp = stampOf(l);
    // (pppd's stderr puts its name in front: option errors, "pppd: In file ...")
    if (stamp !== null && own.has(`${stamp}\u0000${l.msg.replace(/^pppd: /, '')}`)) copies.add(l);
  }
  return copies;
}

/** Rows that mean "the link is being set up again" while an attempt is still running. */
const RESTART_ROWS = new Set(['connect', 'interface', 'channel', 'serial']);

// ---------- grouping ----------

interface Group {
  key: string;
  pid: string | null;
  sessions: Session[];
  pptp: boolean;
  /** pppd runs the pptp.so plugin, whose call manager logs from child processes under pppd's name. */
  pptpPlugin: boolean;
  otherTransport: boolean;
}

/** The pid of a hook script pppd started or saw finish (main.c "Script %s started/finished (pid %d)"), by the rows that read them. */
const scriptPid = (msg: string, row: 'script-started' | 'script-finished'): string | undefined =>
  ruleFor(PPPD_RULES, msg)?.rule.name === row ? /\(pid (\d+)/.exec(msg)?.[1] : undefined;
const startedScript = (s: Session, pid: string): boolean => s.lines.some((l) => scriptPid(l.msg, 'script-started') === pid);
// wvdialer.cc's "Carrier detected." (and "Modem initialized."), and a modem's CONNECT result code.
const MODEM_DIALER = /^(?:Carrier detected\.|Modem initialized\.|CONNECT(?: \d+)?$)/;
// openfortivpn's log ("INFO:   Cancelling threads...", tunnel.c, io.c): the lines around its
// tunnel's start and teardown.
const SSL_VPN_FRONT_END = new RegExp(String.raw`^(?:INFO|ERROR|WARN|DEBUG):\s+(?:${SSL_VPN_TEARDOWN}|Tunnel is up and running|Connected to gateway|Setting \S+ interface up)`);
const MODEM_KERNEL = /\b(?:ttyUSB|ttyACM)\d+: |\bGSM modem\b|\bconverter now (?:attached to|disconnected from) ttyUSB\d+/;
const PPTP_PLUGIN = /^Plugin \S*pptp\.so loaded|^PPTP plugin version/;
/**
 * A line of pptp's call manager: its messages in the sources' catalogue, and the short ones the
 * catalogue leaves out for having too few words (pptp_callmgr.c "connect: %s", "IP: %s",
 * "control connection", "unix_sock"; pptp_ctrl.c "%s control packet type is %d '%s'", "Echo
 * Re%s received.", "read error: %s", "pptp_conn_close(%d)"; pptp.so's pptp.c launch_callmgr
 * "pptp: call manager for %s", "window size:\t%d", "call id:\t%d", "phone number:\t%s").
 */
const isCallManagerLine = (msg: string): boolean =>
  isPptpSourceMessage(msg) ||
  /^(?:connect|socket|bind|IP|(?:read|write) error): |^(?:control connection|unix_sock)$|^(?:Sent|Buffered) control packet type is \d+|^Echo Re(?:quest|ply) received\.$|^pptp_conn_close\(\d+\)$|^Closing connection \(|^pptp: call manager for \S+$|^(?:window size|call id|phone number):\s/.test(msg.trim());
const PPTP_GROUP = /Connect:\s*\S+\s*<-->\s*\/dev\/pts\/|pptp\.so|nm-pptp|PPTP plugin|pptp_server|\bpptp\b/i;
const OTHER_TRANSPORT = /rp-pppoe|pppoe\.so|PPPoE plugin|\bPAD[IORST]\b|pppol2tp|l2tp/i;

/** ipcp.c printed an address: the link of this attempt came up. */
const linkWasUp = (s: Session): boolean => s.upLine !== null || s.localIp !== null || s.remoteIp !== null;

/** A line NetworkManager's journal stream carries for the pppd it runs (speakerOf: pppd's words under NetworkManager's tag). */
const relayedByNetworkManager = (l: LogLine): boolean => l.source === 'ignored' && /^NetworkManager$/i.test(l.prog ?? '');

function startsNew(s: Session, l: LogLine, speaker: 'pppd' | 'pptp'): boolean {
  if (s.lines.length === 0) return false;
  // Under `nodetach` pppd writes each message to syslog and again to its stdout (utils.c
  // log_write: log_to_fd stays 1, main.c detach never runs), which NetworkManager's VPN plugin
  // leaves on NetworkManager's journal stream: "pppd[2345]: Connect: ppp0 <--> /dev/pts/3", then
  // "NetworkManager[812]: Connect: ...". The copy of a line this attempt's pppd logged itself is
  // that line again, not a new attempt.
  if (relayedByNetworkManager(l) && s.lines.some((p) => !relayedByNetworkManager(p) && p.msg === l.msg)) return false;
  // accel-ppp's "disconnected" ends every session: its next session line is another session
  // (the server's own teardown dumps right after it excepted).
  if (s.finished && fromAccel(l) && s.lines.some((x) => fromAccel(x))) return !ACCEL_TEARDOWN.test(l.msg);
  if (s.finished) return isFreshLine(l.msg, speaker === 'pptp');
  if (speaker === 'pptp') return false;
  const row = ruleFor(PPPD_RULES, l.msg)?.rule.name;
  // pppd X started by: a new process with the same (or no) pid.
  // (main.c prints it once per process, so after an attempt that ended it is another process,
  // also where the pids that told them apart are gone: `journalctl -o cat`, exports.)
  if (row === 'started') return s.started || s.configErr !== null || s.noKernel !== null || s.ends.length > 0 || linkWasUp(s);
  // Plugins load while pppd reads its options, before "started by": one loading after the link
  // came up (a paste that begins with an earlier link's tail) is another pppd.
  if (row === 'plugin' && linkWasUp(s)) return true;
  // PPPoE discovery runs only while connecting (plugin.c PPPOEConnectDevice): the plugin's
  // discovery time-out, in pppd's own name, after the link came up is a `persist` redial whose
  // own end the paste may not show. (An untagged one may be another process's: rp-pppoe's
  // user-space client's of an earlier run.)
  if (row === 'pppoe-no-answer' && linkWasUp(s) && l.source === 'pppd') return true;
  // A PADI starts PPPoE discovery, which comes before a session's PPP (RFC 2516 5): after this
  // attempt's LCP began, ended or came up it is the next attempt (a router firmware that logs
  // no Connect line, a debug-only log).
  if (row === 'pppoe-padi' && (s.lcpSent.length > 0 || s.lcpRcvdAny || s.ends.length > 0 || linkWasUp(s))) return true;
  // pppd exits on an option error or a kernel without PPP (or one refusing its unit): a link
  // being set up after one is another run (a front end that first ran `pptp --version`, a second `pon`).
  if ((s.configErr !== null || s.noKernel !== null || s.unitRefused !== null) && row !== undefined && RESTART_ROWS.has(row)) return true;
  return s.started && row !== undefined && RESTART_ROWS.has(row);
}

/**
 * The lines of each host, when the log is a central syslog server's file that several hosts'
 * pppd write to at once (`grep pppd /var/log/remote.log`): each host's pppd is its own process,
 * and identical firmware repeats pids across hosts. Null for one host's log. A router's name can
 * change under a running pppd (early boot lines under "localhost", a sender's address that
 * flips): a pid that goes on under another name without starting again there is that router's
 * one process, so those names are one host. Only hosts whose pppd (or pptp, pptpd) lines then
 * take turns make it several hosts' log. A line without a host goes with the line before it.
 */
function interleavedHosts(lines: LogLine[]): Map<string, LogLine[]> | null {
  // (xl2tpd's own lines too: a central log of routers whose only word on a call is xl2tpd's)
  const spoken = lines.filter((l): l is LogLine & { host: string } => l.host !== undefined && ((l.source !== 'ignored' && l.source !== 'unknown') || xl2tpdText(l) !== null));
  const router = sameRouter(spoken);
  const turns: string[] = [];
  for (const l of spoken) if (turns[turns.length - 1] !== router(l.host)) turns.push(router(l.host));
  if (new Set(turns).size === turns.length) return null;
  const byHost = new Map<string, LogLine[]>();
  let host = turns[0] ?? '';
  for (const l of lines) {
    host = l.host === undefined ? host : router(l.host);
    let own = byHost.get(host);
    if (!own) byHost.set(host, (own = []));
    own.push(l);
  }
  return byHost;
}

/** pppd's words once per process, at its start (main.c "pppd %s started by", the plugins it loads first). */
const PROCESS_START: ReadonlySet<string> = new Set(['started', 'plugin']);

/**
 * Which names are one router: a pid that shows under several names and starts (pppd's start
 * lines) under at most one of them is one process, renamed; the name it ends under names the
 * router. Two routers' pppd with one pid each start under their own names.
 */
function sameRouter(spoken: (LogLine & { host: string })[]): (host: string) => string {
  const parent = new Map<string, string>();
  const find = (h: string): string => {
    let r = h;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) ?? r;
    return r;
  };
  const byPid = new Map<string, { hosts: Set<string>; started: Set<string>; last: string }>();
  for (const l of spoken) {
    if (l.pid === null) continue;
    const p = byPid.get(l.pid) ?? { hosts: new Set<string>(), started: new Set<string>(), last: l.host };
    p.hosts.add(l.host);
    p.last = l.host;
    if (PROCESS_START.has(ruleFor(PPPD_RULES, l.msg)?.rule.name ?? '')) p.started.add(l.host);
    byPid.set(l.pid, p);
  }
  for (const p of byPid.values()) {
    if (p.hosts.size < 2 || p.started.size > 1) continue;
    for (const h of p.hosts) if (find(h) !== find(p.last)) parent.set(find(h), find(p.last));
  }
  return find;
}

/**
 * Parses a whole log: attempts in log order (every pppd process, every persist retry). In a
 * log of several hosts each host's lines are parsed on their own, and each attempt names its
 * host. The attempts of hosts with a PPTP tunnel come last (the verdict is theirs, as in one
 * router's logread), the host that logged last at the end of each kind.
 */
export function parseSessions(text: string, origin: LogOrigin = {}): { sessions: Session[]; isPppdLog: boolean } {
  // (the router's own lines, read over SSH, are whole)
  const lines = origin.captured ? splitLog(text, origin) : mendCutEnd(splitLog(text, origin));
  const hosts = interleavedHosts(lines);
  if (hosts === null) {
    const { sessions, isPppdLog } = parseLines(lines);
    return { sessions, isPppdLog };
  }
  const parts = [...hosts].map(([host, own]) => ({ host, last: own[own.length - 1]?.index ?? -1, ...parseLines(own) }));
  const sessions = parts
    .sort((a, b) => Number(a.pptp) - Number(b.pptp) || a.last - b.last)
    .flatMap((p) => p.sessions.map((x) => Object.assign(x, { host: p.host })));
  return { sessions, isPppdLog: parts.some((p) => p.isPppdLog) };
}

// The message texts a cut last line is completed from: the sources' literal heads and the lines
// the rules were written from ("CHAP authentication succeeded": chap-new.c prints the method
// through a conversion).
const CUT_HEADS: readonly string[] = [...SOURCE_HEADS, ...[...PPPD_RULES, ...PPTP_RULES].map((r) => r.example)];

/**
 * A paste (or a stored copy of one) may end in the middle of a word of its last line: that
 * line's message is made whole when the known messages it begins agree on the rest of the word
 * ("CHAP authentication succeede", source-messages.ts cutMessage; pptp's text after its
 * "anon log[...]: " prefix too). Only the last line read is tried: for a paste turned
 * newest-first the cut line is not mended.
 */
function mendCutEnd(lines: LogLine[]): LogLine[] {
  const last = lines[lines.length - 1];
  if (!last || last.source === 'ignored') return lines;
  // pptp's text after its "anon log[func:file.c:N]: " prefix (util.c)
  const text = pptpMessage(last.msg)?.text ?? last.msg.trim();
  const whole = cutMessage(text, CUT_HEADS);
  return whole ? [...lines.slice(0, -1), { ...last, msg: last.msg.trim().slice(0, -text.length) + whole }] : lines;
}

/** Parses one host's lines (see parseSessions); `pptp`: some of its pppd processes are PPTP's. */
function parseLines(lines: LogLine[]): { sessions: Session[]; isPppdLog: boolean; pptp: boolean } {
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  let current: Group | null = null;
  let pending: LogLine[] = [];
  // xl2tpd's lines from before the paste shows any pppd line (tunnelTimeoutBefore)
  let earlyXl2tpd: LogLine[] = [];
  let seen = false;
  let l2tpCall: LogLine | null = null;
  const lnsCalls = new Map<string, LogLine>();

  const groupFor = (key: string, pid: string | null): Group => {
    let g = groups.get(key);
    if (!g) {
      g = { key, pid, sessions: [], pptp: false, pptpPlugin: false, otherTransport: false };
      groups.set(key, g);
      order.push(g);
    }
    return g;
  };
  const add = (g: Group, l: LogLine, speaker: 'pppd' | 'pptp'): void => {
    let s = g.sessions[g.sessions.length - 1];
    // A script the attempt before started finishes after `persist` began the next one (ipcp.c
    // runs ip-down without waiting for it): it goes with the attempt that started it.
    const pid = speaker === 'pppd' ? scriptPid(l.msg, 'script-finished') : undefined;
    const prev = g.sessions[g.sessions.length - 2];
    if (pid !== undefined && s && prev && !startedScript(s, pid) && startedScript(prev, pid)) {
      feed(prev, l, speaker);
      return;
    }
    if (!s || startsNew(s, l, speaker)) {
      const before = s;
      s = newSession(g.pid);
      // the same process had PPP from the kernel in its attempt before (persist, demand): not
      // after its "Exit.", nor for a process that starts here (a pid used again)
      if (before && !before.exited && ruleFor(PPPD_RULES, l.msg)?.rule.name !== 'started') s.kernelPpp = before.kernelPpp;
      s.l2tpCall = l2tpCall;
      l2tpCall = null;
      g.sessions.push(s);
    }
    feed(s, l, speaker);
    if (PPTP_GROUP.test(l.msg) || speaker === 'pptp') g.pptp = true;
    if (PPTP_PLUGIN.test(l.msg)) g.pptpPlugin = true;
    if ((OTHER_TRANSPORT.test(l.msg) || connectsWithoutPty(l.msg)) && speaker === 'pppd') g.otherTransport = true;
  };

  // Lines no row reads but that pppd or pptp print (their sources' formats): they make the
  // text a pppd log even when nothing else does.
  const known: LogLine[] = [];
  const pppVpn = lines.some((l) => PPP_VPN.test(l.raw));
  // The kernel naming a USB modem's serial port (usb-serial's option driver: "GSM modem
  // (1-port) converter now disconnected from ttyUSB1", cdc-acm's ttyACM0): pppd's line is a
  // modem's even where the paste has no "Connect: ppp0 <--> /dev/ttyUSB0".
  // (Untagged too: `journalctl -o cat` drops the "kernel:" tag.) So is a pppd a dialer ran on
  // a modem it dialled (wvdial's "--> Carrier detected.", the modem's "CONNECT 115200").
  const modemLine =
    lines.find((l) => (/^kernel$/i.test(l.prog ?? '') || (l.prog === null && l.source === 'unknown')) && MODEM_KERNEL.test(l.msg)) ??
    lines.find((l) => l.prog === null && l.source === 'unknown' && MODEM_DIALER.test(l.msg.trim())) ??
    null;
  const copied = copiesOfPppdLines(lines);
  for (const l0 of lines) {
    if (copied.has(l0)) continue;
    const nm = pppVpn ? nmVpnLine(l0) : null;
    const l = nm ?? l0;
    const attemptRuns = current?.sessions[current.sessions.length - 1]?.finished === false;
    const fromXl2tpd = /^xl2tpd$/i.test(l.prog ?? '');
    // xl2tpd (a LAC) setting up a call while no pppd runs: the next pppd runs on it
    if (!attemptRuns && fromXl2tpd && XL2TPD_CALL.test(l.msg)) l2tpCall = l;
    // xl2tpd as the LNS names the pppd it started for a client's call (a server's log)
    const lns = fromXl2tpd ? XL2TPD_LNS_CALL.exec(l.msg) : null;
    if (lns?.[1]) lnsCalls.set(lns[1], l);
    if (current === null && fromXl2tpd) earlyXl2tpd.push(l);
    if (nm && !attemptRuns && NM_WHILE_RUNNING_ROWS.has(ruleFor(NM_RULES, nm.msg)?.rule.name ?? '')) continue;
    let speaker = nm ? 'pppd' : speakerOf(l);
    // An untagged line (a terminal, `journalctl -o cat`) or netifd's relay of pppd's stderr that
    // one of pppd's rows reads, while pppd is writing the log: pppd's own, also where its words
    // are like any program's (an option error, then pppd exits).
    if (speaker === null && current !== null && l.source === 'unknown' && (l.prog === null || /^netifd$/i.test(l.prog)) && ruleFor(PPPD_RULES, l.msg) !== null) speaker = 'pppd';
    // rp-pppoe's user-space client runs as pppd's pty program ("Connect: ppp0 <--> /dev/pts/0"
    // too): the pppd it talks for is a PPPoE link, not a PPTP one, and its own lines (discovery
    // time-outs, the concentrator's PADT, its inactivity timer) tell how that pppd's link ended.
    const fromPppoe = current !== null && isPppoeClient(l);
    if (current && fromPppoe) current.otherTransport = true;
    const pppoeChild = fromPppoe && current !== null && !current.sessions.some((x) => x.lines.some((y) => y.source === 'pptp'));
    if (pppoeChild && speaker === null) speaker = 'pppd';
    if (speaker === null) {
      if (l.source !== 'pptpd' && isSourceMessage(l.msg) && !othersLine(l)) known.push(l);
      continue;
    }
    // pptpd's rows tell about its pppd's session: a paste of them alone is a PPTP server's log.
    seen = true;
    if (speaker === 'pptp') {
      // pptpd logs about the next call before its pppd starts ("CTRL: ..." from a control
      // process whose pppd has not written yet): after a finished attempt, its lines wait.
      const last = current?.sessions[current.sessions.length - 1];
      if (current && !(l.source === 'pptpd' && last?.finished)) add(current, l, speaker);
      else pending.push(l);
      continue;
    }
    // pppd's lines carry its pid whatever program name the tag shows (pptp[PID] under pptpd).
    // pppd's lines relayed by NetworkManager carry NetworkManager's pid: they go on the pppd
    // session that was running.
    // xl2tpd's lines tell about a pppd that runs; before any there is nothing for them to tell.
    const xl2tpd = isXl2tpdRow(l);
    if (current === null && xl2tpd) continue;
    // So do a front end's own words on the pppd it runs (openfortivpn's "Tunnel is up and
    // running." under its own pid).
    // A front end's untagged report on the pppd whose syslog lines ended the attempt just before
    // (a paste of wvdial's console after pppd's syslog) is that attempt's post-mortem, not a new one.
    const postMortem = l.pid === null && current !== null && current.key !== 'raw' && current.sessions[current.sessions.length - 1]?.finished === true && POST_MORTEM_ROWS.has(ruleFor(PPPD_RULES, l.msg)?.rule.name ?? '');
    const relayed = l.source === 'ignored' || xl2tpd || isFrontEndRow(l) || pppoeChild || postMortem;
    const key = relayed && current ? current.key : l.pid && !relayed ? `pid:${l.pid}` : 'raw';
    // `updetach` (and detaching after start) forks: the same session goes on under a new pid.
    // A new pid whose first line continues a session (not a start line) joins the session
    // the previous pppd line belonged to, while that one is still running.
    if (key.startsWith('pid:') && !groups.has(key) && current && !isFreshLine(l.msg, false)) {
      const last = current.sessions[current.sessions.length - 1];
      if (last && last.started && !last.finished) groups.set(key, current);
      // pptp.so's call manager runs in pppd's children (pptp.c open_callmgr forks it, and it
      // forks again to stay, pptp_callmgr.c): their lines carry pppd's name and their own pids,
      // from before the link starts ("Could not open control connection to ...", then the
      // child's own "Exit." from pppd's fatal()); they belong to the pppd that launched it.
      else if (last && !last.finished && current.pptpPlugin && isCallManagerLine(l.msg)) groups.set(key, current);
    }
    const g = groupFor(key, l.pid);
    current = g;
    const timedOut = tunnelTimeoutBefore(earlyXl2tpd, l.pid);
    earlyXl2tpd = [];
    if (pending.length > 0) {
      for (const p of pending) add(g, p, 'pptp');
      pending = [];
    }
    add(g, l, speaker);
    const s = g.sessions[g.sessions.length - 1];
    if (timedOut && s) s.l2tpTimeout ??= timedOut;
  }
  // pptpd lines about a call whose pppd never wrote (or was cut off) tell nothing about the
  // attempts that are there.
  if (order.length > 0) pending = pending.filter((l) => l.source !== 'pptpd');
  if (pending.length > 0) {
    const g = groupFor('raw', null);
    for (const p of pending) add(g, p, 'pptp');
  }

  if (order.length === 0 && known.length > 0) {
    const g = groupFor('raw', null);
    for (const l of known) add(g, l, 'pppd');
    seen = true;
  }
  // xl2tpd's lines alone, no line of pppd's: an L2TP call that never got to pppd, or a pppd
  // that logs elsewhere (xl2tpd.ts)
  if (order.length === 0) {
    const own = xl2tpdLines(lines);
    const reading = readXl2tpdAlone(own);
    if (reading) {
      const s = newSession(reading.evidence.pid);
      s.lines.push(...own);
      s.xl2tpdAlone = reading;
      groupFor('raw', null).sessions.push(s);
      seen = true;
    }
  }
  mergeDialerViews(groups);
  // the pppd an LNS started for a client: this log is the server's
  for (const [pid, line] of lnsCalls) {
    for (const s of groups.get(`pid:${pid}`)?.sessions ?? []) {
      s.tunnelServer ??= line;
      s.l2tpCall = line;
    }
  }
  const nonPptp = order.filter((g) => !g.pptp).flatMap((g) => g.sessions);
  // A pppd whose lines name no line at all runs on the USB modem the kernel named (or dialled).
  if (modemLine) {
    for (const s of nonPptp) {
      if (!s.serialLine && !s.tunnelServer && !s.lines.some((l) => ruleFor(PPPD_RULES, l.msg)?.rule.name === 'connect')) {
        s.serialLine = modemLine;
        s.nonPptpLink ??= modemLine;
      }
    }
  }
  const frontEnd = lines.find((l) => SSL_VPN_FRONT_END.test(l.raw));
  if (frontEnd) for (const s of nonPptp) s.ptyFrontEnd ??= frontEnd;
  // A logread holds the PPPoE WAN's pppd too: prefer PPTP processes when there are any. A pppd
  // whose lines show no transport at all (its start cut off the paste) is not the tunnel either
  // when another one is plainly PPTP's.
  const hasPptp = order.some((g) => g.pptp && !g.otherTransport);
  const kept = hasPptp ? order.filter((g) => g.pptp && !g.otherTransport) : order;
  const sessions = kept
    .flatMap((g) => g.sessions)
    .filter((s) => s.lines.length > 0)
    .sort((a, b) => (a.lines[0]?.index ?? 0) - (b.lines[0]?.index ?? 0));
  // pptpd's reaping of a pppd may sit in another call's attempt, or after this pppd's last line
  // (by the pid it names; where the lines carry no pid, the one among the attempt's own lines)
  const reaps = new Map<string, LogLine>();
  for (const l of lines) {
    const pid = l.source === 'pptpd' ? PPTPD_REAPING.exec(l.msg)?.[1] : undefined;
    if (pid !== undefined && !reaps.has(pid)) reaps.set(pid, l);
  }
  for (const s of sessions) {
    const reap = s.pid === null ? s.lines.find((l) => l.source === 'pptpd' && PPTPD_REAPING.test(l.msg)) : reaps.get(s.pid);
    if (reap === undefined) continue;
    // pptpd reaps its own children: this pppd is a PPTP server's, on pptpd's pty
    s.tunnelServer ??= reap;
    s.nonPptpLink ??= reap;
    s.callCleared = callCleared(reap, lines, reap.pid === null ? (s.lines[0]?.index ?? 0) : 0);
  }
  // A few lines of another process inside a running attempt (a leftover pppoe's "Timeout waiting
  // for PADO packets" while pppd's link dies) are no later attempt: the one around them is last.
  const last = sessions[sessions.length - 1];
  if (last && isFragment(last)) {
    // the attempt around them that tells most (a helper process's few lines around them too)
    const around = sessions
      .filter((o) => o !== last && span(o)[0] < span(last)[0] && span(o)[1] > span(last)[1])
      .sort((a, b) => Number(b.ends.length > 0) - Number(a.ends.length > 0) || b.lines.length - a.lines.length)[0];
    if (around) decidesLast(sessions, around);
  }
  // A restart on a line already gone (`persist` after an LCP time-out on a hung-up pty or
  // modem: "tcflush failed: Bad file descriptor", then "Exit.") before the peer said a word
  // tells nothing of its own: the attempt that ended before it decides.
  const retry = sessions[sessions.length - 1];
  const before = sessions[sessions.length - 2];
  if (retry?.ttyGone && retry.finished && !retry.lcpRcvdAny && retry.authResult === 'none' && before && before.ends.length > 0) {
    decidesLast(sessions, before);
  }
  return { sessions, isPppdLog: seen && sessions.length > 0, pptp: hasPptp };
}

/** wvdial's console naming the pppd it started (wvdialer.cc start_ppp "Pid of pppd: %d"). */
const DIALER_PID = /^pid of pppd: (\d+)/i;

/**
 * A paste of wvdial's console beside pppd's syslog tells one pppd twice: the console's attempt
 * names the pid ("Pid of pppd: 2345") whose syslog lines are another group. Where that pid ran
 * one attempt, the console's lines (the dial, wvdial's report of pppd's exit) join it, after
 * pppd's own words: one attempt, not a phantom second one without pppd's story.
 */
function mergeDialerViews(groups: Map<string, Group>): void {
  for (const g of groups.values()) {
    for (const s of [...g.sessions]) {
      const pid = s.lines.map((l) => DIALER_PID.exec(l.msg.trim())?.[1]).find((x) => x !== undefined);
      const own = pid === undefined ? undefined : groups.get(`pid:${pid}`);
      if (!own || own === g || own.sessions.length !== 1) continue;
      const [t] = own.sessions;
      if (!t) continue;
      for (const l of s.lines) feed(t, l, 'pppd');
      t.lines.sort((a, b) => a.index - b.index);
      g.sessions.splice(g.sessions.indexOf(s), 1);
    }
  }
}

/** Puts the attempt whose outcome the log's end is about last, where the verdict is read. */
function decidesLast(sessions: Session[], s: Session): void {
  sessions.push(...sessions.splice(sessions.indexOf(s), 1));
}

const span = (s: Session): [number, number] => [s.lines[0]?.index ?? 0, s.lines[s.lines.length - 1]?.index ?? 0];

/** Lines that never set up a link of their own: no start, no Connect, no LCP. */
function isFragment(s: Session): boolean {
  return s.lines.length <= 3 && !s.started && !s.lines.some((l) => {
    const row = ruleFor(PPPD_RULES, l.msg)?.rule.name ?? '';
    return row === 'started' || RESTART_ROWS.has(row);
  });
}

/**
 * pppd's "Hangup (SIGHUP)" is somebody stopping it unless the line it runs on hung up: the kernel
 * sends the tty's session leader SIGHUP when a modem drops carrier, and so it does on pptpd's pty
 * when pptpd closes it (pptpctrl.c, the call over), and wherever "Modem hangup" follows it at
 * once (end-of-file on the tty or pty). On a serial line "Modem hangup" itself is the modem
 * dropping carrier (tty.c), not a pty program quitting. Settled once the attempt is read, since
 * pptpd's lines may come after pppd's.
 */
function settleHangup(s: Session): void {
  const carrier = (how: string) => ({ kind: 'hangup', detail: `${HANGUP.modem} (${how})`, cause: 'carrier-lost' }) as const;
  s.ends.forEach((e, i) => {
    if (e.kind === 'hangup' && e.cause === 'pty-closed' && s.serialLine) return void Object.assign(e, carrier('carrier lost on the serial line'));
    // A network interface or an ATM circuit under pppd (PPPoE, PPPoA): no pty, no pptp.
    if (e.kind === 'hangup' && e.cause === 'pty-closed' && s.networkLink) {
      e.detail = HANGUP.link;
      e.cause = 'link-closed';
      return;
    }
    if (e.kind !== 'signal' || e.detail !== SIGHUP) return;
    if (s.serialLine) return void Object.assign(e, carrier('SIGHUP from the serial line'));
    if (s.tunnelServer) return void Object.assign(e, { kind: 'hangup', detail: "pptpd closed pppd's pty (SIGHUP): the call is over", cause: 'pty-closed' });
    if (s.ptyFrontEnd) return void Object.assign(e, { kind: 'hangup', detail: "openfortivpn closed pppd's pty (SIGHUP) as it shut the tunnel down", cause: 'line-hung-up' });
    // "Modem hangup" right after it: pppd's read of its tty (or pty) met end-of-file (main.c
    // get_input), which a `kill -HUP` never causes: the line itself hung up under pppd (the
    // pty's other end closed: pptp or a front end quit; a modem or a Bluetooth link gone).
    const next = s.ends[i + 1];
    if (next?.kind === 'hangup' && s.lines[s.lines.indexOf(e.line) + 1] === next.line) {
      Object.assign(e, { kind: 'hangup', detail: HANGUP.line, cause: 'line-hung-up' });
    }
  });
}

/**
 * Debug-only logs (a `*.=debug` syslog file, `logread | grep debug`) never show ipcp.c's
 * "local/remote IP address" notices: IPCP is up once each side acked the other's ConfReq, and
 * the addresses are the ones in those ConfAcks.
 */
function settleIpcp(s: Session): void {
  if (s.upLine !== null) return;
  // An IPv6-only link: IPv6CP up, IPCP never (no IPv4 addresses to report).
  if ((!s.ipcpAckRcvd || !s.ipcpAckSent) && s.ipv6Up) s.upLine = s.ipv6Up;
  if (s.upLine !== null || !s.ipcpAckRcvd || !s.ipcpAckSent) return;
  s.localIp ??= s.ipcpLocal;
  s.remoteIp ??= s.ipcpRemote;
  s.upLine = s.ipcpAckRcvd.index > s.ipcpAckSent.index ? s.ipcpAckRcvd : s.ipcpAckSent;
}

/** On an LNS, xl2tpd's word that the L2TP peer closed the call or the tunnel is the client leaving. */
function settleLnsEnds(s: Session): void {
  if (!s.l2tpCall || !XL2TPD_LNS_CALL.test(s.l2tpCall.msg)) return;
  for (const e of s.ends) {
    if (e.kind === 'pptp-peer-closed' && e.detail.startsWith('xl2tpd: the L2TP peer')) {
      e.detail = e.detail.replace('xl2tpd: the L2TP peer', 'xl2tpd: the L2TP client');
      e.cause = 'client-left';
    }
  }
}

/** accel-ppp's ppp.c connect_ppp_channel() line ("connect: ppp0 <--> pptp(203.0.113.7)"). */
const ACCEL_CONNECT = /^connect: \S+ <--> \w+\(/;

/**
 * accel-ppp connects a session's ppp unit once authentication succeeded (ppp_auth.c
 * ppp_auth_succeeded calls connect_ppp_channel): those two lines are all its default `[log]
 * level=3` writes of a session that works (IPCP is dumped at level 5 only), so a session with
 * both, no packet dump and no end after them is up, without addresses.
 */
function settleAccel(s: Session): void {
  if (s.upLine !== null || s.authResult !== 'success' || s.ends.length > 0 || s.finished) return;
  const accel = s.lines.filter((l) => fromAccel(l));
  // at level 4 and up its packet dumps show IPCP, which then decides (settleIpcp)
  if (accel.some((l) => /^(?:sent|rcvd) \[/.test(l.msg))) return;
  const connect = accel.find((l) => ACCEL_CONNECT.test(l.msg));
  if (connect) s.upLine = connect;
}

/**
 * accel-ppp with `mppe=require` ends the session itself when the client refuses MPPE (ccp_mppe.c
 * mppe_recv_conf_rej returns -1, or the client's LCP Protocol-Reject of CCP, 0x80fd) and logs no
 * reason: at level 5 the client's refusal is followed by the server's own LCP Terminate-Request.
 */
function accelMppeRefused(s: Session): void {
  if (s.upLine !== null || s.mppeFail !== null) return;
  const accel = s.lines.filter((l) => fromAccel(l));
  const refused = accel.findIndex((l) => /^rcvd \[(?:CCP ConfRej\b|LCP ProtoRej\b.*\b80fd\b)/i.test(l.msg));
  if (refused < 0) return;
  const after = accel.slice(refused + 1);
  const ourEnd = after.findIndex((l) => /^sent \[LCP TermReq\b/.test(l.msg));
  if (ourEnd >= 0 && !after.slice(0, ourEnd).some((l) => /^rcvd \[(?:LCP TermReq|IPCP ConfAck)\b/.test(l.msg))) s.mppeFail = accel[refused] ?? null;
}

/**
 * The PPTP server an attempt's lines name: pptp's "Could not open control connection to X",
 * its resolver errors, pptp.so's "Unknown host X" and Connect line ("<--> pptp (X)"), the pty command pppd ran.
 * A poster's "xxx.xxx...", "66.212.x.x" or "<ip>" is no name.
 */
const SERVER_NAMED = [
  /control connection to\s+(\S+)/,
  /(?:gethostbyname|getaddrinfo)\(?\)?:? '([^']+)'/,
  /Unknown host (\S+)/,
  /<-->\s*pptp \(([^)]+)\)/,
  // pptp.so's call manager (pptp.c launch_callmgr)
  /^pptp: call manager for (\S+)/,
  // macOS's plugins (pptp_connect, l2tp_connect)
  /^(?:PPTP|L2TP):? (?:connecting to (?:alternate )?server|Host) '([^']+)'/,
  // the pty command pppd ran ("Script pptp vpn.example.com --nolaunchpppd finished")
  /\bpptp\s+([^\s-]\S*)\s+--nolaunchpppd/,
];
function serverNamed(s: Session): string | null {
  for (const l of s.lines) {
    for (const re of SERVER_NAMED) {
      const m = re.exec(l.msg);
      if (m?.[1] && !/x{3}|\bx\.x\b|[<>*]/i.test(m[1])) return m[1];
    }
  }
  return null;
}

/** The program that runs this pppd for the user, where its lines show it (Attempt.frontEnd). */
function frontEndOf(s: Session): Attempt['frontEnd'] {
  // xl2tpd's lines alone: what xl2tpd says is all the log holds (xl2tpd.ts)
  if (s.xl2tpdAlone) return 'xl2tpd';
  // NetworkManager's VPN plugin saying it stopped this pppd is NetworkManager's word too
  if (s.networkManagerStop !== null || s.lines.some((l) => NETWORK_MANAGER_RUNS_PPPD.test(l.raw))) return 'networkmanager';
  if (s.lines.some((l) => APPLE_PPPD.test(l.msg))) return 'macos';
  if (s.lines.some((l) => WVDIAL_RUNS_PPPD.test(l.raw))) return 'wvdial';
  if (s.lines.some((l) => fromAccel(l))) return 'accel-ppp';
  return null;
}

/**
 * pptpctrl.c pptp_handle_ctrl_connection() ends a call for a reason it logs (an error, EOF on TCP
 * 1723, "Session timed out", a failed pty read when its pppd went first) but for the client's
 * Call-Clear-Request, which it logs only with debug; then it closes pppd's pty and logs
 * "Reaping child PPP[pid]". That line for a pppd (`reap`), with no reason before it from the same
 * control process (pptpd forks one per client; without pids, since the attempt's first line,
 * `from`), is the client clearing the call, or pptpd
 * stopped by a signal that interrupted its select() (silent too: settleCallClear tells them apart
 * by pppd's own lines).
 */
function callCleared(reap: LogLine, lines: readonly LogLine[], from: number): LogLine | null {
  const said = lines.some((l) => l.index >= from && l.index < reap.index && l.source === 'pptpd' && l.pid === reap.pid && PPTPD_REASON.test(l.msg));
  return said ? null : reap;
}
/** pptpctrl.c's and pptpgre.c's words for why pptpd ended a call (any of them before its reaping). */
const PPTPD_REASON = /fail|error|EOF|timed out|Exiting on signal|Request to close|Received (?:CALL CLR|STOP CTRL)|collapsed|syncronization|aborting/i;

/**
 * The client cleared the call (callCleared) where pppd's own lines end on its pty closing under
 * it ("Hangup (SIGHUP)", "Modem hangup", and what a link going down prints) or on nothing, in
 * whatever order the two programs' lines reached syslog: pppd failed nothing itself (no
 * time-out, no authentication or option failure) and got no signal of its own (a stop of pptpd
 * and pppd together, `systemctl stop pptpd` or a reboot, is nobody's clear). After settleHangup,
 * which tells pptpd's pty closing from a signal.
 */
function settleCallClear(s: Session): void {
  const reap = s.callCleared;
  if (reap === null || s.tunnelServer === null) return;
  const failed = s.lcpTimeout ?? s.otherTimeout ?? s.configErr ?? s.noKernel ?? s.mppeFail ?? (s.authResult === 'failure' ? s.authFail : null);
  if (failed !== null || s.ends.some((e) => e.kind !== 'hangup' && e.kind !== 'terminated' && e.kind !== 'mppe-disabled')) return;
  // without pids the reaping may be another call's: only one this pppd's hang-up follows is its
  if (s.pid === null && !s.ends.some((e) => e.kind === 'hangup' && e.line.index > reap.index)) return;
  clientLeft(s, 'pptpd', reap, `${reap.msg} with no reason from pptpd before it: the client cleared the call, which pptpd logs only with debug`);
  // the clear comes before the hang-up it caused, whichever line syslog got first
  const clear = s.ends.pop();
  if (clear) s.ends.unshift(clear);
}

/**
 * sstpc's word that the tunnel is set up ("Connection Established") is the link up where none
 * of pppd's lines after it ends the attempt, times IPCP out or fails authentication (those tell
 * more than sstpc's line). After settleHangup, which may add the attempt's end.
 */
function settleSstp(s: Session): void {
  if (s.upLine === null && s.sstpUp !== null && s.ends.length === 0 && s.otherTimeout === null && s.authResult !== 'failure') s.upLine = s.sstpUp;
}

/**
 * "IPCP terminated by peer" / "IPV6CP terminated by peer" (fsm.c fsm_rtermreq) closes one network
 * protocol. pppd takes the link down only when none is left open (auth.c np_finished ->
 * lcp_close "No network protocols running"), and then "Connection terminated." (or the peer's
 * own LCP Terminate-Request, a hang-up) follows. Where the peer closed IPv6CP on a link whose
 * IPv4 stays up (OpenWrt's netifd then reports the IPv6 side lost), the link goes on, and a
 * hang-up hours later is that hang-up. So an NCP's close is no end while the other protocol the
 * log shows up stays open; otherwise it is the attempt's end where the link goes down after it
 * (the next end, not a stop of pppd's own), or where it was the only protocol up (IPCP with no
 * IPv6CP up, IPv6CP on an IPv6-only link) and the log ends.
 */
function settleNcpEnds(s: Session): void {
  s.ends = s.ends.filter((e, i) => {
    if (!e.ncp || ncpEndsLink(s, e, s.ends.slice(i + 1))) return true;
    s.ncpClosed = e.line;
    return false;
  });
}

/** Whether the peer's close of network protocol `e.ncp` ended the link, given the ends after it. */
function ncpEndsLink(s: Session, e: EndEvent, later: readonly EndEvent[]): boolean {
  // (ccp.c's "MPPE disabled" as CCP goes down with the link is no end of its own)
  const next = later.find((n) => !n.ncp && n.kind !== 'mppe-disabled');
  // pppd's own "No network protocols running": every protocol had closed
  if (next?.kind === 'local-term' && /No network protocols/i.test(next.detail)) return true;
  // the other protocol is up and stays open: this close cannot end the link (auth.c counts
  // every network protocol opened), whatever ends it later
  const otherUp = e.ncp === 'IPCP' ? s.ipv6Up !== null : s.localIp !== null || s.ipcpAckRcvd !== null;
  if (otherUp && !s.ends.some((o) => o.ncp !== undefined && o.ncp !== e.ncp)) return false;
  if (next) return next.kind === 'terminated' || next.kind === 'hangup' || next.kind === 'peer-term';
  // the log ends: the only protocol up closed
  return e.ncp === 'IPCP' || s.ipv6Up !== null;
}

/** Session → the contract's Attempt (verdict included). */
export function toAttempt(s: Session): Attempt {
  settleLnsEnds(s);
  settleNcpEnds(s);
  settleIpcp(s);
  accelMppeRefused(s);
  settleAccel(s);
  settleHangup(s);
  settleCallClear(s);
  settleSstp(s);
  const { verdict, endedBy, evidence, cause } = decideVerdict(s);
  let mppe = s.mppe;
  if (!mppe && s.ccpAckRcvd && s.ccpAckSent) mppe = mppeFromOption(s.ccpAckRcvd);
  return {
    lcp: { sent: s.lcpSent, received: s.lcpReceived },
    auth: authFailureWasWarning(s)
      ? { protocol: s.authProtocol, result: s.authResult === 'failure' ? 'none' : s.authResult, error: null }
      : { protocol: s.authProtocol, result: s.authResult, error: s.authError },
    mppe,
    localIp: s.localIp,
    remoteIp: s.remoteIp,
    dns: s.dns,
    iface: s.iface,
    scripts: s.scripts.map(({ script, exitCode, signal }) => ({ script, exitCode, signal })),
    endedBy,
    verdict,
    evidence,
    pid: s.pid,
    cause,
    server: serverNamed(s),
    side: serverSide(s) ? 'server' : 'client',
    frontEnd: frontEndOf(s),
    legacy: s.lines.some((l) => LEGACY_DESKTOP.test(l.raw)),
    l2tp: l2tpSession(s),
    sstp: sstpSession(s),
    ...(s.host !== undefined ? { host: s.host } : {}),
    ...(s.authPlugin ? { authBackend: s.authPlugin } : {}),
  };
}

/** Parses pppd's log (raw `nodetach` output, syslog, logread, journal, NetworkManager). */
export function parsePppdLog(text: string, origin: LogOrigin = {}): ParsedLog {
  const { sessions, isPppdLog } = parseSessions(text, origin);
  return { attempts: isPppdLog ? sessions.map(toAttempt) : [], isPppdLog };
}

/**
 * What the caller knows of the tunnel beyond the log: the server its configuration names, and
 * whether the log is the router's own lines as read over SSH (LogOrigin).
 */
export interface DiagnoseContext extends LogOrigin {
  server?: string;
}

/** Diagnoses a pppd log: the verdict of its last attempt, with a fix hint. */
export function diagnose(text: string, context: DiagnoseContext = {}): Diagnosis {
  return diagnoseParsed(parsePppdLog(text, context), context);
}

/**
 * The Diagnosis of a log already parsed (the CLI asks first whether it is a pppd log at all).
 * A server the log never names (pptp.so prints it only once connected) comes from the context:
 * the hints then name it in their commands (`nc SERVER 1723`).
 */
export function diagnoseParsed(parsed: ParsedLog, context: DiagnoseContext = {}): Diagnosis {
  // In a log of several hosts: the host that logged last, and each host's own verdict.
  const host = parsed.attempts[parsed.attempts.length - 1]?.host;
  const ofHost = (h: string | undefined): Attempt[] => (h === undefined ? parsed.attempts : parsed.attempts.filter((a) => a.host === h));
  const attempts = ofHost(host);
  let last = lastAttempt(attempts);
  const hosts = host === undefined ? [] : [...new Set(parsed.attempts.map((a) => a.host ?? ''))].map((h) => ({ host: h, verdict: lastAttempt(ofHost(h))?.verdict ?? 'other' }));
  if (last && !last.server && context.server) last = { ...last, server: context.server };
  if (!last) {
    return {
      verdict: 'other',
      attempts: 0,
      auth: { protocol: null, result: 'none', error: null },
      mppe: null,
      localIp: null,
      remoteIp: null,
      scriptStatus: null,
      endedBy: null,
      hint: parsed.isPppdLog ? hintFor('other', emptyAttempt()) : null,
      evidence: [],
    };
  }
  const failed = last.scripts.find(scriptFailed);
  return {
    verdict: last.verdict,
    attempts: attempts.length,
    auth: last.auth,
    mppe: last.mppe,
    localIp: last.localIp,
    remoteIp: last.remoteIp,
    scriptStatus: failed ?? last.scripts[last.scripts.length - 1] ?? null,
    endedBy: last.endedBy,
    hint: hintFor(last.verdict, last),
    evidence: last.evidence,
    ...(last.host !== undefined ? { host: last.host, hosts } : {}),
  };
}

/**
 * The attempt whose end the verdict reports: the last. A log captured while a persist retry is
 * just starting ends in an attempt with no outcome yet; the one before it says what is wrong.
 * Unless the retry already heard the peer's LCP where the attempt before never heard the peer
 * at all: whatever ended that one (no answer, a stop while waiting for the peer) is not where
 * the retry stands, and the retry's own state (no outcome yet) is the news.
 */
function lastAttempt(attempts: Attempt[]): Attempt | undefined {
  const last = attempts[attempts.length - 1];
  const before = attempts[attempts.length - 2];
  if (!last || !before || last.verdict !== 'other' || last.endedBy !== null) return last;
  return last.lcp.received.length > 0 && !heardPeer(before) ? last : before;
}

// Verdicts only a peer's answer gives (its authentication, encryption, termination, echoes).
const PEER_VERDICTS: ReadonlySet<Verdict> = new Set(['up', 'mppe_failed', 'auth_failed', 'eap_refused_or_unsupported', 'link_dead', 'terminated_by_peer', 'ip_script_failed', 'idle_disconnect']);

/**
 * Whether an attempt shows anything from the peer: an LCP frame it received (`debug` lines), an
 * authentication result, MPPE, addresses, or a verdict only an answer gives. Without `debug`
 * (or with its frames cut off a paste) the rest still tells.
 */
function heardPeer(a: Attempt): boolean {
  return a.lcp.received.length > 0 || a.auth.result !== 'none' || a.mppe !== null || a.localIp !== null || a.remoteIp !== null || PEER_VERDICTS.has(a.verdict);
}

function emptyAttempt(): Attempt {
  return {
    lcp: { sent: [], received: [] },
    auth: { protocol: null, result: 'none', error: null },
    mppe: null,
    localIp: null,
    remoteIp: null,
    dns: [],
    iface: null,
    scripts: [],
    endedBy: null,
    verdict: 'other',
    evidence: [],
  };
}
