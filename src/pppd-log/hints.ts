// Verdict → what to change, from the seed page's troubleshooting knowledge and pppd/pptp docs,
// and the next command to run on the OpenWrt router. The attempt's evidence refines the hint
// (which MPPE side failed, which MS-CHAP error...) and fills in the interface and server names.

import type { Attempt, EndCause, Verdict } from './types.js';
import { ATM_CIRCUIT, DEVICE_LOCKED, FAILED_TO_OPEN, IFNAME_TAKEN, L2TP_SECRET_REFUSED, NM_DEVICE_DOWN, NM_VPN_CONFIG_TIMEOUT, PLUGIN_NO_PASSWORD, PPPOA_KERNEL, PPPOE_NO_DEVICE, PPPOE_WORDS, PPTPD_MANAGER, REMOTE_MUST_AUTH } from './rules.js';
import { splitLog } from './lines.js';
import { scriptFailed } from './session.js';

/** MS-CHAP error codes servers send in "E=nnn" (RFC 2759 / RAS error numbers). */
const MSCHAP_ERRORS: Record<string, string> = {
  'E=646': 'the account may not log in at this time of day (E=646)',
  'E=647': 'the account is disabled (E=647)',
  'E=648': 'the password has expired (E=648)',
  'E=649': 'the account has no dial-in permission on the server (E=649)',
  'E=691': 'wrong user name or password (E=691)',
  'E=709': 'an error changing the password (E=709)',
};

/**
 * The codes that say the password is not the question (the account, its policy or its expiry on
 * the server), with the server-side fix; 691 (wrong credentials) keeps the password hint.
 */
const MSCHAP_SERVER_FIX: Record<string, string> = {
  'E=646': "change the account's logon hours on the server; nothing on this side is wrong",
  'E=647': 'enable the account on the server (Active Directory or its user list)',
  'E=648': "pppd cannot change a password (chap_ms.c has no MS-CHAP Change-Password): change it from a domain computer or on the server, then put the new one in this side's secrets",
  'E=649': "allow dial-in for the user on the server (its Dial-in tab, or the NPS network policy that matches this connection)",
  'E=709': 'the server asked for a password change pppd cannot make: change the password on the server, then here',
};

// mpd5's MS-CHAP failure texts (pppd logs the M= text without the E= code when there is one)
const MSCHAP_TEXT_CODES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Login hours restricted/i, 'E=646'],
  [/^Account disabled/i, 'E=647'],
  [/^Password expired/i, 'E=648'],
  [/^Login not allowed for this account/i, 'E=649'],
];

/**
 * auth.c get_secret (get_eaptls_secret): a plugin's password hook (NetworkManager-pptp's and
 * -l2tp's, nm-pptp-pppd-plugin.c get_credentials: "passwd-hook: could not get secrets") returned
 * none; chap-new.c chap_respond then answers the challenge with an empty secret.
 */
function pluginGaveNoPassword(attempt: Attempt): boolean {
  return says(attempt, PLUGIN_NO_PASSWORD) !== null || has(attempt, /Unable to obtain (?:CHAP|EAP-TLS) password .* from plugin/i);
}

/**
 * chap_ms.c chapms2_check_success: the server sent Success, but its authenticator response
 * ("S=") is not the one pppd computes from its own password for this challenge.
 */
const MUTUAL_AUTH_FAILED = /MS-CHAPv2 mutual authentication failed|MS-CHAPv2 Success packet is badly formed/i;

/**
 * A pppd server's fixed Terminate-Request reasons (lcp.c, auth.c, ipcp.c on the server): each
 * names one code path there, so the fix follows from it.
 */
const SERVER_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/terminated by peer \(Link inactive\)/i, "The server ended the link for inactivity (its pppd's `idle` option): no traffic for that long. Nothing is broken; with `persist` (and `holdoff`) this side dials again, or the server's idle time can be raised."],
  [/terminated by peer \(Connect time expired\)/i, "The server ended the link at its connect-time limit (its pppd's `maxconnect`): a policy, not a fault; with `persist` this side dials again."],
  [/terminated by peer \(Traffic limit\)/i, "The server ended the link at its traffic limit (its pppd's `maxoctets`): the account's quota; the server's administrator decides."],
  [/terminated by peer \(User request\)/i, 'The server\'s pppd was stopped on purpose (an administrator, a restart of pptpd or of the server): nothing on this side ended it.'],
  [/terminated by peer \(Peer not responding\)/i, "The server's keep-alive echoes went unanswered (its lcp-echo-failure): the path from here to the server broke one way (GRE or the tunnel's packets dropped on the way in, a NAT mapping that expired) while the server could still reach this side."],
  [/Unauthorized remote IP address/i, "The server refused the IP address this side asked for (its chap-secrets allows this account other addresses): drop the fixed local address (`ipaddr`, `LOCAL:` in the options) and let the server assign one, or allow it on the server."],
];

/** The fix a pppd server's own Terminate-Request reason names, or null for another reason. */
function serverReasonFix(attempt: Attempt): string | null {
  return SERVER_REASONS.find(([re]) => has(attempt, re) || re.test(attempt.endedBy ?? ''))?.[1] ?? null;
}

/** chat's last word on a dial it failed (chat.c), with what it means for a modem and a line. */
const CHAT_ANSWERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Failed \(NO CARRIER\)/, 'the network refused the data call (NO CARRIER after the dial): the APN, the subscription or data plan, or the coverage'],
  [/Failed \((?:\+CME )?ERROR\b/, 'the modem answered ERROR to a command: a SIM locked by its PIN, or an APN command (AT+CGDCONT) it refused'],
  [/Failed \(\+CGATT: ?0\)/, 'the modem is not attached to the packet network (+CGATT: 0): registration or coverage'],
  [/Failed \((?:BUSY|NO DIAL ?TONE|NO ANSWER|VOICE)\)/, 'the number dialled answered BUSY, NO DIALTONE or nothing: the line or the number'],
  [/^(?:.*\bchat\[\d+\]: )?(?:alarm|Failed)\s*$/, 'the modem never gave the answer chat waited for within its TIMEOUT: the wrong port (a stick\'s diagnostics or GPS port answers nothing), a stick still in storage mode, hardware flow control (`crtscts`) on a port without it, or no CONNECT for the dial'],
];

function chatAnswerFix(a: Attempt): string | null {
  const said = a.evidence.find((l) => /\bchat\b.*(?:Failed|alarm)|^(?:Failed|alarm)/.test(l));
  const meaning = said ? CHAT_ANSWERS.find(([re]) => re.test(said))?.[1] : undefined;
  return meaning ? `pppd's connect script (chat) failed the dial, so PPP never started: ${meaning}.` : null;
}

/** The MS-CHAP error code's meaning (E=691 ...), when the failure carried one. */
function mschapError(attempt: Attempt): string | undefined {
  const code = mschapCode(attempt);
  return code ? MSCHAP_ERRORS[code] : undefined;
}

/** The failure's MS-CHAP code: "E=nnn", or the one mpd5's fixed text stands for. */
function mschapCode(attempt: Attempt): string | undefined {
  const error = attempt.auth.error ?? '';
  if (/^E=\d+$/.test(error)) return error;
  return MSCHAP_TEXT_CODES.find(([re]) => re.test(error))?.[1];
}

/** pptp.so's words for a server it has no route to (the WAN under the tunnel is down). */
const NO_ROUTE_TO_SERVER = /PPTP: (?:connect failed \((?:Network is unreachable|No route to host)\)|failed to add host route)/;

/** pptpmanager.c: the `ppp` program pptpd.conf names cannot be run. */
const PPTPD_NO_PPPD = /MGR: PPP binary /i;
/** fsm.c's time-out of CCP, the protocol that carries MPPE (rules.ts config-timeout). */
const CCP_TIMEOUT = /\bCCP: timeout sending Conf/i;

/** pptp's and pptp.so's words for a server name that did not resolve (pptp.c get_ip_address: gethostbyname before 1.8, getaddrinfo's gai_strerror since). */
const DNS_FAILURE = /gethostbyname|getaddrinfo|Unknown host|resolve|Name or service|HOST NOT FOUND|No address associated|Temporary failure in name resolution/i;

/** pptp.so's, accel-ppp's and pptpd's PPTP socket the kernel refused (rules.ts no-pptp-socket). */
const PPTP_SOCKET = /PPTP socket/i;
/** ipcp.c ipcp_up's ends where the addresses were agreed but could not be used, or one side had none. */
const IPCP_UP_FAILED: [RegExp, string][] = [
  // sifaddr/sifup failed: the kernel refused the address or the interface (the ioctl line before says why)
  [/Interface configuration failed|Interface failed to come up/i, 'IPCP agreed on the addresses, but the kernel refused to configure the interface with them (the ioctl line before it names the call: an address or route that exists on another interface already, a netdevice problem): nothing is wrong with the peer. Look for the address on another interface.'],
  // the peer assigned no address and pppd had none of its own (noipdefault)
  [/Could not determine local IP address/i, "The peer assigned this side no IP address and pppd had none of its own (`noipdefault`, or no local address in the options): the server's address pool or the account's address on the server is the fix; else give pppd a local address (`LOCAL:` in the options). On a server (pptpd) it is the server's own address: `localip` in pptpd.conf."],
];
/** The pppoe plugin's PPPoX socket the kernel refused (the same row). */
const PPPOE_SOCKET = /Failed to create PPPoE socket/i;

/**
 * pptp_ctrl.c ctrlp_error()'s words for a refusal (cause server-refused): a refused
 * Start-Control-Connection-Reply logs "Reply result code is N 'TEXT'. Error code is N"; a refused
 * Outgoing-Call-Reply "Result code is N 'TEXT'. Error code is N, Cause code is N" (pptp-linux and
 * OpenWrt's pptp.so alike).
 */
const PPTP_RESULT_TEXT = /\b(Reply )?[Rr]esult code is (\d+) '([^']*)'/;


/** An up link whose pty (pptp's, on a PPTP router) closed under pppd ("Modem hangup"). */
function ptyClosedWhileUp(attempt: Attempt): boolean {
  return attempt.localIp !== null && (attempt.cause === 'pty-closed' || attempt.cause === 'line-hung-up');
}

/** A PPTP server's log whose last word is pptpd starting (rules.ts PPTPD_MANAGER): no call after it. */
function managerOnly(attempt: Attempt): boolean {
  return attempt.evidence.length > 0 && attempt.evidence.every((l) => PPTPD_MANAGER.test(l.replace(/^.*?(?=MGR: )/, '')));
}

/**
 * pppd demanded that the peer authenticate itself and it would not: auth.c's "peer refused to
 * authenticate", or exit status 11 (EXIT_PEER_AUTH_FAILED) as a front end reports it (wvdial's
 * wvdialer.cc "Peer didn't authenticatie itself (exit code = 11)", its own spelling).
 */
/** A front end's report of pppd's exit status 1 (EXIT_FATAL_ERROR): pppd's own words are elsewhere. */
const FATAL_STATUS_ONLY = /\bFatal pppd error\b|\bexit(?:ed with error)? (?:code|status)(?: =)? 1\b/i;

/** pppd's own fatal errors (main.c fatal(), exit 1) whose fix is not the PPP driver's, and the default. */
const PPPD_FATAL: { re: RegExp; fix: string; next: string }[] = [
  {
    re: FATAL_STATUS_ONLY,
    fix: "pppd quit at start-up with exit status 1 (a fatal error) before it used the line; its reason went to syslog, not to the program that ran it. Most often it is auth.c's check: a default route exists and the peer file lacks `noauth` (\"The remote system is required to authenticate itself\"): add `noauth`. Else pppd's syslog line names the call that failed.",
    next: "`grep pppd /var/log/syslog | tail -n 20` (or `logread -e pppd`: pppd's own reason) and `grep -n -e noauth -e '^auth' /etc/ppp/options /etc/ppp/peers/*`",
  },
  {
    // pppol2tp.c setdevname_pppol2tp: the descriptor the L2TP daemon passed (pppol2tp N) is no
    // PPPoL2TP session socket: the daemon's fault, or a daemon and plugin that do not match
    re: /Given FD for PPPoL2TP socket invalid|Socket of not a PPPoX socket/i,
    fix: "The L2TP daemon that started pppd (xl2tpd in kernel mode, openl2tpd) passed it a descriptor that is no PPPoL2TP session socket: a daemon and pppd plugin that do not match, or the daemon's kernel mode half set up; ppp itself is fine.",
    next: '`logread -e xl2tpd` (or the daemon\'s own log) and its kernel-mode setting',
  },
];
const PPPD_FATAL_DEFAULT = {
  fix: "pppd stopped on a fatal error of its own (main.c fatal(), then exit 1): the message names the system call or the kernel ioctl that failed. Out of memory, file descriptors or privileges, or the kernel's PPP driver refused the call (ppp and kmod-ppp from different builds, a plugin for another pppd): reinstall ppp and the kernel's PPP modules together, and read the kernel log.",
  next: '`dmesg | tail -n 30` and `logread -e pppd` (the call that failed, and what the kernel said about it)',
};
const pppdFatal = (a: Attempt): { fix: string; next: string } => PPPD_FATAL.find(({ re }) => has(a, re)) ?? PPPD_FATAL_DEFAULT;

const PEER_WOULD_NOT_AUTHENTICATE = /peer refused to authenticate|authenticat\w* itself|peer failed \(or refused\) to authenticate|\bexit(?:ed with error)? (?:code|status)(?: =)? 11\b/i;

/** One of the evidence lines' messages (its prefix off) matches a row's anchored pattern. */
function says(attempt: Attempt, re: RegExp): RegExpExecArray | null {
  for (const raw of attempt.evidence) {
    for (const l of splitLog(raw)) {
      const m = re.exec(l.msg);
      if (m) return m;
    }
  }
  return null;
}

function has(attempt: Attempt, re: RegExp): boolean {
  return attempt.evidence.some((l) => re.test(l)) || attempt.lcp.received.some((l) => re.test(l)) || attempt.lcp.sent.some((l) => re.test(l));
}

/** The UCI/peer name behind an interface: netifd names it PROTO-NAME (`pptp-vpn`, `pppoe-wan`, `3g-wwan`). */
function tunnelName(attempt: Attempt): string {
  const m = /^(?:pptp|ppp|pppoe|pppoa|l2tp|3g)-(.+)$/.exec(attempt.iface ?? '');
  return m?.[1] ?? 'NAME';
}

