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

/** What xl2tpd's lines alone say of the last call they show. */
export interface Xl2tpdReading {
  verdict: Verdict;
  endedBy: string;
  evidence: LogLine;
  cause?: EndCause;
}

type Row = readonly [RegExp, Verdict, string, EndCause?];

/** A function-name prefix xl2tpd's log lines carry (`%s: ` with __FUNCTION__), which a paste may have lost. */
const FN = (name: string): string => `(?:${name}: )?`;

/** xl2tpd's messages that end a tunnel or a call, with what each says. */
const ENDS: readonly Row[] = [
  // aaa.c handle_challenge, control.c control_finish on an SCCRQ (LNS: "No secret for 'NAME'",
  // closing "No secret on our side") or an SCCRP (LAC: "No secret for authenticating to 'NAME'",
  // "No secret key for authenticating 'NAME'", closing "No secret key on our end/side")
  [
    new RegExp(`^(?:${FN('handle_challenge')}no secret found for us=|${FN('control_finish')}No secret (?:key )?for (?:authenticating )?(?:to )?'|Connection \\d+ closed to \\S+, port \\d+ \\(No secret (?:key )?on our (?:end|side)\\))`),
    'config_error',
    'xl2tpd has no tunnel secret for this peer (the `challenge` of its section needs an entry in its auth file, l2tp-secrets)',
    'l2tp-secret',
  ],
  // control.c control_finish on an SCCRQ from a peer no [lns] section allows (logged with debug only)
  [new RegExp(`^${FN('control_finish')}Denied connection to unauthorized peer\\b`), 'config_error', 'the L2TP server refused a peer its [lns] sections do not allow (`ip range`, `lac`)', 'l2tp-secret'],
  // the LNS answered our SCCRQ with a StopCCN saying so (get_lns failed: set_error "No Authorization")
  [new RegExp(`^${FN('control_finish')}Connection closed to \\S+, port \\d+ \\(No Authorization\\)`), 'control_refused', 'the L2TP server refused the tunnel (No Authorization: none of its [lns] sections allows this client)', 'server-refused'],
  // xl2tpd.c l2tp_call: the peer's name in the [lac] section does not resolve
  [/^Host name lookup failed for \S+/, 'control_refused', "the L2TP server's name does not resolve (the [lac] section's `lns`)"],
  // network.c control_xmit (older versions prefixed the function name), then call.c call_close
  [
    new RegExp(`^(?:${FN('control_xmit')}Maximum retries exceeded for tunnel \\d+|Connection \\d+ closed to \\S+(?: \\S+)*, port \\d+ \\(Timeout\\))`),
    'no_response',
    'the L2TP peer did not answer: xl2tpd gave up on the tunnel after its retries',
    'l2tp-unanswered',
  ],
  [new RegExp(`^${FN('control_finish')}Connection closed to \\S+, serial \\d+ \\(`), 'terminated_by_peer', 'the L2TP peer closed the call (Call-Disconnect-Notify)'],
  [new RegExp(`^${FN('control_finish')}Connection closed to \\S+, port \\d+ \\(`), 'terminated_by_peer', 'the L2TP peer closed the tunnel (Stop-Control-Connection-Notification)'],
  // xl2tpd.c lac_disconnect: `xl2tpd-control disconnect NAME` (or "d NAME" on its control pipe)
  [new RegExp(`^${FN('lac_disconnect')}Disconnecting from \\S+, Local: \\d+, Remote: \\d+`), 'stopped_locally', 'xl2tpd was told to disconnect the call (xl2tpd-control)'],
  [new RegExp(`^${FN('death_handler')}Fatal signal (\\d+) received`), 'stopped_locally', 'xl2tpd was stopped by a signal'],
];

/** Rows of ENDS that end a call in progress only: without one, or after the call ended, they are xl2tpd's own life. */
const WHILE_CALL: ReadonlySet<string> = new Set(['stopped_locally']);

/** The peer answered: a tunnel (SCCRP/SCCCN) or a call (ICRP/ICCN) came up. */
const ANSWERED = /^(?:Connection established to \S+, \d+\.\s+Local: \d+, Remote: \d+|Call established with \S+, (?:Local|PID): )/;

