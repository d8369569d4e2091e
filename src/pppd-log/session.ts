// One connection attempt's facts, gathered line by line by the rules in rules.ts and judged by
// verdict.ts. Pure data and small helpers; no parsing here.

import type { AuthProtocol, EndCause, MppeInfo, ScriptStatus } from './types.js';
import { fromAccel, type LogLine } from './lines.js';
import type { Xl2tpdReading } from './xl2tpd.js';

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
  /** ccp.c: too many MPPE decryption errors, pppd closed LCP. */
  | 'mppe-error'
  /** pppd's pty child (pptp) died of SIGINT/SIGTERM/SIGHUP: pppd passes the signal it got on to its process group. */
  | 'child-signal';

export interface EndEvent {
  kind: EndKind;
  detail: string;
  line: LogLine;
  /**
   * What the row that recorded the end knows beyond its kind (types.ts EndCause), for
   * verdict.ts and hints.ts to ask instead of reading `detail`.
   */
  cause?: EndCause;
  /**
   * The peer closed one network protocol (IPCP or IPv6CP), not the link: pppd ends the link only
   * when no protocol is left open (auth.c np_finished: lcp_close "No network protocols running").
   * parse.ts keeps it as the attempt's end only where the link goes down with it.
   */
  ncp?: 'IPCP' | 'IPV6CP';
  /**
   * Only pppd's connect time told it (main.c print_link_stats): printed where the link ended,
   * and also where IPCP alone went down (ipcp.c ipcp_down), so markUp lets addresses after it
   * stand as IPCP up again.
   */
  connectTime?: true;
}

/** A hook script's status that is a failure: a non-zero exit, or killed by a signal. */
export const scriptFailed = (x: ScriptStatus): boolean => (x.exitCode ?? 0) !== 0 || x.signal !== null;

export interface HookScript extends ScriptStatus {
  line: LogLine;
}