/** The pppoe plugin's wait for the access concentrator left on SIGTERM/SIGINT (discovery.c, ppp 2.4.8 and later). */
const DISCOVERY_INTERRUPTED = /select \(waitForPAD[OS]\): Interrupted system call/i;

/**
 * A client's attempt that authenticated and then just ended ("Connection terminated." with
 * nothing before it, no address): ccp.c's MPPE failures close LCP with their reason only in the
 * debug TermReq (and OpenWrt's MPPE-MPPC patch logs no error at all).
 */
function silentAfterAuth(attempt: Attempt): boolean {
  return attempt.endedBy === 'connection terminated' && attempt.auth.result === 'success' && attempt.localIp === null && attempt.side !== 'server';
}

/** What a CCP `<mppe +H -M +S -L ...>` option offers, in words (ccp.c method_name's flags). */
function mppeOffer(flags: string): string {
  const on = (f: string): boolean => new RegExp(`\\+${f}\\b`).test(flags);
  const bits = [on('S') ? '128-bit' : '', on('M') ? '56-bit' : '', on('L') ? '40-bit' : ''].filter(Boolean);
  return `${bits.length > 0 ? bits.join('/') : 'no key length'} ${on('H') ? 'stateless' : 'stateful'} MPPE`;
}

/** A PPPoE link (netifd's `pppoe-NAME`, the plugin's words in the evidence): no GRE, no route to a PPTP server. */
function pppoeLink(attempt: Attempt): boolean {
  return /^pppoe-/.test(attempt.iface ?? '') || has(attempt, PPPOE_WORDS) || has(attempt, /<-->\s*(?:eth|en[opsx]|wlan|wl|vlan|nas|wan|br-?|bond|veth|lan|dsl|ptm)/);
}

/** The device pppd could not open (tty.c "Failed to open DEV: ..."), or DEVICE. */
function deviceOf(attempt: Attempt): string {
  for (const l of attempt.evidence) {
    const m = FAILED_TO_OPEN.exec(l);
    if (m?.[1]) return m[1];
  }
  return 'DEVICE';
}

/** The tty and the process holding its lock (utils.c lock: "Device %s is locked by pid %d"). */
function lockOf(attempt: Attempt): { device?: string; pid?: string } {
  const m = says(attempt, DEVICE_LOCKED);
  return { device: m?.[1], pid: m?.[2] };
}

/** The PPTP server as the attempt's lines name it (parse.ts), or SERVER. */
function serverOf(attempt: Attempt): string {
  return attempt.server ?? 'SERVER';
}

/** The server answered on TCP 1723 and refused the control connection or the call. */
function serverRefused(attempt: Attempt): string {
  const m = attempt.evidence.map((l) => PPTP_RESULT_TEXT.exec(l)).find((x) => x !== null);
  const what = has(attempt, /\bReply result code is|negative reply/i)
    ? 'the control connection'
    : has(attempt, /read returned zero|peer has closed/i)
      ? "the control connection (it closed TCP 1723 on pptp's Start-Control-Connection-Request)"
      : 'the call';
  const why = m ? ` with result code ${m[2]} '${m[3]}'` : '';
  return `The server answered on TCP 1723 and refused ${what}${why}: the address and the port are right, the reason is on the server (its session or call limit, a client allow-list, a stale control connection from this address, the account's policy).`;
}

/**
 * An `other` end whose typed cause says what to do: its fix and the next command on the router
 * (else the whole attempt's log), one entry per cause; a cause whose hint asks more of the
 * attempt (carrier-lost before the link came up, gre-socket's program, a pty closed on an up
 * link) keeps its own branch in fixFor/nextCommand.
 */
/** `other` by its cause: the fix, and the next command where the cause has its own (undefined: the verdict's). */
const OTHER_BY_CAUSE: Partial<Record<EndCause, { fix: (a: Attempt) => string; next?: (a: Attempt) => string | undefined }>> = {
  'ncp-closed': {
    fix: (a) =>
      has(a, /IPV6CP terminated/i)
        ? "The peer closed IPv6CP only (its Terminate-Request): pppd keeps the link while IPCP (IPv4) is open, with the IPv6 side down. OpenWrt's netifd may report the interface's IPv6 lost (openwrt/openwrt#9998). Where IPv6 is not used over this link, `option ipv6 '0'` (pppd's `noipv6`) stops pppd offering it."
        : 'The peer closed IPCP only (its Terminate-Request) while IPv6CP stays open: IPv4 over this link is down, the link goes on. The server side decides why (its address pool, a policy).',
    next: (a) => `\`ifstatus ${tunnelName(a)}\` (the addresses the interface still has) and \`logread -e pppd\` around the close`,
  },
  'front-end-stopped': {
    fix: () =>
      "openfortivpn shut the tunnel down and closed pppd's pty, so pppd could not tell why: openfortivpn's own lines just before \"Cancelling threads...\" say it (a Ctrl-C or a signal, the gateway closing the TLS connection, a read or SSL error).",
    next: () => '`logread -e openfortivpn` (or `journalctl -u openfortivpn@NAME`) before the teardown',
  },
  'ipcp-disagree': {
    fix: (a) =>
      IPCP_UP_FAILED.find(([re]) => has(a, re))?.[1] ??
      'The two ends did not agree on IP addresses (ipcp.c): let the server assign them with `ipcp-accept-local ipcp-accept-remote` and no fixed local address (`noipdefault`), or fix the address the server expects.',
    next: (a) => `\`ifstatus ${tunnelName(a)}\` and \`uci show network.${tunnelName(a)}\` (a fixed address, or pppd_options)`,
  },
  'pptp-quit': {
    fix: () =>
      "pptp, pppd's pty program, quit before the server sent a PPP frame: its own log lines say why, most often the control connection to TCP 1723 refused or unreachable (firewall, wrong server address), else a server name that does not resolve or a GRE socket it could not open.",
    next: (a) => `\`logread -e pptp\` (pptp's own reason), then \`nc -zv ${serverOf(a)} 1723\``,
  },
  'pppd-not-run': {
    fix: () =>
      'pppd never ran: the front end (wvdial) could not execute it. Run it as root (sudo), or let the user run pppd (Debian: add the user to the dip group), or set "PPPD Path" in wvdial.conf.',
    next: () => '`ls -l /usr/sbin/pppd` (root:dip, mode 4754 lets the dip group run it) and `id`',
  },
  'looped-back': {
    fix: () =>
      "pppd's own LCP requests came back to it (lcp.c: the peer's magic number was ours, again and again): nothing at the far end speaks PPP yet. On a modem the data call is not up (a CONNECT never came, or pppd runs on the modem's AT or diagnostics port, not its data port: a 3G stick has several ttyUSB ports); on a serial cable the other end echoes.",
    next: () => '`ls -l /dev/ttyUSB* /dev/ttyACM*` (try the modem\'s other port) and `logread | grep -E "chat|pppd"` (did the dial answer CONNECT?)',
  },
  unfinished: {
    fix: (a) =>
      has(a, CCP_TIMEOUT)
        ? "The log stops after authentication with CCP (compression, which carries MPPE) unanswered by the peer: where MPPE is required (`mppe required`, `require-mppe-128`), pppd starts IPCP only once CCP is up, so the link hangs here with no IP address until something ends it. The server does not offer MPPE: enable it there (pptpd's `require-mppe-128`), or drop the requirement on this side if the tunnel may run unencrypted."
        : 'The log stops while the link was being set up (authentication had succeeded): take the log again after the attempt ended, or a minute later.',
    next: (a) => (has(a, CCP_TIMEOUT) ? '`logread -e pppd | grep -e CCP -e MPPE` (add `debug` to see the CCP exchange)' : undefined),
  },
  'pppd-crashed': {
    fix: () => 'pppd itself crashed: update the ppp package (and its pptp plugin) or report the crash with the full log.',
  },
  'ppp-unit-refused': {
    fix: () =>
      "The kernel has PPP (this pppd had a PPP channel or unit before), but its PPP driver refused the new unit: the last unit was not released (pppd's \"Couldn't release PPP unit\" before it), or a kernel bug in the driver (an old or development kernel). Installing modules will not help: reload ppp_generic once no pppd runs, or reboot; if it comes back after every hang-up, update the kernel.",
    next: () => '`dmesg | grep -i ppp` and `ls /sys/class/net | grep ppp` (units left behind)',
  },
  'pppd-fatal': {
    fix: (a) => pppdFatal(a).fix,
    next: (a) => pppdFatal(a).next,
  },
  'dial-carrier-lost': {
    fix: () =>
      "The modem answered CONNECT, then wvdial saw no carrier (DCD) while it waited for a login prompt, before it started pppd. Many USB, 3G and CDMA modems never report carrier, and most providers speak PPP right away: set `Carrier Check = no` and `Stupid Mode = 1` in /etc/wvdial.conf (or dial with chat and pppd directly).",
    next: () => "`grep -i -e 'Stupid Mode' -e 'Carrier Check' /etc/wvdial.conf`",
  },
  'max-connect': {
    fix: () =>
      "pppd's own `maxconnect N` option ended the link on purpose when its time was up (auth.c connect_time_expired): nothing failed. Remove or raise it if the tunnel should stay up (`persist` redials after it).",
    next: (a) => `\`grep -rn maxconnect /etc/ppp/\` and \`uci show network.${tunnelName(a)}\` (pppd_options)`,
  },
  'gre-refused': {
    fix: () =>
      "pptp's GRE socket got an ICMP error back for GRE (IP protocol 47): the control connection and the call worked, but GRE is refused on the way (a firewall, or a NAT router without the PPTP helper nf_conntrack_pptp / nf_nat_pptp). Allow GRE and load the helper.",
    next: () => "`lsmod | grep -e gre -e pptp` here, and on every NAT router on the way `lsmod | grep nf_nat_pptp`",
  },
  'dialer-config': {
    fix: () =>
      'wvdial found no Phone, Username or Password in /etc/wvdial.conf (missing, or commented out with ";") and exited before dialing, so pppd never ran: set all three (for a 3G/LTE modem Phone = *99# and any non-empty Username and Password unless the provider gives them).',
    next: () => "`grep -n -i -e '^ *;' -e phone -e username -e password /etc/wvdial.conf`, then `wvdial` again",
  },
  // wvdialer.cc: "Modem not responding" is no answer at all to the init commands (init_modem);
  // "Bad init string" / "Invalid dial command" an ERROR to an Init line or to ATD
  'dial-failed': {
    fix: (a) =>
      has(a, /Modem not responding/)
        ? "The modem never answered wvdial's AT commands: `Modem =` in /etc/wvdial.conf names the wrong port (a 3G stick has several; the AT port is often ttyUSB2 or ttyACM0), the stick is still in its storage mode (usb_modeswitch), or another program holds the port."
        : has(a, /Bad init string|Invalid dial command/)
          ? 'The modem answered ERROR to one of wvdial\'s commands (an Init line such as the APN\'s AT+CGDCONT or a PIN, or the dial command ATD): the line before the ERROR in the log is the one it refused; a SIM that needs its PIN or is not registered refuses ATD.'
          : "The modem never got a connection, so pppd was never started: the number, the line (dial tone, busy), the modem's init string or the provider's side; the modem's own answers in the log (NO CARRIER, BUSY, NO DIALTONE) say which.",
    next: (a) =>
      has(a, /Modem not responding/)
        ? '`ls -l /dev/ttyUSB* /dev/ttyACM*` and `dmesg | grep -i -e ttyUSB -e ttyACM -e option` (the ports the modem has), or `wvdialconf` to find the one that answers'
        : '`wvdial` again with the modem\'s answers in view (NO CARRIER, BUSY, NO DIALTONE, ERROR), and `logread | grep -E "chat|pppd"`',
  },
  'dial-unfinished': {
    fix: () =>
      "The log ends while the modem was being dialed (chat's or wvdial's last line), before pppd's link started: the lines after it tell how the dial ended (the modem's CONNECT, or NO CARRIER, BUSY, ERROR, a time-out). An ERROR to an AT command is the modem refusing it: the APN line (AT+CGDCONT), the SIM's PIN, or the number.",
    next: () => '`logread | grep -E "chat|pppd"` through the end of the dial (the modem\'s answers)',
  },
  'connect-script-failed': {
    fix: (a) =>
      chatAnswerFix(a) ??
      "pppd's connect script (chat; comgt's on OpenWrt's 3g proto) exited with an error, so the modem never connected and PPP never started (pppd exits 8): the modem's last answer in chat's lines says why (NO CARRIER, BUSY, ERROR, a time-out waiting for CONNECT): the SIM PIN, the APN or number, the signal, or the modem's port.",
    next: () => '`logread | grep -E "chat|pppd"` (the modem\'s answers) and the modem itself: `gcom -d /dev/ttyUSB0 info` (comgt) for signal, SIM and registration',
  },
  'carrier-lost': {
    fix: (a) =>
      a.localIp === null
        ? 'The modem dropped the call before the link came up (carrier lost on the serial line): check the number or APN, the chat script and the signal (`logread | grep -E "chat|pppd"`); pppd cannot tell which end hung up.'
        : "The modem dropped the call while the link was up (carrier lost on the serial line): the radio or telephone network or the far end hung up, or the modem reset or left the USB bus (the kernel's lines tell); pppd cannot tell which end hung up.",
    next: () => '`logread | grep -E "pppd|chat"` and `dmesg | tail` (a modem that reset, lost signal or left the USB bus)',
  },
  // main.c get_input: the channel read end-of-file, on PPPoE the kernel unbinding the session
  // Apple ppp's pptp_link_failure / l2tp_link_failure (status "Network Changed")
  'network-changed': {
    fix: () =>
      "The Mac's own network changed under the tunnel (its address was lost or replaced, Wi-Fi and Ethernet switched, a wake with a new address), and the plugin lost the server: nothing failed on the server; connect again. If it repeats, look at the Mac's Wi-Fi.",
    next: () => '`tail -n 60 /var/log/ppp.log` (the interface lines before it)',
  },
  'link-closed': {
    fix: (a) =>
      pppoeLink(a)
        ? "The PPPoE session was closed under pppd (the kernel dropped it: the access concentrator sent a PADT, or the WAN device went down): the ISP ended the session (a forced reconnect, a session time limit: it then recurs at fixed intervals) or the WAN link dropped; netifd dials again."
        : "The network link under pppd closed (its device went down, or the DSL/ATM circuit dropped): the line or the ISP's side ended the session; the modem's own status says which.",
    next: () => '`logread | grep -E "pppd|netifd"` around the hang-up (a PADT, the WAN port going down) and `ip link` (the WAN port)',
  },
  'pppoe-socket': {
    fix: () =>
      "PPPoE discovery found the access concentrator, but the kernel refused the session socket (the pppoe plugin's connect() failed): the kernel's PPPoE driver is missing or does not match (OpenWrt: kmod-pppoe, kmod-pppox; `modprobe pppoe`), or the errno in the line names another reason.",
    next: () => '`lsmod | grep pppoe` (OpenWrt: kmod-pppoe) and `ifstatus wan`',
  },
  'ncp-timeout': {
    fix: (a) =>
      has(a, /exit status 10\b/)
        ? "PPP's negotiation never completed (pppd exit status 10: LCP or IPCP, the front end's report cannot say which): on a mobile modem most often a wrong APN (the Init line's AT+CGDCONT) or a modem that is not in data mode; pppd's own syslog lines, with `debug`, show which stage failed."
        : "IPCP (the IP address negotiation) never finished: pppd's Config-Requests got no agreement, so it closed the link. The link below it worked (LCP was up); the peer's address pool may be exhausted, it may reject an address or option pppd asks for (a fixed local address), or the server gives this account no IP configuration (on a mobile modem: a wrong APN): its log says which, and pppd's `debug` shows the IPCP exchange.",
    next: () => `\`logread -e pppd | grep -e IPCP -e 'IP address'\` (add \`debug\` to the interface's pppd_options to see the exchange)`,
  },
  'dial-stopped': {
    fix: () =>
      "chat was stopped by a signal while it dialed, before the modem connected: pppd passes on a stop it was told (netifd's ifdown or restart, `poff`, Ctrl-C, a front end's time-out), or chat was killed by hand. If nobody meant to stop it, find what did in the lines around it; if the dial always takes longer than that, the modem is not getting a connection (signal, APN, number).",
    next: () => '`logread | grep -E "netifd|pppd|chat"` around the stop (an ifdown or restart just before it)',
  },
  'pppoa-circuit': {
    fix: () =>
      "pppd's PPPoA plugin could not connect its ATM circuit (the VPI.VCI it was given): no ATM device exists (the DSL modem's driver or firmware is not loaded) or the DSL line has no sync. Check the modem's DSL status first, then that `option vpi`/`option vci` (and `option encaps`) match the ISP's values.",
    next: () => '`cat /proc/net/atm/devices`, `dmesg | grep -i -e atm -e dsl` and `/etc/init.d/dsl_control status`',
  },
  'ifname-taken': {
    fix: () =>
      'The interface name pppd was to use already exists: an earlier pppd of the same interface has not exited yet (a quick restart), a leftover interface of a killed one is still there, or two interfaces are given the same name (`ifname`). pppd closed the link before LCP; with netifd or `persist` it fails the same way until the name is free. Stop the stale pppd (by its pid) or remove the leftover interface, or give the interface another name.',
    next: (a) => {
      const m = says(a, IFNAME_TAKEN);
      return `\`ip link show ${m?.[1] ?? m?.[2] ?? 'NAME'}\` and \`ps w | grep pppd\``;
    },
  },
  'device-locked': {
    fix: (a) =>
      `Another process holds ${lockOf(a).device ?? 'the device'}'s lock (pid ${lockOf(a).pid ?? 'N'}): a second pppd on the same modem, ModemManager probing it, or a terminal program; pppd never touched the line. Stop that process (or tell ModemManager to leave the port alone); a stale lock file of a process that is gone can be removed.`,
    next: (a) => `\`ps w | grep ${lockOf(a).pid ?? 'PID'}\` and \`ls -l /var/lock/LCK..${lockOf(a).device ?? 'DEVICE'}\``,
  },
  'device-open-failed': {
    fix: (a) =>
      `pppd could not open its line ${deviceOf(a)} (tty.c): a pty (/dev/pts/N) is gone when the program that started pppd on it (xl2tpd, pptp, a dialer) quit or restarted first, and that program's own log says why; a modem's tty is misnamed, or gone after the USB modem re-attached under another name (\`ls /dev/ttyUSB* /dev/ttyACM*\`). With \`persist\` pppd keeps retrying the same name.`,
    next: (a) => `\`ls -l ${deviceOf(a)}\` and \`logread | tail -n 50\` (the program that gave pppd the line, and the kernel's word on a modem)`,
  },
};

