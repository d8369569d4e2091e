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

/** xl2tpd's messages that end a tunnel or a call, with what each says. */
const ENDS: readonly Row[] = [
  [
    /^(?:(?:handle_challenge: )?no secret found for us=|(?:control_finish: )?No secret for authenticating to '|Connection \d+ closed to \S+, port \d+ \(No secret key on our end\))/,
    'config_error',
    'xl2tpd has no tunnel secret for this peer (the `challenge` of its section needs an entry in its auth file, l2tp-secrets)',
  ],
  [/Received SCCRP without valid challenge response/, 'config_error', 'the L2TP server did not accept the tunnel secret (its challenge response)'],
  [/^(?:control_finish: )?Denied connection to unauthorized peer\b/, 'config_error', "the L2TP server refused a peer its [lns] sections do not allow (`ip range` / `lac`)"],
  [
    /^(?:Maximum retries exceeded for tunnel \d+|Connection \d+ closed to \S+(?: \S+)*, port \d+ \(Timeout\))/,
    'no_response',
    'the L2TP peer did not answer: xl2tpd gave up on the tunnel after its retries',
    'l2tp-unanswered',
  ],
  [/^(?:control_finish: )?Connection closed to \S+, serial \d+ \(/, 'terminated_by_peer', 'the L2TP peer closed the call (Call-Disconnect-Notify)'],
  [/^(?:control_finish: )?Connection closed to \S+, port \d+ \(/, 'terminated_by_peer', 'the L2TP peer closed the tunnel (Stop-Control-Connection-Notification)'],
  [/^(?:death_handler: )?Fatal signal (\d+) received/, 'stopped_locally', 'xl2tpd was stopped by a signal'],
];

/** xl2tpd's lines that show a tunnel or a call being set up (a log of them is about a call). */
const SETUP = /^(?:Connecting to host \S+, port \d+|Connection established to \S+, \d+|Call established with \S+|(?:get_call: )?allocating new tunnel for host\b|(?:control_finish: )?Peer requested tunnel \d+ twice)/;

/** Messages only xl2tpd writes: an untagged line of a paste (`journalctl -o cat`, a container's stdout) counts as xl2tpd's. */
const OWN = new RegExp(`${ENDS.map(([re]) => re.source).join('|')}|${SETUP.source}|^Unable to deliver closing message for tunnel \\d+`);

/** The lines xl2tpd wrote: under its tag, or untagged with a message only xl2tpd writes. */
export function xl2tpdLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((l) => /^xl2tpd$/i.test(l.prog ?? '') || (l.prog === null && OWN.test(l.msg.trim())));
}

/**
 * The reading of a log whose only lines about a connection are xl2tpd's: the last tunnel or call
 * end they show (a new tunnel set up after it and not ended yet leaves it the answer, as for
 * pppd's unfinished retries); a call set up with no end at all is `other` (pppd's lines,
 * elsewhere, tell the rest). Null when xl2tpd's lines show no tunnel or call (its start-up alone).
 */
export function readXl2tpdAlone(own: readonly LogLine[]): Xl2tpdReading | null {
  let last: Xl2tpdReading | null = null;
  let setup: LogLine | null = null;
  for (const l of own) {
    const msg = l.msg.trim();
    const row = ENDS.find(([re]) => re.test(msg));
    if (!row) {
      if (SETUP.test(msg)) setup = l;
      continue;
    }
    // one end told twice (network.c's retries, then call_close's "Connection N closed ...
    // (Timeout)"; "No secret for authenticating", then the close it causes): its first line
    const same = last !== null && last.verdict === row[1] && (setup === null || setup.index < last.evidence.index);
    if (!same) last = { verdict: row[1], endedBy: row[2], evidence: l, ...(row[3] ? { cause: row[3] } : {}) };
  }
  if (last) return last;
  if (setup) return { verdict: 'other', endedBy: "xl2tpd set up the L2TP call; pppd's own lines (how PPP went) are not in this log", evidence: setup };
  return null;
}
