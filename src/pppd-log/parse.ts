// pppd log → one structured session per connection attempt. Pure: text in, data out.
//
// Message strings come from pppd (main.c, lcp.c, fsm.c, chap-new.c, chap_ms.c, upap.c,
// eap.c, ccp.c, ipcp.c, auth.c, options.c, sys-linux.c, plugins/pptp) and from pptp-linux
// (pptp.c, pptp_callmgr.c, pptp_ctrl.c), which writes `who level[func:file.c:N]: text`.

import type { Attempt, AuthProtocol, Diagnosis, MppeInfo, ParsedLog, ScriptStatus } from './types.js';
import { pptpMessage, splitLog, type LogLine } from './lines.js';
import { decideVerdict } from './verdict.js';
import { hintFor } from './hints.js';

export { hintFor };

/** A termination-related event, in log order. */
export type EndKind =
  | 'echo'
  | 'idle'
  | 'signal'
  | 'peer-term'
  | 'local-term'
  | 'hangup'
  | 'maxconnect'
  | 'terminated'
  | 'pptp-peer-closed'
  | 'pptp-link-error'
  | 'mppe-disabled'
  /** pppd's pty child (pptp) died of SIGINT/SIGTERM/SIGHUP: pppd passes the signal it got on to its process group. */
  | 'child-signal';

export interface EndEvent {
  kind: EndKind;
  detail: string;
  line: LogLine;
}

export interface HookScript extends ScriptStatus {
  line: LogLine;
}

/** Everything gathered about one attempt before the verdict is decided. */
export interface Session {
  pid: string | null;
  lines: LogLine[];
  /** The link started: Connect:, or LCP packets. */
  started: boolean;
  /** "Connection terminated." or "Exit." seen: a later fresh line starts a new attempt. */
  finished: boolean;
  lcpSent: string[];
  lcpReceived: string[];
  lcpRcvdAny: boolean;
  lcpAckRcvd: boolean;
  /** Auth protocols the peer asked for in its LCP ConfReqs, in order. */
  peerAuthAsked: AuthProtocol[];
  /** Auth protocol we agreed to (our LCP ConfAck of the peer's <auth ...>). */
  authAcked: AuthProtocol | null;
  /** We ConfNak'd/ConfRej'd the peer's auth option at least once. */
  authRefused: boolean;
  authProtocol: AuthProtocol | null;
  authResult: 'success' | 'failure' | 'none';
  authError: string | null;
  authFail: LogLine | null;
  authOk: LogLine | null;
  eapFail: LogLine | null;
  /** pppd met an EAP method it lacks ("EAP: unknown authentication type 26; Naking"). */
  eapUnsupported: LogLine | null;
  noAuthSecret: LogLine | null;
  peerRefusedAuth: LogLine | null;
  ccpAckRcvd: string | null;
  ccpAckSent: string | null;
  mppe: MppeInfo | null;
  mppeFail: LogLine | null;
  mppeRefusedStateful: boolean;
  mppeNeedsMsChap: boolean;
  ccpProtRej: boolean;
  /** "Unsupported protocol 'Compression Control Protocol'": this pppd has CCP off. */
  ccpUnsupportedLocal: LogLine | null;
  mppeKernel: LogLine | null;
  noKernel: LogLine | null;
  configErr: LogLine | null;
  configOption: string | null;
  controlErr: LogLine | null;
  lcpTimeout: LogLine | null;
  otherTimeout: LogLine | null;
  localIp: string | null;
  remoteIp: string | null;
  dns: string[];
  iface: string | null;
  upLine: LogLine | null;
  scripts: HookScript[];
  /** The pty/connect program (pptp) exited with a non-zero status or a signal. */
  ptyFailed: LogLine | null;
  ends: EndEvent[];
  /** pptp lines say its control connection was up (so a later failure is not about TCP 1723). */
  controlUp: boolean;
}