/** A fix hint for a verdict (for `up`, what to look at when traffic still does not pass), with the next command to run. */
export function hintFor(verdict: Verdict, attempt: Attempt): string | null {
  // pptpd's pppd on a server; accel-ppp has a hint place of its own
  const sstp = attempt.sstp === true && attempt.side !== 'server' ? SSTP_FIX[verdict] : undefined;
  const sstpFix = sstp?.fix(attempt);
  if (sstp && sstpFix) return `${sstpFix} Next: ${sstp.next(attempt)}`;
  const onServer = attempt.side === 'server' && attempt.frontEnd !== 'accel-ppp';
  const lns = onServer && (attempt.l2tp === true || has(attempt, XL2TPD_WORDS)) ? LNS_SIDE[verdict] : undefined;
  if (lns) return `${lns.fix} Next on the server: ${lns.next}`;
  // (radius.so and winbind.so verify a peer: this pppd is the server, whatever else the log shows)
  const backend = authBackendFix(verdict, attempt);
  if (backend) return `${backend.fix} Next on the server: ${backend.next}`;
  const server = onServer && attempt.cause !== 'client-left' ? SERVER_SIDE[verdict] : undefined;
  if (server) return `${server.fix} Next on the server: ${server.next}`;
  const where = placeOf(attempt, onServer);
  const hint = where.fix(verdict, attempt) ?? fixFor(verdict, attempt);
  return hint === null ? null : `${hint} ${where.label}: ${where.next(verdict, attempt)}`;
}

/**
 * Where an up link's addresses and routes show on Linux and OpenWrt (each place's next command
 * for `up`; the other verdicts' look for why a link ended): netifd's interface (`ifstatus`),
 * else the ppp interface itself.
 */
function upNext(attempt: Attempt): string {
  const iface = attempt.iface;
  const name = tunnelName(attempt);
  if (iface && name !== 'NAME') return `\`ifstatus ${name}\` (its addresses and routes) and \`ip route | grep ${iface}\``;
  return iface ? `\`ip addr show ${iface}\` and \`ip route | grep ${iface}\`` : '`ifstatus NAME` (its addresses and routes) and `ip route`';
}

/**
 * Where the admin acts on a hint: the fix where the common one (fixFor, written for a router's
 * pppd) does not hold there (null: it does), the next command, and how the hint names the place.
 */
interface HintPlace {
  fix: (verdict: Verdict, attempt: Attempt) => string | null;
  next: (verdict: Verdict, attempt: Attempt) => string;
  label: string;
}

const ON_THE_ROUTER: HintPlace = { fix: () => null, next: nextCommand, label: 'Next on the router' };
/** A server's log whose hint is the common one (the server's own tables had none): it still says where. */
const ON_THE_SERVER: HintPlace = { ...ON_THE_ROUTER, label: 'Next on the server' };

/** Where the admin acts: the front end's place, else the server's or the router's. */
function placeOf(attempt: Attempt, onServer: boolean): HintPlace {
  if (attempt.frontEnd) return FRONT_ENDS[attempt.frontEnd];
  return onServer ? ON_THE_SERVER : ON_THE_ROUTER;
}

/** The front ends that run pppd for a user and write its options (Attempt.frontEnd). */
const FRONT_ENDS: Record<NonNullable<Attempt['frontEnd']>, HintPlace> = {
  networkmanager: { fix: networkManagerFix, next: networkManagerNext, label: 'Next' },
  wvdial: { fix: wvdialFix, next: wvdialNext, label: 'Next' },
  macos: { fix: macFix, next: macNext, label: 'Next on the Mac' },
  'accel-ppp': { fix: accelFix, next: (_v, a) => accelNext(a), label: 'Next on the server' },
  xl2tpd: { fix: xl2tpdFix, next: () => L2TP_NEXT, label: 'Next' },
};

/**
 * A log of xl2tpd's lines alone (xl2tpd.ts): the L2TP tunnel and call are all it shows, their
 * fixes are in xl2tpd's configuration (xl2tpd.conf's [lac]/[lns] sections, its auth file) or on
 * the peer, and how PPP went is in pppd's own lines elsewhere. Null where the common hint holds
 * (the tunnel unanswered: cause l2tp-unanswered).
 */
function xl2tpdFix(verdict: Verdict, attempt: Attempt): string | null {
  const client = attempt.cause === 'client-left';
  switch (verdict) {
    case 'config_error':
      if (has(attempt, /Denied connection to unauthorized peer/)) return "This L2TP server refused a client none of its [lns] sections allows: add the client's address to a section's `ip range` (or `lac`), in xl2tpd.conf.";
      return "xl2tpd's tunnel authentication failed for want of a secret: with `challenge = yes` on either end, both ends need the same secret for each other's host names in xl2tpd's auth file (`auth file = /etc/xl2tpd/l2tp-secrets`: `them us secret`), or turn `challenge` off on both. It is not the IPsec pre-shared key.";
    case 'control_refused':
      if (attempt.cause === 'server-refused') return "The L2TP server refused the tunnel (\"No Authorization\"): none of its [lns] sections allows this client's address (`ip range`, `lac`); its admin must add it.";
      return "The L2TP server's name in the [lac] section's `lns` does not resolve: put its address there, or fix this machine's DNS (`nslookup NAME`).";
    case 'terminated_by_peer':
      return client
        ? "The L2TP client closed its call or tunnel (a Call-Disconnect-Notify or StopCCN): nothing failed on this server; if the client did not mean to leave, its own log says why (its pppd's authentication or IPCP)."
        : "The L2TP server closed the call or tunnel (a Call-Disconnect-Notify or StopCCN; the reason xl2tpd shows in parentheses is the server's): the server's log says why, most often its pppd refusing the login or the addresses.";
    case 'stopped_locally':
      return "xl2tpd was stopped, or told to disconnect the call, on this machine (a restart, `xl2tpd-control disconnect NAME`, a shutdown): not the peer.";
    case 'other':
      return "xl2tpd set up the L2TP call; how PPP went is in pppd's own lines, which this log does not hold (the pppd xl2tpd starts logs to syslog).";
    default:
      return null;
  }
}

/** Where an L2TP call's tunnel and call lines are, and the IPsec SA under it (a router's next command). */
const L2TP_NEXT = '`logread | grep -E "xl2tpd|pppd"` (the tunnel and call lines), and with IPsec `ip xfrm state` (an SA for UDP 1701 each way)';

/**
 * A server's log (pptpd or accel-ppp ran this pppd for a client): its peer is the client, and
 * the fix is on the client's side or in the server's own options, not in a router's tunnel.
 */
const SERVER_SIDE: Partial<Record<Verdict, { fix: string; next: string }>> = {
  no_response: {
    fix: "The client's LCP never reached this server's pppd although its control connection (TCP 1723) and call came up: GRE (IP protocol 47) from the client is blocked on the way, by a firewall in front of this server or the client's NAT router without the PPTP helper.",
    next: '`logread | grep -E "pptpd|pppd"` for this call, and GRE (protocol 47) allowed in this server\'s firewall (`iptables -S | grep -e " 47 " -e gre`, or `nft list ruleset | grep gre`)',
  },
  terminated_by_peer: {
    fix: "The client ended the link (its LCP Terminate-Request): the client's own log says why (a user's disconnect, its own failure).",
    next: "the client's own log; here `logread | grep -E 'pptpd|pppd'` around the end",
  },
  link_dead: {
    fix: 'The client stopped answering keep-alives (LCP or PPTP echo requests): it went away without hanging up (its network dropped, a NAT mapping expired), or its GRE stopped getting through.',
    next: "`logread | grep -E 'pptpd|pppd'` around the time-out, and the client's side",
  },
  auth_failed: {
    fix: "A client failed this server's authentication (pppd as the authenticator: \"Peer USER failed CHAP authentication\"): its user name or password does not match this server's /etc/ppp/chap-secrets (the client's name in the first field, this server's `name` from the pptpd option file, or *, in the second), or the account has no line there. \"peer refused to authenticate\" is the client declining every protocol offered: keep `auth` here and let the client use MS-CHAPv2.",
    next: '`grep -n USER /etc/ppp/chap-secrets` (the name the line gives) and `logread | grep -E "pptpd|pppd"` for this call',
  },
  mppe_failed: {
    fix: "MPPE could not be agreed with the client: the client must offer 128-bit MPPE with MS-CHAPv2 (Windows: require encryption; pppd: require-mppe-128), or this server's options (the pptpd `option` file, often /etc/ppp/pptpd-options) must match what the clients do.",
    next: '`grep -n -i mppe /etc/ppp/pptpd-options`, and the client\'s encryption setting',
  },
  stopped_locally: {
    fix: "pptpd or its pppd on this server was stopped by a signal (a restart, a shutdown, an admin's kill): not the client's fault.",
    next: '`logread -e pptpd` around the stop',
  },
};

/** winbind.c run_ntlm_auth: the plugin asks ntlm_auth for the session key (Request-User-Session-Key) and got none. */
const SESSION_KEY_MISSING =
  "ntlm_auth accepted the password but returned no NT session key, although winbind's plugin asked for it; MPPE needs that key. Most often ntlm_auth cannot use winbindd's privileged pipe: run it as root or put it in the winbindd_priv group.";

/**
 * A server's pppd whose radius.so or winbind.so plugin verifies the clients (their
 * chap_verify_hook: /etc/ppp/chap-secrets is never read): a failed login or missing MPPE keys are
 * that back end's, and the plugin's own line before the failure says which part failed.
 */
