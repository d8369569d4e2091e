// The table of field messages: pattern → what it tells about the attempt. One row per message
// (or family of messages) pppd, its plugins or pptp-linux print, each with a real example line
// that test/unit/pppd-log-rules.test.ts checks the row matches (and that no earlier row steals).
//
// Sources of the strings: pppd main.c, auth.c, lcp.c, fsm.c, chap-new.c, chap_ms.c, upap.c, eap.c,
// ccp.c, ipcp.c, options.c, sys-linux.c and plugins (pptp.so, pppoatm.so) in ppp-project/ppp;
// pptp-linux pptp.c, pptp_callmgr.c, pptp_ctrl.c (`who level[func:file.c:N]: text`).
//
// From the table derive: whether a text is a pppd log at all (a line matches a row with
// evidence), which lines start a fresh attempt after a finished one (rows marked fresh), and the
// facts of each attempt (the rows' actions). Lines are judged by what they say, never by the
// syslog tag in front of them: pppd started by pptpd or accel-ppp logs under `pptp[PID]:`.

import type { AuthProtocol, MppeInfo } from './types.js';
import type { LogLine } from './lines.js';
import { authFailure, authSuccess, clientLeft, markUp, upsertScript, type Session } from './session.js';
import { SOURCE_MESSAGES } from './messages.gen.js';
import { formatPattern } from './source-messages.js';
import { XL2TPD_FATAL_SIGNAL, XL2TPD_PEER_CLOSED, XL2TPD_RETRIES } from './xl2tpd.js';

/**
 * How a hang-up reads (an end's detail, then the attempt's endedBy): pptp's pty closing under
 * pppd, the line hanging up after a SIGHUP, a modem on a serial line (a prefix: the details
 * that start with it say how). Code tells them apart by the end's cause (types.ts EndCause).
 */
/** sstp-client.c sstp_client_state_cb: the server's ABORT or DISCONNECT ended the call (its reason). */
export const SSTP_ABORTED = /^Connection was aborted, (.*)$/;

/** mtpd l2tp.c: the LNS's SCCRP failed the challenge of the profile's L2TP (tunnel) secret. */
export const L2TP_SECRET_REFUSED = /Received SCCRP without valid challenge response/;

/** The kernel's PPPoE driver found no device of the configured name (ENODEV on the session socket). */
export const PPPOE_NO_DEVICE = /Failed to (?:connect PPPoE socket|negotiate PPPoE connection): 19\b/i;

/**
 * PPPoE's own words in a pppd's lines (the plugin's banner and name, its discovery packets, its
 * session number, its PADT): the link is PPPoE, whatever the paste left of its Connect line.
 */
export const PPPOE_WORDS = /\bPPPoE\b|\bPAD[IORST]\b|^PPP session is \d+|\b(?:rp-)?pppoe\.so\b/i;

export const HANGUP = {
  pty: 'modem hangup (the pptp transport closed)',
  line: 'the line under pppd hung up (SIGHUP, then Modem hangup: its tty or pty was closed)',
  modem: 'the modem hung up',
  link: 'modem hangup (the link under pppd closed: its device or session went away)',
} as const;

/** The end a SIGHUP leaves when nothing says the line hung up. */
export const SIGHUP = 'signal 1 (SIGHUP)';

export interface Rule {
  /** Short name, for tests and evidence. */
  name: string;
  /** Matched against the message with every prefix removed. */
  re: RegExp;
  /** A real line this row must match (and be the first row to match). */
  example: string;
  /** A line matching this row is pppd's or pptp's own (default true): the text is a pppd log. */
  evidence?: boolean;
  /** After a finished attempt, a line matching this row starts a new one. */
  fresh?: boolean;
  /**
   * pptp rows only: the text is pptp's own even without its `log[func:file.c:N]:` prefix. The
   * pptp.so plugin's call manager logs through pppd (OpenWrt: "pppd[PID]: read returned zero,
   * peer has closed"), and front ends print the bare text.
   */
  bare?: boolean;
  /**
   * Words other programs print too (the radiusclient library other daemons link, ntlm_auth's
   * NT status text, a bare `connect(...)`): the line is pppd's only under pppd's tag or none.
   */
  shared?: boolean;
  on: (s: Session, m: RegExpExecArray, l: LogLine) => void;
}

// ---------- decoders ----------

/**
 * The bytes of a Terminate-Request's data as pppd printed them: its `%v` form in "LCP terminated
 * by peer (...)" (^X for a control byte, M- before a byte with the high bit set, ^? for DEL),
 * the quoted form of a debug packet ("\ooo" octal, "\37777777ooo" for a sign-extended byte),
 * or the hex bytes a debug packet shows for data it does not print as text.
 */
export function reasonBytes(text: string): number[] {
  const t = text.trim();
  if (/^(?:[0-9a-f]{2} )+[0-9a-f]{2}$/i.test(t)) return t.split(' ').map((h) => Number.parseInt(h, 16));
  const out: number[] = [];
  for (let i = 0; i < t.length; ) {
    const oct = /^\\(?:37777777([0-7]{3})|([0-7]{3}))/.exec(t.slice(i));
    if (oct) {
      out.push(Number.parseInt(oct[1] ?? oct[2] ?? '0', 8) & 0xff);
      i += oct[0].length;
      continue;
    }
    let meta = 0;
    if (t.startsWith('M-', i) && i + 2 < t.length) {
      meta = 0x80;
      i += 2;
    }
    if (t[i] === '^' && i + 1 < t.length) {
      const c = t[i + 1] ?? '';
      out.push((c === '?' ? 0x7f : (c.charCodeAt(0) - 64) & 0x7f) | meta);
      i += 2;
      continue;
    }
    out.push((t.charCodeAt(i) & 0x7f) | meta);
    i += 1;
  }
  return out;
}

/**
 * Windows RRAS ends a call with a Terminate-Request whose data is binary: its LCP magic number,
 * 00 3c cd 74, then a RAS error code, 32 bits big-endian (raserror.h: 691
 * ERROR_AUTHENTICATION_FAILURE, 649 ERROR_NO_DIALIN_PERMISSION, 742 ERROR_NO_REMOTE_ENCRYPTION,
 * 812 ERROR_SERVER_POLICY, 0 for a plain hang-up). pppd prints it as a garbled reason; the code
 * says why the server hung up.
 */
export function rasErrorOf(text: string): number | null {
  const b = reasonBytes(text);
  if (b.length !== 12 || b[4] !== 0x00 || b[5] !== 0x3c || b[6] !== 0xcd || b[7] !== 0x74) return null;
  return (((b[8] ?? 0) << 24) | ((b[9] ?? 0) << 16) | ((b[10] ?? 0) << 8) | (b[11] ?? 0)) >>> 0;
}

/** A RAS error the server sent that names an authentication failure as MS-CHAP does (E=NNN). */
const RAS_AUTH = new Set([646, 647, 648, 649, 691, 709]);

/**
 * What a RAS error says about the end: the login refused (the E=NNN codes, and 812
 * ERROR_SERVER_POLICY: the authentication method is not the one the server's policy wants),
 * encryption not agreed (741-743: ERROR_NO_LOCAL_ENCRYPTION, ERROR_NO_REMOTE_ENCRYPTION,
 * ERROR_REMOTE_REQUIRES_ENCRYPTION), a plain hang-up (0), or something else.
 */
export function rasKind(code: number): 'auth' | 'encryption' | 'hangup' | 'other' {
  if (RAS_AUTH.has(code) || code === 812) return 'auth';
  if (code >= 741 && code <= 743) return 'encryption';
  return code === 0 ? 'hangup' : 'other';
}

function noteRasError(s: Session, text: string, l: LogLine): void {
  const code = rasErrorOf(text);
  if (code === null) return;
  s.rasError ??= { code, line: l };
  if (RAS_AUTH.has(code)) s.authError ??= `E=${code}`;
}

/** `<auth chap MS-v2>` → MS-CHAPv2 (lcp.c prints "auth pap", "auth chap MD5|MS|MS-v2", "auth eap"). */
export function authFromOption(opts: string): AuthProtocol | null {
  const m = /<auth ([^>]*)>/i.exec(opts);
  if (!m) return null;
  const a = (m[1] ?? '').trim().toLowerCase();
  if (a.startsWith('eap')) return 'EAP';
  if (a.startsWith('pap') || a.startsWith('upap')) return 'PAP';
  if (a.startsWith('chap')) {
    if (/ms-?v2/.test(a)) return 'MS-CHAPv2';
    if (/\bms\b/.test(a)) return 'MS-CHAP';
    return 'CHAP-MD5';
  }
  return null;
}

/**
 * `<mppe +H -M +S -L -D +C>` (ccp.c): H stateless ("history-less"), M 56-bit, S 128-bit,
 * L 40-bit, D obsolete (RFC 3078: unused), C MPPC compression.
 */
export function mppeFromOption(opts: string): MppeInfo | null {
  const m = /<mppe ([^>]*)>/i.exec(opts);
  if (!m) return null;
  const flags = m[1] ?? '';
  const on = (f: string): boolean => new RegExp(`\\+${f}\\b`).test(flags);
  const bits = on('S') ? 128 : on('M') ? 56 : on('L') ? 40 : null;
  return { bits, stateless: on('H'), compression: on('C') };
}

/**
 * pppd's "Script X finished (pid N), status = 0xS". pppd ≥ 2.4.5 prints WEXITSTATUS (0x7f is
 * exit 127); older pppd printed the raw wait status (0x7f00 is exit 127). Signals are logged
 * separately ("Child process X (pid N) terminated with signal S"), so a value ≤ 0xff is an
 * exit code, and a raw status with low bits set is decoded as a signal.
 */
export function decodeScriptStatus(status: number): { exitCode: number | null; signal: number | null } {
  if (status <= 0xff) return { exitCode: status, signal: null };
  if ((status & 0x7f) === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
  return { exitCode: null, signal: status & 0x7f };
}

/** ip-up, ip-down, ppp-up (netifd), auth-up... — not the pty/connect program (pptp, chat). */
export function isHookScript(path: string): boolean {
  const first = path.trim().split(/\s+/)[0] ?? '';
  const base = first.split('/').pop() ?? first;
  if (/pptp|chat|pppoe|sstp/i.test(base)) return false;
  return /(?:^|[-_.])(?:up|down)(?:\.local)?$/i.test(base) || /^(?:ip|ipv6|ip6|ppp|ppp6|auth)-?(?:pre-)?(?:up|down)/i.test(base);
}

function hookName(path: string): string {
  return path.trim().split(/\s+/)[0] ?? path;
}

function signalName(n: number): string {
  const names: Record<number, string> = { 1: ' (SIGHUP)', 2: ' (SIGINT)', 9: ' (SIGKILL)', 15: ' (SIGTERM)' };
  return names[n] ?? '';
}

/** The line under this pppd is a modem's serial line (so no pty program, no pptp, runs it). */
function onSerialLine(s: Session, l: LogLine): void {
  s.nonPptpLink ??= l;
  s.serialLine ??= l;
}

/** A dialer's line while it dials the modem (chat, wvdial): the attempt runs on a serial line. */
function onDialing(s: Session, l: LogLine): void {
  onSerialLine(s, l);
  s.dialing = l;
}

/**
 * The connect program failed before PPP started: the transport never came up. pptp runs as a
 * pty program, never as the connect script, so a dialer (chat) failed, not TCP 1723.
 */
function connectScriptFailed(s: Session, l: LogLine): void {
  // With `debug`, main.c forget_child's "Script /usr/sbin/chat ... finished (pid N), status = 0x5"
  // comes first: tty.c's own words on the failed dial are what the attempt ended on.
  if (s.ptyFailed === null || /^(?:Connect|Initializer) script failed/i.test(l.msg)) s.ptyFailed = l;
  onSerialLine(s, l);
}

/**
 * pppd(8) EXIT STATUS, the man page's sentence for each code as front ends print it (some start
 * "Pppd ..." or drop a word; python-pppd and others shorten a few).
 */
const EXIT_SENTENCES: ReadonlyArray<readonly [number, string]> = [
  // openfortivpn's table (tunnel.c pppd_message[]) drops "Pppd "; "peer.s": a typographic or
  // mistyped apostrophe in a paste
  [0, String.raw`(?:Pppd h|\bH)as detached, or otherwise the connection was successfully established and terminated at the peer.s request`],
  [1, String.raw`An immediately fatal error of some kind occurred`],
  [2, String.raw`error was detected in processing the options given`],
  [3, String.raw`not setuid-root and the invoking user is not root`],
  [4, String.raw`kernel does not support PPP, for example|PPP kernel driver is not included or cannot be loaded`],
  [5, String.raw`terminated because it was sent a SIGINT, SIGTERM or SIGHUP`],
  [6, String.raw`serial port could not be locked`],
  [7, String.raw`serial port could not be opened`],
  [8, String.raw`connect script failed \(returned a non-zero exit status\)`],
  [9, String.raw`command specified as the argument to the pty option could not be run`],
  [10, String.raw`PPP negotiation failed, that is, it didn't reach the point where at least one network protocol`],
  [11, String.raw`peer system failed \(or refused\) to authenticate itself|^(?:pppd: )?Peer failed \(or refused\) to authenticate\b`],
  [12, String.raw`established successfully and terminated because it was idle|link was terminated because it was idle`],
  [13, String.raw`terminated because the conn(?:ect|ection) time limit was reached`],
  [14, String.raw`Callback was negotiated and an incoming call should arrive shortly`],
  [15, String.raw`terminated because the peer (?:is|was) not responding to echo requests|^(?:pppd: )?Lack of LCP echo responses`],
  [16, String.raw`link was terminated by the modem hanging up`],
  [17, String.raw`PPP negotiation failed because serial loopback was detected`],
  [18, String.raw`init script failed \(returned a non-zero exit status\)`],
  [19, String.raw`We failed to authenticate ourselves to the peer|^(?:pppd: )?Failed to authenticate to the peer`],
];
/**
 * NetworkManager's words for pppd's exit status (nm-ppp-manager.c pppd_exit_code_to_str, after
 * "ppp pid N exited with error: "; wvdial prints most of them too, with the number).
 */
const NM_EXIT_WORDS: ReadonlyArray<readonly [number, string]> = [
  [1, 'Fatal pppd error'],
  [2, 'pppd options error'],
  [3, 'No root priv error'],
  [4, 'No ppp module error'],
  [5, 'pppd received a signal'],
  [6, 'Serial port lock failed'],
  [7, 'Serial port open failed'],
  [8, 'Connect script failed'],
  [9, 'Pty program error'],
  [10, 'PPP negotiation failed'],
  [11, "Peer didn't authenticatie itself"],
  [12, 'Link idle: Idle Seconds reached.'],
  [13, 'Connect time limit reached.'],
  [14, 'Callback negotiated, call should come back.'],
  [15, 'Lack of LCP echo responses'],
  [16, 'A modem hung up the phone'],
  [17, 'Loopback detected'],
  [18, 'The init script failed'],
  [19, 'Authentication error.'],
];
const NM_EXIT_RE = new RegExp(String.raw`\bexited with error: (?:${NM_EXIT_WORDS.map(([, w]) => `(${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`).join('|')})`);

const EXIT_STATUS_RE = new RegExp(
  String.raw`\b(?:pppd|PPP daemon)\b[^"]*?\b(?:exited with (?:error )?(?:code|status)|exited for call \S+ with code|exit(?:ed)? (?:status|code)(?: code)?|exited with error)\s*[:=]?\s*(\d{1,2})\b|` +
    EXIT_SENTENCES.map(([, re]) => `(${re})`).join('|'),
  'i',
);

/**
 * pppd(8) EXIT STATUS → the session's facts, for the codes that name a cause the verdicts know;
 * the others (fatal error, serial port, pty program, callback, negotiation failed without a
 * protocol, and a modem hangup, which openfortivpn also reports on every normal disconnect)
 * only end the attempt.
 */
/** main.c reap_kids' word on a child that finished: a hook script, or the pty/connect program. */
function scriptFinished(s: Session, path: string, status: number, l: LogLine): void {
  const decoded = decodeScriptStatus(Number.isFinite(status) ? status : 0);
  if (isHookScript(path)) upsertScript(s, { script: hookName(path), ...decoded, line: l });
  else {
    if ((decoded.exitCode ?? 0) !== 0 || decoded.signal !== null) s.ptyFailed ??= l;
    // 127/126: the shell could not find or run the program (`sh: 1: pptp: not found`): no
    // control connection was ever tried.
    if (decoded.exitCode === 127 || decoded.exitCode === 126) s.ptyNotRun ??= l;
    // The pty/connect program is something else than pptp (a modem driver, pppoe, chat).
    if (!/pptp/i.test(path)) s.nonPptpLink ??= l;
  }
}

function exitStatus(s: Session, code: number | null, l: LogLine): void {
  s.finished = true;
  const why = `pppd exit status ${code}`;
  switch (code) {
    case 2:
      s.configErr ??= l;
      break;
    case 8:
      connectScriptFailed(s, l);
      break;
    case 3:
      // main.c: pppd is not setuid-root and the user is not root (a front end run as a user)
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `pppd could not run as this user: not setuid-root and not run by root (${why})`, line: l, cause: 'pppd-not-run' });
      break;
    case 4:
      s.noKernel ??= l;
      break;
    case 10:
      // pppd(8): "The PPP negotiation failed, that is, it didn't reach the point where at least
      // one network protocol (e.g. IP) was running" (LCP or IPCP never completed)
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `PPP negotiation failed: LCP or IPCP never completed (${why})`, line: l, cause: 'ncp-timeout' });
      break;
    case 5:
      s.ends.push({ kind: 'signal', detail: `SIGINT, SIGTERM or SIGHUP (${why})`, line: l });
      break;
    case 11:
      authFailure(s, l, `the peer failed (or refused) to authenticate itself (${why})`);
      break;
    case 12:
      s.ends.push({ kind: 'idle', detail: `idle timeout (${why})`, line: l });
      break;
    case 13:
      s.ends.push({ kind: 'maxconnect', detail: `maximum connect time reached (${why})`, line: l, cause: 'max-connect' });
      break;
    case 15:
      s.ends.push({ kind: 'echo', detail: `no response to LCP echo-requests (${why})`, line: l });
      break;
    case 16:
      // "The link was terminated by the modem hanging up" (pppd(8)): the hang-up pppd's own
      // "Modem hangup" tells, when a front end shows only the status (wvdial).
      if (!s.ends.some((e) => e.kind === 'hangup')) s.ends.push({ kind: 'hangup', detail: `${HANGUP.pty} (${why})`, line: l, cause: 'pty-closed' });
      break;
    case 17:
      s.ends.push({ kind: 'local-term', detail: `the link is looped back (${why})`, line: l, cause: 'looped-back' });
      break;
    case 19:
      authFailure(s, l, `we failed to authenticate ourselves to the peer (${why})`);
      break;
    // 0 is no end of its own: front ends report it when pppd detached with the link up
    // (pptpconfig), as well as after the peer ended it (wvdial)
    case 0:
      break;
    case 1:
      // EXIT_FATAL_ERROR before the link: main.c fatal() while pppd set itself up, whose own line
      // goes to syslog only (a front end shows just the status). auth.c auth_check_options exits
      // 1 too: a default route and no `noauth` (the hint names it where the status is all there is).
      if (s.upLine === null && s.ends.length === 0 && s.configErr === null && s.noKernel === null) {
        s.ends.push({ kind: 'local-term', detail: `pppd stopped on a fatal error at start-up (${why})`, line: l, cause: 'pppd-fatal' });
        break;
      }
    // falls through: after the link came up, exit 1 is pppd gone like any other status
    default:
      // any other status (1 fatal, 9 the pty program, ...): pppd is gone, the link with it
      if (code !== null && s.upLine !== null && s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `pppd exited (${why})`, line: l });
      break;
  }
}