function newSession(pid: string | null): Session {
  return {
    pid,
    lines: [],
    started: false,
    finished: false,
    lcpSent: [],
    lcpReceived: [],
    lcpRcvdAny: false,
    lcpAckRcvd: false,
    peerAuthAsked: [],
    authAcked: null,
    authRefused: false,
    authProtocol: null,
    authResult: 'none',
    authError: null,
    authFail: null,
    authOk: null,
    eapFail: null,
    eapUnsupported: null,
    noAuthSecret: null,
    peerRefusedAuth: null,
    ccpAckRcvd: null,
    ccpAckSent: null,
    mppe: null,
    mppeFail: null,
    mppeRefusedStateful: false,
    mppeNeedsMsChap: false,
    ccpProtRej: false,
    ccpUnsupportedLocal: null,
    mppeKernel: null,
    noKernel: null,
    configErr: null,
    configOption: null,
    controlErr: null,
    lcpTimeout: null,
    otherTimeout: null,
    localIp: null,
    remoteIp: null,
    dns: [],
    iface: null,
    upLine: null,
    scripts: [],
    ptyFailed: null,
    ends: [],
    controlUp: false,
  };
}

// ---------- small decoders ----------

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

function isHookScript(path: string): boolean {
  const first = path.trim().split(/\s+/)[0] ?? '';
  const base = first.split('/').pop() ?? first;
  if (/pptp|chat|pppoe|sstp/i.test(base)) return false;
  return /(?:^|[-_.])(?:up|down)(?:\.local)?$/i.test(base) || /^(?:ip|ipv6|ip6|ppp|ppp6|auth)-?(?:pre-)?(?:up|down)/i.test(base);
}

function hookName(path: string): string {
  return path.trim().split(/\s+/)[0] ?? path;
}

