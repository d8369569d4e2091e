// xl2tpd's own lines read alone: an L2TP daemon's log with no line of pppd's. xl2tpd sets up the
// L2TP tunnel (UDP 1701) and the call, then runs pppd on a pty for it, as pptp and pptpd do for
// PPTP; a paste of xl2tpd's lines alone shows a call that never got to pppd, or a pppd that logs
// elsewhere (a container's stdout, a separate syslog file). Where pppd's lines are there, the
// rows in rules.ts (XL2TPD_RULES) read xl2tpd's words as part of pppd's attempt instead.
//
// Messages from xl2tpd's sources (xelerance/xl2tpd): network.c retransmits an unacknowledged
// control message and gives up with "Maximum retries exceeded for tunnel N.  Closing.", then
// call.c call_close() logs our own close of the tunnel, "Connection N closed to H, port P
// (Timeout)"; control.c control_finish() logs the peer's Stop-Control-Connection-Notification as
// "control_finish: Connection closed to H, port P (reason), Local: .., Remote: .." and its
// Call-Disconnect-Notify as "... serial N (reason)", the tunnel authentication that found no
// secret ("handle_challenge: no secret found ...", "control_finish: No secret for authenticating
// to 'NAME'", closing with "No secret key on our end"), an LNS refusing a peer its `[lns]`
// sections do not allow ("Denied connection to unauthorized peer H"); xl2tpd.c death_handler()
// its own stop by a signal.

import type { EndCause, Verdict } from './types.js';
import type { LogLine } from './lines.js';

// ---------- xl2tpd's messages (rules.ts XL2TPD_RULES and parse.ts read them too) ----------

/** control.c control_finish: the peer's Call-Disconnect-Notify ("..., serial N (msg)") or StopCCN ("..., port N (msg), Local: .."). */
export const XL2TPD_PEER_CLOSED = /^control_finish: Connection closed to (\S+), (serial|port) \d+ \((.*?)\)/;
/** network.c control_xmit: a control message unacknowledged past its retries (older versions put the function's name first). */
export const XL2TPD_RETRIES = /^(?:control_xmit: )?Maximum retries exceeded for tunnel \d+/;
/** xl2tpd.c death_handler: xl2tpd stopped by a signal. */
export const XL2TPD_FATAL_SIGNAL = /^death_handler: Fatal signal (\d+) received/;
/** control.c control_finish on an ICCN, on an LNS: "Call established with H, PID: N, Unix: ..." (the pppd it started). */
export const XL2TPD_LNS_CALL = /^Call established with \S+, PID: (\d+)\b/;

/**
 * xl2tpd's text of a line: tagged xl2tpd, or untagged (`journalctl -o cat`, a container's
 * stdout) as written, since its messages name their C function first ("death_handler: Fatal
 * signal 15 received", which without that name reads as pppd's crash). Null for other programs.
 */
export const xl2tpdText = (l: LogLine): string | null =>
  l.source === 'ignored' && /^xl2tpd$/i.test(l.prog ?? '') ? l.msg : l.prog === null && l.source === 'unknown' ? l.raw.trim() : null;

// ---------- a log of xl2tpd's lines alone ----------

/** What xl2tpd's lines alone say of the last call they show. */
export interface Xl2tpdReading {
  verdict: Verdict;
  endedBy: string;
  evidence: LogLine;
  cause?: EndCause;
}

interface End {
  re: RegExp;
  verdict: Verdict;
  endedBy: (m: RegExpExecArray) => string;
  cause?: EndCause;
}

