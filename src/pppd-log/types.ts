// The parser's output: one structured session per connection attempt, and a verdict
// for the last attempt (vocabulary from DESIGN.md).

export const VERDICTS = [
  'up',
  'mppe_failed',
  'auth_failed',
  'eap_refused_or_unsupported',
  'no_response',
  'control_refused',
  'no_kernel_support',
  'config_error',
  'link_dead',
  'terminated_by_peer',
  'ip_script_failed',
  'idle_disconnect',
  'stopped_locally',
  'other',
] as const;

export type Verdict = (typeof VERDICTS)[number];

export type AuthProtocol = 'PAP' | 'CHAP-MD5' | 'MS-CHAP' | 'MS-CHAPv2' | 'EAP';

export interface AuthInfo {
  protocol: AuthProtocol | null;
  result: 'success' | 'failure' | 'none';
  /** MS-CHAP error code such as `E=691`, or the peer's failure message. */
  error: string | null;
}

export interface MppeInfo {
  bits: 40 | 56 | 128 | null;
  stateless: boolean;
  compression: boolean;
}

export interface ScriptStatus {
  script: string;
  /** Decoded exit status (pppd prints a wait status: 0x7f00 is exit 127). */
  exitCode: number | null;
  /** Signal number when the script was killed. */
  signal: number | null;
}

/** Everything the log says about one connection attempt. */
export interface Attempt {
  lcp: { sent: string[]; received: string[] };
  auth: AuthInfo;
  mppe: MppeInfo | null;
  localIp: string | null;
  remoteIp: string | null;
  dns: string[];
  iface: string | null;
  scripts: ScriptStatus[];
  /** How the attempt ended, in words, or null when still running. */
  endedBy: string | null;
  verdict: Verdict;
  /** Log lines that decided the verdict. */
  evidence: string[];
  /** pppd's process id when the log lines carry one (syslog/logread), else null. (additive) */
  pid?: string | null;
  /** What ended the attempt where the verdict alone does not say (hints.ts reads it). (additive) */
  cause?: EndCause | null;
  /** The PPTP server the attempt's lines name (pptp's or pptp.so's), when one does. (additive) */
  server?: string | null;
  /** Whose log it is: a server's (pptpd or accel-ppp ran this pppd for a client) or a client's. (additive) */
  side?: 'client' | 'server';
  /**
   * The program that runs this pppd for the user and writes its options, where the log shows it:
   * NetworkManager (its VPN plugins' lines), whose connection settings stand in for pppd's own
   * files (/etc/ppp/chap-secrets, options.pptp), or macOS (Apple's pppd with its PPTP/L2TP
   * plugins, configured from the VPN's settings in System Preferences), or wvdial (the dialer
   * that writes pppd's secrets from wvdial.conf and relays a few of its lines), or accel-ppp (a
   * server that runs PPP itself, no pppd: its log, accel-ppp.conf and RADIUS hold the fix). (additive)
   */
  frontEnd?: 'networkmanager' | 'macos' | 'wvdial' | 'accel-ppp' | 'xl2tpd' | null;
  /**
   * The front end is of the years before systemd and nmcli's connection editing (NetworkManager
   * 0.x with pppd 2.4.5 or older, the Ubuntu 8.04-14.04 logs of forum pastes): no journalctl,
   * no `nmcli connection modify`; /var/log/syslog and the connection editor instead. (additive)
   */
  legacy?: boolean;
  /** The link is an L2TP call (xl2tpd's lines, the pppol2tp plugin, netifd's `l2tp-NAME`). (additive) */
  l2tp?: boolean;
  /** The link is an SSTP call: sstpc's lines or its pppd plugin (PPP inside TLS: no GRE, no TCP 1723). (additive) */
  sstp?: boolean;
  /** The host that logged the attempt, in a log of several hosts (a central syslog server's). (additive) */
  host?: string;
  /** A server's pppd verifies clients with a plugin, not chap-secrets (radius.so, winbind.so). (additive) */
  authBackend?: 'radius' | 'winbind';
}