function authBackendFix(verdict: Verdict, attempt: Attempt): { fix: string; next: string } | null {
  const backend = attempt.authBackend ? AUTH_BACKENDS[attempt.authBackend] : undefined;
  if (!backend) return null;
  // an MPPE failure is the back end's only where its keys were missing; else MPPE's own hints hold
  const rows = verdict === 'auth_failed' ? backend.auth : verdict === 'mppe_failed' ? backend.keys : [];
  const fix = rows.find(({ re }) => re === null || has(attempt, re))?.fix;
  return fix ? { fix, next: backend.next } : null;
}

/** What a server's authentication plugin's own line says, in order; a null `re` is the default. */
interface BackendRow {
  re: RegExp | null;
  fix: string;
}

const AUTH_BACKENDS: Record<'radius' | 'winbind', { auth: BackendRow[]; keys: BackendRow[]; next: string }> = {
  radius: {
    auth: [
      { re: /no reply from RADIUS server/, fix: "The RADIUS server never answered pppd's radius plugin (rc_send_server): the client's password was never judged. Check that the server named in /etc/radiusclient/servers and radiusclient.conf is up, UDP 1812 reaches it from here, and it lists this box as a client (FreeRADIUS: clients.conf)." },
      { re: /invalid reply digest/, fix: "The RADIUS server answered, but with another shared secret than this box's (rc_check_reply: the reply's digest does not match): make the secret for it in /etc/radiusclient/servers the one the RADIUS server has for this client." },
      { re: /couldn't find RADIUS server/, fix: 'The radius plugin has no shared secret for the RADIUS server radiusclient.conf names (rc_find_server): add a line `SERVER SECRET` for it to /etc/radiusclient/servers.' },
      { re: /(?:can't|couldn't) (?:read|open)/i, fix: 'The radius plugin could not read one of its own files (the line names it: radiusclient.conf, the dictionary, the servers or map file): install or fix it, or point `radius-config-file` at the right one.' },
      { re: /rc_avpair_new: unknown attribute/, fix: "The radius plugin's dictionary lacks attributes it needs for the request (the line gives their numbers; MS-CHAP's are Microsoft's, vendor 311, in dictionary.microsoft): include that file in the dictionary radiusclient.conf names, or the RADIUS server gets no MS-CHAP response to judge." },
      { re: /RADIUS: (?:bad|wrong)/, fix: "The RADIUS server accepted the login but its Access-Accept carries an attribute this pppd refuses (the line names it: a Framed-IP-Address it may not use, a wrong Service-Type or Framed-Protocol): fix the user's reply attributes on the RADIUS server." },
      { re: null, fix: "The RADIUS server rejected the client's login (pppd's radius plugin judges it, /etc/ppp/chap-secrets is not read): the RADIUS server's own log says why (FreeRADIUS: `freeradius -X`): the user, the password, or the account's policy." },
    ],
    keys: [
      { re: /keys are not available/, fix: "The RADIUS server's Access-Accept carried no MPPE keys (MS-MPPE-Send-Key/Recv-Key), so pppd had none for MPPE (ccp.c: \"keys are not available\"): make the RADIUS server send them (FreeRADIUS: the mschap module's `use_mppe = yes`) and let the client log in with MS-CHAPv2." },
    ],
    next: "`grep -v '^#' /etc/radiusclient/servers`, `grep -e authserver -e dictionary /etc/radiusclient/radiusclient.conf` and `radtest USER PASSWORD SERVER 0 SECRET` from this server",
  },
  winbind: {
    auth: [
      { re: /Did not get user session key|NT session key/, fix: SESSION_KEY_MISSING },
      { re: /NT_STATUS_|unrecognised input from ntlm_auth/, fix: "The Windows domain refused the login (ntlm_auth's answer in the line: NT_STATUS_WRONG_PASSWORD, _ACCOUNT_LOCKED_OUT, _ACCOUNT_DISABLED, _PASSWORD_EXPIRED...): the account's state in Active Directory, not this server's files." },
      { re: null, fix: "The Windows domain, asked through winbind's ntlm_auth, did not accept the client (pppd's winbind plugin judges it, /etc/ppp/chap-secrets is not read): the user's password or account state in the domain, winbindd not running or this server not joined (`wbinfo -t`), or an `ntlm_auth-helper` that names a program not there (`ntlm_auth --version`)." },
    ],
    keys: [
      { re: /Did not get user session key|NT session key|keys are not available/, fix: SESSION_KEY_MISSING },
    ],
    next: '`wbinfo -t` (the trust with the domain), `wbinfo -a USER%PASSWORD` and `grep ntlm_auth /etc/ppp/pptpd-options`',
  },
};

/**
 * accel-ppp's own log (a server with its own PPP code, no pppd): the client is the peer, the fix
 * is in accel-ppp.conf (its [ppp], [pptp], [pppoe], [l2tp] and [radius] sections), its secrets
 * file or the RADIUS server, or on the client.
 */
function accelFix(verdict: Verdict, attempt: Attempt): string | null {
  const pppoe = has(attempt, /PPPoE|\bpppoe\(/);
  switch (verdict) {
    case 'up':
      return null;
    case 'auth_failed':
      if (has(attempt, /second session denied/)) return "The login was right, but `[common] single-session=deny` refused the user's second session: the user has one already (`accel-cmd show sessions match username USER`); end it, or set `single-session=replace`.";
      if (has(attempt, /cann't negotiate authentication type/)) return "The client refused every authentication protocol this server offers (it Nak'd each one in LCP): the client allows none of `[ppp]`'s auth list (`[modules]` auth_mschap_v2, auth_mschap_v1, auth_chap_md5, auth_pap, in the order offered). Let the client use MS-CHAPv2, or load the module of the protocol it wants.";
      if (has(attempt, /mschap-v\d: timeout|chap-md5: timeout|pap: timeout/)) return "The client never answered this server's authentication challenge: it does not do the protocol offered (`[modules]` auth_mschap_v2, auth_chap_md5, auth_pap) or it left.";
      return "The client's user name or password does not match this server's secrets: accel-ppp's chap-secrets file (`[chap-secrets] chap-secrets=`, by default /etc/ppp/chap-secrets) or the RADIUS server of `[radius]` (an Access-Reject, or no answer at all: its address, secret and UDP 1812).";
    case 'no_response':
      return pppoe
        ? "The client's LCP never reached this server after PPPoE discovery: a VLAN or MTU mismatch on the way, or a client that left after discovery."
        : "The client's LCP never reached this server although its control connection and call came up: GRE (IP protocol 47) from the client is blocked on the way, or the client's NAT router lacks the PPTP helper.";
    case 'terminated_by_peer':
      return "The client ended the session (its LCP Terminate-Request, PPTP Call-Clear, PPPoE PADT or L2TP CDN): nothing failed here; the client's own log says why.";
    case 'link_dead':
      return 'The client stopped answering keep-alives (`[ppp] lcp-echo-interval` / `lcp-echo-failure`, PPTP or L2TP hellos): it went away without hanging up (its network dropped, a NAT mapping expired).';
    case 'mppe_failed':
      return "MPPE could not be agreed with the client: `[ppp] mppe=require` (or RADIUS MS-MPPE-Encryption-Policy) while the client does not offer MPPE, or the reverse: set both sides' encryption alike.";
    case 'no_kernel_support':
      return has(attempt, /PPTP socket/)
        ? "The kernel lacks PPTP sockets, which accel-ppp's pptp needs: `modprobe pptp` (and gre; OpenWrt: kmod-pptp, kmod-gre)."
        : 'The kernel lacks MPPE: `modprobe ppp_mppe` (OpenWrt: kmod-mppe); with `[ppp] mppe=allow` sessions go on unencrypted meanwhile.';
    case 'control_refused':
      return 'accel-ppp refused the client before PPP: its address is outside `[pptp] client-ip-range` (or the connection limits of `[connlimit]`).';
    case 'config_error':
      if (has(attempt, /no free IPv4 address/)) return "The server's IP pool is exhausted: every address of `[ip-pool]` (or of the RADIUS Framed-Pool the user's pool names) is taken, so IPCP closed. Widen the pool's ranges, or look for sessions that were never torn down (`accel-cmd show sessions`).";
      return null;
    case 'ip_script_failed':
      return has(attempt, /ip-pre-up/)
        ? "accel-ppp's `[pppd-compat] ip-pre-up` script exited non-zero, and accel-ppp ends the session when it does (the session never started): run it by hand as accel-ppp does (`sh -x SCRIPT IFACE none 0 LOCAL-IP PEER-IP`) to see which command fails."
        : "An `[pppd-compat]` hook script exited non-zero (accel-ppp only logs it: the session stays up); run it by hand (`sh -x SCRIPT IFACE none 0 LOCAL-IP PEER-IP`) to see which command fails.";
    case 'idle_disconnect':
      return "The session's idle timeout ended it (`[common]`/`[ppp]` idle-timeout or the RADIUS Idle-Timeout attribute): no traffic for that long.";
    case 'stopped_locally':
      return 'accel-ppp ended the session on this server: `accel-cmd terminate`, a RADIUS Disconnect-Request, a shutdown or restart; not the client.';
    default:
      return "accel-ppp did not log why the session ended at this log level (`disconnected` is all level 3 writes): set `[log] level=5` and `verbose=1` in `[ppp]` and the session's `[pptp]`, `[pppoe]` or `[l2tp]` section, `accel-cmd reload`, and let it happen again.";
  }
}

function accelNext(attempt: Attempt): string {
  const iface = attempt.iface ? `\`grep ${attempt.iface}: /var/log/accel-ppp/accel-ppp.log\`` : '`tail -n 100 /var/log/accel-ppp/accel-ppp.log`';
  return `${iface} (or \`journalctl -t accel-pppd\`) and \`accel-cmd show sessions\``;
}

/**
 * sstp-client (sstpc) runs PPP inside an HTTPS connection (TCP 443): no GRE, no TCP 1723; its
 * own lines say why the connection failed or ended (sstp-client.c), its peer file carries pppd's
 * options (/etc/ppp/peers/NAME, `plugin sstp-pppd-plugin.so sstp-sock ...`).
 */
/** sstpc's words for the step of its HTTPS connection that failed (sstp-client.c), with the fix. */
const SSTP_CONNECT_FAILURES: ReadonlyArray<readonly [RegExp, string]> = [
  [/certificate/i, "sstpc refused the server's TLS certificate: give it the CA that signed it (`--ca-cert`), or connect to the name the certificate holds; `--cert-warn` only to test."],
  [/resolve host|lookup host/, 'The SSTP server name does not resolve: check the name on the sstpc command line and the DNS.'],
  // sstp_client_connected: sending SSTP's HTTP request failed, before any answer (sstp-stream.c
  // logs the SSL error first: "Unrecoverable socket error, 5" is SSL_ERROR_SYSCALL, the TCP
  // connection closed or reset during TLS)
  [/Could not perform HTTP handshake/, "sstpc's TLS connection to the server broke before SSTP's HTTP request got through (closed or reset during the TLS handshake): something on TCP 443 that is no SSTP server or refuses this client's TLS (version, cipher, server name), or a firewall cutting the connection."],
  [/HTTP/, "The server answered, but not as an SSTP server (its HTTP answer to SSTP's request was not 200): the address, the port or the path (a web server or a firewall's portal on 443), or SSTP is off on it."],
];

const SSTP_FIX: Partial<Record<Verdict, { fix: (a: Attempt) => string | null; next: (a: Attempt) => string }>> = {
  control_refused: {
    fix: (a) =>
      SSTP_CONNECT_FAILURES.find(([re]) => has(a, re))?.[1] ??
      'sstpc could not set up its HTTPS connection (TCP 443) to the server: the address, the server down, TCP 443 blocked on the way, or a proxy that wants credentials.',
    next: () => '`journalctl -t sstpc` (or sstpc with `--log-level 4 --log-stderr`) and `curl -vk https://SERVER/` (TLS and the certificate)',
  },
  no_response: {
    fix: () => "The server never answered LCP over the SSTP connection (PPP inside TLS: no GRE, no TCP 1723 is involved): the server's PPP side did not start (its log says why), or sstpc and pppd do not talk (the peer file's `plugin sstp-pppd-plugin.so` and `sstp-sock`).",
    next: () => '`journalctl -t sstpc -t pppd` around the time-out',
  },
  link_dead: {
    fix: () => 'The SSTP tunnel was up and then stopped answering LCP echoes: the HTTPS connection under it stalled (a NAT or proxy dropping an idle TCP connection, the route to the server through ppp0); no GRE is involved.',
    next: () => '`journalctl -t sstpc -t pppd` around the time-out and `ip route get SERVER`',
  },
  terminated_by_peer: {
    fix: (a) =>
      has(a, /Connection was aborted/)
        ? "The SSTP server aborted or disconnected the call (sstpc's line gives its reason); right after authentication it is most often the crypto binding: pppd's sstp plugin did not hand sstpc the MPPE keys (`plugin sstp-pppd-plugin.so sstp-sock /var/run/sstpc/sstpc-NAME` in the peer file, NAME sstpc's --ipparam)."
        : null,
    next: () => '`journalctl -t sstpc -t pppd` and the peer file (`grep -e plugin -e sstp-sock /etc/ppp/peers/NAME`)',
  },
  mppe_failed: {
    fix: () => "MPPE failed on an SSTP link, which does not use it (TLS encrypts): remove `require-mppe*` (or `mppe required`) from the SSTP peer file or the connection's settings.",
    next: () => '`grep -n mppe /etc/ppp/peers/NAME`',
  },
  config_error: {
    fix: (a) =>
      has(a, /Could not connect to sstp-client/)
        ? "pppd's sstp plugin could not reach sstpc's socket: its `sstp-sock` names another path than the one sstpc made (`/var/run/sstpc/sstpc-NAME`, NAME sstpc's --ipparam), or sstpc is gone."
        : null,
    next: () => '`ls -l /var/run/sstpc/` and `grep -e sstp-sock /etc/ppp/peers/NAME`',
  },
};

/** xl2tpd's lines on the call (an LNS's "Call established with H, PID: N", its control_finish). */
const XL2TPD_WORDS = /\bxl2tpd\b|Call established with \S+, PID: \d+|L2TP (?:client|peer)/;

/**
 * An xl2tpd LNS's log (its pppd runs for a client's L2TP call, often inside IPsec): the client is
 * the peer, no GRE or TCP 1723 is involved.
 */
const LNS_SIDE: Partial<Record<Verdict, { fix: string; next: string }>> = {
  no_response: {
    fix: "The client's PPP never reached this LNS's pppd although xl2tpd set up the call: the client's IPsec policy must cover UDP 1701 both ways (NAT-T: UDP 4500), or the client's pppd never started (its own log says why).",
    next: '`logread | grep -E "xl2tpd|pppd|charon"` (Debian: `journalctl -u xl2tpd -u strongswan`) and `ipsec statusall` (or `swanctl --list-sas`)',
  },
  link_dead: {
    fix: "The client stopped answering (pppd's LCP echoes or xl2tpd's hellos): its NAT mapping or IPsec SA went away, or it left without a StopCCN.",
    next: '`logread | grep -E "xl2tpd|pppd|charon"` around the time-out, and `ipsec statusall`',
  },
  terminated_by_peer: {
    fix: "The client ended its L2TP call or tunnel (its StopCCN or CDN, or its LCP Terminate-Request): nothing failed here; if it did not mean to leave, its own log says why.",
    next: '`logread | grep -E "xl2tpd|pppd"` around the end, and the client\'s own log',
  },
  auth_failed: {
    fix: "A client failed this LNS's authentication: its user name or password does not match this server's /etc/ppp/chap-secrets (the client's name in the first field, the `name` of xl2tpd's pppd options file, or *, in the second); \"peer refused to authenticate\" is the client declining every protocol offered.",
    next: '`grep -n USER /etc/ppp/chap-secrets` and `logread | grep -E "xl2tpd|pppd"` for this call',
  },
};

/**
 * NetworkManager runs this pppd (NetworkManager-pptp, -l2tp): nm-pptp-service.c
 * construct_pppd_args (nm-l2tp-service.c nm_l2tp_config_write) puts the user name, the MPPE and
 * refuse-* options and the echo settings of the connection's vpn.data on pppd's command line,
 * and the password reaches pppd only through the plugin's passwd hook (vpn.secrets):
 * /etc/ppp/chap-secrets, options.pptp, opkg and netifd play no part. The fix for a verdict whose
 * common hint names those, or null where the common hint holds.
 */
function networkManagerFix(verdict: Verdict, attempt: Attempt): string | null {
  switch (verdict) {
    case 'auth_failed': {
      if (pluginGaveNoPassword(attempt) || has(attempt, MUTUAL_AUTH_FAILED) || has(attempt, /No response to PAP authenticate-requests|CHAP authentication timed out|EAP: timeout waiting for Request/i)) return null;
      const code = mschapError(attempt);
      return `${code ? `Authentication refused: ${code}.` : 'Authentication failed: the server rejected the user name or the password.'} NetworkManager gives pppd the connection's own user name and password: check vpn.data \`user\` (the Windows domain in \`domain\`, or as DOMAIN\\user; some servers want user@domain) and the password in vpn.secrets.`;
    }
    case 'mppe_failed':
      if (has(attempt, /Refusing MPPE stateful/i)) {
        return "The server only offers stateful MPPE: allow it in the connection (`nmcli connection modify NAME +vpn.data mppe-stateful=yes`, the applet's \"Allow stateful encryption\").";
      }
      return "MPPE could not be agreed with the server. NetworkManager passes pppd the MPPE options of the connection's vpn.data (require-mppe, require-mppe-128, mppe-stateful, refuse-*): require MPPE (`nmcli connection modify NAME +vpn.data require-mppe=yes`, the applet's \"Use Point-to-Point encryption (MPPE)\") with MS-CHAPv2 allowed (MPPE's keys come from it), and stateful MPPE if the server wants it (`mppe-stateful=yes`).";
    case 'eap_refused_or_unsupported':
      return 'The server asked for EAP, which fails with this pppd/server pair: refuse it in the connection (`nmcli connection modify NAME +vpn.data refuse-eap=yes`, the applet\'s authentication methods) so MS-CHAPv2 is used.';
    case 'no_kernel_support':
      return has(attempt, /MPPE/i)
        ? 'The kernel lacks MPPE: load ppp_mppe (`sudo modprobe ppp_mppe`); a kernel built without CONFIG_PPP_MPPE cannot do it.'
        : 'The kernel lacks PPP: load ppp_generic (`sudo modprobe ppp_generic`); /dev/ppp must exist.';
    case 'config_error':
      if (has(attempt, /Couldn't load plugin|Plugin .* is for pppd version/i)) {
        return "pppd could not load NetworkManager's pppd plugin: it is missing, or was built for another pppd version (\"is for pppd version\", \"undefined symbol\"): install the VPN plugin's package (network-manager-pptp, -l2tp) built for this pppd, from the same release as the ppp package.";
      }
      return null;
    case 'link_dead':
      if (attempt.cause === 'l2tp-dead') return null;
      return "The tunnel was up and then the server stopped answering keep-alives (LCP echoes, or pptp's echo requests on TCP 1723): the path to the server broke, the server hung, or the computer's own connection dropped (NetworkManager adds the route to the server itself). If the link is just slow to answer, raise the connection's vpn.data `lcp-echo-failure` / `lcp-echo-interval`.";
    case 'stopped_locally':
      if (attempt.cause === 'networkmanager-timeout') return networkManagerTimedOut(attempt);
      if (attempt.cause === 'networkmanager-stopped') return networkManagerStopped(attempt);
      return 'pppd was stopped by a signal on this computer: NetworkManager\'s VPN plugin stops it on a user\'s disconnect, a suspend, the underlying connection going down or its own time-out (else someone killed it); NetworkManager\'s lines just before the stop say which. Nothing in this log blames the tunnel.';
    default:
      return null;
  }
}

/**
 * NetworkManager's VPN plugin stopped pppd ("Terminated ppp daemon with PID N.",
 * nm-pptp-service.c real_disconnect): NetworkManager asked it to, for a reason in its own lines;
 * a device that went down before it (evidence, rules.ts nm-device-down) is that reason.
 */
function networkManagerStopped(attempt: Attempt): string {
  const device = attempt.evidence.map((l) => NM_DEVICE_DOWN.exec(l)).find((m) => m !== null);
  const stopped = "NetworkManager's VPN plugin stopped pppd: NetworkManager took the VPN down";
  if (device) {
    return `${stopped} because the connection under it dropped (device ${device[1] ?? ''}: ${device[2] ?? ''}). The tunnel did not fail by itself; the network under it (Wi-Fi, cable, mobile link) did, and its own lines before the VPN's say why.`;
  }
  return `${stopped}: a user's disconnect (the applet, \`nmcli connection down\`), a suspend, the underlying connection going down, or NetworkManager's own time-out for a VPN that does not come up; its lines just before the stop say which.`;
}

/**
 * NetworkManager's PPP manager stopped pppd when its time-out ran out (nm-ppp-manager.c
 * pppd_timed_out: no IP configuration from pppd's NetworkManager plugin in 20-30 s): not a
 * user's stop. How far the link got says where it hung.
 */
/** The time-out that stopped pppd was NetworkManager's VPN one (nm-vpn-connection.c), not its PPP manager's for a modem or PPPoE. */
const vpnConfigTimedOut = (attempt: Attempt): boolean => attempt.evidence.some((e) => NM_VPN_CONFIG_TIMEOUT.test(e.replace(/^.*?(?=VPN (?:connection|Activation))/, '')));

function networkManagerTimedOut(attempt: Attempt): string {
  if (vpnConfigTimedOut(attempt)) {
    // nm-vpn-connection.c: a VPN (PPTP, L2TP) whose plugin handed over no IP configuration in time
    const vpn = "NetworkManager failed the VPN because its plugin handed over no IP configuration within NetworkManager's VPN time-out, and stopped pppd: the stop is the symptom, not the cause.";
    if (attempt.auth.result === 'success') return `${vpn} Authentication succeeded, but IPCP never completed: the server gave no address (its address pool, or MPPE it requires that was not agreed: CCP's lines with \`debug\`).`;
    if (attempt.lcp.received.length > 0) return `${vpn} The server answered LCP, but the link got no further: its last LCP and authentication lines show where it stopped.`;
    return `${vpn} Nothing in this log shows the server answering pppd: over PPTP, GRE (IP protocol 47) blocked on the way or a NAT router without the PPTP helper is the usual reason; turn on pppd's \`debug\` (the VPN's Advanced... options) to see whether its LCP requests get any answer.`;
  }
  const stopped = 'NetworkManager stopped pppd because the link had not come up within its PPP time-out (20-30 s): the stop is the symptom, not the cause.';
  if (attempt.auth.result === 'success') {
    return `${stopped} Authentication succeeded, but IPCP never completed: the network gave no IP address (a wrong APN or access number, an account or SIM without data service, or the ISP's side hung).`;
  }
  if (attempt.lcp.received.length > 0) {
    return `${stopped} The peer answered LCP, but the link got no further: its last LCP and authentication lines show where it stopped.`;
  }
  if (has(attempt, DISCOVERY_INTERRUPTED)) {
    return `${stopped} No PPPoE access concentrator answered in that time (its "Timeout waiting for PAD…" is that stop): check the line to the ISP (the modem in bridge mode, the cable, the VLAN the ISP wants).`;
  }
  return `${stopped} Nothing in this log shows the peer (the modem's network, the ISP's concentrator) answering pppd: check the modem's registration and signal, and turn on pppd's \`debug\` to see whether its LCP requests get any answer.`;
}

/** The command to run next on the computer NetworkManager runs pppd on, for each verdict. */
function networkManagerNext(verdict: Verdict, attempt: Attempt): string {
  // pppd, pptp and xl2tpd run under NetworkManager's unit: its journal holds their lines too;
  // before systemd (NetworkManager 0.x) they are in syslog, and the connection's settings in
  // the connection editor or its keyfile, not in `nmcli connection show`.
  if (verdict === 'up') return upNext(attempt);
  const journal = attempt.legacy ? '`grep -e NetworkManager -e pppd -e pptp /var/log/syslog | tail -n 80`' : '`journalctl -u NetworkManager --since -10min`';
  const settings = (what: string, grep: string): string =>
    attempt.legacy
      ? `the connection's VPN settings (${what}: the connection editor's VPN tab and its Advanced... dialog, or /etc/NetworkManager/system-connections/NAME)`
      : `\`nmcli ${grep === 'vpn.secrets' ? '-s ' : ''}connection show NAME | grep ${grep === 'vpn.secrets' ? '-e vpn.data -e vpn.secrets' : 'vpn.data'}\` (${what})`;
  switch (verdict) {
    case 'auth_failed':
      return `${settings('the user name and the password pppd gets', 'vpn.secrets')} and ${journal}`;
    case 'mppe_failed':
    case 'eap_refused_or_unsupported':
      return `${settings('the MPPE and refuse-* options pppd gets', 'vpn.data')} and ${journal}`;
    case 'control_refused':
      return `\`nc -zv ${serverOf(attempt)} 1723\` (it must connect) and ${journal}`;
    case 'no_response':
      if (attempt.cause === 'l2tp-no-ppp' || attempt.cause === 'l2tp-unanswered') return `${journal} (xl2tpd's tunnel and call lines), and with IPsec \`sudo ip xfrm state\` (an SA for UDP 1701 each way)`;
      return `${journal} (does pptp reach "Outgoing call established"?), and on a NAT router on the way \`lsmod | grep nf_nat_pptp\``;
    case 'stopped_locally':
      // (a modem's registration and signal: ModemManager's lines, `mmcli -m 0`)
      if (attempt.cause === 'networkmanager-timeout' && vpnConfigTimedOut(attempt)) {
        return `${journal} (pptp's or xl2tpd's lines and pppd's before the time-out: did the call get set up, did the server answer?)`;
      }
      if (attempt.cause === 'networkmanager-timeout') {
        return `${journal} (pppd's and ModemManager's lines before the time-out)${attempt.legacy ? '' : ' and, for a mobile modem, `mmcli -m 0` (registration, signal)'}`;
      }
      if (attempt.legacy) return `${journal} (NetworkManager's lines just before the stop: a deactivation, a sleep, a device's state change)`;
      return `${journal} (op="connection-deactivate": a user's disconnect; "sleep": a suspend; a device's "state change": the underlying connection)`;
    default:
      return `${journal} (pppd's, its helpers' and NetworkManager's own lines around the end)`;
  }
}

/**
 * wvdial runs this pppd on a modem it dialled (wvdialer.cc): it writes the Username and Password
 * of /etc/wvdial.conf into pap-secrets and chap-secrets on every dial, and its console relays only
 * a few of pppd's lines (pppd's own are in syslog). The fix where the common hint names OpenWrt's
 * or a PPTP client's files, or null where it holds.
 */
function wvdialFix(verdict: Verdict, attempt: Attempt): string | null {
  if (verdict === 'stopped_locally') return "pppd was stopped on this computer: Ctrl-C in wvdial's terminal (wvdial then stops pppd), or its process killed; nothing failed on the line.";
  if (verdict === 'config_error' && !has(attempt, /option/i)) return "pppd rejected an option (wvdial's own, /etc/ppp/peers/wvdial or /etc/ppp/options): pppd's syslog line names it, wvdial's console does not.";
  if (verdict !== 'auth_failed') return null;
  if (has(attempt, PEER_WOULD_NOT_AUTHENTICATE)) {
    return 'pppd demanded that the provider authenticate itself, and it would not: add `noauth` to /etc/ppp/peers/wvdial (or the `auth` line of /etc/ppp/options out).';
  }
  return 'The provider refused the login: check `Username` and `Password` in /etc/wvdial.conf (wvdial writes them into /etc/ppp/pap-secrets and chap-secrets on every dial; many 3G providers take any, some want the exact ones); `Stupid Mode = 1` where the provider wants PPP at once.';
}

function wvdialNext(verdict: Verdict, attempt: Attempt): string {
  if (verdict === 'up') return upNext(attempt);
  // a dialer's own cause (the modem's answers, the port) keeps its next step
  const byCause = verdict === 'other' && attempt.cause ? OTHER_BY_CAUSE[attempt.cause]?.next?.(attempt) : undefined;
  if (byCause !== undefined) return byCause;
  const syslog = '`grep -e pppd -e chat /var/log/syslog | tail -n 50` (pppd\'s own lines, which wvdial\'s console leaves out)';
  return verdict === 'auth_failed' ? `\`sudo grep -v '^#' /etc/wvdial.conf\` and ${syslog}` : syslog;
}

/**
 * macOS runs this pppd (Apple's ppp: the PPTP/L2TP plugins inside pppd, the Controller passing it
 * the VPN's settings over a pipe, ppp_manager.c): no /etc/ppp file plays a part, and its stops
 * come from the Controller: SIGHUP for a Disconnect (the menu, `scutil --nc stop`), SIGTERM for
 * sleep, logout, a user switch or a settings change (main.c hup/term, ppp_manager.c). The fix
 * for a verdict whose common hint names Linux files, or null where the common hint holds.
 */
function macFix(verdict: Verdict, attempt: Attempt): string | null {
  switch (verdict) {
    case 'stopped_locally':
      if (has(attempt, /\bsignal 1\b|SIGHUP/)) return 'The VPN was disconnected on purpose: macOS sends pppd SIGHUP when a user or an app presses Disconnect (the VPN menu, `scutil --nc stop`).';
      return "macOS stopped pppd (SIGTERM): the Mac went to sleep (with \"Disconnect when switching user accounts / going to sleep\"), a user logged out or switched, or the VPN's settings changed; nothing failed on the server.";
    case 'control_refused':
      if (has(attempt, /Host '[^']*' not found/)) return "The server name does not resolve from the Mac: check the VPN's Server Address and the Mac's DNS; no connection was tried.";
      if (has(attempt, /IPSec connection failed <IKE Error/)) return "IKE refused the Mac (the error in the line): the shared secret or the certificate in the VPN's Authentication Settings does not match the server's IPsec settings.";
      if (has(attempt, /PPTP connect errno = 61\b/)) return 'The server refused TCP 1723 (errno 61, connection refused): nothing listens on it there, or a firewall rejects it: check the server address and that the PPTP service runs.';
      if (has(attempt, /PPTP connect errno = 60\b/)) return 'TCP 1723 got no answer (errno 60, timed out): a firewall drops it on the way or the server is down.';
      if (has(attempt, /PPTP connect errno = (?:65|51)\b|cannot get our local address/)) return 'The Mac has no route to the server (no route to host / network unreachable): its own network connection is down or does not reach that address.';
      return null;
    case 'no_response':
      if (has(attempt, /IPSec connection failed/)) return 'IKE got no answer: UDP 500 and 4500 are blocked on the way (or not forwarded by the NAT router in front of the server), or the server\'s IPsec is down.';
      if (has(attempt, /L2TP cannot connect to the server/)) return "The L2TP server did not answer the tunnel request on UDP 1701 (after IPsec, where it is used): its L2TP daemon (xl2tpd) is down or not listening, or UDP 1701 does not get through.";
      return null;
    case 'config_error':
      if (has(attempt, /(?:L2TP|PPTP): (?:no |incorrect |cannot configure secure transport|No remote address)/)) {
        return "The VPN's settings on the Mac lack what the connection needs (the line says which: the shared secret, the certificate, the server address): fill them in System Preferences, Network, the VPN service, Authentication Settings.";
      }
      return null;
    case 'auth_failed': {
      const code = mschapError(attempt);
      return `${code ? `Authentication refused: ${code}.` : 'Authentication failed: the server rejected the account name or the password.'} Check the Account Name and the password in the Mac's VPN settings (a Windows server may want DOMAIN\\user).`;
    }
    case 'mppe_failed':
      return "The Mac and the server did not agree on encryption: the VPN's Encryption setting on the Mac (Automatic, or Maximum 128-bit) and the server's MPPE options (pptpd: require-mppe-128, MS-CHAPv2 allowed) must meet.";
    case 'link_dead':
      return 'The link was up and then the server stopped answering LCP echoes: the path to it broke, the server hung, or the Mac\'s own network dropped.';
    case 'idle_disconnect':
      return 'The VPN disconnected itself after a time without traffic: the option "Disconnect if idle" in the VPN\'s advanced settings.';
    default:
      return null;
  }
}

function macNext(verdict: Verdict, attempt: Attempt): string {
  if (verdict === 'up') return attempt.iface ? `\`ifconfig ${attempt.iface}\` and \`netstat -rn -f inet | grep ${attempt.iface}\`` : '`ifconfig` and `netstat -rn -f inet`';
  const log = '`tail -n 60 /var/log/ppp.log` (Console.app shows it too)';
  if (verdict === 'control_refused' && has(attempt, /Host '[^']*' not found/)) return `\`host ${serverOf(attempt)}\` and ${log}`;
  if (verdict === 'control_refused' && !has(attempt, /L2TP|IPSec/)) return `\`nc -vz ${serverOf(attempt)} 1723\` and ${log}`;
  if (verdict === 'stopped_locally') return '`tail -n 60 /var/log/ppp.log` around the stop, and `scutil --nc list`';
  return log;
}

/** The command to run next on an OpenWrt router (busybox), for each verdict. */
function nextCommand(verdict: Verdict, attempt: Attempt): string {
  const name = tunnelName(attempt);
  const server = serverOf(attempt);
  switch (verdict) {
    case 'up':
      return upNext(attempt);
    case 'mppe_failed':
      return "`lsmod | grep mppe` and `grep -i mppe /etc/ppp/options.pptp`";
    case 'auth_failed':
      return "`ls -l /etc/ppp/chap-secrets` (a symlink into /rom cannot be written) and `logread -e pppd | grep -i -e chap -e auth`";
    case 'eap_refused_or_unsupported':
      return `\`grep -n -e eap -e refuse /etc/ppp/options.pptp /etc/ppp/peers/${name}\``;
    case 'no_response':
      if (attempt.cause === 'pppoe-ac-refused') return `\`logread -e pppd | grep -e PADO -e PADS\` (the concentrator's words) and \`uci show network.${name} | grep -e service -e ac -e username\``;
      if (attempt.cause === 'pppoe-discovery') return `\`ifstatus ${name}\` and \`logread -e pppd\` (PADI/PADO), and the WAN port's link: \`ip link\``;
      if (attempt.cause === 'lcp-unanswered-line' || attempt.cause === 'peer-sent-text') return '`logread | grep -E "pppd|chat"` (the dial and the first LCP lines)';
      if (attempt.cause === 'l2tp-no-ppp' || attempt.cause === 'l2tp-unanswered') return L2TP_NEXT;
      if (attempt.cause === 'pptp-call-not-up') return `\`logread -e pptp\` (does it reach "Outgoing call established"?), then \`nc -zv ${server} 1723\``;
      return "`lsmod | grep -e gre -e pptp` here, and on every NAT router on the way `lsmod | grep nf_nat_pptp`";
    case 'control_refused':
      if (attempt.cause === 'server-refused') {
        return has(attempt, /read returned zero|peer has closed/i) ? "the server's own log for this client (pptpd: `logread -e pptpd`), and any other PPTP client behind the same NAT address" : "`logread -e pppd | grep -i 'result code'`, then the server's own log for this client";
      }
      if (has(attempt, NO_ROUTE_TO_SERVER)) return `\`ip route get ${serverOf(attempt)}\` and \`ifstatus wan\` (the connection under the tunnel: its address and default route)`;
      return has(attempt, DNS_FAILURE)
        ? `\`nslookup ${server}\``
        : `\`nc ${server} 1723\` (it must connect) and \`ip route get ${server}\``;
    case 'no_kernel_support':
      if (has(attempt, PPTP_SOCKET)) return '`lsmod | grep -e pptp -e gre` and `opkg list-installed | grep -e kmod-pptp -e kmod-gre`';
      if (has(attempt, PPPOE_SOCKET)) return '`lsmod | grep pppo` and `opkg list-installed | grep -e kmod-pppoe -e kmod-pppox`';
      if (has(attempt, /PPPoL2TP kernel driver not installed|No PPPoL2TP support/i)) return '`lsmod | grep l2tp` and `opkg list-installed | grep -e kmod-pppol2tp -e kmod-l2tp`';
      if (says(attempt, PPPOA_KERNEL)) return '`lsmod | grep -e pppoatm -e atm` and `opkg list-installed | grep -e kmod-pppoa -e kmod-atm`';
      return has(attempt, /MPPE/i) ? '`lsmod | grep mppe` and `opkg list-installed | grep kmod-mppe`' : '`lsmod | grep ppp` and `ls -l /dev/ppp`';
    case 'config_error':
      if (has(attempt, PPPOE_NO_DEVICE)) return `\`ip link\` (the devices there are) and \`uci get network.${name}.device\``;
      return `\`ifstatus ${name}\` (netifd reports INVALID_OPTIONS) and \`pppd call ${name} debug nodetach\` to see the option`;
    case 'link_dead':
      if (pppoeLink(attempt)) return `\`ifstatus ${name}\` and \`logread -e pppd | grep -i -e echo -e PADT\`, and the WAN port's link: \`ip link\``;
      if (attempt.cause === 'l2tp-dead') return `\`logread | grep -E "xl2tpd|pppd" | tail -n 50\` and \`ip route get ${server}\` (it must not go through the tunnel)`;
      if (attempt.cause === 'echo-lost-line') return '`logread | grep -E "pppd|chat"` and `dmesg | tail` (a modem that reset, lost signal or left the USB bus)';
      return `\`ip route get ${server}\` (it must not go through the tunnel) and \`logread -e pppd | grep -i echo\``;
    case 'terminated_by_peer':
      if (attempt.cause === 'client-left') return '`logread | grep -E "pptpd|pppd"` around the hang-up, and the client\'s own log';
      return '`logread -e pppd` for the reason the server gave, then the server\'s own log';
    case 'ip_script_failed': {
      const s = attempt.scripts.find(scriptFailed)?.script ?? '/etc/ppp/ip-up';
      return `\`sh -x ${s} ${attempt.iface ?? 'IFACE'} /dev/null 0 ${attempt.localIp ?? 'LOCAL'} ${attempt.remoteIp ?? 'REMOTE'} ${name}\``;
    }
    case 'idle_disconnect':
      return `\`grep -n -e idle -e demand /etc/ppp/peers/${name}\` (or \`uci show network.${name}\`)`;
    case 'stopped_locally':
      if (has(attempt, DISCOVERY_INTERRUPTED)) return '`logread | grep -E "netifd|pppd"` (what restarted the interface) and `ip link` (the WAN port\'s link)';
      return `\`ifstatus ${name}\` and \`logread -e pppd\` around the stop`;
    case 'other': {
      const byCauseNext = attempt.cause ? OTHER_BY_CAUSE[attempt.cause]?.next?.(attempt) : undefined;
      if (byCauseNext !== undefined) return byCauseNext;
      if (silentAfterAuth(attempt)) return "`debug` back in /etc/ppp/options.pptp, `ifup NAME`, then `logread -e pppd | grep -e CCP -e TermReq`".replace('NAME', name);
      if (has(attempt, PPTPD_NO_PPPD)) return "`grep -n '^ppp' /etc/pptpd.conf` and `ls -l /usr/sbin/pppd`";
      if (managerOnly(attempt)) return '`netstat -ltn | grep 1723` on the server, then `logread | grep -E "pptpd|pppd"` while a client connects';
      if (ptyClosedWhileUp(attempt)) return `\`logread -e pptp\` around the hang-up (pptp's own reason), then \`ping -c 3 ${serverOf(attempt)}\``;
      return '`logread -e pppd` (the whole attempt)';
    }
  }
}

function fixFor(verdict: Verdict, attempt: Attempt): string | null {
  switch (verdict) {
    case 'up':
      // Nothing to fix in PPP; what an admin checks next when traffic still does not pass.
      return 'The link is up (IPCP completed): nothing to fix in PPP. If traffic still does not pass, the routes through the tunnel and the firewall zone holding its interface are next.';
    case 'mppe_failed': {
      if (has(attempt, /Refusing MPPE stateful/i)) {
        return 'The server only offers stateful MPPE: allow it with `mppe-stateful` (the require-mppe-128 syntax of mainline pppd) or drop `stateless` from `mppe required,...` (MPPE-MPPC pppd).';
      }
      if (has(attempt, /Protocol-Reject for 'Compression Control Protocol'|ProtRej.* 80 fd/i)) {
        return 'The server does not do CCP/MPPE at all: enable encryption on the server, or remove the MPPE requirement (`mppe required` / `require-mppe-128`) if an unencrypted tunnel is acceptable.';
      }
      if (has(attempt, /Unsupported protocol 'Compression Control Protocol'/i)) {
        return 'This pppd runs without CCP (`noccp`) but the server wants MPPE: remove `noccp` and add `require-mppe-128` (mainline pppd since 2.4.2: Debian, Ubuntu, CentOS, OpenWrt 24.10+) or `mppe required,no40,no56,stateless` (pppd with the MPPE-MPPC patch: OpenWrt up to 23.05, DD-WRT, Tomato).';
      }
      // ccp.c ccp_init/ccp_lowerup (2.4.9: "MPPE required, but auth done in both directions."):
      // MS-CHAP ran both ways because this pppd also demanded that the server authenticate
      if (has(attempt, /auth done in both directions/i)) {
        return 'MPPE is required, but MS-CHAP ran in both directions, and pppd cannot take the keys from two authentications: this pppd also asked the server to authenticate itself. Add `noauth` to the peer file (a PPTP client does not authenticate the server).';
      }
      // ccp.c: MPPE is required, and the authentication gave pppd no keys (only MS-CHAP does)
      if (has(attempt, /keys are not available/i)) {
        return 'MPPE is required but pppd has no keys for it: MPPE keys come only from MS-CHAP (v1/v2), and this link authenticated with another protocol (PAP, CHAP-MD5, EAP) or a plugin authenticated without handing over keys. Authenticate with MS-CHAPv2 (`refuse-pap`, `refuse-chap`, `refuse-eap`).';
      }
      if (has(attempt, /auth not performed|MS-CHAP/i) && has(attempt, /MPPE required/i)) {
        return 'MPPE keys come from MS-CHAP: authenticate with MS-CHAPv2 (`refuse-pap`, `refuse-chap`, `refuse-eap`) or drop the MPPE requirement.';
      }
      if (has(attempt, /\\3777|\\[0-7]{3}|M-/)) {
        return 'The server hung up right after authentication with an unreadable reason: it requires encryption your pppd did not negotiate. Add `mppe required,no40,no56,stateless` (MPPE-MPPC pppd, OpenWrt <= 23.05) or `require-mppe-128` (mainline pppd since 2.4.2: Debian, Ubuntu, CentOS, OpenWrt 24.10+), and install kmod-mppe.';
      }
      // the peer's answer to our mppe option (ccp.c ccp_rejci / ccp_nakci; the MPPE-MPPC patch
      // then closes LCP with "MPPE required but cannot negotiate MPPE key length")
      if (has(attempt, /rcvd \[CCP ConfRej\b.*<mppe /)) {
        return 'The server rejected MPPE outright (a CCP Configure-Reject of the whole mppe option): it does no MPPE, or encryption is off for this connection; enable it on the server, or drop the MPPE requirement if an unencrypted tunnel is acceptable. The options asking for MPPE are right as they are.';
      }
      const nak = attempt.evidence.map((l) => /rcvd \[CCP ConfNak\b.*<mppe ([^>]*)>/.exec(l)?.[1]).find((x) => x !== undefined);
      if (nak !== undefined) {
        const offers = mppeOffer(nak);
        return `The server answered pppd's MPPE request with other terms (its CCP Configure-Nak offers ${offers}), which pppd's options refuse: ${offers.includes('40-bit') && !offers.includes('128-bit') ? 'enable 128-bit MPPE on the server, or accept 40-bit (drop `no40` from `mppe required,...`; on ppp 2.5 write `require-mppe` instead of `require-mppe-128`)' : offers.includes('stateful') ? 'allow stateful MPPE (`mppe-stateful` on ppp 2.5, drop `stateless` from `mppe required,...` on the MPPE-MPPC pppd) or make the server offer stateless' : "make the two sides' MPPE settings meet"}.`;
      }
      if (has(attempt, /MPPE required but not available/i)) {
        return 'One side requires MPPE that the other cannot provide: load ppp_mppe (kmod-mppe) and add `mppe required,no40,no56,stateless` (pppd with the MPPE-MPPC patch: OpenWrt up to 23.05) or `require-mppe-128` (mainline pppd since 2.4.2, OpenWrt 24.10+) so both ends encrypt.';
      }
      if (has(attempt, /sent \[CCP ConfReq\b.*<mppe /)) {
        return "MPPE negotiation failed although pppd asked for it (its CCP request carries the mppe option): the server's MPPE settings and pppd's do not meet; the server's CCP answer (pppd's `debug`) and its own log say which side refuses.";
      }
      return 'MPPE negotiation failed: add `mppe required,no40,no56,stateless` to /etc/ppp/options.pptp (seed Troubleshooting, for the MPPE-MPPC patch OpenWrt applied up to 23.05; mainline pppd since 2.4.2, OpenWrt 24.10+, Debian, Ubuntu, CentOS: `require-mppe-128` and `nomppe-stateful`), or `stateless` alone if MPPE is already required.';
    }
    case 'auth_failed': {
      const code = mschapError(attempt);
      // passwordfd.c pwfd_passwd: read() on the `passwordfd N` descriptor failed
      if (has(attempt, /Can't read secret from fd/)) {
        return "No password reached pppd: the descriptor its `passwordfd N` option names was not open for pppd (passwordfd.c could not read it), so pppd answered with an empty password and the refusal follows from that. The script or front end that runs pppd must open that descriptor with the password on it; or drop `plugin passwordfd.so` and keep the password in /etc/ppp/chap-secrets (pap-secrets).";
      }
      if (pluginGaveNoPassword(attempt)) {
        return "No password reached pppd: its plugin's password hook gave none, so pppd answered the server's challenge with an empty secret and the server's refusal (E=691) follows from that, not from a wrong password. With NetworkManager its pppd plugin got no secret from it (a VPN's plugin logs \"passwd-hook: could not get secrets\"): the password is stored for one user only or \"ask every time\", and no secret agent was there to ask (started at boot, over ssh, by nmcli without --ask). Store it for all users, or start the connection with `nmcli --ask connection up NAME`.";
      }
      if (has(attempt, MUTUAL_AUTH_FAILED)) {
        return "The server accepted the login, but its MS-CHAPv2 authenticator response did not match the one this password gives, so pppd refused the server: the two sides hold different passwords (a server that lets any password in), or the answer did not come from the real server. Compare the password on both sides; if they match, distrust the path to the server.";
      }
      // a pppd that judged its peer ("Peer USER failed CHAP authentication", auth.c
      // auth_peer_fail; auth.c check_passwd's "no PAP secret found for USER") runs on the server's
      // side, also where no pptpd line is in the paste
      if (has(attempt, /\bPeer \S.* failed (?:CHAP|PAP|EAP|MS-CHAP\S*) (?:authentication|Session verification)|\b(?:PAP|(?:MS-?)?CHAP) peer authentication failed for |\bno (?:PAP|CHAP) secret found for (?!authenticating us)/)) {
        return "This pppd authenticated its peer and the peer failed (\"Peer USER failed ... authentication\"): it runs on the server's side (pptpd, pppoe-server, an LNS), and the client's user name or password does not match this server's secrets (/etc/ppp/chap-secrets or pap-secrets: the client's name in the first field, this server's `name` or * in the second), or a plugin that judges logins (RADIUS) refused it.";
      }
      if (has(attempt, /No (?:CHAP |PAP |EAP )?secret found|couldn't find any suitable secret|No auth is possible/i)) {
        return 'pppd found no password for this peer: the `name` in the peer file must match the first field of /etc/ppp/chap-secrets (DOMAIN\\\\Username) and `remotename` the second; /etc/ppp/chap-secrets may still be the read-only /rom symlink.';
      }
      // the server's Terminate-Request with auth.c's reason: the server demanded authentication
      // and this pppd declined every protocol it offered (its own words are in the server's log)
      if (has(attempt, /terminated by peer \(peer refused to authenticate/i)) {
        return 'The server requires authentication and this pppd declined every protocol it offered: no secret for `name`/`remotename` in /etc/ppp/chap-secrets (pppd then refuses silently; `debug` shows "No auth is possible"), or a `refuse-*` option excludes the one protocol the server does (MS-CHAPv2).';
      }
      if (has(attempt, PEER_WOULD_NOT_AUTHENTICATE)) {
        return 'pppd asked the server to authenticate itself and it refused: add `noauth` to the peer file.';
      }
      // upap.c upap_timeout: the Authenticate-Requests went unanswered; nothing was rejected
      if (has(attempt, /No response to PAP authenticate-requests/i)) {
        return "The server never answered pppd's PAP requests (upap.c: no Ack, no Nak): its authentication back end (RADIUS) is not answering, or the server expects another protocol; the password was not rejected.";
      }
      // chap-new.c chap_protrej / upap.c upap_protrej: the server Protocol-Rejected the protocol
      // itself (it agreed to it in LCP, then does not speak it): no password was judged
      if (has(attempt, /(?:CHAP|PAP|EAP) authentication failed due to protocol-reject/i)) {
        return "The server Protocol-Rejected the authentication protocol itself (it agreed to it in LCP, then does not speak it): no password was judged. Let pppd use the protocol the server does (remove the `refuse-*` or `require-*` option that excludes it; PPTP servers want MS-CHAPv2).";
      }
      // eap.c eap_client_timeout: the server agreed to EAP in LCP, then sent no Request
      if (has(attempt, /EAP: timeout waiting for Request/i)) {
        return "The server agreed to EAP and then never sent an EAP Request (eap.c: pppd's wait timed out): nothing was rejected. Add `refuse-eap` so the server falls back to MS-CHAPv2, or look at the server's EAP back end (RADIUS).";
      }
      // chap-new.c chap_timeout (the client's side): no Challenge, or no Success/Failure, came
      if (has(attempt, /CHAP authentication timed out/i)) {
        return "The server never finished CHAP (chap-new.c: no Challenge or no Success/Failure within `chap-timeout`, 60 s): its authentication back end (RADIUS) is not answering or the server is stuck; the password was not judged. If the server is only slow, raise `chap-timeout`.";
      }
      if (attempt.auth.protocol === 'PAP') {
        return 'PAP authentication was refused (the server\'s "Remote message" says why when it sends one): check the user name and password (OpenWrt: `option username` / `option password` of the interface; else /etc/ppp/pap-secrets and the `user` option).';
      }
      const serverFix = MSCHAP_SERVER_FIX[mschapCode(attempt) ?? ''];
      if (code && serverFix) return `Authentication refused: ${code}. That is the account's state on the server, not a wrong password: ${serverFix}.`;
      if (code) {
        return `Authentication refused: ${code}. Check the password in /etc/ppp/chap-secrets and the DOMAIN\\\\ prefix of \`name\` (it must match chap-secrets exactly; some servers want user@domain instead).`;
      }
      // the server's own words (a RADIUS Reply-Message, mpd5's or accel-ppp's text) say why
      // (pppd prints a text's CR LF as "^M^J")
      const said = attempt.auth.error && !/^E=\d+$/.test(attempt.auth.error) ? attempt.auth.error.replace(/(?:\^M)?(?:\^J)?$/, '').trim() || null : null;
      if (said) return `Authentication failed; the server says "${said}". Check the user name (with or without DOMAIN\\\\ prefix, matching \`name\` and chap-secrets) and the password in /etc/ppp/chap-secrets, or the account on the server if its words name it.`;
      return 'Authentication failed: check the user name (with or without DOMAIN\\\\ prefix, matching `name` and chap-secrets) and the password in /etc/ppp/chap-secrets; E=691 means the server rejected the credentials.';
    }
    case 'eap_refused_or_unsupported':
      return 'The server asked for EAP, which fails with this pppd/server pair: add `refuse-eap` (and usually `refuse-pap`, `refuse-chap`, `refuse-mschap`) so MS-CHAPv2 is used.';
    case 'no_response':
      if (attempt.cause === 'pppoe-ac-refused') {
        return "An access concentrator answered PPPoE discovery with an error tag (RFC 2516), so the line and the VLAN work and the ISP's side refused: the tag's text says why (a session limit: this account's previous session is still open on the ISP's side, wait for it to time out; a Service-Name-Error: the `service` option names a service it does not offer; a System-Error: the concentrator is overloaded).";
      }
      if (attempt.cause === 'pppoe-discovery' && has(attempt, /waiting for PADS/i)) {
        return "An access concentrator answered discovery (PADO) but never confirmed the session (no PADS): it refused or dropped the request (a `service` name it does not offer, an overloaded concentrator, two concentrators answering: pick one with `ac`).";
      }
      if (attempt.cause === 'pppoe-discovery') {
        return "No PPPoE access concentrator answered discovery (PADI sent, no PADO or PADS): the WAN cable, the modem's bridge mode or the ISP's VLAN (OpenWrt: the `device` of the wan interface, e.g. eth0.7), or the ISP's side is down; a `service`/`ac` name that matches no concentrator gets no answer either.";
      }
      if (attempt.cause === 'l2tp-unanswered') {
        return "The L2TP peer never answered xl2tpd's control messages, or stopped answering them (xl2tpd gave up after its retries): UDP 1701 to the peer is blocked or goes to the wrong address, or, on an L2TP/IPsec server (which takes UDP 1701 only inside IPsec), the IPsec SA is not up (IKE on UDP 500, NAT-T on UDP 4500). No GRE or TCP 1723 is involved.";
      }
      if (attempt.cause === 'l2tp-no-ppp') {
        return "No PPP frame came back over the L2TP call: xl2tpd's control messages reached the LNS (UDP 1701) but PPP did not pass, so the LNS's pppd failed to start (its own log says why) or the data packets are dropped on the way (the IPsec policy must cover UDP 1701 both ways; NAT-T needs UDP 4500). No GRE or TCP 1723 is involved.";
      }
      // fsm.c: the peer did answer, with a Configure-Nak/Reject pppd could not parse
      if (has(attempt, /Received bad configure-(?:ack|nak|rej)/i)) {
        return "The peer did answer LCP, but with Configure-Ack/Nak/Reject packets pppd could not match to its request and threw away (\"Received bad configure-...\"), so pppd's requests were never settled: a buggy peer, or an option it handles badly (mru, asyncmap, an auth protocol). Compare the peer's rcvd ConfNak with pppd's ConfReq in a `debug` log, and drop the option it chokes on.";
      }
      // pppoatm.so: LCP went unanswered over an ATM circuit (PPPoA on a DSL line)
      if (attempt.cause === 'lcp-unanswered-line' && (/^pppoa-/.test(attempt.iface ?? '') || says(attempt, ATM_CIRCUIT) !== null)) {
        return "Nothing answered LCP over the ATM circuit (PPPoA): the VPI/VCI or the encapsulation does not match the ISP's (OpenWrt: `option vpi`, `option vci`, `option encaps` vc or llc), or the DSL line has no sync.";
      }
      if (attempt.cause === 'peer-sent-text') {
        return "The other end sent text, never a PPP frame (pppd found every byte 7-bit: \"not 8-bit clean\"): it waits for a text login first (an ISP's login prompt: answer it in the chat script, or ask the ISP for PAP/CHAP), or the modem is still in command mode or set to 7-bit/parity. `debug` in the peer file, and chat's `-v`, show what came.";
      }
      if (attempt.cause === 'lcp-unanswered-line') {
        return "The peer never answered LCP on this line (a modem's or a PPPoE/PPPoA link, not PPTP): the modem did not connect to a PPP service (APN, number, chat script), or the line's far end speaks no PPP; pppd's `debug` shows whether anything came back.";
      }
      if (attempt.cause === 'pptp-call-not-up') {
        return "The server never answered LCP, but pptp's own lines never show its call set up (\"Outgoing call established\"), and pptp sends no PPP frame before that: its control connection or call went unanswered (a server that accepts TCP 1723 and does not answer, e.g. pptpd out of connection slots or addresses; or the TCP connect still hanging when pppd gave up), or pptp's later lines are not in this log. If pptp's log does reach \"Outgoing call established\", GRE (IP protocol 47) is blocked on the way or a NAT router lacks the PPTP helper.";
      }
      return 'The server never answered LCP: GRE (IP protocol 47) is blocked on the way, or a NAT router lacks the PPTP helper (nf_conntrack_pptp / nf_nat_pptp). TCP 1723 worked; allow GRE and load the helper.';
    case 'control_refused':
      if (has(attempt, DNS_FAILURE)) {
        return 'The PPTP server name does not resolve: check the server name in the pty/pptp_server line and the router\'s DNS.';
      }
      if (attempt.cause === 'server-refused') return serverRefused(attempt);
      // pptp.so (pptp.c pptp_start_client): its route to the server and its connect() to learn
      // the local address are local lookups that send nothing
      if (has(attempt, NO_ROUTE_TO_SERVER)) {
        return "The router has no route to the PPTP server (pptp.so looks the route up before it sends anything): its WAN, the connection the tunnel runs over, is down or has no default route yet; nothing reached the server or port 1723.";
      }
      return `pptp could not open its control connection (TCP 1723): wrong server address, server down, or port 1723 blocked/refused on the way. Check the address and that \`nc ${serverOf(attempt)} 1723\` connects.`;
    case 'no_kernel_support':
      if (has(attempt, /MPPE/i)) {
        return 'The kernel lacks MPPE: install kmod-mppe (and kmod-crypto), then load ppp_mppe (or ppp_mppe_mppc, sha1, arc4 on White Russian) and list it in /etc/modules.';
      }
      if (has(attempt, PPTP_SOCKET)) {
        return 'The kernel lacks PPTP sockets (pppd\'s pptp.so, accel-ppp\'s pptp): install kmod-pptp (and kmod-gre) and load pptp.';
      }
      // pppol2tp.c setdevname_pppol2tp: the fd xl2tpd passed is no PPPoL2TP socket (no l2tp_ppp)
      if (has(attempt, /PPPoL2TP kernel driver not installed|No PPPoL2TP support/i)) {
        return 'The kernel lacks PPP over L2TP sockets (pppd\'s pppol2tp.so, which xl2tpd uses): install kmod-pppol2tp (with kmod-l2tp) and load l2tp_ppp; /dev/ppp is not the problem.';
      }
      // the pppoe plugin's socket(AF_PPPOX, ..., PX_PROTO_OE) failing (plugin.c PPPOEConnectDevice)
      if (has(attempt, PPPOE_SOCKET)) {
        return 'The kernel lacks PPPoE sockets (pppd\'s pppoe.so plugin): install kmod-pppoe (with kmod-pppox) and load pppoe.';
      }
      // pppoatm.c: the ATM PVC socket (no ATM core) or the ATM_SETBACKEND ioctl (no pppoatm module)
      if (says(attempt, PPPOA_KERNEL)) {
        return 'The kernel lacks PPP over ATM (pppd\'s pppoatm.so, PPPoA on a DSL line): install kmod-pppoa (with kmod-atm and the DSL modem\'s driver) and load pppoatm.';
      }
      if (has(attempt, /\bSocket\(\) (?:Protocol|Address family) not supported/)) {
        return 'The kernel refused a PPPoX socket (Android\'s mtpd: no PPTP/L2TP PPPoX driver in this kernel); on OpenWrt the same is kmod-pptp (and kmod-gre) for PPTP, kmod-pppol2tp for L2TP.';
      }
      return 'The kernel lacks PPP: install kmod-ppp and load slhc, ppp_generic and ppp_async (add them to /etc/modules); /dev/ppp must exist.';
    case 'config_error': {
      // mtpd l2tp.c: the SCCRP's challenge response did not match the profile's L2TP secret
      if (has(attempt, L2TP_SECRET_REFUSED)) {
        return "The VPN profile's L2TP secret does not match the server's tunnel secret (xl2tpd's `challenge` with its auth file): make them the same, or leave the profile's empty where the server uses none (it is not the IPsec pre-shared key).";
      }
      // options.c: a word that is no option is taken for the device only when a channel knows
      // it; a network interface's name is one only once the PPPoE plugin (rp-pppoe.so/pppoe.so)
      // is loaded: Debian's dsl-provider and pppoeconf files name the plugin first.
      if (has(attempt, /unrecognized option '(?:eth|en[opsx]|wl|nas|br-|lan|wan|dsl|ptm|vlan)[\w.:@-]*'/)) {
        return "pppd took a network interface's name for an option: it reads one as the device only once the PPPoE plugin is loaded. Put `plugin rp-pppoe.so` (ppp 2.5: `plugin pppoe.so`) before the interface name in the peer file; do not remove the name.";
      }
      if (has(attempt, PPPOE_NO_DEVICE)) {
        return "The kernel's PPPoE driver knows no network device of the name pppd's pppoe plugin was given (errno 19): an alias such as eth0:1, a misspelt name, or a USB NIC that went away; discovery may still have worked on it. Name the device itself (OpenWrt: the `device` of the wan interface, e.g. eth0.2 or wan).";
      }
      const opt = /unrecognized option '([^']*)'/.exec(attempt.evidence.join('\n'))?.[1];
      if (opt === 'mppe' || (opt && /^mppe/.test(opt))) {
        return 'This pppd is a mainline build (ppp 2.4.2 and later without the MPPE-MPPC patch: OpenWrt 24.10+, Debian, Ubuntu, CentOS), which does not know the patch\'s syntax `mppe required,...`: write `require-mppe-128` (plus `nomppe-stateful` for stateless) instead.';
      }
      if (opt && /^(?:require-mppe|nomppe|mppe-stateful|refuse-mschap)/.test(opt)) {
        return `This pppd lacks the option '${opt}': it is the MPPE-MPPC build (OpenWrt <= 23.05) that wants \`mppe required,no40,no56,stateless\`, or it was built without MPPE/MS-CHAP.`;
      }
      if (opt && /^pptp_/.test(opt)) {
        return `'${opt}' belongs to the pptp.so plugin: put \`plugin pptp.so\` before it (install ppp-mod-pptp).`;
      }
      if (has(attempt, /would let it use an IP address/i)) {
        return "No secret lets the peer use an IP address: the fourth column of its line in /etc/ppp/chap-secrets must allow one (`*`, or the address it gets): `grep -v '^#' /etc/ppp/chap-secrets`.";
      }
      if (has(attempt, REMOTE_MUST_AUTH) && has(attempt, /\bpptpd\b|CTRL: /)) {
        return "This is the server side (pptpd's pppd): it requires the client to authenticate but has no secret for it: add the client's line to /etc/ppp/chap-secrets (`grep -v '^#' /etc/ppp/chap-secrets`).";
      }
      if (has(attempt, REMOTE_MUST_AUTH)) {
        return 'pppd wants the server to authenticate itself (a default route exists): add `noauth` to the peer file.';
      }
      if (has(attempt, /Couldn't load plugin|Plugin .* is for pppd version/i)) {
        return "pppd could not load a plugin: it is missing, or was built for another pppd version (\"undefined symbol\", \"is for pppd version\"): install the plugin from the same ppp build as pppd (OpenWrt: ppp-mod-pptp of the same release as ppp) and check the `plugin` path.";
      }
      if (has(attempt, /Can't open options file|Can't find peer file/i)) {
        return 'An options or peer file is missing or unreadable: check /etc/ppp/peers/NAME exists (pppd call NAME) and every `file` it includes.';
      }
      return opt ? `pppd does not know the option '${opt}': remove it or fix its spelling.` : 'pppd rejected its options: fix the option shown in the evidence.';
    }
    case 'link_dead':
      if (has(attempt, /missing echo reply/i)) {
        return "The tunnel was up, then the server stopped answering pptp's echo requests on the control connection (TCP 1723, one a minute: pptp_ctrl.c): the path to the server broke or the server hung; the route to the server must not go through the tunnel itself (delete it in ip-up with full paths).";
      }
      if (pppoeLink(attempt)) {
        return "The PPPoE link was up and then the access concentrator stopped answering LCP echoes: the line, the modem or the ISP's side dropped the session (no GRE or server route is involved); raise `lcp-echo-failure` / `lcp-echo-interval` (OpenWrt: `option keepalive 'FAILURES INTERVAL'`) if the link is just slow to answer.";
      }
      if (attempt.cause === 'l2tp-dead') {
        return "The L2TP link was up, then the LNS stopped answering (pppd's LCP echoes or xl2tpd's hellos went unanswered): the path to it broke (a NAT mapping for UDP 1701/4500 expired, an IPsec SA was not renewed) or the LNS went away; no GRE is involved. Raise `lcp-echo-failure` / `lcp-echo-interval` if the path is just slow.";
      }
      if (attempt.cause === 'echo-lost-line') {
        return "The link over a modem's line (serial, 3G/LTE, DSL) was up and then the far end stopped answering LCP echoes: the radio or telephone network dropped the call, or the modem hung or reset (the kernel's USB lines tell); no tunnel route or GRE is involved; raise `lcp-echo-failure` / `lcp-echo-interval` (OpenWrt: `option keepalive 'FAILURES INTERVAL'`) if the network is just slow to answer.";
      }
      return 'The tunnel was up and then stopped answering LCP echoes: often the route to the server went through ppp0 (delete it in ip-up with full paths) or the path drops GRE intermittently; raise `lcp-echo-failure` / `lcp-echo-interval` if the link is just slow.';
    case 'terminated_by_peer':
      if (attempt.cause === 'client-left') {
        // No authentication and no address in the call (received LCP frames show only with
        // `debug`): a client that gives up that early often timed out its LCP (10 Config-
        // Requests 3 s apart, pppd's defaults), its GRE never reaching this server.
        const early = attempt.lcp.received.length === 0 && attempt.auth.result === 'none' && attempt.localIp === null && attempt.remoteIp === null;
        const why = early
          ? ' It left before authentication (none in this log, nor an address): if that is about 30 s after "Connect:", its LCP timed out, most often because its GRE (IP protocol 47) does not get through (a NAT or firewall without PPTP passthrough); `debug` in pptpd-options shows whether its LCP frames arrive.'
          : '';
        return `This is the server side (pptpd): the client hung up (it closed TCP 1723 and pptpd stopped its pppd). Nothing failed here; if the client did not mean to leave, its own log says why.${why}`;
      }
      return serverReasonFix(attempt) ?? 'The server closed the connection: check the server log for the reason (session limit, idle or session timeout, policy); the reason it sent is in the evidence.';
    case 'ip_script_failed': {
      const s = attempt.scripts.find(scriptFailed);
      if (s?.exitCode === 127) {
        return `${s.script} exited with 127 (command not found): pppd runs scripts with a restricted PATH, so use full paths (/sbin/route, /usr/sbin/iptables) or set PATH at the top of the script.`;
      }
      if (s?.exitCode === 126) return `${s.script} exited with 126: it is not executable (chmod 755) or lacks the #!/bin/sh line.`;
      // main.c run_program: the child's execve failed ("Can't execute %s: %m"), then _exit(99)
      if (s?.exitCode === 99 && has(attempt, /Can't execute/i)) return `pppd could not execute ${s.script} (its reason is in the line: Permission denied is a script without the execute bit, a missing #! line or a noexec mount): \`chmod 755 ${s.script}\`; no command of the script ran.`;
      if (s?.exitCode === 1 && /\/lib\/netifd\/ppp6?-up$/.test(s.script)) {
        return `${s.script} exited with 1: on OpenWrt releases whose ppp-up ends with \`[ -d /etc/ppp/ip-up.d ] && ...\` that is only /etc/ppp/ip-up.d missing (harmless if \`ifstatus\` shows the interface up); otherwise a script in /etc/ppp/ip-up.d failed: run each by hand.`;
      }
      return `${s?.script ?? 'ip-up/ip-down'} failed: run it by hand with the six pppd arguments to see which command fails; use full paths because pppd restricts PATH.`;
    }
    case 'idle_disconnect':
      return 'pppd hung up because the link was idle: remove or raise `idle N` (and `demand`) if the tunnel should stay up.';
    case 'stopped_locally':
      if (has(attempt, DISCOVERY_INTERRUPTED)) {
        return "pppd was told to stop (SIGTERM or SIGINT) while it still waited for a PPPoE access concentrator, so its \"Timeout waiting for PAD…\" says nothing about the ISP: on OpenWrt netifd stops pppd when the wan interface is restarted (`ifup wan`, a network reload) or its device loses its link; if it repeats, the WAN port's link is flapping.";
      }
      return 'pppd was stopped by a signal on the router (pppd kill, poff, netifd or a reboot): nothing is wrong with the tunnel itself.';
    case 'other': {
      const byCause = attempt.cause ? OTHER_BY_CAUSE[attempt.cause] : undefined;
      if (byCause) return byCause.fix(attempt);
      if (silentAfterAuth(attempt)) {
        return "pppd authenticated, then closed the link before IPCP without a word of why: that is how pppd ends a CCP/MPPE negotiation that failed when `debug` is off (OpenWrt <= 23.05's MPPE-MPPC pppd logs MPPE refused by the server only in its debug TermReq): turn `debug` on and look at the CCP lines.";
      }
      if (ptyClosedWhileUp(attempt)) {
        return "The tunnel was up, then pppd's pty closed under it: on a PPTP link that is pptp quitting (the server closed the control connection, or the path to it broke); pptp's own lines say which. pppd cannot tell.";
      }
      if (has(attempt, PPTPD_NO_PPPD)) {
        return "pptpd says it cannot run its pppd: the `ppp` line of /etc/pptpd.conf names a program that is missing or not executable (it is /usr/sbin/pppd unless set); if calls follow in the log, pptpd was fixed and restarted since.";
      }
      if (managerOnly(attempt)) {
        return "pptpd's manager started (it listens on TCP 1723), but no client's call follows in this log: no CTRL: line, no pppd. Connect a client and read the server's log of that call; if none comes, the client cannot reach TCP 1723.";
      }
      if (attempt.cause === 'gre-socket') {
        return `${attempt.endedBy?.startsWith('pptpd') ? 'pptpd' : 'pptp'} could not open its raw GRE socket (IP protocol 47): it must run as root (or with CAP_NET_RAW), and no call can carry PPP until it does.`;
      }
      return 'The log does not show a known failure: run `pppd call NAME debug nodetach` and look at the last LCP/CCP/IPCP lines.';
    }
  }
}