const addrOf = (body: string): string | null => /<addr (\d{1,3}(?:\.\d{1,3}){3})>/.exec(body)?.[1] ?? null;

// ---------- packets (debug): sent/rcvd [PROTO Code ...] ----------

export const PACKET = /\b(sent|rcvd) \[(LCP|CHAP|PAP|UPAP|EAP|CCP|IPCP|IPV6CP|IP6CP|CBCP|proto=\S+) (\w+)(.*)$/;

function feedPacket(s: Session, l: LogLine, dir: 'sent' | 'rcvd', proto: string, code: string, body: string): void {
  const text = `${code}${body ? ' ' + body : ''}`;
  if (proto === 'LCP') {
    s.started = true;
    if (dir === 'sent') s.lcpSent.push(text);
    else {
      s.lcpReceived.push(text);
      s.lcpRcvdAny = true;
    }
    const auth = authFromOption(body);
    if (code === 'ConfReq' && dir === 'rcvd' && auth) s.peerAuthAsked.push(auth);
    if (code === 'ConfAck' && dir === 'sent' && auth) {
      s.authAcked = auth;
      s.authProtocol = auth;
    }
    if (code === 'ConfAck' && dir === 'rcvd') s.lcpAckRcvd = true;
    if ((code === 'ConfNak' || code === 'ConfRej') && dir === 'sent' && /<auth /.test(body)) s.authRefused = true;
    if (code === 'TermReq') {
      const reason = (/"(.*)"/.exec(body)?.[1] ?? '').trim();
      if (dir === 'rcvd') {
        // "LCP terminated by peer" follows; keep the packet only when that notice is missing.
        s.ends.push({ kind: 'peer-term', detail: reason, line: l });
        noteRasError(s, reason || body.replace(/^id=0x[0-9a-f]+\s*/i, ''), l);
        if (/MPPE|MPPC|encrypt/i.test(reason)) s.mppeFail ??= l;
      } else if (/^User request$/i.test(reason)) {
        // main.c closes the link with lcp_close(0, "User request") when a signal asked it to
        // (SIGTERM, SIGINT, SIGHUP: poff, a front end, netifd): a local stop, also where a
        // paste (`plog`'s tail) lost the "Terminating on signal" line before it.
        s.ends.push({ kind: 'signal', detail: 'a local stop (pppd sent LCP TermReq "User request")', line: l });
      } else {
        s.ends.push({ kind: 'local-term', detail: reason, line: l });
        if (/MPPE/i.test(reason)) s.mppeFail ??= l;
      }
    }
    // fsm.c answers a Terminate-Request with a Terminate-Ack (fsm_rtermreq), and a TermAck of
    // its own TermReq ends a close it started: a TermAck we sent while we had asked nothing means
    // the peer asked to end the link, even where the request itself was not logged (PPP stacks
    // that log only what they send).
    if (code === 'TermAck' && dir === 'sent' && !s.ends.some((e) => e.kind === 'peer-term' || e.kind === 'local-term')) {
      s.ends.push({ kind: 'peer-term', detail: '', line: l });
    }
    if (code === 'ProtRej' && dir === 'rcvd' && /^80 fd\b/i.test(body.replace(/^id=0x[0-9a-f]+\s*/i, ''))) s.ccpProtRej = true;
    return;
  }
  if (proto === 'CHAP') {
    if (!s.authProtocol) s.authProtocol = s.authAcked ?? null;
    if (dir === 'rcvd' && code === 'Failure') {
      const quoted = /"(.*)"/.exec(body)?.[1] ?? '';
      const e = /\bE=(\d+)/.exec(quoted);
      s.authResult = 'failure';
      s.authFail ??= l;
      s.authError = e ? `E=${e[1]}` : quoted || s.authError;
      if (e && (!s.authProtocol || s.authProtocol === 'CHAP-MD5')) s.authProtocol = /V=3/.test(quoted) ? 'MS-CHAPv2' : 'MS-CHAP';
    }
    if (dir === 'rcvd' && code === 'Success') {
      authSuccess(s, l);
      if (/S=[0-9A-F]{40}/i.test(body)) s.authProtocol = 'MS-CHAPv2';
    }
    return;
  }
  if (proto === 'PAP' || proto === 'UPAP') {
    s.authProtocol = 'PAP';
    if (dir === 'rcvd' && code === 'AuthNak') {
      s.authResult = 'failure';
      s.authFail ??= l;
      s.authError = /"(.*)"/.exec(body)?.[1] || s.authError || 'PAP AuthNak';
    }
    if (dir === 'rcvd' && code === 'AuthAck') {
      authSuccess(s, l);
    }
    return;
  }
  if (proto === 'EAP') {
    s.authProtocol = 'EAP';
    if (dir === 'rcvd' && code === 'Failure') {
      s.eapFail ??= l;
      authFailure(s, l, 'EAP failure');
    }
    if (dir === 'rcvd' && code === 'Success') {
      authSuccess(s, l);
    }
    return;
  }
  if (proto === 'CCP') {
    if (code === 'ConfAck' && /<mppe /.test(body)) {
      if (dir === 'rcvd') s.ccpAckRcvd = body;
      else s.ccpAckSent = body;
    }
    if (code === 'TermReq' && dir === 'rcvd' && s.upLine === null) s.ccpProtRej ||= /MPPE/i.test(body);
    return;
  }
  const id = /\bid=(0x[0-9a-f]+|\d+)/i.exec(body)?.[1]?.toLowerCase();
  if (proto === 'IPCP' && code === 'ConfReq' && id !== undefined) s.ipcpReqs.set(`${dir} ${id}`, addrOf(body));
  if (proto === 'IPCP' && code === 'ConfAck') {
    // ipcp.c: IPCP is up once both sides acked a ConfReq. The peer acks ours (with our address),
    // we ack the peer's (with its address). Debug-only logs never show "local IP address". A
    // ConfAck printed without its options acks the ConfReq of the same id from the other side.
    const acked = (): string | null => (id === undefined ? null : (s.ipcpReqs.get(`${dir === 'rcvd' ? 'sent' : 'rcvd'} ${id}`) ?? null));
    if (dir === 'rcvd') {
      s.ipcpAckRcvd = l;
      s.ipcpLocal = addrOf(body) ?? acked();
    } else {
      s.ipcpAckSent = l;
      s.ipcpRemote = addrOf(body) ?? acked();
    }
    return;
  }
}

// ---------- the pppd table (first matching row wins) ----------

const OPTION_ERRORS = new RegExp(
  `^(?:${SOURCE_MESSAGES.filter(([prog, level, , fmt]) => prog === 'pppd' && level === 'option_error' && !/^warning:/.test(fmt))
    .map(([, , , fmt]) => formatPattern(fmt))
    .join('|')})\\s*$`,
);

// pppd's fatal() messages that are its options, not the link, failing: a value it cannot use
// (set_up_tty's baud rate, a CHAP digest not built in, the PPPoE/PPPoATM/PPPoL2TP plugins'
// option values). Named by their formats in messages.gen.ts, which the unit tests check exist.
export const FATAL_OPTION_FORMATS: readonly string[] = [
  'Baud rate for %s is 0; need explicit baud rate',
  'CHAP digest 0x%x requested but not available',
  'Illegal value for pppoe-host-uniq option',
  'Illegal value for pppoe-sess option',
  'No vpi.vci specified',
  'Can\'t parse QoS: "%s"',
  'No PPPoL2TP FD specified',
  'tunnel_id/session_id values not specified',
];
const FATAL_OPTIONS = new RegExp(`^(?:${FATAL_OPTION_FORMATS.map(formatPattern).join('|')})\\s*$`);

// pppd's fatal() messages (main.c fatal: the message, then die(1) and "Exit."): a system call,
// a kernel ioctl or a plugin's socket that failed. The rows above read the ones that tell more
// (options, kernel support, MPPE); the table's last row reads the rest.
const FATAL_ERRORS = new RegExp(
  `^(?:${SOURCE_MESSAGES.filter(([prog, level]) => prog === 'pppd' && level === 'fatal')
    .map(([, , , fmt]) => formatPattern(fmt))
    .join('|')})\\s*$`,
);

/** pppoatm.c: the kernel refused the ATM PVC socket (no ATM core) or the PPP backend (no pppoatm module). */
export const PPPOA_KERNEL = /^failed to create socket: (?:Address family|Protocol) not supported|^ioctl\(ATM_SETBACKEND\): /;
/** pppoatm.so's device in pppd's Connect line: an ATM circuit's VPI.VCI ("Connect: ppp0 <--> 8.35"). */
export const ATM_CIRCUIT = /<-->\s*\d+\.\d+(?:\.\d+)?\s*$/;
/**
 * pppoatm.so's line: under pppd's tag, or where this pppd runs the pppoatm plugin (its Connect
 * line names a VPI.VCI, or the plugin's lines are there); its wording is any program's.
 */
const pppoaSays = (s: Session, l: LogLine): boolean => l.source === 'pppd' || s.lines.some((x) => /pppoatm|PPPoATM/.test(x.msg) || ATM_CIRCUIT.test(x.msg));
/** utils.c lock(): "Device %s is locked by pid %d" (the tty, the process holding its lock). */
export const DEVICE_LOCKED = /^Device (\S+) is locked by pid (\d+)/;
/** sys-linux.c: the interface name is taken (2.4's rename, 2.5's rtnetlink create): its name in 1 or 2. */
export const IFNAME_TAKEN = /^Couldn't (?:rename interface \S+ to (\S+)|create ppp interface (\S+)): File exists$/;
/**
 * NetworkManager's pppd plugins had no password to give (nm-pppd-plugin.c for mobile broadband
 * and PPPoE; the VPN plugins' passwd hook): NetworkManager gave them none.
 */
export const PLUGIN_NO_PASSWORD = /^(?:nm-ppp-plugin|passwd-hook|nm-\w+-ppp-plugin): could not get secrets/;

/** lcp.c lcp_reqci(): the peer asked pppd to authenticate and pppd has no protocol to do it with. */
export const NO_AUTH_POSSIBLE = /^No auth is possible$/;
/** chap-new.c chap_respond(): a warning, after which pppd answers the challenge with an empty secret. */
export const NO_CHAP_SECRET = /^No CHAP secret found for authenticating us\b/;

/** auth.c auth_check_options(): pppd requires the peer to authenticate and has no secret for it. */
export const REMOTE_MUST_AUTH = /(?:The )?remote system (?:\([^)]*\) )?is required to authenticate itself/i;

/** tty.c connect_tty(): "Failed to open %s: %m", the device and the reason (a row reads it; hints.ts names the device). */
export const FAILED_TO_OPEN = /Failed to open (\/dev\/\S+?):? (.+?)\.?$/;

// Option errors worded like any program's (the 'config-error' row before it has pppd's own).
const CONFIG_ERROR =
  /options file .* (?:is not readable|not found)|too few parameters for option|invalid (?:value|number) for option|is not a valid IP address|Can't use (?:a )?pty|incorrect option|option .* requires|(?:requires|needs) an argument/i;

/** ipcp.c's "local  IP address %I" / "remote IP address %I" (not demand's "... changed to %I"). */
const IPCP_ADDRESS = (side: 'local' | 'remote'): RegExp =>
  new RegExp(String.raw`^${side}\s+IP address\s+(?!changed to )((?:\d{1,3}\.){3}\d{1,3}(?![\d.])|\S+)`, 'i');

/** The device of pppd's Connect line when it is a serial line (a modem, a phone over Bluetooth or USB), not the pty pptp runs on. */
const SERIAL_DEVICE = /^\/dev\/(?:tty(?!p)|rfcomm|modem|cua|ircomm)/;
/** The device of pppd's Connect line when it is a network interface or an ATM VPI.VCI, not a tty or pty. */
const NETWORK_DEVICE = /^(?:\d+\.\d+(?:\.\d+)?$|(?:eth|en[opsx]|wlan|wl|vlan|nas|wan|br-?|bond|veth|lan|dsl|ptm|atm)[\w.-]*)/;
const CONNECT = /\bConnect:\s*(\S+?)\s*<-->\s*(\S*)/;

/** Whether a Connect line names a line no pty program (so no pptp) runs on: a serial line or a network link. */
export function connectsWithoutPty(msg: string): boolean {
  const dev = CONNECT.exec(msg)?.[2] ?? '';
  return SERIAL_DEVICE.test(dev) || NETWORK_DEVICE.test(dev);
}

/** openfortivpn's words as it shuts a tunnel down (tunnel.c on_ppp_if_down(), io.c), one alternation. */
export const SSL_VPN_TEARDOWN = String.raw`Cancelling threads|Cleanup, joining threads|Setting \S+ interface down|Restoring routes|Removing VPN nameservers|Terminated pppd|Closed connection to gateway|Logged out`;

/**
 * PPPD_RULES rows that read a front end's own line on the pppd it runs, logged under the front
 * end's name and pid (openfortivpn's): such a line goes with the pppd attempt that runs
 * (parse.ts), not with an attempt of its own.
 */
export const FRONT_END_ROWS: ReadonlySet<string> = new Set(['ssl-vpn-up', 'ssl-vpn-down', 'sstp-control-failed', 'sstp-aborted', 'sstp-plugin-socket']);

/** sys-linux.c's failures to make or attach a PPP unit on /dev/ppp (the no-ppp-kernel row reads them apart). */
const UNIT_IOCTL = /Couldn't (?:create new ppp unit|attach to PPP unit)/i;

/**
 * Rows that read a front end's report on a pppd that has exited (its exit status or the signal
 * that killed it): printed after pppd's own last words (wvdialer.cc hangup(): "Disconnecting at
 * ...", then "The PPP daemon has died: ... (exit code = 16)"), they are that pppd's post-mortem.
 */
export const POST_MORTEM_ROWS: ReadonlySet<string> = new Set(['exit-status', 'exit-signal', 'wvdial-pppd-killed']);