/** Everything gathered about one attempt before the verdict is decided. */
export interface Session {
  pid: string | null;
  /** The host whose lines these are, in a log of several hosts (parse.ts interleavedHosts). */
  host?: string;
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
  /** The latest line that said authentication failed (authFail is the first). */
  authFailLast: LogLine | null;
  authOk: LogLine | null;
  eapFail: LogLine | null;
  /** pppd met an EAP method it lacks ("EAP: unknown authentication type 26; Naking"). */
  eapUnsupported: LogLine | null;
  noAuthSecret: LogLine | null;
  peerRefusedAuth: LogLine | null;
  /** A plugin that judges the client instead of chap-secrets (radius.so, winbind.so), on a server. */
  authPlugin: 'radius' | 'winbind' | null;
  /** A plugin's own word on the login: why the judging one could not judge (RADIUS unanswered,
   *  ntlm_auth's answer), or the password plugin having none (NetworkManager's). */
  authPluginSaid: LogLine | null;
  ccpAckRcvd: string | null;
  ccpAckSent: string | null;
  mppe: MppeInfo | null;
  mppeFail: LogLine | null;
  mppeRefusedStateful: boolean;
  mppeNeedsMsChap: boolean;
  ccpProtRej: boolean;
  /** The RAS error a Windows server put in its Terminate-Request (rules.ts rasErrorOf). */
  rasError: { code: number; line: LogLine } | null;
  /** "Unsupported protocol 'Compression Control Protocol'": this pppd has CCP off. */
  ccpUnsupportedLocal: LogLine | null;
  mppeKernel: LogLine | null;
  noKernel: LogLine | null;
  configErr: LogLine | null;
  /** auth.c's explanation after a configuration error ("(None of the available passwords would let it use an IP address.)"). */
  configDetail: LogLine | null;
  configOption: string | null;
  controlErr: LogLine | null;
  lcpTimeout: LogLine | null;
  /** PPPoE discovery got no answer (rp-pppoe "Timeout waiting for PADO packets"). */
  discoveryTimeout: LogLine | null;
  /** The access concentrator's error tag in a PADO or PADS (discovery.c: it answered, and refused). */
  acError: LogLine | null;
  otherTimeout: LogLine | null;
  /**
   * CCP's Config-Requests went unanswered: harmless without MPPE, but with MPPE required pppd
   * starts IPCP only once CCP is up (auth.c start_networks), so the link then hangs with no IP.
   */
  ccpTimeout: LogLine | null;
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
  /** pptp set up the call itself ("Outgoing call established"): a close after it is the server ending the call. */
  callUp: boolean;
  /**
   * The link runs over something other than pptp: a serial device, a connect (dialer) script,
   * a pty program that is not pptp. A hangup before PPP then says nothing about TCP 1723.
   */
  nonPptpLink: LogLine | null;
  /** `Connect: ppp0 <--> /dev/ttyS0`: a serial line (a modem), whose hangup is the line's. */
  serialLine: LogLine | null;
  /** `Connect: ppp0 <--> eth0.2` (PPPoE), `<--> 8.35` (PPPoA): a network link, no pty under pppd. */
  networkLink: LogLine | null;
  /**
   * This pppd is a PPTP server's (pptpd's lines, its logwtmp plugin, a client's IP address as
   * the calling number pptpd passes with `remotenumber`): its pty is pptpd's, which closes it
   * (pppd's "Hangup (SIGHUP)", "Modem hangup") when the call ends, the client's side gone.
   */
  tunnelServer: LogLine | null;
  /**
   * openfortivpn's own lines are in the log: it runs pppd on a pty and closes that pty when it
   * shuts the tunnel down (tunnel.c pppd_terminate), so pppd's "Hangup (SIGHUP)" is its pty closing.
   */
  ptyFrontEnd: LogLine | null;
  /**
   * xl2tpd gave up on its tunnel while this pppd ran ("Maximum retries exceeded for tunnel N",
   * network.c): the L2TP peer stopped acknowledging; the signal xl2tpd then sends is its consequence.
   */
  l2tpTimeout: LogLine | null;
  /**
   * xl2tpd set up the call this pppd runs on before pppd wrote a line (a LAC in pty mode logs
   * "Call established with H, Local: ..." and then starts pppd, whose Connect line names only a pty).
   */
  l2tpCall: LogLine | null;
  /** pppd's check at the link's end found only 7-bit characters from the peer: text, no PPP frame (sys-linux.c clean_check). */
  sevenBitPeer: LogLine | null;
  /** The peer closed one network protocol while the other stayed open (parse.ts settleNcpEnds): no end of the link. */
  ncpClosed: LogLine | null;
  /** A log of xl2tpd's lines alone (no line of pppd's): what they say of the last call (xl2tpd.ts). */
  xl2tpdAlone: Xl2tpdReading | null;
  /** chat's last word on the dial it failed ("Failed (NO CARRIER)", "alarm"): chat.c's own lines. */
  chatSaid: LogLine | null;
  /** The dialer's last line while it dialed the modem (chat's send/expect, wvdial's banner). */
  dialing: LogLine | null;
  /** sstpc's "Connection Established": SSTP set up after pppd authenticated (rules.ts sstp-established). */
  sstpUp: LogLine | null;
  /** macOS's pppd plugin began a connect ("PPTP connecting to server 'S' (A)..."). */
  appleConnecting: LogLine | null;
  /** pptp_ctrl.c ctrlp_error(): the server answered on TCP 1723 and refused the control connection or the call. */
  serverRefused: LogLine | null;
  /** macOS's L2TP plugin: IKE or the tunnel request (SCCRQ) got no answer (l2tp.c, main.c l2tp_trigger_ipsec). */
  l2tpUnanswered: LogLine | null;
  /** sys-linux.c could not flush or set its tty: the fd is gone, the line hung up under it. */
  ttyGone: LogLine | null;
  /** The pty program could not be run at all (exit status 127/126: not found, not executable). */
  ptyNotRun: LogLine | null;
  /** ipv6cp.c ipv6cp_up() printed the link-local addresses: IPv6CP is up (an IPv6-only link is up). */
  ipv6Up: LogLine | null;
  /** IPCP as the debug packets tell it (logs without "local IP address"): our address the peer acked, the peer's address we acked. */
  ipcpAckRcvd: LogLine | null;
  ipcpAckSent: LogLine | null;
  ipcpLocal: string | null;
  ipcpRemote: string | null;
  /**
   * The address in each IPCP ConfReq by direction and identifier: a ConfAck that does not echo
   * its options (accel-ppp prints "send [IPCP ConfAck id=9]") acks the ConfReq of its id (RFC 1661).
   */
  ipcpReqs: Map<string, string | null>;
  /** pptp could not open its raw GRE socket (not root): a local failure before any PPTP traffic. */
  greSocketFailed: LogLine | null;
  /**
   * pptpd's "Reaping child PPP[pid]" for this pppd with no reason from its control process before
   * it (parse.ts callCleared): the client's Call-Clear, which pptpd logs only with debug.
   */
  callCleared: LogLine | null;
  /**
   * The kernel gave this pppd process a PPP channel or unit before (rules.ts rows channel,
   * interface, connect, connect-time, link-stats and unit-release; parse.ts carries it to the
   * process's next attempt): the kernel has PPP, whatever a later ioctl says.
   */
  kernelPpp: LogLine | null;
  /** pppd said "Exit.": the process is gone, a later attempt under its pid is another process's. */
  exited: boolean;
  /** sys-linux.c could not make or attach a PPP unit where the kernel had PPP (kernelPpp): the driver's state, not missing support. */
  unitRefused: LogLine | null;
  /** "Connect time N minutes" with N ≥ 1: a network protocol had been up (see the connect-time row). */
  connectTime: LogLine | null;
  /** NetworkManager (its VPN plugin, or its own PPP manager) killed this pppd (or the xl2tpd that runs it) while it ran (rules.ts NM_RULES nm-stopped-pppd, nm-ppp-timeout). */
  networkManagerStop: LogLine | null;
  /** NetworkManager's own PPP time-out ran out while this pppd ran (rules.ts NM_RULES nm-ppp-timeout): the link had not come up. */
  networkManagerTimeout: LogLine | null;
  /** A NetworkManager device went down while this pppd ran (rules.ts NM_RULES nm-device-down): the connection under the VPN. */
  deviceDown: LogLine | null;
}