const PACKET = /\b(sent|rcvd) \[(LCP|CHAP|PAP|UPAP|EAP|CCP|IPCP|IPV6CP|IP6CP|CBCP|proto=\S+) (\w+)(.*)$/;

// Lines that belong to a new attempt when the previous one has finished.
const FRESH: RegExp[] = [
  /^(?:sent|rcvd) \[LCP ConfReq/,
  /\bConnect:\s*\S+\s*<-->/,
  /^Using interface /,
  /^using channel /,
  /^Serial connection established/,
  /^pppd [\d.]+\S* started by/,
  /^Plugin \S+ loaded/,
  /^PPTP plugin version/,
  /unrecognized option|Can't open options file|In file /i,
  /lacks kernel support|Couldn't open the \/dev\/ppp|\/dev\/ppp: /i,
];
const FRESH_PPTP = /The synchronous pptp option|Start-Control-Connection-Request|Could not open control connection|open_inetsock|connect: |gethostbyname|Unknown host|Client connection established|Call manager exited/i;

// ---------- the per-line fold ----------

function feed(s: Session, l: LogLine): void {
  const msg = l.msg;
  s.lines.push(l);

  // pptp-linux writes these; so does the call manager inside pppd's pptp.so (then under pppd[pid]).
  const pm = pptpMessage(msg);
  if (pm || l.source === 'pptp') {
    feedPptp(s, l, pm?.text ?? msg, pm?.level ?? 'log');
    return;
  }

  const pkt = PACKET.exec(msg);
  if (pkt) {
    feedPacket(s, l, pkt[1] as 'sent' | 'rcvd', pkt[2] ?? '', pkt[3] ?? '', (pkt[4] ?? '').replace(/\].*$/, '').trim());
    return;
  }

  let m: RegExpExecArray | null;

  // --- link start ---
  if ((m = /\bConnect:\s*(\S+?)\s*<-->\s*(\S*)/.exec(msg))) {
    s.started = true;
    if (m[1]) s.iface = m[1];
    return;
  }
  if ((m = /^Using interface (\S+)/.exec(msg))) {
    s.iface = m[1] ?? s.iface;
    return;
  }

  // --- configuration and kernel problems (pppd exits before or right at start) ---
  if ((m = /unrecognized option '([^']*)'/i.exec(msg)) || (m = /unrecognized option:? (\S+)/i.exec(msg))) {
    s.configErr ??= l;
    s.configOption ??= m[1] ?? null;
    return;
  }
  if (
    /Can't open options file|Can't find peer file|In file .*:|options file .* (?:is not readable|not found)|too few parameters for option|unknown mode \(you must specify pptp_server|Couldn't load plugin|Plugin .* is for pppd version|invalid (?:value|number) for option|is not a valid IP address|The remote system is required to authenticate itself|Can't use (?:a )?pty|incorrect option|option .* requires|(?:requires|needs) an argument/i.test(
      msg,
    )
  ) {
    s.configErr ??= l;
    return;
  }
  if (/lacks kernel support for PPP|Couldn't open the \/dev\/ppp device|\/dev\/ppp: No such (?:file|device)|Kernel does not support PPP|kernel does not support PPP|PPP driver (?:version|is) .* (?:too old|out of date)|Couldn't set tty to PPP discipline/i.test(msg)) {
    s.noKernel ??= l;
    return;
  }
  if (/PPTP: failed to create PPTP socket \((?:Address family not supported|Protocol not supported|Protocol not available)/i.test(msg)) {
    s.noKernel ??= l;
    return;
  }
  if (/MPPE required,? but kernel has no support|kernel (?:has no|lacks) (?:MPPE|support for MPPE)|Couldn't (?:load|find) (?:MPPE|ppp_mppe)|MPPE .*not (?:available|supported) in (?:the )?kernel/i.test(msg)) {
    s.mppeKernel ??= l;
    return;
  }

  // --- pptp.so plugin (control connection inside pppd) ---
  if (/^PPTP: (?:Unknown host|connect failed|failed to connect PPTP socket|failed to bind PPTP socket)|Call manager exited with error|Could not launch call manager|Could not open control connection/i.test(msg)) {
    s.controlErr ??= l;
    return;
  }

  // --- authentication ---
  if ((m = /MS-CHAP(?:v2|-v2)? authentication failed:?\s*(.*)$/i.exec(msg)) || (m = /Unknown MS-CHAP authentication failure:?\s*(.*)$/i.exec(msg))) {
    authFailure(s, l, m[1] ?? '');
    if (!s.authProtocol || s.authProtocol === 'CHAP-MD5') s.authProtocol = 'MS-CHAPv2';
    return;
  }
  if (/MS-CHAPv2 mutual authentication failed/i.test(msg)) {
    authFailure(s, l, 'mutual authentication failed');
    s.authProtocol = 'MS-CHAPv2';
    return;
  }
  if ((m = /^(CHAP|PAP|EAP) authentication failed:?\s*(.*)$/i.exec(msg))) {
    authFailure(s, l, m[2] ?? '');
    s.authProtocol ??= m[1] === 'PAP' ? 'PAP' : m[1] === 'EAP' ? 'EAP' : s.authAcked;
    return;
  }
  if ((m = /^(CHAP|PAP|EAP) authentication succeeded/i.exec(msg))) {
    s.authResult = 'success';
    s.authOk ??= l;
    if (m[1]?.toUpperCase() === 'PAP') s.authProtocol = 'PAP';
    else if (m[1]?.toUpperCase() === 'EAP') s.authProtocol = 'EAP';
    return;
  }
  if (/^EAP: peer reports authentication failure|^EAP: .*(?:authentication failure|failed)|EAP unexpected failure message/i.test(msg)) {
    s.eapFail ??= l;
    authFailure(s, l, 'EAP failure');
    s.authProtocol = 'EAP';
    return;
  }
  if (/^EAP: unknown authentication type|^EAP: unsupported|^EAP: .*Naking/i.test(msg)) {
    s.eapUnsupported ??= l;
    s.authProtocol = 'EAP';
    return;
  }
  if (/No (?:CHAP |PAP |EAP |MS-CHAP )?secret found|no (?:PAP|CHAP) secret|couldn't find any suitable secret|No secret for/i.test(msg)) {
    s.noAuthSecret ??= l;
    authFailure(s, l, 'no secret found');
    return;
  }
  if (/peer refused to authenticate/i.test(msg)) {
    s.peerRefusedAuth ??= l;
    return;
  }
  if (/^Peer .* failed (?:CHAP|PAP|EAP|MS-CHAP\S*) authentication/i.test(msg)) {
    authFailure(s, l, 'peer failed our authentication');
    return;
  }
  if (/^No response to (?:PAP|CHAP|EAP) /i.test(msg) || /^(?:PAP|CHAP|EAP)(?: authentication)?: timeout/i.test(msg)) {
    authFailure(s, l, 'no response to authentication request');
    return;
  }
  if ((m = /^Remote message: (.*)$/.exec(msg))) {
    s.authError ??= m[1] ?? null;
    return;
  }

  // --- CCP / MPPE ---
  if ((m = /(MPPC\/)?MPPE (\d+)-bit,? (stateless|stateful)/i.exec(msg))) {
    const bits = Number(m[2]);
    s.mppe = {
      bits: bits === 40 || bits === 56 || bits === 128 ? bits : null,
      stateless: (m[3] ?? '').toLowerCase() === 'stateless',
      compression: Boolean(m[1]) || /MPPC/i.test(msg),
    };
    return;
  }
  if (/Refusing MPPE stateful mode/i.test(msg)) {
    s.mppeRefusedStateful = true;
    return;
  }
  if (/MPPE required, but MS-CHAP|MPPE required but .*MS-CHAP|MPPE.*auth not performed/i.test(msg)) {
    s.mppeNeedsMsChap = true;
    s.mppeFail ??= l;
    return;
  }
  if (/^Unsupported protocol 'Compression Control Protocol'/i.test(msg)) {
    // We run without CCP (noccp) while the peer negotiates MPPE: it will hang up on us.
    s.ccpUnsupportedLocal ??= l;
    return;
  }
  if (/Protocol-Reject for 'Compression Control Protocol'/i.test(msg)) {
    s.ccpProtRej = true;
    return;
  }
  if (/^MPPE disabled/i.test(msg)) {
    // ccp.c logs this whenever CCP goes down while LCP is open: on every ordinary shutdown
    // (signal, poff) too, so it is a cause only when nothing else explains the end.
    s.ends.push({ kind: 'mppe-disabled', detail: 'MPPE disabled', line: l });
    return;
  }
  if ((m = /LCP terminated by peer(?: \((.*)\))?\s*$/.exec(msg))) {
    const reason = (m[1] ?? '').trim();
    s.ends.push({ kind: 'peer-term', detail: reason, line: l });
    if (/MPPE|MPPC|encrypt/i.test(reason)) s.mppeFail ??= l;
    return;
  }
  if (/MPPE required but|MPPE\/MPPC required but|MPPE .*negotiation failed|MPPE .*not available|MPPE is required|Encryption required/i.test(msg)) {
    s.mppeFail ??= l;
    return;
  }

  // --- IPCP ---
  if ((m = /^local\s+IP address (\S+)/.exec(msg))) {
    s.localIp = m[1] ?? null;
    markUp(s, l);
    return;
  }
  if ((m = /^remote\s+IP address (\S+)/.exec(msg))) {
    s.remoteIp = m[1] ?? null;
    markUp(s, l);
    return;
  }
  if ((m = /^(?:primary|secondary)\s+DNS address (\S+)/.exec(msg))) {
    if (m[1] && !s.dns.includes(m[1])) s.dns.push(m[1]);
    return;
  }

  // --- timeouts (fsm.c: "%s: timeout sending Config-Requests") ---
  if ((m = /^(\S+): timeout sending Config-Requests/i.exec(msg))) {
    if ((m[1] ?? '').toUpperCase() === 'LCP') s.lcpTimeout ??= l;
    else s.otherTimeout ??= l;
    return;
  }

  // --- scripts ---
  if ((m = /^Script (.+?) finished \(pid \d+\), status = (0x[0-9a-f]+|\d+)/i.exec(msg))) {
    const path = m[1] ?? '';
    const status = Number(m[2]);
    const decoded = decodeScriptStatus(Number.isFinite(status) ? status : 0);
    if (isHookScript(path)) {
      upsertScript(s, { script: hookName(path), ...decoded, line: l });
    } else if ((decoded.exitCode ?? 0) !== 0 || decoded.signal !== null) {
      s.ptyFailed ??= l;
    }
    return;
  }
  if ((m = /^Script (.+?) started \(pid \d+\)/i.exec(msg))) {
    const path = m[1] ?? '';
    if (isHookScript(path)) upsertScript(s, { script: hookName(path), exitCode: null, signal: null, line: l }, false);
    return;
  }
  if ((m = /^Child process (.+?) \(pid \d+\) terminated with signal (\d+)/i.exec(msg))) {
    const path = m[1] ?? '';
    const sig = Number(m[2]);
    if (isHookScript(path)) upsertScript(s, { script: hookName(path), exitCode: null, signal: sig, line: l });
    // The pty child (pptp) killed by the signal pppd itself got: a local stop whose
    // "Terminating on signal" line may be cut off.
    else if (sig === 1 || sig === 2 || sig === 15) s.ends.push({ kind: 'child-signal', detail: `signal ${sig}${signalName(sig)}`, line: l });
    return;
  }
  if ((m = /^Can't execute (\S+)/i.exec(msg))) {
    if (isHookScript(m[1] ?? '')) upsertScript(s, { script: hookName(m[1] ?? ''), exitCode: 99, signal: null, line: l });
    return;
  }

  // --- how it ended ---
  if ((m = /^No response to (\d+) echo-requests/i.exec(msg))) {
    s.ends.push({ kind: 'echo', detail: `no response to ${m[1]} LCP echo-requests`, line: l });
    return;
  }
  if (/^Serial link appears to be disconnected/i.test(msg)) {
    if (!s.ends.some((e) => e.kind === 'echo')) s.ends.push({ kind: 'echo', detail: 'serial link appears to be disconnected', line: l });
    return;
  }
  if (/^Terminating connection due to lack of activity|^Link inactive/i.test(msg)) {
    s.ends.push({ kind: 'idle', detail: 'idle timeout (no traffic)', line: l });
    return;
  }
  if ((m = /^Terminating on signal (\d+)/i.exec(msg))) {
    s.ends.push({ kind: 'signal', detail: `signal ${m[1]}${signalName(Number(m[1]))}`, line: l });
    return;
  }
  if (/^Hangup \(SIGHUP\)/i.test(msg)) {
    s.ends.push({ kind: 'signal', detail: 'signal 1 (SIGHUP)', line: l });
    return;
  }
  if (/^Connect time expired/i.test(msg)) {
    s.ends.push({ kind: 'maxconnect', detail: 'maximum connect time reached', line: l });
    return;
  }
  if (/^Modem hangup/i.test(msg)) {
    s.ends.push({ kind: 'hangup', detail: 'modem hangup (the pptp transport closed)', line: l });
    return;
  }
  if (/^Connection terminated\.?/i.test(msg)) {
    s.ends.push({ kind: 'terminated', detail: 'connection terminated', line: l });
    s.finished = true;
    return;
  }
  if (/^Exit\.?$/.test(msg)) {
    s.finished = true;
    return;
  }
}

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
        if (/MPPE|MPPC|encrypt/i.test(reason)) s.mppeFail ??= l;
      } else {
        s.ends.push({ kind: 'local-term', detail: reason, line: l });
        if (/MPPE/i.test(reason)) s.mppeFail ??= l;
      }
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
      s.authResult = 'success';
      s.authOk ??= l;
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
      s.authResult = 'success';
      s.authOk ??= l;
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
      s.authResult = 'success';
      s.authOk ??= l;
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
}

function feedPptp(s: Session, l: LogLine, text: string, level: 'log' | 'warn' | 'fatal'): void {
  if (/Client connection established|Outgoing call established|Received Start Control Connection Reply/i.test(text)) {
    s.controlUp = true;
    return;
  }
  const connectErr = /^connect: (.+)$/i.exec(text);
  if (
    connectErr ||
    /Could not open control connection|Call manager exited with error|gethostbyname|Could not resolve|Unknown host|Name or service not known|Host name lookup failure|Could not launch call manager/i.test(text) ||
    /(?:Start[- ]Control[- ]Connection|Outgoing[- ]Call)[- ]Reply.*(?:result|error|reject|fail)|Outgoing call (?:rejected|failed)|Non-zero Result Code|negative reply|Peer refused/i.test(text)
  ) {
    if (s.upLine === null && !s.controlUp) s.controlErr ??= l;
    else if (s.upLine === null) s.controlErr ??= l;
    else s.ends.push({ kind: 'pptp-link-error', detail: `pptp: ${text}`, line: l });
    return;
  }
  if (/read returned zero, peer has closed|Received Call Clear Request|Call[- ]Disconnect[- ]Notify|Received Stop[- ]Control[- ]Connection|Stop-Control-Connection-Request received|Call disconnected/i.test(text)) {
    s.ends.push({ kind: 'pptp-peer-closed', detail: `pptp: ${text}`, line: l });
    return;
  }
  if (level !== 'log' && /(?:read|write) error|Connection reset by peer|Connection timed out|timeout waiting for echo|no echo reply|Broken pipe/i.test(text)) {
    s.ends.push({ kind: 'pptp-link-error', detail: `pptp: ${text}`, line: l });
    return;
  }
}

function authFailure(s: Session, l: LogLine, detail: string): void {
  s.authResult = 'failure';
  s.authFail ??= l;
  const e = /\bE=(\d+)/.exec(detail);
  if (e) s.authError = `E=${e[1]}`;
  else if (detail && !s.authError) s.authError = detail.trim() || null;
}

function markUp(s: Session, l: LogLine): void {
  if (s.localIp && s.remoteIp && s.upLine === null) s.upLine = l;
}

function upsertScript(s: Session, sc: HookScript, finished = true): void {
  const i = s.scripts.findIndex((x) => x.script === sc.script && x.exitCode === null && x.signal === null);
  if (i >= 0 && finished) s.scripts[i] = sc;
  else if (finished || i < 0) s.scripts.push(sc);
}

function signalName(n: number): string {
  const names: Record<number, string> = { 1: ' (SIGHUP)', 2: ' (SIGINT)', 9: ' (SIGKILL)', 15: ' (SIGTERM)' };
  return names[n] ?? '';
}

// ---------- grouping ----------

interface Group {
  key: string;
  pid: string | null;
  sessions: Session[];
  pptp: boolean;
  otherTransport: boolean;
}

const PPTP_GROUP = /Connect:\s*\S+\s*<-->\s*\/dev\/pts\/|pptp\.so|nm-pptp|PPTP plugin|pptp_server|\bpptp\b/i;
const OTHER_TRANSPORT = /rp-pppoe|pppoe\.so|PPPoE plugin|\bPAD[IORST]\b|pppol2tp|l2tp|Connect:\s*\S+\s*<-->\s*(?:\/dev\/tty|eth|nas|wan|vlan|en[a-z0-9]|wl|br-|bond)/i;

function isFresh(l: LogLine): boolean {
  if (l.source === 'pptp' || pptpMessage(l.msg)) return FRESH_PPTP.test(l.msg);
  return FRESH.some((re) => re.test(l.msg));
}

function startsNew(s: Session, l: LogLine): boolean {
  if (s.lines.length === 0) return false;
  if (s.finished) return isFresh(l);
  // pppd X started by: a new process with the same (or no) pid.
  if (/^pppd [\d.]+\S* started by/.test(l.msg)) return s.started || s.configErr !== null || s.noKernel !== null;
  if (s.started && /\bConnect:\s*\S+\s*<-->|^Using interface |^using channel |^Serial connection established/.test(l.msg)) return true;
  return false;
}

/** Whether a line of an unknown program is pppd's (only strong patterns, to keep other daemons out). */
function looksLikePppd(msg: string): boolean {
  return (
    PACKET.test(msg) ||
    /\bConnect:\s*\S+\s*<-->|^Using interface ppp|^using channel \d|^pppd [\d.]+\S* started by|^Plugin \S+ loaded|LCP terminated by peer|^Connection terminated|^Modem hangup|^Script \S+.* finished \(pid|^local\s+IP address|^remote IP address|DNS address \d|MS-CHAP authentication failed|^(?:CHAP|PAP|EAP) authentication (?:succeeded|failed)|MPPE|echo-requests|timeout sending Config-Requests|lacks kernel support for PPP|\/dev\/ppp|unrecognized option|Can't open options file|^Terminating on signal|lack of activity|^Serial link appears|^Hangup \(SIGHUP\)|^Exit\.$|^Connect time [\d.]+ minutes|^Sent \d+ bytes, received|^EAP: |^Child process .* \(pid \d+\)|^PPTP: |^Remote message:|secret found|peer refused to authenticate|The remote system is required|In file .*:/.test(
      msg,
    )
  );
}

function isPptpLine(l: LogLine): boolean {
  return l.source === 'pptp' || (l.source === 'unknown' && pptpMessage(l.msg) !== null);
}

/** Parses a whole log: attempts in log order (every pppd process, every persist retry). */
export function parseSessions(text: string): { sessions: Session[]; isPppdLog: boolean } {
  const lines = splitLog(text);
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  let current: Group | null = null;
  let pending: LogLine[] = [];
  let seen = false;

  const groupFor = (key: string, pid: string | null): Group => {
    let g = groups.get(key);
    if (!g) {
      g = { key, pid, sessions: [], pptp: false, otherTransport: false };
      groups.set(key, g);
      order.push(g);
    }
    return g;
  };
  const add = (g: Group, l: LogLine): void => {
    let s = g.sessions[g.sessions.length - 1];
    if (!s || startsNew(s, l)) {
      s = newSession(g.pid);
      g.sessions.push(s);
    }
    feed(s, l);
    if (PPTP_GROUP.test(l.msg) || isPptpLine(l)) g.pptp = true;
    if (OTHER_TRANSPORT.test(l.msg) && l.source !== 'pptp') g.otherTransport = true;
  };

  for (const l of lines) {
    if (l.source === 'ignored') continue;
    if (isPptpLine(l)) {
      seen = true;
      if (current) add(current, l);
      else pending.push(l);
      continue;
    }
    const isPppd = l.source === 'pppd' || looksLikePppd(l.msg);
    if (!isPppd) continue;
    seen = true;
    const key = l.source === 'pppd' && l.pid ? `pid:${l.pid}` : 'raw';
    // `updetach` (and detaching after start) forks: the same session goes on under a new pid.
    // A new pid whose first line continues a session (not a start line) joins the session
    // the previous pppd line belonged to, while that one is still running.
    if (key.startsWith('pid:') && !groups.has(key) && current && !isFresh(l)) {
      const last = current.sessions[current.sessions.length - 1];
      if (last && last.started && !last.finished) groups.set(key, current);
    }
    const g = groupFor(key, l.source === 'pppd' ? l.pid : null);
    current = g;
    if (pending.length > 0) {
      for (const p of pending) add(g, p);
      pending = [];
    }
    add(g, l);
  }
  if (pending.length > 0) {
    const g = groupFor('raw', null);
    for (const p of pending) add(g, p);
  }

  // A logread holds the PPPoE WAN's pppd too: prefer PPTP processes when there are any.
  const hasPptp = order.some((g) => g.pptp && !g.otherTransport);
  const kept = hasPptp ? order.filter((g) => !(g.otherTransport && !g.pptp)) : order;
  const sessions = kept
    .flatMap((g) => g.sessions)
    .filter((s) => s.lines.length > 0)
    .sort((a, b) => (a.lines[0]?.index ?? 0) - (b.lines[0]?.index ?? 0));
  return { sessions, isPppdLog: seen && sessions.length > 0 };
}

/** Session → the contract's Attempt (verdict included). */
export function toAttempt(s: Session): Attempt {
  const { verdict, endedBy, evidence } = decideVerdict(s);
  let mppe = s.mppe;
  if (!mppe && s.ccpAckRcvd && s.ccpAckSent) mppe = mppeFromOption(s.ccpAckRcvd);
  return {
    lcp: { sent: s.lcpSent, received: s.lcpReceived },
    auth: { protocol: s.authProtocol, result: s.authResult, error: s.authError },
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
  };
}

/** Parses pppd's log (raw `nodetach` output, syslog, logread, journal, NetworkManager). */
export function parsePppdLog(text: string): ParsedLog {
  const { sessions, isPppdLog } = parseSessions(text);
  return { attempts: isPppdLog ? sessions.map(toAttempt) : [], isPppdLog };
}

/** Diagnoses a pppd log: the verdict of its last attempt, with a fix hint. */
export function diagnose(text: string): Diagnosis {
  const parsed = parsePppdLog(text);
  // A log captured while a persist retry is just starting ends in an attempt with no outcome
  // yet; the one before it says what is wrong.
  let last = parsed.attempts[parsed.attempts.length - 1];
  const before = parsed.attempts[parsed.attempts.length - 2];
  if (last && before && last.verdict === 'other' && last.endedBy === null) last = before;
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
  const failed = last.scripts.find((x) => (x.exitCode ?? 0) !== 0 || x.signal !== null);
  return {
    verdict: last.verdict,
    attempts: parsed.attempts.length,
    auth: last.auth,
    mppe: last.mppe,
    localIp: last.localIp,
    remoteIp: last.remoteIp,
    scriptStatus: failed ?? last.scripts[last.scripts.length - 1] ?? null,
    endedBy: last.endedBy,
    hint: hintFor(last.verdict, last),
    evidence: last.evidence,
  };
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