/** xl2tpd's messages that end a tunnel or a call, with what each says (first match wins). */
const ENDS: readonly End[] = [
  // aaa.c handle_challenge, control.c control_finish on an SCCRQ (LNS: "No secret for 'NAME'",
  // closing "No secret on our side") or an SCCRP (LAC: "No secret for authenticating to 'NAME'",
  // "No secret key for authenticating 'NAME'", closing "No secret key on our end/side")
  {
    re: /^(?:handle_challenge: no secret found for us=|control_finish: No secret (?:key )?for (?:authenticating )?(?:to )?'|Connection \d+ closed to \S+, port \d+ \(No secret (?:key )?on our (?:end|side)\))/,
    verdict: 'config_error',
    endedBy: () => 'xl2tpd has no tunnel secret for this peer (the `challenge` of its section needs an entry in its auth file, l2tp-secrets)',
    cause: 'l2tp-secret',
  },
  // control.c control_finish on an SCCRQ from a peer no [lns] section allows (logged with debug only)
  {
    re: /^control_finish: Denied connection to unauthorized peer\b/,
    verdict: 'config_error',
    endedBy: () => 'the L2TP server refused a peer its [lns] sections do not allow (`ip range`, `lac`)',
    cause: 'l2tp-secret',
  },
  // the LNS answered our SCCRQ with a StopCCN saying so (get_lns failed: set_error "No Authorization")
  {
    re: /^control_finish: Connection closed to \S+, port \d+ \(No Authorization\)/,
    verdict: 'control_refused',
    endedBy: () => 'the L2TP server refused the tunnel (No Authorization: none of its [lns] sections allows this client)',
    cause: 'server-refused',
  },
  // xl2tpd.c l2tp_call: the peer's name in the [lac] section does not resolve
  { re: /^Host name lookup failed for \S+/, verdict: 'control_refused', endedBy: () => "the L2TP server's name does not resolve (the [lac] section's `lns`)" },
  // network.c control_xmit, then call.c call_close's own close of the tunnel
  {
    re: new RegExp(`${XL2TPD_RETRIES.source}|^Connection \\d+ closed to \\S+(?: \\S+)*, port \\d+ \\(Timeout\\)`),
    verdict: 'no_response',
    endedBy: () => 'the L2TP peer did not answer: xl2tpd gave up on the tunnel after its retries',
    cause: 'l2tp-unanswered',
  },
  {
    re: XL2TPD_PEER_CLOSED,
    verdict: 'terminated_by_peer',
    endedBy: (m) => `the L2TP peer closed ${m[2] === 'serial' ? 'the call (Call-Disconnect-Notify)' : 'the tunnel (Stop-Control-Connection-Notification)'}`,
  },
  // xl2tpd.c lac_disconnect: `xl2tpd-control disconnect NAME` (or "d NAME" on its control pipe)
  { re: /^Disconnecting from \S+, Local: \d+, Remote: \d+/, verdict: 'stopped_locally', endedBy: () => 'xl2tpd was told to disconnect the call (xl2tpd-control)' },
  { re: XL2TPD_FATAL_SIGNAL, verdict: 'stopped_locally', endedBy: () => 'xl2tpd was stopped by a signal' },
];

/** The first of ENDS that a text is, with its match. */
function endOf(text: string): [End, RegExpExecArray] | null {
  for (const end of ENDS) {
    const m = end.re.exec(text);
    if (m) return [end, m];
  }
  return null;
}

/** The peer answered: a tunnel (SCCRP/SCCCN) or a call (ICRP/ICCN) came up. */
const ANSWERED = /^(?:Connection established to \S+, \d+\.\s+Local: \d+, Remote: \d+|Call established with \S+, (?:Local|PID): )/;

/** xl2tpd's lines that show a tunnel or a call being set up (a log of them is about a call). */
const SETUP = new RegExp(`^(?:Connecting to host \\S+, port \\d+|get_call: allocating new tunnel for host\\b|control_finish: Peer requested tunnel \\d+ twice)|${ANSWERED.source}`);

/** An LNS's own log: it names the session the client's tunnel took, or the pppd it started for a call. */
const LNS_SIDE = new RegExp(`LNS session is '|${XL2TPD_LNS_CALL.source}`);

/**
 * xl2tpd's messages in words only it writes, for an untagged line: other programs' "Connecting
 * to host H, port P" (iperf3), "Call established with ..." or "Connection closed to ..." stay theirs.
 */
const OWN = new RegExp(
  [
    XL2TPD_RETRIES.source,
    '^Connection \\d+ closed to \\S+(?: \\S+)*, port \\d+ \\(',
    '^Unable to deliver closing message for tunnel \\d+',
    '^Connecting to host \\S+, port 1701\\b',
    ANSWERED.source,
    '^(?:control_finish|handle_challenge|get_call|death_handler): ',
  ].join('|'),
);

/** The lines xl2tpd wrote: under its tag, or untagged in words only it writes. */
export function xl2tpdLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((l) => {
    const text = xl2tpdText(l);
    return text !== null && (l.prog !== null || OWN.test(text));
  });
}

/**
 * The reading of a log whose only lines about a connection are xl2tpd's: the last tunnel or call
 * end they show. A tunnel time-out is the peer not answering (no_response) also when the peer
 * had answered the tunnel and the call before: without pppd's lines nothing says the PPP link
 * ever came up (SPLIT.md's labelling convention for xl2tpd's lines alone; link_dead only where
 * pppd's own lines show the link up: verdict.ts); a call that came up after the last end, with no end
 * of its own yet, is the answer then (`other`: pppd's lines, elsewhere, tell the rest), as is a
 * call set up with no end at all; a new tunnel still unanswered leaves the end before it the
 * answer, as for pppd's unfinished retries. A stop (a signal, a disconnect) ends a call in
 * progress only, not xl2tpd's own restart. On an LNS's own log the peer closing is the client
 * leaving. Null when xl2tpd's lines show no tunnel or call (its start-up, its stop alone).
 */
export function readXl2tpdAlone(own: readonly LogLine[]): Xl2tpdReading | null {
  let last: Xl2tpdReading | null = null;
  let setup: LogLine | null = null;
  let answered: LogLine | null = null;
  let lastEnd: End | null = null;
  const after = (l: LogLine | null): l is LogLine => l !== null && (last === null || l.index > last.evidence.index);
  const lns = own.some((l) => LNS_SIDE.test(xl2tpdText(l) ?? ''));
  for (const l of own) {
    const text = xl2tpdText(l) ?? '';
    const hit = endOf(text);
    if (!hit) {
      if (SETUP.test(text)) setup = l;
      if (ANSWERED.test(text)) answered = l;
      continue;
    }
    const [end, m] = hit;
    const inCall = after(setup);
    if (end.verdict === 'stopped_locally' && !inCall) continue;
    // one end told twice (network.c's retries, then call_close's "Connection N closed ...
    // (Timeout)"; "No secret for authenticating", then the close it causes): its first line
    if (end === lastEnd && !inCall) continue;
    lastEnd = end;
    const reading: Xl2tpdReading = { verdict: end.verdict, endedBy: end.endedBy(m), evidence: l, ...(end.cause ? { cause: end.cause } : {}) };
    if (end.cause === 'l2tp-unanswered' && after(answered)) {
      last = { ...reading, endedBy: 'the L2TP peer stopped answering: xl2tpd gave up on the tunnel after its retries' };
    } else if (end.verdict === 'terminated_by_peer' && lns) {
      last = { ...reading, endedBy: reading.endedBy.replace('the L2TP peer', 'the L2TP client'), cause: 'client-left' };
    } else last = reading;
  }
  const open = after(answered) ? answered : last === null ? setup : null;
  if (open) return { verdict: 'other', endedBy: "xl2tpd set up the L2TP call; pppd's own lines (how PPP went) are not in this log", evidence: open };
  return last;
}