/**
 * Causes of an end that the verdict word leaves open and the fix depends on:
 * - `pty-closed`: pppd's pty closed under it ("Modem hangup": pptp, or the pty program, quit);
 * - `network-changed`: macOS's PPTP/L2TP plugin lost the server when the Mac's own network changed;
 * - `link-closed`: "Modem hangup" on a network link (PPPoE, PPPoA): the kernel closed the session under pppd;
 * - `line-hung-up`: "Hangup (SIGHUP)" then "Modem hangup": the tty or pty was closed under pppd;
 * - `carrier-lost`: a modem on a serial line dropped carrier;
 * - `connect-script-failed`: pppd's connect script (chat) exited with an error: the modem never connected;
 * - `client-left`: a server's log (pptpd, accel-ppp) saw the client end its call;
 * - `pptp-quit`: pppd's pty program quit before any PPP frame, its own reason not in the log;
 * - `unfinished`: the log ends after authentication succeeded, before the link came up;
 * - `gre-socket`: pptp or pptpd could not open its raw GRE socket;
 * - `ipcp-disagree`: IPCP finished but the addresses were unusable (ipcp.c ipcp_up);
 * - `pppd-crashed`: pppd died of a fatal signal (main.c);
 * - `pppd-not-run`: the front end (wvdial) could not execute pppd;
 * - `device-open-failed`: pppd could not open its tty or pty (tty.c connect_tty);
 * - `device-locked`: another process holds the tty's UUCP lock (utils.c lock: exit 6);
 * - `dial-stopped`: chat, dialing, was stopped by a signal (pppd passes on a stop; chat.c logs it);
 * - `ncp-timeout`: IPCP (a network protocol) got no agreement in time, LCP was up (fsm.c);
 * - `pppoe-socket`: the kernel refused the PPPoE session socket after discovery (pppoe plugin);
 * - `dial-failed`: a dialer (wvdial) got no connection from the modem, pppd never ran;
 * - `dial-carrier-lost`: wvdial saw carrier drop after CONNECT, before it started pppd;
 * - `dial-unfinished`: the log ends while chat or wvdial dials the modem, before pppd's link started;
 * - `pppd-fatal`: pppd stopped on a fatal error of its own (main.c fatal: a system call failed);
 * - `server-refused`: the PPTP server answered on TCP 1723 and refused the control connection or the call;
 * - `pppoe-discovery`: no PPPoE access concentrator answered discovery (PADO/PADS);
 * - `pppoe-ac-refused`: an access concentrator answered discovery with an error tag (PADO/PADS);
 * - `lcp-unanswered-line`: LCP went unanswered on a modem's line or a network link (no GRE);
 * - `looped-back`: our own LCP requests came back (lcp.c);
 * - `gre-oversized`: pptp's GRE socket got EMSGSIZE (an ICMP fragmentation-needed for GRE: path MTU);
 * - `front-end-stopped`: the program that runs pppd on a pty (openfortivpn) shut the tunnel down;
 * - `dialer-config`: the dialer (wvdial) found no phone number, login or password in its configuration;
 * - `gre-refused`: pptp's GRE socket got an ICMP error for the GRE flow (protocol 47 refused on the way);
 * - `l2tp-no-ppp`: PPP went unanswered over an L2TP call (UDP 1701; no GRE, no TCP 1723);
 * - `l2tp-dead`: an L2TP link's peer stopped answering (LCP echoes, or xl2tpd gave up on the tunnel);
 * - `echo-lost-line`: LCP echoes went unanswered on a modem's line or a network link (PPPoE, PPPoA), not a tunnel;
 * - `pptp-call-not-up`: LCP went unanswered and pptp's own lines never show its call set up;
 * - `max-connect`: pppd's own `maxconnect` limit ended the link (auth.c connect_time_expired);
 * - `pppoa-circuit`: pppd's PPPoA plugin could not open the ATM circuit (VPI.VCI): no ATM device, DSL down;
 * - `ifname-taken`: the interface name pppd was to use exists already (a stale pppd, two interfaces with one name);
 * - `ppp-unit-refused`: the kernel, which had given this pppd PPP before, would not make or attach a new unit;
 * - `networkmanager-stopped`: NetworkManager's VPN plugin sent the signal that stopped pppd (nm-pptp-service.c real_disconnect).
 */
export type EndCause =
  | 'pty-closed'
  | 'line-hung-up'
  | 'carrier-lost'
  | 'link-closed'
  | 'network-changed'
  | 'client-left'
  | 'pptp-quit'
  | 'unfinished'
  | 'gre-socket'
  | 'ipcp-disagree'
  | 'pppd-crashed'
  | 'pppd-not-run'
  | 'device-open-failed'
  | 'device-locked'
  | 'pppoa-circuit'
  | 'ifname-taken'
  | 'dial-stopped'
  | 'connect-script-failed'
  | 'ncp-timeout'
  | 'pppoe-socket'
  | 'dial-failed'
  | 'dial-carrier-lost'
  | 'dial-unfinished'
  | 'pppd-fatal'
  | 'server-refused'
  | 'pppoe-discovery'
  | 'pppoe-ac-refused'
  | 'lcp-unanswered-line'
  | 'echo-lost-line'
  | 'l2tp-no-ppp'
  /** xl2tpd's control messages went unanswered: the L2TP tunnel itself never came up, or went silent (xl2tpd.ts). */
  | 'l2tp-unanswered'
  /** xl2tpd has no tunnel secret for the peer, or refused a peer its [lns] sections do not allow (xl2tpd.ts). */
  | 'l2tp-secret'
  /** Only 7-bit characters came from the peer, no PPP frame (pppd's 8-bit clean check). */
  | 'peer-sent-text'
  /** The peer closed one network protocol (IPCP or IPv6CP) and the link went on (parse.ts settleNcpEnds). */
  | 'ncp-closed'
  | 'l2tp-dead'
  | 'looped-back'
  | 'gre-oversized'
  | 'front-end-stopped'
  | 'dialer-config'
  | 'gre-refused'
  | 'pptp-call-not-up'
  | 'max-connect'
  | 'networkmanager-stopped'
  /** The kernel, which had given this pppd PPP before, would not make or attach a new PPP unit (sys-linux.c). */
  | 'ppp-unit-refused'
  /** NetworkManager's own PPP time-out ran out (its pppd plugin reported no IP configuration) and it stopped pppd. */
  | 'networkmanager-timeout';

/** The `diagnose --json` shape (issue 5). */
export interface Diagnosis {
  verdict: Verdict;
  attempts: number;
  auth: AuthInfo;
  mppe: MppeInfo | null;
  localIp: string | null;
  remoteIp: string | null;
  scriptStatus: ScriptStatus | null;
  endedBy: string | null;
  hint: string | null;
  evidence: string[];
  /** The host the verdict is about, when the log holds several hosts' pppd: the last to log among those with a PPTP tunnel, else among all (additive; absent otherwise). */
  host?: string;
  /** With `host`: every host's own verdict (its last attempt's): hosts without a PPTP tunnel first, each kind in the order they last logged (additive). */
  hosts?: { host: string; verdict: Verdict }[];
}

// ---- Additions by the parser (additive; the fields above are the contract). ----

/** What `parsePppdLog` returns: every attempt in log order, and whether the text was pppd's at all. */
export interface ParsedLog {
  attempts: Attempt[];
  /** False when nothing in the text looks like pppd or pptp output. */
  isPppdLog: boolean;
}