export function newSession(pid: string | null): Session {
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
    authFailLast: null,
    authOk: null,
    eapFail: null,
    eapUnsupported: null,
    noAuthSecret: null,
    peerRefusedAuth: null,
    authPlugin: null,
    authPluginSaid: null,
    ccpAckRcvd: null,
    ccpAckSent: null,
    mppe: null,
    mppeFail: null,
    mppeRefusedStateful: false,
    mppeNeedsMsChap: false,
    ccpProtRej: false,
    rasError: null,
    ccpUnsupportedLocal: null,
    mppeKernel: null,
    noKernel: null,
    configErr: null,
    configDetail: null,
    configOption: null,
    controlErr: null,
    lcpTimeout: null,
    discoveryTimeout: null,
    acError: null,
    otherTimeout: null,
    ccpTimeout: null,
    localIp: null,
    remoteIp: null,
    dns: [],
    iface: null,
    upLine: null,
    scripts: [],
    ptyFailed: null,
    ends: [],
    controlUp: false,
    callUp: false,
    nonPptpLink: null,
    serialLine: null,
    networkLink: null,
    tunnelServer: null,
    ptyFrontEnd: null,
    l2tpTimeout: null,
    l2tpCall: null,
    xl2tpdAlone: null,
    ncpClosed: null,
    sevenBitPeer: null,
    chatSaid: null,
    dialing: null,
    sstpUp: null,
    appleConnecting: null,
    serverRefused: null,
    l2tpUnanswered: null,
    ttyGone: null,
    ptyNotRun: null,
    ipv6Up: null,
    ipcpAckRcvd: null,
    ipcpAckSent: null,
    ipcpLocal: null,
    ipcpRemote: null,
    ipcpReqs: new Map(),
    greSocketFailed: null,
    callCleared: null,
    kernelPpp: null,
    exited: false,
    unitRefused: null,
    connectTime: null,
    networkManagerStop: null,
    networkManagerTimeout: null,
    deviceDown: null,
  };
}