/** xl2tpd's lines that show a tunnel or a call being set up (a log of them is about a call). */
const SETUP = new RegExp(`^(?:Connecting to host \\S+, port \\d+|${FN('get_call')}allocating new tunnel for host\\b|${FN('control_finish')}Peer requested tunnel \\d+ twice)|${ANSWERED.source}`);

/** An LNS's own log: it names the session the client's tunnel took, or the pppd it started for a call. */
const LNS_SIDE = /LNS session is '|^Call established with \S+, PID: \d+/;

/**
 * xl2tpd's messages in the exact words only it writes, for a line with no program name (a
 * container's stdout, `journalctl -o cat`): the bare "Connecting to host ..." (iperf3 prints that
 * too), "Call established with ..." or "Connection closed to ..." of other programs stay theirs.
 */
const OWN = new RegExp(
  [
    `^${FN('control_xmit')}Maximum retries exceeded for tunnel \\d+\\.\\s+Closing`,
    '^Connection \\d+ closed to \\S+(?: \\S+)*, port \\d+ \\(',
    '^Unable to deliver closing message for tunnel \\d+',
    '^Connecting to host \\S+, port 1701\\b',
    ANSWERED.source,
    '^control_finish: ',
    '^(?:handle_challenge: )?no secret found for us=',
    `^${FN('get_call')}allocating new tunnel for host\\b`,
  ].join('|'),
);

/** The lines xl2tpd wrote: under its tag, or untagged in words only it writes. */
export function xl2tpdLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((l) => /^xl2tpd$/i.test(l.prog ?? '') || (l.prog === null && OWN.test(l.msg.trim())));
}

/**
 * The reading of a log whose only lines about a connection are xl2tpd's: the last tunnel or call
 * end they show. A tunnel the peer had answered that then times out died (link_dead, as with
 * pppd's lines: verdict.ts stoppedLocally); a call that came up after the last end, with no end
 * of its own yet, is the answer then (`other`: pppd's lines, elsewhere, tell the rest), as is a
 * call set up with no end at all; a new tunnel still unanswered leaves the end before it the
 * answer, as for pppd's unfinished retries. On an LNS's own log the peer closing is the client
 * leaving. Null when xl2tpd's lines show no tunnel or call (its start-up, its stop alone).
 */
export function readXl2tpdAlone(own: readonly LogLine[]): Xl2tpdReading | null {
  let last: { row: Row; reading: Xl2tpdReading } | null = null;
  let setup: LogLine | null = null;
  let answered: LogLine | null = null;
  const lns = own.some((l) => LNS_SIDE.test(l.msg.trim()));
  for (const l of own) {
    const msg = l.msg.trim();
    const row = ENDS.find(([re]) => re.test(msg));
    if (!row) {
      if (SETUP.test(msg)) setup = l;
      if (ANSWERED.test(msg)) answered = l;
      continue;
    }
    // a signal or a disconnect ends a call in progress, not xl2tpd's own restart
    const inCall = setup !== null && (last === null || setup.index > last.reading.evidence.index);
    if (WHILE_CALL.has(row[1]) && !inCall) continue;
    // one end told twice (network.c's retries, then call_close's "Connection N closed ...
    // (Timeout)"; "No secret for authenticating", then the close it causes): its first line
    if (last !== null && last.row[1] === row[1] && !inCall) continue;
    let reading: Xl2tpdReading = { verdict: row[1], endedBy: row[2], evidence: l, ...(row[3] ? { cause: row[3] } : {}) };
    const wasUp = answered !== null && (last === null || answered.index > last.reading.evidence.index);
    if (row[3] === 'l2tp-unanswered' && wasUp) {
      reading = { verdict: 'link_dead', endedBy: 'the L2TP peer stopped answering: xl2tpd gave up on the tunnel after its retries', evidence: l, cause: 'l2tp-dead' };
    } else if (row[1] === 'terminated_by_peer' && lns) {
      reading = { ...reading, endedBy: row[2].replace('the L2TP peer', 'the L2TP client'), cause: 'client-left' };
    }
    last = { row, reading };
  }
  const pending = answered !== null && (last === null || answered.index > last.reading.evidence.index) ? answered : null;
  const open = pending ?? (last === null ? setup : null);
  if (open) return { verdict: 'other', endedBy: "xl2tpd set up the L2TP call; pppd's own lines (how PPP went) are not in this log", evidence: open };
  return last?.reading ?? null;
}