export const PPPD_RULES: Rule[] = [
  {
    name: 'packet',
    re: PACKET,
    example: 'rcvd [LCP ConfReq id=0x1 <mru 1400> <auth chap MS-v2> <magic 0x71251209>]',
    on: (s, m, l) => feedPacket(s, l, m[1] as 'sent' | 'rcvd', m[2] ?? '', m[3] ?? '', (m[4] ?? '').replace(/\].*$/, '').trim()),
  },
  // --- link start ---
  {
    name: 'connect',
    re: CONNECT,
    example: 'Connect: ppp0 <--> /dev/pts/0',
    fresh: true,
    on: (s, m, l) => {
      s.started = true;
      // auth.c start_link prints it once the channel is attached to a unit: the kernel has PPP
      if (m[1]) s.kernelPpp ??= l;
      if (m[1]) s.iface = m[1];
      if (SERIAL_DEVICE.test(m[2] ?? '')) onSerialLine(s, l);
      // A network interface (the PPPoE plugin's ppp_devnam: "eth0.2", "veth-client") or an ATM
      // VPI.VCI (pppoatm: "8.35"): no pty program, so no pptp, runs under this pppd.
      if (NETWORK_DEVICE.test(m[2] ?? '')) {
        s.nonPptpLink ??= l;
        s.networkLink ??= l;
      }
    },
  },
  {
    name: 'interface',
    re: /^Using interface (\S+)/,
    example: 'Using interface pptp-vpn',
    fresh: true,
    on: (s, m, l) => {
      s.iface = m[1] ?? s.iface;
      // main.c set_ifunit prints it once the kernel made the unit: the kernel has PPP
      s.kernelPpp ??= l;
    },
  },
  // sys-linux.c generic_establish_ppp(): PPPIOCGCHAN gave the tty's PPP channel: the kernel has PPP
  { name: 'channel', re: /^using channel \d+/, example: 'using channel 2', fresh: true, on: (s, _m, l) => void (s.kernelPpp ??= l) },
  { name: 'serial', re: /^Serial connection established/, example: 'Serial connection established.', fresh: true, on: () => {} },
  { name: 'started', re: /^pppd [\d.]+\S* started by/, example: 'pppd 2.4.7 started by root, uid 0', fresh: true, on: () => {} },
  // options.c print_options(), with the `dump` option (main.c, before "started by"): the head
  // of pppd's list of the options in effect, one "name value # (from FILE)" line each after it.
  { name: 'options-dump', re: /^pppd options in effect:$/, example: 'pppd options in effect:', fresh: true, on: () => {} },
  {
    name: 'plugin',
    re: /^Plugin (\S+) loaded/,
    example: 'Plugin pptp.so loaded.',
    fresh: true,
    // pptpd's logwtmp plugin: this pppd is pptpd's, a server's side of the call; its pty is
    // pptpd's, so a hangup before PPP says nothing about a TCP 1723 connection of its own.
    on: (s, m, l) => {
      if (/pptpd-logwtmp/.test(m[1] ?? '')) {
        s.nonPptpLink ??= l;
        s.tunnelServer ??= l;
      }
      // radius.so (with radrealms.so) and winbind.so verify the client themselves (their
      // chap_verify_hook): chap-secrets plays no part
      const judge = /(?:^|\/)(radius|radrealms|winbind)\.so$/.exec(m[1] ?? '')?.[1];
      if (judge) s.authPlugin = judge === 'winbind' ? 'winbind' : 'radius';
    },
  },
  {
    // NetworkManager's pppd plugins (nm-pppd-plugin.c get_credentials for mobile broadband and
    // PPPoE, the VPN plugins' passwd hook): NetworkManager gave them no password, so pppd answers
    // with an empty one and the server's refusal follows
    name: 'plugin-no-password',
    re: PLUGIN_NO_PASSWORD,
    example: 'nm-ppp-plugin: could not get secrets: No agents were available for this request.',
    on: (s, _m, l) => void (s.authPluginSaid ??= l),
  },
  {
    // plugins/radius (radius.c, radrealms.c; the radiusclient library's sendserver.c, config.c,
    // dict.c): the plugin's start, and why it could not judge the client (no reply, a shared
    // secret that does not match, its own files missing or wrong)
    name: 'radius-plugin',
    shared: true,
    re: /^(?:RADIUS (?:Realms )?plugin initialized|(rc_send_server: no reply from RADIUS server|rc_check_reply: received invalid reply digest|rc_find_server: couldn't find RADIUS server|rc_read_config: can't open|rc_read_dictionary: couldn't open dictionary|rc_read_mapfile: can't read|rc_avpair_new: unknown attribute|RADIUS: (?:Can't read|bad|wrong))\b)/,
    example: 'rc_send_server: no reply from RADIUS server radius.lan:1812',
    on: (s, m, l) => {
      s.authPlugin = 'radius';
      if (m[1]) s.authPluginSaid ??= l;
    },
  },
  {
    // plugins/winbind.c run_ntlm_auth: Samba's ntlm_auth judges the client against the Windows
    // domain; the plugin's own words on its answer (a key it does not know, no session key, its
    // helper not run)
    name: 'winbind-plugin',
    re: /^(?:WINBIND plugin initialized|(Winbind has declined authentication for user|unrecognised input from ntlm_auth helper|Did not get user session key|NT session key for user was not 16 bytes|pppd\/winbind: could not)\b)/,
    example: 'Did not get user session key, despite being authenticated!',
    on: (s, m, l) => {
      s.authPlugin = 'winbind';
      // (its "declined" only repeats that the login failed; the line after it says why)
      if (m[1] && !/^Winbind has declined/.test(l.msg.trim())) s.authPluginSaid ??= l;
    },
  },
  {
    // winbind.c winbind_chap_verify: ntlm_auth's own "Error:"/"Authentication-Error:" text, logged
    // bare (notice(error_string)): the domain's answer, such as NT_STATUS_WRONG_PASSWORD
    name: 'winbind-ntlm-error',
    shared: true,
    re: /^NT_STATUS_[A-Z_]+\b/,
    example: 'NT_STATUS_WRONG_PASSWORD: Wrong Password (0xc000006a)',
    on: (s, _m, l) => {
      if (s.authPlugin === 'winbind') s.authPluginSaid ??= l;
    },
  },
  { name: 'pptp-plugin', re: /^PPTP plugin version/, example: 'PPTP plugin version 1.00', fresh: true, on: () => {} },
  // --- warnings that are not failures (they must come before the kernel rows) ---
  {
    name: 'no-ppp-filtering',
    // sys-linux.c set_filters(): PPPIOCSPASS → ENOTTY is a warn(); pppd carries on without filters.
    re: /kernel does not support PPP filtering|Couldn't set (?:pass|active)-filter in kernel/i,
    example: 'kernel does not support PPP filtering',
    on: () => {},
  },
  // --- configuration and kernel problems (pppd exits before or right at start) ---
  {
    name: 'unrecognized-option',
    re: /unrecognized option:? '?([^'\s]*)'?/i,
    example: "In file /etc/ppp/options.pptp: unrecognized option 'mppe'",
    fresh: true,
    on: (s, m, l) => {
      s.configErr ??= l;
      s.configOption ??= m[1] ?? null;
    },
  },
  {
    name: 'options-file-warning',
    // options.c options_from_file(): a file pppd may do without (~/.ppprc, /etc/ppp/options.ttyS0)
    // that exists but cannot be read is a warn(), and pppd carries on; only a file it must read
    // prints "Can't open options file" and exits with status 2.
    re: /^Warning: can't open options file/i,
    example: "Warning: can't open options file /root/.ppprc: Permission denied",
    on: () => {},
  },
  {
    name: 'config-error',
    re: new RegExp(String.raw`Can't open options file|Can't find peer file|In file .*:|Couldn't load plugin|Plugin .* is for pppd version|${REMOTE_MUST_AUTH.source}|unknown mode \(you must specify pptp_server`, 'i'),
    example: "Can't open options file /etc/ppp/peers/vpn: No such file or directory",
    fresh: true,
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    // auth.c auth_check_options(), after "The remote system is required to authenticate itself /
    // but I couldn't find any suitable secret (password) for it to use to do so.": the secrets
    // exist but their IP address column allows the peer none (pppd as a server, pptpd's).
    name: 'secret-no-ip',
    re: /^\(None of the available passwords would let it use an IP address\.\)/,
    example: '(None of the available passwords would let it use an IP address.)',
    on: (s, _m, l) => void (s.configDetail ??= l),
  },
  {
    name: 'config-error-generic',
    // Worded like many programs' errors: an attempt's fact, but no evidence that pppd wrote it.
    re: CONFIG_ERROR,
    example: 'too few parameters for option pty',
    evidence: false,
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    // Every message pppd's sources print with option_error() (options.c, auth.c, ipcp.c, tty.c,
    // plugins): pppd then exits with EXIT_OPTION_ERROR (pppd(8) exit status 2). Enumerated from
    // messages.gen.ts, so an option error the rows above do not name is still one; the sources'
    // "warning: ..." words of options.c getword() are not fatal.
    name: 'option-error',
    re: OPTION_ERRORS,
    example: "invalid address parameter '8.8.8' for ms-dns option",
    evidence: false,
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    name: 'fatal-option',
    re: FATAL_OPTIONS,
    example: 'Baud rate for /dev/ttyGS0 is 0; need explicit baud rate',
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    name: 'no-ppp-kernel',
    // sys-linux.c ppp_available() and its no_ppp_msg (printed over several lines on a terminal).
    re: /lacks kernel support for PPP|Couldn't open the \/dev\/ppp device|\/dev\/ppp: No such (?:file|device)|unable to open the \/dev\/ppp device|You need to create the \/dev\/ppp device node|mknod \/dev\/ppp c 108 0|Please load the ppp_generic kernel module|Kernel doesn't support ppp_generic|PPP driver version .* (?:too old|out of date)|Couldn't set tty to PPP discipline|lacks PPP kernel support|Couldn't determine if PPP is supported|couldn't verify kernel driver version|Couldn't create new ppp unit|Couldn't attach to PPP unit|Couldn't open \/dev\/ppp:|Linux kernel does not support PPPoE|PPPoL2TP kernel driver not installed|No PPPo(?:ATM|L2TP) support on this OS|^Failed to open (?:PPTP socket|L2TP (?:control|data) socket):/i,
    example: 'Please load the ppp_generic kernel module.',
    fresh: true,
    on: (s, _m, l) => {
      // make_ppp_unit()/generic_establish_ppp() (PPPIOCNEWUNIT, PPPIOCATTACH) failing in a
      // process the kernel gave PPP before is the driver's state (a unit not released, a kernel
      // bug), not missing support.
      if (s.kernelPpp && UNIT_IOCTL.test(l.msg)) s.unitRefused ??= l;
      else s.noKernel ??= l;
    },
  },
  {
    name: 'no-pptp-socket',
    // pppd's pptp.so (2.5) and accel-ppp's ctrl/pptp/pptp.c (without the "PPTP: "): the kernel
    // has no PPTP sockets (pptp module missing). A PPPoX socket whose bind() the kernel does not
    // implement (EOPNOTSUPP: sock_no_bind) is one without working PPTP support either.
    // So is pppoatm.so's ATM PVC socket (connect_pppoatm: no ATM core in the kernel) or its
    // ATM_SETBACKEND ioctl (set_line_discipline_pppoatm: no pppoatm backend module): PPPoA.
    re: /(?:^|PPTP: )failed to (?:create|bind) PPTP socket \((?:Address family not supported|Protocol not supported|Protocol not available|Operation not supported)|^Failed to create PPPoE socket: (?:Address family not supported|Protocol not supported)/i,
    example: 'PPTP: failed to create PPTP socket (Address family not supported by protocol)',
    on: (s, _m, l) => void (s.noKernel ??= l),
  },
  {
    // pppoatm.c connect_pppoatm / set_line_discipline_pppoatm: the ATM PVC socket (no ATM core in
    // the kernel) or its ATM_SETBACKEND ioctl (no pppoatm backend module): PPPoA. Its wording is
    // any program's, so only under pppd's tag or where this pppd runs the pppoatm plugin.
    name: 'no-pppoa-kernel',
    re: PPPOA_KERNEL,
    shared: true,
    example: 'failed to create socket: Address family not supported by protocol',
    on: (s, _m, l) => {
      if (pppoaSays(s, l)) s.noKernel ??= l;
    },
  },
  {
    name: 'no-mppe-kernel',
    re: /MPPE required,? but kernel has no support|kernel (?:has no|lacks) (?:MPPE|support for MPPE)|Couldn't (?:load|find) (?:MPPE|ppp_mppe)|MPPE .*not (?:available|supported) in (?:the )?kernel/i,
    example: 'MPPE required, but kernel has no support.',
    on: (s, _m, l) => void (s.mppeKernel ??= l),
  },
  {
    // pppoatm.c connect_pppoatm(): the ATM PVC (VPI.VCI) would not connect: no ATM device (the
    // DSL modem's driver or firmware not loaded), or the line is down. pppd exits (fatal).
    name: 'pppoa-connect',
    re: /^connect\((\d+\.\d+(?:\.\d+)?)\): (.+)$/,
    shared: true,
    example: 'connect(8.35): No such device',
    on: (s, m, l) => {
      // (before LCP, under pppd's tag or by a pppd that runs the pppoatm plugin: any program's
      // connect() says the same; its plugin line may be under the pid before pppd detached)
      if (!pppoaSays(s, l) || s.upLine !== null || s.ends.length > 0) return;
      s.nonPptpLink ??= l;
      s.ends.push({ kind: 'local-term', detail: `pppd could not open the ATM circuit ${m[1] ?? ''} (PPPoA): ${m[2] ?? ''}`, line: l, cause: 'pppoa-circuit' });
    },
  },
  {
    // sys-linux.c make_ppp_unit() (2.4: SIOCSIFNAME) and make_ppp_unit_rtnetlink() (2.5): the
    // interface name pppd was given (`ifname`, netifd's pppoe-wan, pptp-vpn) is taken, so the
    // channel is closed and the attempt ends before LCP: an earlier pppd of the same interface
    // still holds it, or another interface has the name. (2.5 falls back to the ioctl on any
    // other error: only EEXIST ends the attempt there.)
    name: 'ifname-taken',
    re: IFNAME_TAKEN,
    example: "Couldn't create ppp interface pppoe-wan: File exists",
    on: (s, m, l) => {
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `pppd could not name its interface ${m[1] ?? m[2] ?? ''}: File exists`, line: l, cause: 'ifname-taken' });
    },
  },
  {
    // passwordfd.c pwfd_passwd: read() on the `passwordfd N` descriptor failed (it was not open
    // for pppd: an error(), not fatal); pppd goes on with no password ("Unable to obtain ...
    // password ... from plugin") and the login fails: the plugin's word on why
    name: 'passwordfd-unread',
    re: /^Can't read secret from fd\s*$/,
    example: "Can't read secret from fd",
    on: (s, _m, l) => void (s.authPluginSaid ??= l),
  },
  {
    // multilink.c mp_join_bundle(): this link joined a bundle another pppd runs: no IPCP here,
    // the link carries the bundle's traffic (its addresses are the bundle's).
    name: 'multilink-attached',
    re: /^Link attached to (\S+)$/,
    shared: true,
    example: 'Link attached to ppp0',
    on: (s, m, l) => {
      // (pppd's own line, on a link that negotiated multilink: its LCP's <mrru>, or pppd's tag)
      if (l.source !== 'pppd' && !s.lines.some((x) => /<mrru /.test(x.msg))) return;
      s.upLine ??= l;
      s.iface ??= m[1] ?? null;
    },
  },
  // --- pptp.so plugin (control connection inside pppd) ---
  {
    name: 'pptp-plugin-connect',
    // ...and macOS's pppd L2TP/PPTP plugins (Apple ppp Drivers/*-plugin/main.c): "L2TP: Host '%s'
    // not found...", and PPTP's "cannot connect to the server": the control connection never
    // opened. (L2TP's "cannot connect to the server" is its tunnel request unanswered: below.)
    re: /^PPTP: (?:Unknown host|connect failed|failed to connect PPTP socket|failed to bind PPTP socket|failed to add host route)|Call manager exited with error|Could not launch call manager|Could not open control connection|^PPTP:? cannot connect to the server|^(?:L2TP|PPTP):? Host '[^']*' not found/i,
    example: 'PPTP: Unknown host vpn.example.com',
    on: (s, _m, l) => void (s.controlErr ??= l),
  },
  // --- macOS's pppd PPTP and L2TP plugins (Apple ppp Drivers/PPTP/PPTP-plugin/main.c,
  // Drivers/L2TP/L2TP-plugin/main.c, pptp.c, l2tp.c): they run inside pppd, so their lines are
  // pppd's, in /var/log/ppp.log ("Fri May  8 20:41:25 2015 : msg") or under pppd's tag ---
  {
    // pptp_connect / l2tp_connect: each connect starts here (ppp.log keeps earlier sessions);
    // a failure before "connection established" goes to `fail:` with no further word
    name: 'apple-connecting',
    re: /^(?:PPTP|L2TP) connecting to (?:alternate )?server '[^']*' \([^)]*\)/,
    example: "PPTP connecting to server 'vpn.example.com' (203.0.113.10)...",
    fresh: true,
    on: (s, _m, l) => void (s.appleConnecting ??= l),
  },
  {
    // after the control connection and the call were set up (PPTP) or the tunnel (L2TP)
    name: 'apple-connected',
    re: /^(?:PPTP|L2TP) connection established\.?$/,
    example: 'PPTP connection established.',
    on: (s) => {
      s.controlUp = true;
      s.callUp = true;
    },
  },
  {
    // pptp_connect: the TCP connect to port 1723 failed (errno 61 refused, 60 timed out, 65 no
    // route, 51 network unreachable); l2tp_connect: no source address toward the server
    name: 'apple-connect-failed',
    re: /^PPTP connect errno = \d+|^L2TP: cannot get our local address/,
    example: 'PPTP connect errno = 61 Connection refused',
    on: (s, _m, l) => void (s.controlErr ??= l),
  },
  {
    // pptp.c pptp_outgoing_call / pptp_recv: the server answered and refused the control
    // connection or the call (pptp.h result codes), or sent something else
    name: 'apple-control-refused',
    re: /^PPTP (?:start_connection_control|outgoing_call) request failed, got result = \d+|^PPTP error when reading header for \S+ :|^PPTP didn't get \S+/,
    example: 'PPTP outgoing_call request failed, got result = 4, error = 0',
    on: (s, _m, l) => {
      s.controlErr ??= l;
      s.serverRefused ??= l;
    },
  },
  {
    // l2tp_trigger_ipsec: racoon gave no answer ("IPSec connection failed" alone), or IKE failed
    // (shared secret, certificate: the IKE error follows); l2tp.c l2tp_outgoing_call: no SCCRP
    // to the tunnel request ("L2TP cannot connect to the server", EXIT_L2TP_NOANSWER). An
    // unanswered set-up is the L2TP peer never answering, as xl2tpd's tunnel time-out is
    // (verdict.ts: no_response); an IKE error is the server refusing.
    name: 'apple-l2tp-setup-failed',
    re: /^IPSec connection failed(\s*<IKE Error)?|^L2TP:? cannot connect to the server/i,
    example: 'IPSec connection failed <IKE Error 23 (0x17) Authentication Failed>',
    on: (s, m, l) => {
      if (!m[1]) s.l2tpUnanswered ??= l;
      s.controlErr ??= l;
    },
  },
  {
    // the VPN's own settings lack what the plugin needs (l2tp_connect, pptp_connect)
    name: 'apple-settings',
    re: /^(?:PPTP|L2TP): No remote address supplied|^L2TP: (?:no|incorrect) user shared secret found|^L2TP: no user certificate\s+found|^L2TP: incorrect (?:authentication method|local identifier|identifier verification|secret encyption)|^L2TP: cannot configure secure transport/,
    example: 'L2TP: no user shared secret found.',
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    // pptp_wait_input / l2tp_wait_input on an open link: TCP 1723 closed or reset by the server
    // ("PPTP error when reading socket : EOF" before it), or the LNS's StopCCN/CDN
    name: 'apple-hangup',
    re: /^(PPTP|L2TP) hangup$/,
    example: 'PPTP hangup',
    on: (s, m, l) =>
      void s.ends.push({
        kind: 'pptp-peer-closed',
        detail: m[1] === 'L2TP' ? 'the L2TP server ended the tunnel or the call (L2TP hangup)' : 'the server closed the PPTP control connection (PPTP hangup)',
        line: l,
      }),
  },
  {
    // pptp_link_failure / l2tp_link_failure: the Mac's own network changed under the tunnel
    // (address lost, interface switched, wake): Apple's status "Network Changed"
    name: 'apple-network-changed',
    re: /^(?:PPTP|L2TP) has detected change in the network and lost connection with the server/,
    example: 'PPTP has detected change in the network and lost connection with the server.',
    on: (s, _m, l) => void s.ends.push({ kind: 'local-term', detail: "the Mac's network changed under the tunnel (its address or interface), and the connection to the server was lost", line: l, cause: 'network-changed' }),
  },
  // --- authentication ---
  {
    name: 'mschap-failed',
    re: /(?:MS-CHAP(?:v2|-v2)? authentication failed|Unknown MS-CHAP authentication failure):?\s*(.*)$/i,
    example: 'MS-CHAP authentication failed: E=691 Authentication failure',
    on: (s, m, l) => {
      authFailure(s, l, m[1] ?? '');
      if (!s.authProtocol || s.authProtocol === 'CHAP-MD5') s.authProtocol = 'MS-CHAPv2';
    },
  },
  {
    name: 'mschap-mutual',
    // (ppp 2.4.0-2.4.1's chap.c says "MS-CHAPv2 Success packet is badly formed." and no
    // "CHAP authentication failed" after it: the server's Success did not prove it knew the password)
    re: /MS-CHAPv2 mutual authentication failed|MS-CHAPv2 Success packet is badly formed/i,
    example: 'MS-CHAPv2 mutual authentication failed.',
    on: (s, _m, l) => {
      authFailure(s, l, 'mutual authentication failed');
      s.authProtocol = 'MS-CHAPv2';
    },
  },
  {
    name: 'auth-failed',
    re: /^(CHAP|PAP|EAP) authentication failed:?\s*(.*)$/i,
    example: 'CHAP authentication failed: Authentication fail',
    on: (s, m, l) => {
      authFailure(s, l, m[2] ?? '');
      s.authProtocol ??= m[1] === 'PAP' ? 'PAP' : m[1] === 'EAP' ? 'EAP' : s.authAcked;
    },
  },
  {
    name: 'auth-ok',
    re: /^(CHAP|PAP|EAP) authentication succeeded/i,
    example: 'CHAP authentication succeeded',
    // A finished attempt never authenticates again: after "Connection terminated." this is a
    // new attempt whose start lines were cut off (plog's tail, a log without pids).
    fresh: true,
    on: (s, m, l) => {
      authSuccess(s, l);
      if (m[1]?.toUpperCase() === 'PAP') s.authProtocol = 'PAP';
      else if (m[1]?.toUpperCase() === 'EAP') s.authProtocol = 'EAP';
    },
  },
  {
    name: 'eap-failed',
    re: /^EAP: peer reports authentication failure|^EAP: .*(?:authentication failure|failed)|EAP unexpected failure message/i,
    example: 'EAP: peer reports authentication failure',
    on: (s, _m, l) => {
      s.eapFail ??= l;
      authFailure(s, l, 'EAP failure');
      s.authProtocol = 'EAP';
    },
  },
  {
    name: 'eap-unsupported',
    re: /^EAP: unknown authentication type|^EAP: unsupported|^EAP: .*Naking|^eap required to authenticate us but no suitable secrets|^peer doesn't want to authenticate us with eap|^EAP MSCHAPv2 not supported/i,
    example: 'EAP: unknown authentication type 26; Naking',
    on: (s, _m, l) => {
      s.eapUnsupported ??= l;
      s.authProtocol = 'EAP';
    },
  },
  {
    name: 'no-secret',
    // (not xl2tpd's tunnel secret, aaa.c handle_challenge's "no secret found for us='A' and
    // them='B'" and control_finish's "No secret for 'B'", "No secret for authenticating to 'B'",
    // "No secret key for authenticating 'B'", names in single quotes where pppd's %q has double
    // quotes: read by xl2tpd.ts)
    re: /^(?!(?:handle_challenge: )?no secret found for us=|(?:control_finish: )?No secret (?:key )?for (?:authenticating )?(?:to )?')(?:.*?)(?:No (?:CHAP |PAP |EAP |MS-CHAP )?secret found|no (?:PAP|CHAP) secret|couldn't find any suitable secret|No secret for|^Unable to obtain (?:CHAP|EAP-TLS) password)/i,
    example: 'No CHAP secret found for authenticating us to vpn',
    on: (s, _m, l) => {
      s.noAuthSecret ??= l;
      authFailure(s, l, 'no secret found');
    },
  },
  {
    // lcp.c lcp_reqci(), CI_AUTHTYPE: the peer asks pppd to authenticate and pppd may use no
    // protocol at all (auth.c cleared them: no secret for this user and remote name in
    // chap-secrets/pap-secrets, or every protocol refused), so it rejects the request.
    name: 'no-auth-possible',
    re: NO_AUTH_POSSIBLE,
    example: 'No auth is possible',
    on: (s, _m, l) => {
      s.noAuthSecret ??= l;
      authFailure(s, l, 'no usable secret to authenticate with');
    },
  },
  { name: 'peer-refused-auth', re: /peer refused to authenticate|^(?:PAP|EAP) authentication of peer failed (?:\(protocol-reject\)|on Protocol-Reject)|^PAP authentication failed due to protocol-reject/i, example: 'peer refused to authenticate: terminating link', on: (s, _m, l) => void (s.peerRefusedAuth ??= l) },
  {
    name: 'peer-failed-auth',
    // (ppp 2.3.x-2.4.1 chap.c ChapReceiveResponse, and Apple's pppd: "CHAP peer authentication
    // failed for remote host USER", "... failed for USER", bare in the oldest)
    re: /^Peer .* failed (?:CHAP|PAP|EAP|MS-CHAP\S*) (?:authentication|Session verification)|^(?:PAP|(?:MS-?)?CHAP) peer authentication failed\b|^calling number \S+ is not authorized|^\d+ LOGIN FAILURES ON |^EAP: MSCHAPv2 failure for peer/i,
    example: 'Peer yaya failed CHAP authentication',
    on: (s, _m, l) => authFailure(s, l, 'peer failed our authentication'),
  },
  {
    name: 'auth-timeout',
    re: /^No response to (?:PAP|CHAP|EAP) |^(?:PAP|CHAP|EAP)(?: authentication)?: timeout|^CHAP authentication timed out|^EAP: no response to Requests|^EAP: too many Requests sent/i,
    example: 'No response to PAP authenticate-requests',
    on: (s, _m, l) => authFailure(s, l, 'no response to authentication request'),
  },
  {
    name: 'remote-message',
    // upap.c logs the server's text for an AuthAck and for an AuthNak alike; the failure line
    // that follows a Nak may be cut off a pasted log, so a text that says it failed counts.
    re: /^Remote message: (.*)$/,
    example: 'Remote message: Authentication failed!',
    on: (s, m, l) => {
      const text = (m[1] ?? '').trim();
      s.authError ??= text || null;
      // (pppd up to 2.4.1 with the MS-CHAP patches logged an MS-CHAP Failure packet's text
      // this way: "Remote message: E=649 No dialin permission"; an E= code is always a failure)
      if (s.authResult !== 'success' && (/fail|denied|incorrect|invalid|wrong|reject|not authori[sz]ed/i.test(text) || /^E=\d+\b/.test(text))) authFailure(s, l, text);
    },
  },
  {
    name: 'peer-auth-ok',
    // chap-new.c / upap.c on the authenticating side (a server): the client passed.
    // (2.5's auth.c auth_peer_success: "Peer %q authenticated with %s")
    re: /^(?:CHAP|PAP|EAP) peer authentication succeeded for|^Peer \S+ authenticated with /i,
    example: 'CHAP peer authentication succeeded for vpnuser',
    on: (s, _m, l) => {
      authSuccess(s, l);
    },
  },
  // --- CCP / MPPE ---
  {
    name: 'mppe-up',
    re: /(MPPC\/)?MPPE (\d+)-bit,? (stateless|stateful)/i,
    example: 'MPPE 128-bit stateless compression enabled',
    on: (s, m, l) => {
      const bits = Number(m[2]);
      s.mppe = {
        bits: bits === 40 || bits === 56 || bits === 128 ? bits : null,
        stateless: (m[3] ?? '').toLowerCase() === 'stateless',
        compression: Boolean(m[1]) || /MPPC/i.test(l.msg),
      };
    },
  },
  { name: 'mppe-refuse-stateful', re: /Refusing MPPE stateful mode/i, example: 'Refusing MPPE stateful mode offered by peer', on: (s) => void (s.mppeRefusedStateful = true) },
  {
    name: 'mppe-needs-mschap',
    re: /MPPE required, but MS-CHAP|MPPE required but .*MS-CHAP|MPPE.*auth not performed/i,
    example: 'MPPE required, but MS-CHAP[v2] auth not performed.',
    on: (s, _m, l) => {
      s.mppeNeedsMsChap = true;
      s.mppeFail ??= l;
    },
  },
  {
    name: 'ccp-unsupported-local',
    // We run without CCP (noccp) while the peer negotiates MPPE: it will hang up on us.
    re: /^Unsupported protocol 'Compression Control Protocol'/i,
    example: "Unsupported protocol 'Compression Control Protocol' (0x80fd) received",
    on: (s, _m, l) => void (s.ccpUnsupportedLocal ??= l),
  },
  {
    name: 'ccp-protocol-reject',
    re: /Protocol-Reject for 'Compression Control Protocol'/i,
    example: "Protocol-Reject for 'Compression Control Protocol' (0x80fd) received",
    on: (s) => void (s.ccpProtRej = true),
  },
  {
    name: 'mppe-disabled',
    // ccp.c logs this whenever CCP goes down while LCP is open: on every ordinary shutdown
    // (signal, poff) too, so it is a cause only when nothing else explains the end.
    re: /^MPPE disabled/i,
    example: 'MPPE disabled',
    on: (s, _m, l) => void s.ends.push({ kind: 'mppe-disabled', detail: 'MPPE disabled', line: l }),
  },
  {
    name: 'terminated-by-peer',
    // fsm.c fsm_rtermreq(): "%s terminated by peer (%s)" for LCP and for an NCP (IPCP...).
    // A paste may cut the reason's closing parenthesis off (binary reasons end lines early).
    re: /\b(LCP|IPCP|IPV6CP|CCP) terminated by peer(?: \((.*?)\)?)?\s*$/,
    example: 'LCP terminated by peer (MPPE required but peer negotiation failed)',
    on: (s, m, l) => {
      const reason = (m[2] ?? '').trim();
      if (m[1] === 'CCP') {
        if (/MPPE|MPPC|encrypt/i.test(reason)) s.mppeFail ??= l;
        return;
      }
      s.ends.push({ kind: 'peer-term', detail: m[1] === 'LCP' ? reason : `${m[1]}${reason ? `: ${reason}` : ''}`, line: l, ...(m[1] === 'IPCP' || m[1] === 'IPV6CP' ? { ncp: m[1] } : {}) });
      if (m[1] === 'LCP') noteRasError(s, reason, l);
      if (/MPPE|MPPC|encrypt/i.test(reason)) s.mppeFail ??= l;
    },
  },
  {
    name: 'mppe-failed',
    re: /MPPE required but|MPPE\/MPPC required but|MPPE .*negotiation failed|MPPE .*not available|MPPE is required|Encryption required/i,
    example: 'MPPE required but peer negotiation failed',
    on: (s, _m, l) => void (s.mppeFail ??= l),
  },
  {
    name: 'mppe-required-unusable',
    // ccp.c ccp_resetci(): "require-mppe" that cannot work with the other options (auth in both
    // directions, 40- and 128-bit both refused): CCP never offers MPPE.
    re: /^MPPE required, but/i,
    example: 'MPPE required, but both 40-bit and 128-bit disabled.',
    on: (s, _m, l) => void (s.mppeFail ??= l),
  },
  {
    name: 'mppe-errors',
    // ccp.c ccp_datainput(): decryption kept failing on a running link; pppd closes LCP.
    re: /^Too many MPPE errors, closing LCP/i,
    example: 'Too many MPPE errors, closing LCP',
    on: (s, _m, l) => {
      s.mppeFail ??= l;
      s.ends.push({ kind: 'mppe-error', detail: 'too many MPPE errors (decryption failed), pppd closed the link', line: l });
    },
  },
  // --- IPCP ---
  {
    name: 'local-ip',
    // (retyped by hand in lower case too: "local ip address 89.241.91.48"; markup glued after
    // the address, "10.64.64.64[/INDENT]", is no part of it)
    re: IPCP_ADDRESS('local'),
    example: 'local  IP address 192.168.0.2',
    fresh: true,
    on: (s, m, l) => {
      s.localIp = m[1] ?? null;
      markUp(s, l);
    },
  },
  {
    name: 'remote-ip',
    re: IPCP_ADDRESS('remote'),
    example: 'remote IP address 192.168.0.1',
    on: (s, m, l) => {
      s.remoteIp = m[1] ?? null;
      markUp(s, l);
    },
  },
  {
    // ipcp.c ipcp_up() with `demand`: the interface already had the addresses given at start,
    // so only an address IPCP changed is logged ("Local IP address changed to %I", "Remote IP
    // address changed to %I", warn level) instead of the "local  IP address" notices: the
    // link's address, IPCP up.
    name: 'demand-ip-changed',
    re: /^(Local|Remote) IP address changed to ((?:\d{1,3}\.){3}\d{1,3})(?![\d.])/i,
    example: 'Local IP address changed to 169.1.150.91',
    on: (s, m, l) => {
      if (/^local$/i.test(m[1] ?? '')) s.localIp = m[2] ?? null;
      else s.remoteIp = m[2] ?? null;
      markUp(s, l);
    },
  },
  {
    // ipcp.c's notice with the address a poster deleted ("local  IP address " and nothing
    // after): IPCP came up all the same. (A mail client's wrap leaves the address on the next
    // line, which lines.ts joins back before any row reads it.)
    name: 'ip-address-blanked',
    re: /^(?:local|remote)\s+IP address\s*$/i,
    example: 'local  IP address ',
    on: (s, _m, l) => markUp(s, l, true),
  },
  {
    name: 'dns',
    re: /^(?:primary|secondary)\s+DNS\s+address (\S+)/,
    example: 'primary   DNS address 10.1.1.2',
    on: (s, m) => {
      if (m[1] && !s.dns.includes(m[1])) s.dns.push(m[1]);
    },
  },
  {
    name: 'ipcp-address-failed',
    // ipcp.c ipcp_up(): IPCP finished negotiating but the addresses are unusable, so pppd closes
    // IPCP (and, with no other network protocol, the link): "Peer refused to agree to our IP
    // address", 2.5's "... his IP address", "Could not determine local IP address", "Peer is
    // not authorized to use remote address %I"; sys-linux.c "Interface configuration failed".
    re: /^(?:Peer refused to agree to (?:our|his) IP address|Could not determine local IP address|Peer is not authorized to use remote address|Interface configuration failed|Interface failed to come up)/i,
    example: 'Peer refused to agree to our IP address',
    on: (s, _m, l) => void s.ends.push({ kind: 'local-term', detail: 'IPCP could not agree on the IP addresses', line: l, cause: 'ipcp-disagree' }),
  },
  {
    name: 'ipv6cp-address-failed',
    // ipv6cp.c ipv6cp_up(): the interface identifiers are unusable, so pppd closes IPv6CP only
    // ("Refused our interface identifier"); IPCP and the link carry on.
    re: /^(?:Peer refused to agree to his interface identifier|Could not determine (?:remote|local) LL address|local and remote LL addresses are equal)/i,
    example: 'Could not determine remote LL address',
    on: () => {},
  },
  {
    name: 'connect-time',
    // main.c print_link_stats(): the time since LCP opened. LCP stays open without a network
    // protocol only while authentication and IPCP negotiate, which pppd gives up on well within
    // a minute (fsm.c: 10 Config-Requests 3 s apart; auth timeouts of 30 s), so a connect time of
    // a minute or more means the link was up: a tail that shows only its end still was.
    re: /^Connect time ([\d.]+) minutes/i,
    example: 'Connect time 22.6 minutes.',
    // It is printed where the network link went down (ipcp.c ipcp_down, auth.c link_terminated
    // after "Connection terminated.", main.c die): a log whose last word on a link is its connect
    // time shows that link over, also when a filter kept only these lines.
    on: (s, m, l) => {
      if (Number(m[1]) >= 1) s.connectTime ??= l;
      // only a link on a kernel PPP unit has a connect time: the kernel has PPP
      s.kernelPpp ??= l;
      if (!s.ends.some((e) => e.kind === 'terminated')) s.ends.push({ kind: 'terminated', detail: 'the link went down (pppd printed its connect time)', line: l, connectTime: true });
    },
  },
  // --- timeouts (fsm.c: "%s: timeout sending Config-Requests") ---
  {
    name: 'config-timeout',
    // (posters retyping it write "Configure-Requests", "Config Requests")
    re: /^(\S+): timeout sending\s+Conf(?:ig(?:ure)?)?[- ]?Req(?:uest)?s?\b/i,
    example: 'LCP: timeout sending Config-Requests',
    on: (s, m, l) => {
      const proto = (m[1] ?? '').toUpperCase();
      if (proto === 'LCP') s.lcpTimeout ??= l;
      // An IPv6CP (or CCP) timeout leaves IPCP running: it ends nothing (CCP's is kept for the
      // hint of a link that then never came up).
      else if (proto === 'CCP') s.ccpTimeout ??= l;
      else if (!/^(?:IPV6CP|IP6CP)$/.test(proto)) s.otherTimeout ??= l;
    },
  },
  // --- scripts (main.c: "Script %s finished (pid %d), status = 0x%x") ---
  {
    name: 'script-finished',
    re: /^Script (.+?) finished \(pid \d+\s*\),?\s*status\s*=\s*(0x[0-9a-f]+|\d+)/i,
    example: 'Script /etc/ppp/ip-up finished (pid 872), status = 0x0',
    on: (s, m, l) => scriptFinished(s, m[1] ?? '', Number(m[2]), l),
  },
  {
    // wvdialer.cc: pppd died of a signal (WIFSIGNALED); the "exit code" wvdial prints after it
    // is that signal's number, not pppd's status
    name: 'wvdial-pppd-killed',
    re: /^PPP was killed! \(signal = (\d+)\)/,
    example: 'PPP was killed! (signal = 9)',
    on: (s, m, l) => {
      const n = Number(m[1]);
      s.ends.push({ kind: 'signal', detail: `signal ${n}${signalName(n)} (pppd killed)`, line: l });
    },
  },
  {
    // wvdial.cc signalhandler: wvdial caught SIGINT (Ctrl-C), SIGTERM or SIGHUP and hangs up:
    // it stops its pppd (wvdialer.cc hangup: SIGTERM) and prints "Disconnecting at ...". On a
    // link that was up with nothing else ending it, the paste's end there (pppd's own
    // "Terminating on signal 15" not shown) is the link stopped on purpose; while still dialing
    // it tells nothing of the dial (labels read that dial, not the stop).
    name: 'wvdial-caught-signal',
    re: /^Caught signal #?(\d+):\s+Attempting to exit gracefully/,
    example: 'Caught signal 2:  Attempting to exit gracefully...',
    on: (s, m, l) => {
      const n = Number(m[1]);
      if (s.upLine !== null && s.ends.length === 0) s.ends.push({ kind: 'signal', detail: `wvdial (it caught signal ${n}${signalName(n)} and stops its pppd)`, line: l });
    },
  },
  {
    // wvdialmon.cc analyse_line: wvdial's own rewording of pppd's line for a script that failed
    name: 'wvdial-script-failed',
    re: /^Script (\S+) failed \(return value: (0x[0-9a-f]+|\d+)\s*\)/i,
    example: 'Script /etc/ppp/ip-up failed (return value: 0x1 )',
    on: (s, m, l) => scriptFinished(s, m[1] ?? '', Number(m[2]), l),
  },
  {
    // chat.c sigalrm/sigint/sigterm/sighup handlers: pppd passes the signal that stops it to the
    // connect script it is waiting for (main.c kill_my_pg), and chat logs the signal's name and
    // exits 2; pppd then logs only "Connect script failed", no "Terminating on signal": netifd's
    // ifdown or restart, `poff`, Ctrl-C or a front end's time-out while the modem was still
    // dialing, or chat killed by hand. Who sent it is not in the log, and labels read the failed
    // dial (other): the end names the signal, the verdict stays the dial's. (SIGHUP is left
    // out: a modem line hanging up sends it as well.)
    name: 'chat-signal',
    re: /^SIG(TERM|INT)$/,
    example: 'SIGTERM',
    on: (s, m, l) => {
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `chat was stopped by ${m[1] === 'INT' ? 'SIGINT' : 'SIGTERM'} while it dialed`, line: l, cause: 'dial-stopped' });
      onSerialLine(s, l);
    },
  },
  {
    // chat.c: "Failed (ABORT-STRING)" when an ABORT string came (exit 4+n), "alarm" and then a bare
    // "Failed" when an expect timed out (exit 3): the modem's answer to the failed dial.
    name: 'chat-failed',
    re: /^(?:Failed(?: \(.+\))?|alarm)$/,
    example: 'Failed (NO CARRIER)',
    on: (s, _m, l) => void (s.chatSaid = l),
  },
  {
    // chat.c, run by pppd as its connect script (the ppp package's own program): its verbose
    // (-v) lines while it dials, under its own tag (`plog` shows them with pppd's): the attempt's
    // serial line, also in a paste that ends before chat's "Failed" or pppd's own words.
    name: 'chat-dialing',
    re: /^(?:send \(.*\)|expect \(.*\)|abort on \(.*\)|report \(.*\)|timeout set to \d+ seconds)$/,
    example: 'expect (CONNECT)',
    shared: true,
    on: (s, _m, l) => onDialing(s, l),
  },
  {
    // wvdial's banner (wvdialer.cc WvDialer::WvDialer, "--> " its prefix on a terminal): a new
    // run of the dialer, which runs pppd only once the modem connected; a paste may stop before.
    // (Pasted after the shell's prompt line, the first line often keeps only "> " of its prefix.)
    name: 'dialer-start',
    re: /^(?:-*> )*WvDial: Internet dialer version \S+$/,
    example: 'WvDial: Internet dialer version 1.61',
    fresh: true,
    on: (s, _m, l) => onDialing(s, l),
  },
  {
    // wvdial (wvdialer.cc start_ppp) reports the pppd it starts on the modem it dialled: a run
    // whose log may stop before pppd printed a word of its own.
    name: 'dialer-started-pppd',
    re: /^(?:Starting pppd at |pid of pppd: \d+)/i,
    example: 'Pid of pppd: 7809',
    fresh: true,
    on: (s, _m, l) => onSerialLine(s, l),
  },
  {
    // wvdial (wvdialer.cc start_ppp: access(pppd, X_OK) failed): pppd was never run, so no link
    // was tried; a user without the rights to run pppd.
    name: 'pppd-not-run',
    re: /^Unable to run (\S*\bpppd)\.?$/,
    example: 'Unable to run /usr/sbin/pppd.',
    on: (s, m, l) => void s.ends.push({ kind: 'local-term', detail: `pppd never ran: the front end could not execute ${m[1] ?? 'pppd'}`, line: l, cause: 'pppd-not-run' }),
  },
  {
    // wvdial (wvdialer.cc) checks its configuration once the modem is initialised and, with
    // no Phone, Username or Password set in wvdial.conf (or only commented out with ";"),
    // says so and exits before dialing: pppd never ran.
    name: 'dialer-config',
    re: /^Configuration does not specify a valid (phone number|login name|password)\.?\s*$/,
    example: 'Configuration does not specify a valid phone number.',
    on: (s, m, l) => {
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `wvdial.conf has no valid ${m[1] ?? 'setting'}: wvdial exited before dialing, pppd never ran`, line: l, cause: 'dialer-config' });
      onSerialLine(s, l);
      s.finished = true;
    },
  },
  {
    // wvdial (wvdialer.cc async_dial, async_waitprompt, init_modem): a dial that never started
    // pppd. The modem found no carrier, a busy line, no dial tone, a voice or fax answer or no
    // answer, or timed out; or, with "Carrier Check" on, carrier dropped after CONNECT while
    // wvdial waited for a login prompt (modems that do not report carrier say so on every dial).
    // wvdial dials again until "Dial Attempts" (then "Maximum Attempts Exceeded"): each ends one
    // dial, and the pppd a later dial starts is a new attempt ('dialer-started-pppd').
    name: 'dial-failed',
    re: /^(?:(Connected, but carrier signal lost!)\s+Retrying\.*|(No Carrier!|Timed out while dialing\.|The line is busy\.|No dial tone\.|Voice line detected\.|Fax line detected\.|No Answer\.)\s+Trying (?:again|other number)(?: in 5 seconds)?\.?|(Maximum Attempts Exceeded)\.*\s*Aborting!*|(Modem not responding|Bad init string|Invalid dial command|The line is busy|No dial tone)\.)\s*$/,
    example: 'Connected, but carrier signal lost!  Retrying...',
    on: (s, m, l) => {
      const what = m[1] ? 'carrier dropped after CONNECT, before pppd ran' : "the modem's dial failed before pppd ran";
      const words = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').replace(/[.!]+$/, '');
      // a redial after pppd's own end (a modem that hung up and then stops answering) is that
      // end's consequence: the first end of the attempt stays its end
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `${what} (wvdial: ${words})`, line: l, cause: m[1] ? 'dial-carrier-lost' : 'dial-failed' });
      onSerialLine(s, l);
      s.finished = true;
    },
  },
  {
    // tty.c connect_tty(): pppd could not open the device it was given (a modem's tty gone or
    // misnamed, the pty of a helper that already quit: xl2tpd, pptp); the attempt ends there
    // (EXIT_OPEN_FAILED) before any link, and with `persist` pppd tries again after `holdoff`.
    name: 'device-open-failed',
    re: new RegExp(`^${FAILED_TO_OPEN.source}`),
    example: 'Failed to open /dev/pts/2: No such file or directory',
    on: (s, m, l) => {
      s.ends.push({ kind: 'local-term', detail: `pppd could not open ${m[1] ?? 'its device'} (${m[2] ?? ''})`, line: l, cause: 'device-open-failed' });
      s.finished = true;
    },
  },
  {
    name: 'script-started',
    re: /^Script (.+?) started \(pid \d+\)/i,
    example: 'Script /etc/ppp/ip-up started (pid 872)',
    on: (s, m, l) => {
      const path = m[1] ?? '';
      if (isHookScript(path)) upsertScript(s, { script: hookName(path), exitCode: null, signal: null, line: l }, false);
    },
  },
  {
    name: 'child-signal',
    re: /^Child process (.+?) \(pid \d+\) terminated with signal (\d+)/i,
    example: 'Child process pptp 172.16.1.2 --nolaunchpppd (pid 7114) terminated with signal 2',
    on: (s, m, l) => {
      const path = m[1] ?? '';
      const sig = Number(m[2]);
      if (isHookScript(path)) upsertScript(s, { script: hookName(path), exitCode: null, signal: sig, line: l });
      // The pty child (pptp) killed by the signal pppd itself got: a local stop whose
      // "Terminating on signal" line may be cut off.
      else if (sig === 1 || sig === 2 || sig === 15) s.ends.push({ kind: 'child-signal', detail: `signal ${sig}${signalName(sig)}`, line: l });
    },
  },
  {
    // The same line cut before its "(pid N)" by a paste's wrapping: it still names the pty
    // program, and one that is not pptp (pppoa2, pppoe, a dialer) runs a link of its own.
    name: 'child-process-cut',
    re: /^Child process (\S+)(?:\s+\S+)*\s*$/,
    example: 'Child process /usr/local/bin/pppoa2 -vpi 8 -vci 35 -d',
    on: (s, m, l) => {
      if (!/pptp/i.test(m[1] ?? '')) s.nonPptpLink ??= l;
    },
  },
  {
    name: 'cant-execute',
    re: /^Can't execute ([^\s:]+)/i,
    example: "Can't execute /etc/ppp/ip-up: Permission denied",
    on: (s, m, l) => {
      if (isHookScript(m[1] ?? '')) upsertScript(s, { script: hookName(m[1] ?? ''), exitCode: 99, signal: null, line: l });
    },
  },
  {
    name: 'connect-script-failed',
    // tty.c connect_tty(): the connect program (chat, or a pty helper) exited non-zero before
    // PPP started: the transport never came up. The connect script runs first in every attempt
    // (with `persist`, every redial): after a finished attempt its failure is a new attempt's.
    re: /^Connect script failed|^Initializer script failed/i,
    example: 'Connect script failed',
    fresh: true,
    on: (s, _m, l) => connectScriptFailed(s, l),
  },
  {
    name: 'pppoe-discovery-interrupted',
    // pppoe plugin discovery.c waitForPADO/waitForPADS (ppp 2.4.8 and later): select() is left
    // on EINTR only when SIGTERM or SIGINT arrived (got_sigterm: netifd's ifdown, a restart,
    // Ctrl-C); discovery() then prints "Timeout waiting for PAD[OS] packets" at once, and pppd
    // exits without "Terminating on signal" (handle_events never ran). Up to 2.4.7 EINTR looped.
    re: /^select \(waitForPAD[OS]\): Interrupted system call/i,
    example: 'select (waitForPADO): Interrupted system call',
    fresh: true,
    on: (s, _m, l) => void s.ends.push({ kind: 'signal', detail: 'SIGTERM or SIGINT during PPPoE discovery (its wait for the access concentrator was interrupted)', line: l }),
  },
  {
    name: 'pppoe-ac-error',
    // pppoe plugin discovery.c parsePADOTags/parsePADSTags: the access concentrator's answer
    // carried an error tag (RFC 2516: Service-Name-Error, AC-System-Error, Generic-Error). A
    // PADO with one is skipped, a PADS with one ends the wait (PADR is sent again, up to the
    // attempts): the concentrator answered and refused; its words say why.
    re: /^PAD[OS]: (?:Service-Name|System|Generic)-Error:/i,
    example: 'PADS: Generic-Error: Session limit reached',
    on: (s, _m, l) => void (s.acError ??= l),
  },
  // rp-pppoe's user-space client (pppoe.c, if.c, ppp.c: the `pppoe` program pppd runs as its
  // pty, logging under its own tag) on the session it carries:
  {
    // sessionDiscoveryPacket: the access concentrator ended the session (the ISP's side)
    name: 'pppoe-padt-received',
    re: /^Session \d+ terminated -- received PADT from peer/,
    example: 'Session 4711 terminated -- received PADT from peer',
    on: (s, _m, l) => void s.ends.push({ kind: 'peer-term', detail: 'the access concentrator ended the PPPoE session (PADT)', line: l }),
  },
  {
    // session(): with -T, nothing from the concentrator for that long: PADT, exit
    name: 'pppoe-inactivity',
    re: /^Inactivity timeout\.\.\. something wicked happened/,
    example: 'Inactivity timeout... something wicked happened on session 4711',
    on: (s, _m, l) => void s.ends.push({ kind: 'echo', detail: "pppoe's inactivity timer (-T): nothing came from the access concentrator", line: l }),
  },
  {
    // if.c openInterface: the interface named with -I is no Ethernet interface, or pppoe is
    // not root
    name: 'pppoe-interface',
    // (A missing device, "ioctl(SIOCGIFHWADDR): No such device", is also a kernel without the
    // NIC's driver: the corpus's labels read it as `other`, and so does the parser.)
    re: /^Cannot create raw socket -- pppoe must be run as root|^Interface \S+ is not Ethernet/,
    example: 'Interface ppp0 is not Ethernet',
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    // pppoe.c main with -s (synchronous PPP): the kernel has no n_hdlc line discipline
    name: 'pppoe-no-n-hdlc',
    re: /^Unable to set line discipline to N_HDLC/,
    example: 'Unable to set line discipline to N_HDLC.  Make sure your kernel supports the N_HDLC line discipline, or do not use the SYNCHRONOUS option.  Quitting.',
    on: (s, _m, l) => void (s.noKernel ??= l),
  },
  {
    // plugins/pppoe common.c pppoe_printpkt under `debug` ("Send " from if.c sendPacket); router
    // firmwares print pppd's packet form. A PADI opens PPPoE discovery (RFC 2516 5.1): it is
    // only ever sent to start a session, so one after an ended or an up link is a new attempt.
    name: 'pppoe-padi',
    re: /^(?:Send PPPOE Discovery V\d+T\d+ PADI\b|sent \[PADI\b)/,
    example: 'Send PPPOE Discovery V1T1 PADI session 0x0 length 12',
    fresh: true,
    on: () => {},
  },
  {
    name: 'pppoe-no-answer',
    // rp-pppoe plugin discovery.c: no access concentrator answered PADI/PADR. A fresh attempt
    // after a finished one (persist): the server does not answer. After the interrupted wait
    // above the same words only say pppd was told to stop.
    re: /Timeout waiting for PAD[OS] packets|Unable to complete PPPoE Discovery/i,
    example: 'Timeout waiting for PADO packets',
    fresh: true,
    on: (s, _m, l) => {
      if (!s.ends.some((e) => e.kind === 'signal')) s.discoveryTimeout ??= l;
    },
  },
  {
    name: 'pppoe-session-refused',
    // plugins/pppoe/plugin.c PPPOEConnectDevice(): discovery found the access concentrator, then
    // connect() on the kernel's PPPoX socket failed ("Failed to connect PPPoE socket: %d %m";
    // pppd 2.4.1's plugin said "Failed to negotiate PPPoE connection: %d %m"): the attempt ends
    // there, the kernel's PPPoE driver refused the session (errno 25 ENOTTY: no such driver).
    re: /^Failed to (?:connect PPPoE socket|negotiate PPPoE connection): (\d+)\s*(.*)$/i,
    example: 'Failed to connect PPPoE socket: 22 Invalid argument',
    on: (s, m, l) => {
      // errno 19 ENODEV: the kernel's PPPoE driver (pppoe_connect) found no network device of
      // the name the plugin was given (an alias such as eth0:1, a misspelt or vanished NIC;
      // discovery's raw socket accepted it): the configured device is wrong, not the driver.
      if (m[1] === '19') {
        s.configErr ??= l;
        return;
      }
      const why = m[2] ? `errno ${m[1]}: ${m[2]}` : `errno ${m[1]}`;
      s.ends.push({ kind: 'local-term', detail: `the kernel refused the PPPoE session socket (${why})`, line: l, cause: 'pppoe-socket' });
    },
  },
  // --- how it ended ---
  {
    name: 'echo-timeout',
    re: /^No response to (\d+) echo-requests/i,
    example: 'No response to 5 echo-requests',
    on: (s, m, l) => void s.ends.push({ kind: 'echo', detail: `no response to ${m[1]} LCP echo-requests`, line: l }),
  },
  {
    name: 'link-disconnected',
    re: /^Serial link appears to be disconnected/i,
    example: 'Serial link appears to be disconnected.',
    on: (s, _m, l) => {
      if (!s.ends.some((e) => e.kind === 'echo')) s.ends.push({ kind: 'echo', detail: 'serial link appears to be disconnected', line: l });
    },
  },
  {
    name: 'idle',
    re: /^Terminating connection due to lack of\s*activity|^Link inactive/i,
    example: 'Terminating connection due to lack of activity.',
    on: (s, _m, l) => void s.ends.push({ kind: 'idle', detail: 'idle timeout (no traffic)', line: l }),
  },
  {
    name: 'signal',
    re: /^Terminating on signal (\d+)/i,
    example: 'Terminating on signal 15',
    on: (s, m, l) => void s.ends.push({ kind: 'signal', detail: `signal ${m[1]}${signalName(Number(m[1]))}`, line: l }),
  },
  {
    name: 'sighup',
    re: /^Hangup \(SIGHUP\)/i,
    example: 'Hangup (SIGHUP)',
    // A signal, unless the line hung up under pppd (a modem, pptpd's pty): parse.ts settleHangup,
    // once the attempt is read.
    on: (s, _m, l) => void s.ends.push({ kind: 'signal', detail: SIGHUP, line: l }),
  },
  {
    name: 'fatal-signal',
    // main.c: pppd itself crashed (SIGSEGV, SIGBUS...): not a stop anybody asked for.
    re: /^Fatal signal (\d+)/i,
    example: 'Fatal signal 11',
    on: (s, m, l) => void s.ends.push({ kind: 'local-term', detail: `pppd crashed (fatal signal ${m[1]})`, line: l, cause: 'pppd-crashed' }),
  },
  {
    name: 'looped-back',
    // lcp.c: our own magic number came back: the link is a loop, not a peer.
    re: /^Serial line is looped back/i,
    example: 'Serial line is looped back.',
    on: (s, _m, l) => void s.ends.push({ kind: 'local-term', detail: 'the link is looped back (our own LCP requests came back)', line: l, cause: 'looped-back' }),
  },
  {
    name: 'traffic-limit',
    // auth.c check_maxoctets(): the maxoctets limit closes the link like maxconnect.
    re: /^Traffic limit reached/i,
    example: 'Traffic limit reached. Limit: 1000000 Used: 1000512',
    on: (s, _m, l) => void s.ends.push({ kind: 'maxconnect', detail: 'traffic limit (maxoctets) reached', line: l }),
  },
  {
    name: 'maxconnect',
    re: /^Connect time expired/i,
    example: 'Connect time expired',
    on: (s, _m, l) => void s.ends.push({ kind: 'maxconnect', detail: 'maximum connect time reached', line: l, cause: 'max-connect' }),
  },
  {
    name: 'modem-hangup',
    re: /^Modem hangup/i,
    example: 'Modem hangup',
    on: (s, _m, l) => void s.ends.push({ kind: 'hangup', detail: HANGUP.pty, line: l, cause: 'pty-closed' }),
  },
  {
    name: 'terminated',
    re: /^Connection terminated\.?/i,
    example: 'Connection terminated.',
    on: (s, _m, l) => {
      s.ends.push({ kind: 'terminated', detail: 'connection terminated', line: l });
      s.finished = true;
    },
  },
  {
    name: 'exit',
    re: /^Exit\.?$/,
    example: 'Exit.',
    on: (s) => {
      s.finished = true;
      s.exited = true;
    },
  },
  {
    // sys-linux.c restore_tty()/set_up_tty() on a tty whose fd is no longer valid: a restart
    // (`persist`, a dial-in's next call) on a line that hung up under it.
    name: 'tty-gone',
    re: /^(?:tcflush failed|tcsetattr): (?:Bad file descriptor|Invalid argument)/,
    example: 'tcflush failed: Bad file descriptor',
    on: (s, _m, l) => void (s.ttyGone ??= l),
  },
  {
    // pppd's exit status as the program that ran it reports it (pppd(8) EXIT STATUS): front ends
    // print the man page's sentence (openfortivpn "pppd: The link was terminated because the peer
    // is not responding to echo requests.", scripts) or the number (NetworkManager-pptp "pppd
    // exited with error code 16", openfortivpn "waitpid: pppd exit status code 15", wvdial's
    // wvdialer.cc "The PPP daemon has died: Link idle: Idle Seconds reached. (exit code = 12)"). When
    // a paste holds only the front end's output it is the only word on how the attempt ended.
    name: 'exit-status',
    re: EXIT_STATUS_RE,
    example: 'pppd: The link was terminated because the peer is not responding to echo requests.',
    on: (s, m, l) => {
      const code = m[1] !== undefined ? Number(m[1]) : EXIT_SENTENCES[m.slice(2).findIndex((g) => g !== undefined)]?.[0];
      // wvdial (wvdialer.cc "The PPP daemon has died: ...") only runs pppd on a modem it dialled.
      if (/\bThe PPP daemon has died\b/.test(m.input)) onSerialLine(s, l);
      exitStatus(s, code ?? null, l);
    },
  },
  {
    // The front end saw pppd killed by a signal (it never got to log "Terminating on signal").
    name: 'exit-signal',
    re: /\bpppd\b.*?\b(?:died with|terminated by) signal:? *(\d+|[A-Z][a-z]+(?: [a-z]+)*)/,
    example: 'pppd died with signal 15',
    on: (s, m, l) => {
      s.finished = true;
      // pppd had ended the connection itself ("Connection terminated."): the front end's report
      // comes after the story (pptpconfig prints pppd's exit status 16, a hang-up, as "signal 16").
      if (s.ends.some((e) => e.kind === 'terminated')) return;
      const n = Number(m[1]);
      s.ends.push({ kind: 'signal', detail: Number.isInteger(n) ? `signal ${n}${signalName(n)}` : `signal ${m[1]}`, line: l });
    },
  },
  // --- pppd's, but carrying nothing the verdict needs (they still make the text a pppd log) ---
  // main.c print_link_stats(): the unit's byte counts (PPPIOCGIDLE/SIOCGPPPSTATS): the kernel has PPP
  { name: 'link-stats', re: /^Sent \d+ bytes, received \d+ bytes/, example: 'Sent 36219320 bytes, received 1371467319 bytes.', on: (s, _m, l) => void (s.kernelPpp ??= l) },
  // sys-linux.c generic_disestablish_ppp(): PPPIOCDETACH failed on the unit this pppd had: the kernel has PPP
  { name: 'unit-release', re: /^Couldn't release PPP unit/, example: "Couldn't release PPP unit: Invalid argument", on: (s, _m, l) => void (s.kernelPpp ??= l) },
  {
    // ipcp.c ipcp_up(): the proxy ARP entry (sys-linux.c sifproxyarp, whose warning this is) is
    // made once the interface has its addresses, just before "local  IP address": IPCP is up.
    name: 'proxy-arp',
    re: /^Cannot determine ethernet address for proxy ARP/,
    example: 'Cannot determine ethernet address for proxy ARP',
    on: (s, _m, l) => void (s.upLine ??= l),
  },
  {
    // openfortivpn (tunnel.c on_ppp_if_up()) runs pppd on a pty and logs "Interface ppp0 is
    // UP.", its routes and DNS, then "Tunnel is up and running." once pppd's interface came up
    // with its address: IPCP is up, also in a paste that left pppd's own lines out.
    name: 'ssl-vpn-up',
    re: /^Tunnel is up and running\.?$/,
    example: 'Tunnel is up and running.',
    on: (s, _m, l) => void (s.upLine ??= l),
  },
  {
    // openfortivpn shutting the tunnel down (tunnel.c on_ppp_if_down() "Setting ppp0 interface
    // down.", io.c "Cancelling threads...", "Terminated pppd.", "Closed connection to gateway.",
    // "Logged out."): it closes pppd's pty. Where the paste left pppd's own end out, the
    // tunnel it said was up is over; why, openfortivpn's own lines before it say.
    name: 'ssl-vpn-down',
    // (its "INFO:   " level stays on: these lines alone do not make a pppd log, so nothing peels it)
    re: new RegExp(`^(?:INFO:\\s+)?(?:${SSL_VPN_TEARDOWN})\\.*$`),
    example: 'Cancelling threads...',
    evidence: false,
    on: (s, _m, l) => {
      if (s.upLine !== null && s.ends.length === 0) s.ends.push({ kind: 'hangup', detail: "openfortivpn shut the tunnel down and closed pppd's pty", line: l, cause: 'front-end-stopped' });
    },
  },
  {
    // pptpd's logwtmp plugin (pptpd-logwtmp.c ip_up(), with `debug`): its ip-up notifier runs
    // from ipcp.c ipcp_up(), after the addresses are set: IPCP is up.
    name: 'logwtmp-ip-up',
    re: /^pptpd-logwtmp\.so ip-up (\S+)/,
    example: 'pptpd-logwtmp.so ip-up ppp0 jon 62.133.24.54',
    on: (s, m, l) => {
      s.iface ??= m[1] ?? null;
      s.upLine ??= l;
    },
  },
  { name: 'default-remote', re: /^Could not determine remote IP address/, example: 'Could not determine remote IP address: defaulting to 10.64.64.64', on: () => {} },
  { name: 'secrets-mode', re: /^Warning - secret file \S+ has world and\/or group access/, example: 'Warning - secret file /etc/ppp/chap-secrets has world and/or group access', on: () => {} },
  {
    name: 'calling-number',
    // auth.c network_phase(): the `remotenumber` a tunnel server passed. pptpd passes the
    // client's IP address (a PPPoE plugin passes the concentrator's MAC address).
    re: /^peer from calling number (\S+) authorized/,
    example: 'peer from calling number 192.168.123.6 authorized',
    on: (s, m, l) => {
      if (/^(?:\d{1,3}|x{1,3})(?:\.(?:\d{1,3}|x{1,3})){3}$/i.test(m[1] ?? '')) s.tunnelServer ??= l;
    },
  },
  { name: 'discarded', re: /^Discarded non-LCP packet when LCP not open/, example: 'Discarded non-LCP packet when LCP not open', on: () => {} },
  // ipv6cp.c ipv6cp_up(): IPv6CP is up; pppd keeps a link up while any network protocol is, so
  // an IPv6-only link (IPCP rejected or never answered) is up.
  { name: 'ipv6-address', re: /^(?:local|remote)\s+LL address \S+/, example: 'local  LL address fe80::216e:1742:654e:9b91', on: (s, _m, l) => void (s.ipv6Up ??= l) },
  { name: 'routes', re: /^(?:replacing|restoring) old default route to|^Overriding mtu \d+ to|^Couldn't increase M[TR]U to/, example: 'replacing old default route to eth0 [172.16.68.1]', on: () => {} },
  { name: 'unsupported-protocol', re: /^Unsupported protocol (?:0x[0-9a-f]+|'[^']+') received/i, example: 'Unsupported protocol 0x3 received', on: () => {} },
  { name: 'default-route-kept', re: /^not replacing (?:existing )?default route/i, example: 'not replacing existing default route via 192.168.1.1', on: () => {} },
  {
    // utils.c lock(): another process (a second pppd, ModemManager, a terminal program) holds
    // the tty's UUCP lock file; pppd exits 6 without touching the line
    name: 'device-locked',
    re: DEVICE_LOCKED,
    example: 'Device ttyUSB0 is locked by pid 1234',
    on: (s, m, l) => {
      if (s.ends.length === 0) s.ends.push({ kind: 'local-term', detail: `${m[1] ?? 'the device'} is locked by another process (pid ${m[2] ?? '?'})`, line: l, cause: 'device-locked' });
      onSerialLine(s, l);
    },
  },
  { name: 'set-mru-failed', re: /^Couldn't set PPP MRU/, example: "Couldn't set PPP MRU: Transport endpoint is not connected", on: () => {} },
  // sys-linux.c clean_check() (sys-bsd.c, sys-solaris.c alike), run as the link is torn down,
  // names what every received byte had in common: Linux "Receive serial link is not 8-bit
  // clean:" then "Problem: all had bit 7 set to 0" (or "set to 1", "odd parity", "even parity");
  // the BSDs "Serial link is not 8-bit clean:" then "All received characters had bit 7 set to 0".
  // Bit 7 always 0 is 7-bit text, never a PPP frame (a login prompt, a modem's messages); the
  // others are a line at the wrong speed or parity (noise), which tells no more than the end.
  {
    name: 'not-8bit-clean',
    re: /^(?:Receive )?serial link is not 8-bit clean|^Problem: all had (?:bit 7 set to ([01])|\w+ parity)|^All received characters had (?:bit 7 set to ([01])|\w+ parity)/i,
    example: 'Receive serial link is not 8-bit clean:',
    on: (s, m, l) => {
      if ((m[1] ?? m[2]) === '0') s.sevenBitPeer ??= l;
    },
  },
  {
    // main.c with `demand`: traffic woke the dormant pppd and the link starts now. ipcp.c
    // ip_demand_conf() had printed "local  IP address" / "remote IP address" for the made-up
    // addresses it configured the interface with (10.64.64.64 + unit, 10.112.112.112 + unit)
    // before any link existed: those were no IPCP coming up.
    name: 'demand-start',
    re: /^Starting link$/,
    example: 'Starting link',
    on: (s) => {
      // once a Connect line or an LCP packet started the link, its addresses are IPCP's
      if (s.finished || s.started) return;
      s.upLine = null;
      s.localIp = null;
      s.remoteIp = null;
    },
  },
  {
    name: 'pppd-notices',
    // main.c, auth.c, fsm.c, lcp.c, ccp.c, ipcp.c, ipv6cp.c, tty.c notices that describe a step,
    // not a cause (the cause is logged on its own line).
    re: /^(?:Link terminated\.|Starting negotiation on |Last channel has disconnected|Warning: couldn't open ppp database|Received bad configure-(?:ack|nak|rej)|\S+: Rcvd Code-Reject for |Protocol-Reject for unsupported protocol|appear to have received our own echo-reply|(?:Local|Remote) LL address changed to|Lost compression sync|Compression disabled by peer|Serial port initialized|Serial link disconnected)/,
    example: 'Link terminated.',
    on: () => {},
  },
  // --- sstp-client (sstpc), which runs pppd on a pty (or is run by it) and logs as sstpc[PID] ---
  {
    // sstp-client.c sstp_client_lookup / sstp_client_connect / sstp_client_connected (its
    // handshake that could not start: "Could not perform HTTP handshake with server") /
    // sstp_client_http_done / sstp_client_proxy_connected, sstp-http.c: the SSTP connection
    // (HTTPS on TCP 443) could not be set up, so no PPP was started: the control connection's
    // failure, as pptp's to TCP 1723 is.
    name: 'sstp-control-failed',
    re: /^(?:Could not resolve host: |Could not lookup host: `|Could not connect to `|Could not connect to the server, |Could not complete connect to the client|Could not connect to proxy server|Could not (?:perform|configure) HTTP handshake with server|Error: Expected HTTP code 200|HTTP handshake with server failed|Verification of server certificate failed|Proxy asked for credentials, none provided)/,
    example: 'HTTP handshake with server failed',
    on: (s, _m, l) => void (s.controlErr ??= l),
  },
  {
    // sstp-client.c sstp_client_state_cb SSTP_CALL_ESTABLISHED: the server took sstpc's Call
    // Connected (crypto binding with the MPPE keys), which sstpc sends once pppd authenticated
    // (its plugin hands over the keys at pppd's auth-up notifier; with an older pppd at ip-up;
    // without the plugin once pppd sends IPCP: sstp-pppd.c sstp_pppd_ipup): sstpc's own word that
    // the tunnel is set up, IPCP following in the same second; also where pppd's lines are left out.
    // It is the link up only where nothing after it ends or fails the attempt (verdict.ts).
    name: 'sstp-established',
    re: /^Connection Established$/,
    example: 'Connection Established',
    // (openvpn and others print these words too: sstpc's line only under its tag, pppd's or none)
    shared: true,
    on: (s, _m, l) => void (s.sstpUp ??= l),
  },
  {
    // sstp-client.c sstp_client_state_cb: the server's ABORT or DISCONNECT (sstp-state.c) ends
    // the call, sstpc stops pppd and exits with this line.
    name: 'sstp-aborted',
    re: SSTP_ABORTED,
    example: 'Connection was aborted, Value of attribute is incorrect',
    on: (s, m, l) => void s.ends.push({ kind: 'pptp-peer-closed', detail: `the SSTP server aborted or disconnected the call (${m[1] ?? ''})`, line: l }),
  },
  {
    // pppd-plugin/sstp-plugin.c sstp_send_notify: pppd's sstp plugin cannot reach sstpc's
    // socket (its sstp-sock option names another path, or sstpc is gone): pppd's fatal error
    name: 'sstp-plugin-socket',
    re: /^Could not connect to sstp-client \(/,
    example: 'Could not connect to sstp-client (/var/run/sstpc/sstpc-uds-sock), No such file or directory (2)',
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  // --- accel-ppp, a PPP server with its own PPP code (accel-pppd/ppp/*.c); its lines reach this
  //     table with the session prefix removed and "send/recv [" read as "sent/rcvd [" (lines.ts) ---
  {
    // ppp/ppp.c establish_ppp(): the session's channel is up, LCP starts.
    name: 'accel-connect',
    re: /^connect: (\S+) <--> (\w+)\(([^)]*)\)$/,
    example: 'connect: ppp0 <--> sstp(192.168.2.119:3054)',
    fresh: true,
    on: (s, m, l) => {
      s.started = true;
      if (m[1]) s.iface = m[1];
      // A serial line (a modem, a phone over Bluetooth or USB), not the pty pptp runs on.
      if (/^\/dev\/(?:tty(?!p)|rfcomm|modem|cua|ircomm)/.test(m[2] ?? '')) s.nonPptpLink ??= l;
    },
  },
  {
    // ppp/ppp_auth.c __ppp_auth_started(): "%s: authentication succeeded" (the user name first).
    name: 'accel-auth-ok',
    re: /^(?:\S+: )?authentication succeeded$/,
    example: 'test: authentication succeeded',
    on: (s, _m, l) => {
      authSuccess(s, l);
    },
  },
  {
    // ctrl/pptp/pptp.c, ctrl/pppoe/pppoe.c, ctrl/l2tp, ctrl/sstp disconnect(): "disconnected" ends
    // every session whatever ended it; at the default `[log] level=3` it is often the only word
    // on the end (who ended it is logged at level 5: LCP TermReq, PADT, Call-Clear-Request).
    name: 'accel-disconnected',
    re: /^disconnected$/,
    example: 'disconnected',
    on: (s, _m, l) => {
      s.ends.push({ kind: 'terminated', detail: 'the session ended (accel-ppp "disconnected"; who ended it is logged only at [log] level=5)', line: l });
      s.finished = true;
    },
  },
  {
    // ppp/ppp_auth.c ppp_auth_failed(): "%s: authentication failed", then the session ends.
    name: 'accel-auth-failed',
    re: /^(?:\S+: )?authentication failed$/,
    example: 'user1: authentication failed',
    on: (s, _m, l) => authFailure(s, l, ''),
  },
  {
    // ppp/ppp_lcp.c send_echo_request(): lcp-echo-failure echo requests unanswered; ctrl/pptp/
    // pptp.c pptp_send_echo(): the PPTP keep-alive on TCP 1723 unanswered (echo-failure).
    name: 'accel-echo-timeout',
    re: /^(lcp|pptp): no echo reply$/,
    example: 'lcp: no echo reply',
    on: (s, m, l) => void s.ends.push({ kind: 'echo', detail: `no reply to ${m[1] === 'pptp' ? 'PPTP' : 'LCP'} echo-requests`, line: l }),
  },
  {
    // ctrl/pptp/pptp.c (verbose): the client closed TCP 1723 ("disconnect by peer") or hung up
    // the call / the control connection: a server's view of the client leaving.
    name: 'accel-pptp-client-left',
    // So do sstp.c sstp_read() ("sstp: disconnect by peer"), pppoe.c pppoe_recv_PADT (the
    // client's PADT, dumped as "IFACE: recv [PPPoE PADT ...]") and l2tp.c l2tp_recv_CDN /
    // l2tp_recv_StopCCN ("l2tp session ...: CDN received from peer ..., disconnecting session").
    re: /^(?:(?:pptp|sstp): disconnect by peer|rcvd \[PPTP (?:Call-Clear-Request|Stop-Ctrl-Conn-Request)\b|rcvd \[PPPoE PADT\b|l2tp (?:session|tunnel) .*: (?:CDN|StopCCN) received from peer)/,
    example: 'rcvd [PPTP Call-Clear-Request <Call-ID 1>]',
    on: (s, m, l) => clientLeft(s, 'accel-ppp', l, m.input),
  },
  {
    // ctrl/l2tp/l2tp.c l2tp_conn_read(): the control channel's retransmissions to the client went
    // unanswered: the L2TP counterpart of an echo time-out.
    name: 'accel-l2tp-unreachable',
    re: /^l2tp tunnel .*: peer is unreachable, disconnecting tunnel/,
    example: 'l2tp tunnel 12-34 (198.51.100.7:1701): peer is unreachable, disconnecting tunnel',
    on: (s, _m, l) => void s.ends.push({ kind: 'echo', detail: 'the L2TP client stopped answering (accel-ppp: peer is unreachable)', line: l }),
  },
  {
    // ctrl/pptp/pptp.c pptp_connect(): the client's address is outside client-ip-range.
    name: 'accel-pptp-refused',
    re: /^pptp: IP is out of client-ip-range, droping connection/,
    example: 'pptp: IP is out of client-ip-range, droping connection...',
    fresh: true,
    on: (s, _m, l) => void (s.controlErr ??= l),
  },
  {
    // ppp/ccp_mppe.c: the kernel has no ppp_mppe; or RADIUS keys forbid 128-bit and MPPE is off.
    name: 'accel-mppe',
    re: /^mppe: (?:(MPPE requested but not supported by kernel)|128-bit session keys not allowed, disabling mppe)/,
    example: 'mppe: MPPE requested but not supported by kernel',
    // The 128-bit branch turns MPPE off and the session goes on unencrypted (ccp_mppe.c
    // ev_mppe_keys): no end of its own; a client that requires MPPE ends it later.
    on: (s, m, l) => {
      if (m[1]) s.mppeKernel ??= l;
    },
  },
  {
    // auth/auth_*.c: why the following "authentication failed" (or the session's end) happened:
    // unknown user, wrong CHAP response, no answer to the challenge; session.c: a second session
    // of a single-session user is denied (the client sees an authentication failure).
    name: 'accel-auth-detail',
    re: /^(?:mschap-v[12]|chap-md5|pap): (?:user not found|challenge response mismatch|timeout)$|^\S+: second session denied$/,
    example: 'mschap-v2: user not found',
    on: (s, m, l) => authFailure(s, l, m.input),
  },
  {
    // session.c ap_session_timer(): idle-timeout / session-timeout (RADIUS or config) reached.
    name: 'accel-session-timer',
    re: /^(idle|session) timeout$/,
    example: 'idle timeout',
    on: (s, m, l) =>
      void s.ends.push(m[1] === 'idle' ? { kind: 'idle', detail: 'idle timeout (accel-ppp idle-timeout)', line: l } : { kind: 'maxconnect', detail: 'session timeout (accel-ppp session-timeout)', line: l }),
  },
  {
    // ppp/ppp_auth.c: the peer Nak'd or rejected the authentication protocol offered in LCP
    // (alone, no end: the next protocol in the list is offered).
    name: 'accel-auth-negotiation',
    re: /^auth: unexcepcted configure-(?:nak|reject)$/,
    example: 'auth: unexcepcted configure-nak',
    on: () => {},
  },
  {
    // ppp/ppp_auth.c auth_recv_conf_nak(): the client Nak'd every protocol the server offers
    // (its auth= list: pap, chap-md5, mschap-v1, mschap-v2), and LCP fails: the server's side of
    // pppd's "peer refused to authenticate".
    name: 'accel-auth-unagreed',
    re: /^cann't negotiate authentication type$/,
    example: "cann't negotiate authentication type",
    on: (s, _m, l) => void (s.peerRefusedAuth ??= l),
  },
  {
    // ppp/ipcp_opt_ipaddr.c alloc_ip(): the IP pool ([ip-pool] ranges, or RADIUS's Framed-Pool)
    // has no address left, so IPCP closes and the session ends: the server's configuration.
    name: 'accel-no-free-ip',
    re: /^ppp: no free IPv4 address$/,
    example: 'ppp: no free IPv4 address',
    on: (s, _m, l) => void (s.configErr ??= l),
  },
  {
    // extra/pppd_compat.c (verbose=1): the [pppd-compat] hook scripts' status. A non-zero
    // ip-pre-up, which runs once IPCP agreed and before the session starts, terminates the
    // session (ev_ses_pre_up: ap_session_terminate); ip-up's and ip-down's are only logged.
    // Only ip-pre-up's is recorded: a failed ip-up ends nothing here, so it decides no verdict.
    name: 'accel-ip-pre-up',
    re: /^pppd_compat: ip-pre-up finished \((-?\d+)\)$/,
    example: 'pppd_compat: ip-pre-up finished (256)',
    on: (s, m, l) => scriptFinished(s, 'ip-pre-up', Number(m[1]), l),
  },
  // --- OpenWrt's proto pptp handler (netifd's ppp.sh, relayed as "netifd: IFACE (PID): text"):
  //     resolveip found no address for the server, pppd is never started ---
  {
    name: 'openwrt-pptp-unresolved',
    re: /^Could not resolve server address$/,
    example: 'Could not resolve server address',
    fresh: true,
    on: (s, _m, l) => void (s.controlErr ??= l),
  },
  // rp-pppoe plugin.c PPPOEConnectDevice(): discovery found the concentrator, a new link starts
  // (where pids are gone, the next attempt begins here).
  { name: 'pppoe-session', re: /^PPP session is \d+|^Connected to \S+ via interface/, example: 'PPP session is 23303', fresh: true, on: () => {} },
  { name: 'pppoe-teardown', re: /^Renamed interface \S+ to|^Sent PADT$/, example: 'Sent PADT', on: () => {} },
  {
    name: 'pppd-fatal',
    re: FATAL_ERRORS,
    example: "Couldn't attach to interface unit 0: Invalid argument",
    on: (s, _m, l) => void s.ends.push({ kind: 'local-term', detail: `pppd stopped on a fatal error: ${l.msg.trim()}`, line: l, cause: 'pppd-fatal' }),
  },
  {
    // sys-linux.c's error() on one of the PPP driver's own ioctls (PPPIOCGFLAGS, PPPIOCSMRU...:
    // no other program issues them), in 2.4.1's form without 2.4.x's later " (line N)" too:
    // pppd speaking of its kernel driver. The fatal ones are the row above; these end nothing.
    name: 'ppp-ioctl-error',
    re: /^ioctl\(PPPIOC[A-Z0-9]+\): \S/,
    example: 'ioctl(PPPIOCGFLAGS): Invalid argument',
    on: () => {},
  },
];

// ---------- the pptp table (pptp-linux, and the call manager inside pptp.so) ----------

/** pptp (pptp-linux, also the call manager inside pppd's pptp.so) writes `who level[func:file.c:N]: text`. */
export interface PptpMessage {
  level: 'log' | 'warn' | 'fatal';
  where: string;
  text: string;
}

// The level word is missing when a front end strips it ("[pptp_read_some:pptp_ctrl.c:543]: ..."),
// and forums turn ":p" into a smiley, leaving "log[pptp_read_some ptp_ctrl.c:544]: ...".
const PPTP_MSG = /(?:\b(log|warn|fatal))?\[([A-Za-z_][\w-]*(?::\s?|\s)[\w.]+\.c:\d+)\]:\s?(.*)$/;

export function pptpMessage(msg: string): PptpMessage | null {
  const m = PPTP_MSG.exec(msg);
  if (!m) return null;
  return { level: (m[1] ?? 'log') as PptpMessage['level'], where: m[2] ?? '', text: (m[3] ?? '').trim() };
}

const levelOf = (l: LogLine): PptpMessage['level'] => pptpMessage(l.msg)?.level ?? 'log';

function controlFailed(s: Session, l: LogLine, text: string): void {
  if (s.upLine === null) s.controlErr ??= l;
  else s.ends.push({ kind: 'pptp-link-error', detail: `pptp: ${text}`, line: l });
}

/** Rows for pptp's text (the `who level[...]:` prefix removed). */
export const PPTP_RULES: Rule[] = [
  {
    name: 'pptp-control-up',
    bare: true,
    // mtpd (Android's PPTP client, pptp.c): "Tunnel established" on the Start-Control-Connection
    // reply, "Session established" on the Outgoing-Call reply (then it starts pppd).
    re: /Client connection established|Outgoing call established|Received Start Control Connection Reply|^Tunnel established$|^Session established$/i,
    example: 'Client connection established.',
    on: (s, m) => {
      s.controlUp = true;
      if (/Outgoing call established|^Session established$/i.test(m.input)) s.callUp = true;
    },
  },
  // mtpd (AOSP external/mtpd, mtpd.c): the call's start, and how it saw its pppd and itself end.
  { name: 'mtpd-connecting', re: /^Connecting to \S+ port \d+ via \S+$/, example: 'Connecting to 203.0.113.7 port 1723 via wlan0', fresh: true, on: () => {} },
  {
    name: 'mtpd-signal',
    // SIGCHLD (17) is its pppd exiting ("Pppd is terminated" follows); any other is the VPN
    // being stopped on the phone.
    re: /^Received signal (\d+)$/,
    example: 'Received signal 15',
    on: (s, m, l) => {
      const n = Number(m[1]);
      if (n !== 17) s.ends.push({ kind: 'signal', detail: `signal ${n}${signalName(n)} (mtpd)`, line: l });
    },
  },
  {
    name: 'mtpd-pppd-status',
    re: /^Pppd is terminated \(status = (\d+)\)/,
    example: 'Pppd is terminated (status = 19)',
    on: (s, m, l) => exitStatus(s, Number(m[1]), l),
  },
  { name: 'mtpd-end', re: /^Mtpd is terminated \(status = \d+\)/, example: 'Mtpd is terminated (status = 5)', on: (s) => void (s.finished = true) },
  {
    // mtpd pptp.c / l2tp.c recv_packet(): recv() on the control socket failed (FATAL, exit
    // NETWORK_ERROR; atexit then SIGTERMs pppd): before the link was up the control connection
    // never worked (on L2TP's connected UDP socket "Connection refused" is the server's ICMP port
    // unreachable for 1701), after it the control connection broke
    name: 'mtpd-recv-failed',
    re: /^Recv\(\) (.+)$/,
    example: 'Recv() Connection reset by peer',
    on: (s, m, l) => controlFailed(s, l, `Recv() ${m[1] ?? ''}`),
  },
  {
    // mtpd pptp.c pptp_process(): a Start-Control-Connection or Outgoing-Call reply with a
    // result code is a refusal (an accepted one reads "Received SCCRP -> Sending OCRQ ...")
    name: 'mtpd-reply-refused',
    re: /^Received (?:SCCRP|OCRP) \(result = \d+\)$/,
    example: 'Received OCRP (result = 7)',
    on: (s, _m, l) => {
      s.controlErr ??= l;
      s.serverRefused ??= l;
    },
  },
  {
    // mtpd l2tp.c: the LNS's SCCRP failed the tunnel secret's challenge (CHALLENGE_FAILED: the
    // profile's L2TP secret does not match the server's), or named no tunnel to use
    name: 'mtpd-l2tp-sccrp-invalid',
    re: /^Received SCCRP without (valid challenge response|assigned tunnel)/,
    example: 'Received SCCRP without valid challenge response',
    on: (s, m, l) => {
      if (m[1] === 'valid challenge response') s.configErr ??= l;
      else s.controlErr ??= l;
    },
  },
  {
    // mtpd pptp.c / l2tp.c create_pppox(): "Creating PPPoX socket", then socket(AF_PPPOX,
    // SOCK_DGRAM, PX_PROTO_OPNS or _OLAC) failing: the kernel has no PPTP (pppopns) or L2TP
    // (pppolac) PPPoX driver; mtpd exits before its pppd starts.
    name: 'mtpd-no-pppox',
    bare: true,
    re: /^Socket\(\) (?:Protocol not supported|Address family not supported by protocol)$/,
    example: 'Socket() Protocol not supported',
    fresh: true,
    on: (s, _m, l) => void (s.noKernel ??= l),
  },
  {
    name: 'pptp-dns',
    // pptp.c get_ip_address(): gethostbyname/getaddrinfo failures; the pptp.so plugin's "Unknown host";
    // pptp_callmgr.c: the call manager's "Invalid IP address" for a server it cannot use.
    re: /gethostbyname|getaddrinfo|Could not resolve|Unknown host|possesses no IPv4 address|^Invalid IP address: |Name or service not known|Host name lookup failure|No address associated with hostname|Temporary failure in name resolution|HOST NOT FOUND/i,
    example: "gethostbyname 'pptp.relakks.com': HOST NOT FOUND",
    fresh: true,
    on: (s, m, l) => controlFailed(s, l, m.input),
  },
  {
    name: 'pptp-connect-failed',
    // mtpd's create_socket(): "Connect() Connection refused".
    re: /^connect: (.+)$|^Connect\(\) (.+)$|Could not open control connection|Call manager exited with error|Could not launch call manager|^Could not open connection\.?$/i,
    example: 'connect: Connection refused',
    fresh: true,
    on: (s, m, l) => {
      // "Could not open control connection to SERVER" names the server: the better evidence.
      if (s.controlErr && s.upLine === null && /control connection to/i.test(m.input) && !/control connection to/i.test(s.controlErr.msg)) s.controlErr = l;
      controlFailed(s, l, m.input);
    },
  },
  {
    name: 'pptp-gre-socket',
    // pptp.c main() / pptp_gre.c pptp_gre_bind(): pptp could not open its raw GRE socket (it
    // needs root or CAP_NET_RAW: "socket: Operation not permitted") before any PPTP traffic:
    // a local failure, not TCP 1723.
    re: /^Cannot bind GRE socket/i,
    example: 'Cannot bind GRE socket, aborting.',
    fresh: true,
    on: (s, _m, l) => void (s.greSocketFailed ??= l),
  },
  {
    name: 'pptp-call-refused',
    bare: true,
    // pptp_ctrl.c: a failed Start-Control-Connection-Reply is logged by ctrlp_error() as "Reply
    // result code is N 'TEXT'. Error code is N"; a refused Outgoing-Call-Reply as "Our outgoing
    // call request [callid N] has not been accepted." (then "Result code is ...").
    re: /(?:Start[- ]Control[- ]Connection|Outgoing[- ]Call)[- ]Reply.*(?:result|error|reject|fail)|Outgoing call (?:rejected|failed)|outgoing call request .*has not been accepted|^Reply result code is \d+|^Result code is \d+ |Non-zero Result Code|negative reply|Peer refused/i,
    example: 'Outgoing call rejected',
    // ctrlp_error() also logs the result code of a Call-Disconnect-Notify the server sent: after
    // the server closed the call it says why (3 'Administrative Shutdown'), nothing was refused.
    on: (s, m, l) => {
      if (s.ends.some((e) => e.kind === 'pptp-peer-closed')) return;
      s.serverRefused ??= l;
      controlFailed(s, l, m.input);
    },
  },
  {
    name: 'pptp-missing-echo',
    bare: true,
    // pptp_ctrl.c pptp_handle_timer(): our keep-alive Echo-Request went unanswered, the control
    // connection is closed. Like LCP echo failures, it ends a link that was up.
    re: /closing control connection due to missing echo reply/i,
    example: 'closing control connection due to missing echo reply',
    on: (s, m, l) => void s.ends.push({ kind: 'echo', detail: `pptp: ${m.input}`, line: l }),
  },
  {
    name: 'pptp-peer-closed',
    bare: true,
    // pptp_ctrl.c: the server closed TCP 1723, cleared the call, or stopped the control
    // connection ("Received Stop Control Connection Reply" answers our own stop: not here).
    // mtpd logs "Remote server hung up" for all of these (and for a refused reply).
    re: /read returned zero, peer has closed|Received Call Clear Request|Call[- ]Disconnect[- ]Notify|Call disconnect notification received|Received Stop[- ]Control[- ]Connection[- ]Request|Stop-Control-Connection-Request received|Call disconnected|^Remote server hung up$/i,
    example: 'read returned zero, peer has closed',
    on: (s, m, l) => void s.ends.push({ kind: 'pptp-peer-closed', detail: `pptp: ${m.input}`, line: l }),
  },
  {
    name: 'pptp-link-error',
    re: /(?:read|write) error|Connection reset by peer|Connection timed out|timeout waiting for echo|no echo reply|Broken pipe|short read/i,
    example: 'short read (-1): Message too long',
    on: (s, m, l) => {
      const where = pptpMessage(l.msg)?.where ?? '';
      // pptp_ctrl.c logs its control connection's socket errors at log level (pptp_read_some
      // "read error: %s", pptp_write_some and pptp_send_ctrl_packet "write error: %s"): the
      // call manager then shuts down and pptp's pty closes under pppd. (EBADF is pptp writing to
      // a connection it had closed itself: bookkeeping after another end.)
      // On a call already set up ("Outgoing call established": the server accepted the control
      // connection and the call) the error ends a connection that worked: it was not refused.
      // (Before the call, as for a bare EOF then, the server would not keep the connection.)
      if (/^pptp_(?:read_some|write_some|send_ctrl_packet)\b/.test(where) && /^(?:read|write) error: (?!Bad file descriptor)/.test(m.input)) {
        if (!s.callUp) return void controlFailed(s, l, m.input);
        return void s.ends.push({ kind: 'pptp-link-error', detail: `pptp: ${m.input}`, line: l });
      }
      if (levelOf(l) === 'log') return;
      // pptp_gre.c decaps_hdlc() reads pppd's pty: EIO there is pppd having closed it, printed
      // after pppd's own end ("pppd may have shutdown, see pppd log"): its consequence.
      if (/^decaps_hdlc\b/.test(where) && /Input\/output error/i.test(m.input)) return;
      // EMSGSIZE (pptp_gre.c): on decaps_gre()'s connected raw GRE socket, an ICMP
      // "fragmentation needed" for a GRE packet (a path MTU problem) that ends the call; pptp 1.10's
      // decaps_hdlc() logs it with its IP_MTU and goes on (older pptp broke there too).
      const oversized = /Message too long/i.test(m.input);
      // decaps_gre() on the connected raw GRE socket: an ICMP error for the GRE flow (protocol
      // 47 refused or unroutable on the way: a firewall, a NAT router without the PPTP helper).
      const refused = /^decaps_gre\b/.test(where) && /Protocol not available|Connection refused|No route to host|(?:Network|Host) is unreachable/i.test(m.input);
      s.ends.push({ kind: 'pptp-link-error', detail: `pptp: ${m.input}`, line: l, ...(oversized ? { cause: 'gre-oversized' as const } : refused ? { cause: 'gre-refused' as const } : {}) });
    },
  },
  { name: 'pptp-start', re: /The synchronous pptp option|Start-Control-Connection-Request/i, example: 'The synchronous pptp option is NOT activated', fresh: true, on: () => {} },
];

/** pptpctrl.c's line as it waits for the call's pppd: the pid of that pppd (row pptpd-reaping; parse.ts callCleared). */
export const PPTPD_REAPING = /^CTRL: Reaping child PPP\[(\d+)\]/i;

/** pptpmanager.c's and pptpd.c's lines as pptpd starts (row pptpd-manager; hints.ts reads a log that ends on them). */
export const PPTPD_MANAGER = /^MGR: (?:Manager process started|Maximum of \d+ connections available|connections limit \(\d+\) reached)/i;

/**
 * Rows for pptpd's control process (pptpctrl.c, ctrlpacket.c), a server's view of the client.
 * When the client hangs up, pptpd reads EOF on TCP 1723 ("CTRL: EOF or bad error reading ctrl
 * packet length.", "CTRL: CTRL read failed"), or gets a Call-Clear / Stop-Control-Connection
 * request; it then stops its pppd with SIGTERM ("CTRL: Client pppd TERM sending", pppd's
 * "Terminating on signal 15") or reaps it ("Modem hangup"). The signal is pptpd's consequence
 * of the client leaving, not a local stop. Its echo keep-alive gives up with "CTRL: Session
 * timed out, ending call" when the client stopped answering. Only these rows are read from
 * pptpd's lines; a paste of pptpd's lines alone is a PPTP server's log and judged from them.
 */
export const PPTPD_RULES: Rule[] = [
  {
    // pptpctrl.c: pptpd starts pppd on a pty for the client's call. A row so the line reaches the
    // attempt, where any pptpd line marks it a server's side (parse.ts feed).
    name: 'pptpd-call-start',
    re: /^CTRL: Starting call \(launching pppd/i,
    example: 'CTRL: Starting call (launching pppd, opening GRE)',
    on: () => {},
  },
  {
    name: 'pptpd-client-closed',
    re: /^CTRL: (?:EOF or bad error reading ctrl packet|Error reading ctrl packet|CTRL read failed|Received (?:CALL CLR|STOP CTRL CONN) request|Request to close control connection)/i,
    example: 'CTRL: EOF or bad error reading ctrl packet length.',
    on: (s, m, l) => clientLeft(s, 'pptpd', l, m.input),
  },
  {
    // pptpctrl.c: pptpd waits for its pppd after its control loop ended the call. It says the
    // pppd is pptpd's; why the call ended, parse.ts settles from the whole log (callCleared).
    name: 'pptpd-reaping',
    re: PPTPD_REAPING,
    example: 'CTRL: Reaping child PPP[4257]',
    on: () => {},
  },
  {
    name: 'pptpd-gre-failed',
    // pptpctrl.c pptp_handle_ctrl_connection(): GRE from the client stopped or the control
    // stream lost sync: the tunnel's transport broke (not the client hanging up).
    re: /^CTRL: (?:GRE-tunnel has collapsed|GRE read or PTY write failed|Error sending GRE, aborting call|Bad magic cookie - lost syncronization)/i,
    example: 'CTRL: GRE-tunnel has collapsed (GRE read or PTY write failed (gre,pty)=(6,-1))',
    on: (s, m, l) => void s.ends.push({ kind: 'pptp-link-error', detail: `pptpd: ${m.input}`, line: l }),
  },
  {
    // pptpgre.c decaps_gre(): the raw GRE socket's read failed ("Protocol not available": an
    // ICMP error for the GRE flow); pptpctrl.c then ends the call ("GRE read or PTY write
    // failed", the row that tells the end).
    name: 'pptpd-gre-read',
    re: /^GRE: read\(fd=\d+.*\) from network failed/i,
    example: 'GRE: read(fd=7,buffer=60a400,len=8260) from network failed: status = -1 error = Protocol not available',
    on: () => {},
  },
  {
    // pptpgre.c decaps_gre() (pptpd's debug): the call's GRE packets in sequence, held back or
    // dropped. Tells the call carries frames, not how it ends: a server's log of a call.
    name: 'pptpd-gre-data',
    re: /^GRE: (?:accepting (?:packet )?#\d+|buffering packet #\d+|discarding (?:duplicate or old )?packet|timeout waiting for \d+ packets)/i,
    example: 'GRE: buffering packet #296 (expecting #295, lost or reordered)',
    on: () => {},
  },
  {
    // pptpgre.c pptp_gre_init(): pptpd could not open its raw GRE socket (it needs root): no
    // PPP frame of the call can flow, whatever happens on TCP 1723 after.
    name: 'pptpd-gre-socket',
    re: /^GRE: socket\(\) failed/i,
    example: 'GRE: socket() failed',
    on: (s, _m, l) => void (s.greSocketFailed ??= l),
  },
  {
    name: 'pptpd-echo-timeout',
    re: /^CTRL: Session timed out, ending call/i,
    example: 'CTRL: Session timed out, ending call',
    on: (s, m, l) => void s.ends.push({ kind: 'echo', detail: `pptpd: the client stopped answering PPTP echo requests (${m.input})`, line: l }),
  },
  {
    // pptpctrl.c: pptpd itself was stopped (restart, shutdown): it ends the call.
    name: 'pptpd-signal',
    re: /^CTRL: Exiting on signal (\d+)/i,
    example: 'CTRL: Exiting on signal 15',
    on: (s, m, l) => void s.ends.push({ kind: 'signal', detail: `signal ${m[1] ?? '?'} to pptpd's control process`, line: l }),
  },
  {
    // accel-pptp's pptpd (pptpctrl.c with the kernel's PPTP sockets instead of its own GRE):
    // the kernel has no pptp module (PX_PROTO_PPTP), so no call can start.
    name: 'pptpd-no-pptp-socket',
    re: /^CTRL: failed to create PPTP socket/i,
    example: 'CTRL: failed to create PPTP socket (Protocol not supported)',
    on: (s, _m, l) => void (s.noKernel ??= l),
  },
  {
    // pptpgre.c: a frame pppd wrote to the pty failed its HDLC check: the call carries frames;
    // a server's log of a call, not how it ends.
    name: 'pptpd-gre-checksum',
    re: /^GRE: Bad checksum\b/i,
    example: 'GRE: Bad checksum from pppd.',
    on: () => {},
  },
  {
    // pptpmanager.c: the `ppp` program pptpd.conf names cannot be run: pptpd starts no pppd
    // (a fact of the server's log; an admin fixing it and restarting pptpd logs the same line
    // before calls that work, so it decides nothing by itself).
    name: 'pptpd-ppp-binary',
    re: /^MGR: PPP binary\b/i,
    example: 'MGR: PPP binary /usr/local/pptpd/sbin/pppd not executable',
    on: () => {},
  },
  {
    // pptpmanager.c pptp_manager() and pptpd.c, printed once as pptpd starts: the manager
    // listens on TCP 1723 (with how many calls it takes, and a remoteip list longer than that).
    // A PPTP server's log; of a call it tells nothing.
    name: 'pptpd-manager',
    re: PPTPD_MANAGER,
    example: 'MGR: Manager process started',
    on: () => {},
  },
  {
    // pptpmanager.c pptp_manager(): the last connection slot or address was just taken (logged
    // then, often during the call of the client that took it): pptpd stops accepting on TCP
    // 1723, and the next client's connect completes in the backlog but is never answered.
    name: 'pptpd-no-slots',
    re: /^MGR: No free connection slots or IPs/i,
    example: 'MGR: No free connection slots or IPs - no more clients can connect!',
    on: (s, _m, l) => void (s.controlErr ??= l),
  },
];

/** NetworkManager's VPN time-out for the plugin's IP configuration (row nm-vpn-config-timeout; hints.ts tells it from the PPP manager's). */
export const NM_VPN_CONFIG_TIMEOUT = /^VPN (?:connection(?: '.*')?:?|Activation \(.*\) Stage 4(?: of 4)?) \(IP4? Config Get\) timeout exceeded\.?$/;

/** NetworkManager's line for a device that went down (the nm-device-down row; hints.ts reads it in the evidence): its name and its new state. */
export const NM_DEVICE_DOWN = /\((?!ppp\d)([^)]+)\): (?:device )?state change: \S+ -> (failed|unavailable|disconnected)\b/;

/**
 * Rows for NetworkManager's report of a VPN's IP configuration (nm-vpn-connection.c: 0.7/0.8
 * "Internal IP4 Address: A", 0.9 "  Internal Address: A", 1.x "vpn-connection[...]: Data:
 * Internal Address: A", with "Internal Point-to-Point Address: B" and "Tunnel Device: ppp0").
 * NetworkManager-pptp's pppd plugin hands the addresses over from pppd's ip-up: they are the
 * link coming up, as pppd's "local/remote IP address" are, in pastes that hold only
 * NetworkManager's lines. Read only when the tunnel device is a PPP one (parse.ts): other VPN
 * plugins (OpenVPN, vpnc) report the same lines for a tun device.
 */
export const NM_RULES: Rule[] = [
  {
    // NetworkManager's words for the exit status ("<warn> pppd pid 1878 exited with error: pppd
    // options error"; 0.8 "ppp_exit_code(): ppp pid 1977 exited with error: ..."), no number.
    name: 'nm-exit-words',
    re: NM_EXIT_RE,
    example: 'ppp_exit_code(): ppp pid 1977 exited with error: pppd options error',
    on: (s, m, l) => exitStatus(s, NM_EXIT_WORDS[m.slice(1).findIndex((g) => g !== undefined)]?.[0] ?? null, l),
  },
  { name: 'nm-ppp-device', re: /^Tunnel Device: "?(ppp\d+)"?$/, example: 'Tunnel Device: ppp0', on: (s, m) => (s.iface = m[1] ?? s.iface) },
  {
    name: 'nm-local-ip',
    re: /^Internal (?:IP4 )?Address: (\d{1,3}(?:\.\d{1,3}){3})$/,
    example: 'Internal IP4 Address: 172.16.8.52',
    on: (s, m, l) => {
      s.localIp ??= m[1] ?? null;
      markUp(s, l);
    },
  },
  {
    name: 'nm-remote-ip',
    re: /^Internal (?:IP4 )?Point-to-Point Address: (\d{1,3}(?:\.\d{1,3}){3})$/,
    example: 'Internal IP4 Point-to-Point Address: 172.16.8.2',
    on: (s, m, l) => {
      if (m[1] !== '0.0.0.0') s.remoteIp ??= m[1] ?? null;
      markUp(s, l);
    },
  },
  {
    // nm-vpn-connection.c: the plugin's IP configuration is applied (0.7-0.9 "VPN connection
    // 'NAME' (IP Config Get) complete.", 1.x "VPN connection: (IP Config Get) complete").
    name: 'nm-config-complete',
    re: /^VPN connection(?: '.*')?:? \(IP4? Config Get\) complete\.?$/,
    example: "VPN connection 'Cloud' (IP Config Get) complete.",
    on: (s, _m, l) => void (s.upLine ??= l),
  },
  {
    // nm-vpn-connection.c (0.9) connect_cb(): the VPN plugin's Connect call failed, before its
    // pppd ran ("Could not find the pppd binary.", "Could not find pptp client binary.", in the
    // system's language).
    name: 'nm-vpn-connect-failed',
    re: /^VPN connection '[^']*' failed to connect: '(.+?)'\.?$/,
    example: "VPN connection 'CA' failed to connect: 'Could not find the pppd binary.'.",
    on: (s, m, l) => {
      s.finished = true;
      s.ends.push({ kind: 'terminated', detail: `NetworkManager's VPN plugin could not start the connection (${m[1] ?? ''})`, line: l });
    },
  },
  {
    // nm-vpn-connection.c get_secrets_cb(): no secret agent (applet, nmcli --ask) gave the VPN's
    // password, so NetworkManager never started its PPTP plugin's pppd.
    name: 'nm-no-secrets',
    re: /(?:Failed to )?request VPN secrets #\d+: (?:\(\d+\) )?(.+?)\.?$/,
    example: 'get_secrets_cb(): Failed to request VPN secrets #2: (6) No agents were available for this request.',
    on: (s, m, l) => {
      s.finished = true;
      s.ends.push({ kind: 'terminated', detail: `NetworkManager got no VPN secrets (${m[1] ?? ''}): pppd never started`, line: l });
    },
  },
  {
    // nm-pptp-service.c real_disconnect (nm-l2tp-service.c the same for xl2tpd, which runs pppd):
    // NetworkManager told the VPN plugin to disconnect (a user's disconnect, a suspend, the base
    // device failing, its connect time-out, pppd reporting 'dead'), and it sends SIGTERM; the
    // line is the plugin service's own ("nm-pptp[PID] <info>  ...", parse.ts nmVpnLine).
    name: 'nm-stopped-pppd',
    re: /^Terminated (?:ppp|xl2tpd) daemon with PID \d+\.?$/,
    example: 'Terminated ppp daemon with PID 2345.',
    on: (s, _m, l) => {
      if (!s.finished) s.networkManagerStop ??= l;
    },
  },
  {
    // nm-ppp-manager.c pppd_timed_out(): pppd's NetworkManager plugin did not hand over the
    // link's IP configuration within NetworkManager's PPP time-out (20 s in 0.8, 30 s later),
    // so NetworkManager stops pppd (_ppp_kill/_ppp_manager_stop: SIGTERM) and fails the device.
    // The message is the same in every release ("ppp-manager: " in front since 1.x's _NMLOG).
    name: 'nm-ppp-timeout',
    re: /^(?:ppp-manager: )?pppd timed out or didn't initialize our dbus module\.?$/,
    example: "pppd timed out or didn't initialize our dbus module",
    on: (s, _m, l) => {
      if (!s.finished) networkManagerTimedOut(s, l);
    },
  },
  {
    // nm-vpn-connection.c ip_config_timeout (0.6 nm-vpn-service.c "VPN Activation (NAME) Stage 4
    // of 4 ..."): the VPN plugin did not hand NetworkManager the tunnel's IP configuration in
    // time, so NetworkManager fails the VPN (reason CONNECT_TIMEOUT) and the plugin stops its
    // pppd (SIGTERM): NetworkManager's own time-out, as nm-ppp-timeout's.
    name: 'nm-vpn-config-timeout',
    re: NM_VPN_CONFIG_TIMEOUT,
    example: "VPN connection 'foovpn' (IP Config Get) timeout exceeded.",
    on: (s, _m, l) => {
      if (!s.finished) networkManagerTimedOut(s, l);
    },
  },
  {
    // NetworkManager's device state machine (nm-device.c _set_state_full, 1.x "device (wlp2s0):
    // state change: activated -> failed (reason ...)"; 0.9 "(wlan0): device state change: ..."):
    // the connection under the VPN went down, and NetworkManager takes the VPN down with it.
    name: 'nm-device-down',
    re: NM_DEVICE_DOWN,
    example: "device (wlp2s0): state change: activated -> failed (reason 'supplicant-timeout', sys-iface-state: 'managed')",
    on: (s, _m, l) => {
      if (s.finished) return;
      s.deviceDown = l;
      // nm-ppp-mgr.c (1.42+): its timer fails the device with reason 'ppp-failed' when pppd has
      // not reached phase running in time (the time-out itself is logged only at trace level),
      // then NetworkManager kills pppd: the same stop as nm-ppp-timeout's
      if (NM_PPP_FAILED.test(l.msg)) networkManagerTimedOut(s, l);
    },
  },
];

/** NetworkManager's PPP time-out ran out while pppd ran (nm-ppp-timeout, or nm-device-down's 'ppp-failed'): the stop that follows is its. */
function networkManagerTimedOut(s: Session, l: LogLine): void {
  s.networkManagerStop ??= l;
  s.networkManagerTimeout ??= l;
}

/** NetworkManager failing a device because of its PPP (nm-ppp-mgr.c: reason 'ppp-failed'). */
const NM_PPP_FAILED = /-> failed \(reason 'ppp-failed'/;

/** NM_RULES rows about a pppd that runs: before its first line, or once it ended, they tell nothing. */
export const NM_WHILE_RUNNING_ROWS: ReadonlySet<string> = new Set(['nm-stopped-pppd', 'nm-ppp-timeout', 'nm-vpn-config-timeout', 'nm-device-down']);

/**
 * Rows for xl2tpd's own lines (an L2TP daemon that starts pppd on a pty for each call, as pptpd
 * does), read only while a pppd attempt runs. control.c control_finish() logs a Call-Disconnect-
 * Notify from the peer as "Connection closed to ADDR, serial N (msg)" and its Stop-Control-
 * Connection-Notification as "Connection closed to ADDR, port N (msg), Local: .., Remote: ..";
 * then it stops its pppd ("Terminating pppd: sending TERM signal"): the peer ended the call, the
 * signal pppd reports is xl2tpd's consequence. xl2tpd.c death_handler() logs its own stop by a
 * signal (`service xl2tpd stop`), which closes pppd's pty: a local stop that pppd sees as a
 * hang-up.
 */
export const XL2TPD_RULES: Rule[] = [
  {
    name: 'xl2tpd-peer-closed',
    re: XL2TPD_PEER_CLOSED,
    example: 'control_finish: Connection closed to 54.250.126.25, serial 1 ()',
    on: (s, m, l) => {
      if (!s.started || s.finished) return;
      const what = m[2] === 'serial' ? 'the call (Call-Disconnect-Notify)' : 'the tunnel (Stop-Control-Connection-Notification)';
      s.ends.push({ kind: 'pptp-peer-closed', detail: `xl2tpd: the L2TP peer ${m[1] ?? ''} closed ${what}${m[3] ? `: ${m[3]}` : ''}`, line: l });
    },
  },
  {
    // network.c: control messages (hellos, ZLBs) left unacknowledged past the retries: xl2tpd
    // closes the tunnel ("Connection N closed to H, port P (Timeout)", call.c) and destroy_call
    // stops pppd with SIGTERM (TRUST_PPPD_TO_DIE). Another tunnel's time-out (a second connect
    // failing) leaves this pppd running: only the signal that follows makes it this one's end.
    name: 'xl2tpd-tunnel-timeout',
    re: XL2TPD_RETRIES,
    example: 'Maximum retries exceeded for tunnel 38525.  Closing.',
    on: (s, _m, l) => {
      if (s.started && !s.finished) s.l2tpTimeout ??= l;
    },
  },
  {
    name: 'xl2tpd-stopped',
    re: XL2TPD_FATAL_SIGNAL,
    example: 'death_handler: Fatal signal 15 received',
    on: (s, m, l) => {
      if (s.started && !s.finished) s.ends.push({ kind: 'signal', detail: `signal ${m[1] ?? ''}${signalName(Number(m[1]))} to xl2tpd, which closed pppd's pty`, line: l });
    },
  },
];

type Hit = { rule: Rule; m: RegExpExecArray } | null;
// A message is looked up several times per parse (is it pppd's, does it start an attempt, its
// event) and the same texts recur across the routers of a fleet: each table remembers its last
// answers (matches are only read, and no row's pattern is global, so a match can be shared).
const MEMO_SIZE = 4096;
const memos = new WeakMap<readonly Rule[], Map<string, Hit>>();

/** The first row of a table matching a message, with its match. */
export function ruleFor(table: readonly Rule[], msg: string): Hit {
  let memo = memos.get(table);
  if (memo === undefined) memos.set(table, (memo = new Map()));
  const known = memo.get(msg);
  if (known !== undefined) return known;
  let hit: Hit = null;
  for (const rule of table) {
    const m = rule.re.exec(msg);
    if (m) {
      hit = { rule, m };
      break;
    }
  }
  // A copy that lost the blanks at some words' joins (a forum's text extraction: "LCP: timeout
  // sendingConfig-Requests") is read with a blank put back where a word runs into a capital.
  const unglued = hit === null ? msg.replace(/(?<=[a-z]{3})(?=[A-Z][a-z])/g, ' ') : msg;
  if (unglued !== msg) hit = ruleFor(table, unglued);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(msg, hit);
  return hit;
}

/** pptp's text without its prefix: only rows marked bare (distinctive enough) count. */
export function isBarePptpMessage(msg: string): boolean {
  return ruleFor(PPTP_RULES, msg)?.rule.bare === true;
}

/** Whether pppd wrote this message (a row with evidence matches it), whatever the tag said. */
export function isPppdMessage(msg: string): boolean {
  const hit = ruleFor(PPPD_RULES, msg);
  return hit !== null && hit.rule.evidence !== false;
}

/** A message whose words other programs print too (a `shared` row): pppd's only under its own tag or none. */
export function isSharedPppdMessage(msg: string): boolean {
  return ruleFor(PPPD_RULES, msg)?.rule.shared === true;
}

/** After a finished attempt, does this line start a new one? */
export function isFreshLine(msg: string, pptp: boolean): boolean {
  if (pptp) {
    const text = pptpMessage(msg)?.text ?? msg;
    return ruleFor(PPTP_RULES, text)?.rule.fresh === true;
  }
  if (/^(?:sent|rcvd) \[LCP ConfReq/.test(msg)) return true;
  return ruleFor(PPPD_RULES, msg)?.rule.fresh === true;
}