/** Details written from a server's log (pptpd's, accel-ppp's): the peer that left is the client. */
export const SERVER_VIEW = /^(?:pptpd|accel-ppp): /;

/** What the client ended, by the server's line that saw it (PPTP's unless another names itself). */
const CLIENT_LEFT_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/PPPoE|PADT/, 'ended the PPPoE session'],
  [/^l2tp /i, 'ended the L2TP session'],
  [/^sstp:/, 'closed the SSTP connection'],
];

/** A server's log saw the client close the PPTP connection (first sighting only). */
export function clientLeft(s: Session, server: 'pptpd' | 'accel-ppp', l: LogLine, text: string): void {
  if (!s.ends.some((e) => e.kind === 'pptp-peer-closed')) {
    const what = CLIENT_LEFT_WORDS.find(([re]) => re.test(text))?.[1] ?? 'closed the PPTP connection';
    s.ends.push({ kind: 'pptp-peer-closed', detail: `${server}: the client ${what} (${text})`, line: l, cause: 'client-left' });
  }
}

/** A server's log of this call: pptpd's lines about it, or accel-ppp's own (a server that runs PPP itself). */
export function serverSide(s: Session): boolean {
  return s.tunnelServer !== null || s.lines.some(fromAccel);
}

/** This pppd carries an L2TP call: the pppol2tp plugin, netifd's `l2tp-NAME`, xl2tpd's word on its call. */
export function l2tpSession(s: Session): boolean {
  return /^l2tp-/.test(s.iface ?? '') || s.l2tpCall !== null || s.lines.some((l) => /^xl2tpd$/i.test(l.prog ?? '') || /pppol2tp|openl2tp|nm-l2tp|^L2TP\b|^IPSec connection|\b(?:local|remote)_(?:tunnel|session) = |^Connecting to \S+ port 1701\b/i.test(l.msg));
}

/** This pppd carries an SSTP call: sstpc's own lines, or its pppd plugin loaded. */
export function sstpSession(s: Session): boolean {
  return s.lines.some((l) => /^sstpc$/i.test(l.prog ?? '') || /sstp-pppd-plugin|\bsstp-sock\b|\bsstpc\b/.test(l.msg));
}

/** Records an authentication failure (the first failing line is the evidence). */
export function authFailure(s: Session, l: LogLine, detail: string): void {
  s.authResult = 'failure';
  s.authFail ??= l;
  s.authFailLast = l;
  const e = /\bE=(\d+)/.exec(detail);
  if (e) s.authError = `E=${e[1]}`;
  else if (detail && !s.authError) s.authError = detail.trim() || null;
}

/** Authentication succeeded (the first success line is kept for evidence). */
export function authSuccess(s: Session, l: LogLine): void {
  s.authResult = 'success';
  s.authOk ??= l;
}

/** The link is up once IPCP printed an address (ipcp.c "local/remote IP address"). */
export function markUp(s: Session, l: LogLine, notice = false): void {
  // ipcp.c ipcp_down() prints the connect time too (print_link_stats) when only IPCP went down:
  // the peer renegotiating IPCP (a 3G network sending its real DNS servers after placeholders)
  // on a link LCP kept open. Addresses after it, with nothing else ending the link, are IPCP up
  // again on the same link.
  if (s.ends.length > 0 && s.ends.every((e) => e.connectTime === true)) s.ends.length = 0;
  // ipcp.c ipcp_up() prints "local  IP address" and "remote IP address" one after the other
  // once IPCP is up: either line is the link up (a paste cut between them still is), also when
  // a poster deleted the address from it (`notice`: the line is ipcp.c's own, blanked).
  if ((s.localIp || s.remoteIp || notice) && s.upLine === null) s.upLine = l;
}

/** Adds or completes a hook script's record (started → finished). */
export function upsertScript(s: Session, sc: HookScript, finished = true): void {
  const i = s.scripts.findIndex((x) => x.script === sc.script && x.exitCode === null && x.signal === null);
  if (i >= 0 && finished) s.scripts[i] = sc;
  else if (finished || i < 0) s.scripts.push(sc);
}
