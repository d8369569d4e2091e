// One attempt's facts → one verdict word (DESIGN.md vocabulary), how it ended, and the lines
// that decided it. Order matters: the first matching rule is the root cause, the rest are
// consequences (an auth failure is followed by a TermReq, a modem hangup, "Connection terminated").

import type { EndCause, Verdict } from './types.js';
import { SERVER_VIEW, l2tpSession, scriptFailed, serverSide, sstpSession, type EndEvent, type HookScript, type Session } from './session.js';
import { fromAccel, type LogLine } from './lines.js';
import { ATM_CIRCUIT, HANGUP, L2TP_SECRET_REFUSED, SSTP_ABORTED, NM_VPN_CONFIG_TIMEOUT, NO_AUTH_POSSIBLE, NO_CHAP_SECRET, PPPOE_NO_DEVICE, PPPOE_WORDS, rasKind } from './rules.js';

export interface Decision {
  verdict: Verdict;
  endedBy: string | null;
  evidence: string[];
  /** What ended the attempt, where the verdict leaves it open (types.ts EndCause). */
  cause?: EndCause;
}

function ev(...lines: (LogLine | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const l of lines) if (l && !out.includes(l.raw)) out.push(l.raw);
  return out;
}

/** An unanswered LCP's evidence: the ATM circuit it ran on (PPPoA: its VPI.VCI is what to check). */
const lcpCircuit = (s: Session): LogLine | null => (s.networkLink && ATM_CIRCUIT.test(s.networkLink.msg) ? s.networkLink : null);
/** fsm.c threw away a Nak or Reject it could not parse: the peer did answer, unreadably. */
const lcpBadAnswer = (s: Session): LogLine | undefined => s.lines.find((l) => /^Received bad configure-(?:ack|nak|rej)/i.test(l.msg));
const AUTH_REASON = /authenticat|E=\d{3}|password|login incorrect|access denied|not authorized|\bdial-?in\b/i;
const MPPE_REASON = /MPPE|MPPC|encrypt/i;

function firstEnd(s: Session, after: number, kinds?: EndEvent['kind'][]): EndEvent | undefined {
  return s.ends.find((e) => e.line.index >= after && (!kinds || kinds.includes(e.kind)));
}

/** Ends told in their own words, not as a link terminated: pppd never ran, never opened its line, died of its own fatal error, or the kernel or the modem refused the connection first. */
const NOTHING_TERMINATED: ReadonlySet<EndCause> = new Set(['pppd-not-run', 'device-open-failed', 'device-locked', 'dial-stopped', 'pppoe-socket', 'dial-failed', 'dial-carrier-lost', 'pppd-fatal', 'pppoa-circuit', 'ifname-taken']);

function describe(e: EndEvent): string {
  switch (e.kind) {
    case 'peer-term':
      return e.detail ? `terminated by peer (${e.detail})` : 'terminated by peer';
    case 'local-term':
      if (e.cause !== undefined && NOTHING_TERMINATED.has(e.cause)) return e.detail;
      return e.detail ? `terminated locally (${e.detail})` : 'terminated locally';
    case 'signal':
      return `stopped by ${e.detail}`;
    case 'child-signal':
      return `stopped by ${e.detail} (seen on pppd's pptp child)`;
    default:
      return e.detail;
  }
}

/**
 * A hook script that failed while the link was coming or staying up. Down scripts (ip-down,
 * ipv6-down, netifd's ppp-down) are run by ipcp.c/ipv6cp.c after the protocol went down, so
 * their exit status is a consequence of the end, never its cause.
 */
function failedScript(s: Session) {
  return s.scripts.find(
    (x) => !/(?:^|[-_/])(?:ip|ipv6|ip6|ppp|ppp6)-?down/.test(x.script) && scriptFailed(x),
  );
}

function scriptWords(x: { script: string; exitCode: number | null; signal: number | null }): string {
  if (x.signal !== null) return `${x.script} killed by signal ${x.signal}`;
  return `${x.script} exited with status ${x.exitCode}${x.exitCode === 127 ? ' (command not found: pppd restricts PATH)' : ''}`;
}

/**
 * chap-new.c chap_respond() only warns "No CHAP secret found for authenticating us to X" and
 * answers with an empty secret, and lcp.c's "No auth is possible" rejects the peer's auth option,
 * which the peer may drop: a peer that then accepts the empty secret, or a link that went on (we
 * acked an LCP request without <auth>, or a network protocol spoke) means no failure.
 */
function noSecretWasWarning(s: Session): boolean {
  const l = s.noAuthSecret;
  if (l === null) return false;
  // "No auth is possible" once, and the log ends before the peer answered the reject: whether
  // it insists (the same request again, LCP never opening) is not in the log. So for
  // chap-new.c's "No CHAP secret found ...", after which pppd answers the challenge with an
  // empty secret: once, the peer speaking after it with no failure line and nothing ended
  // when the log stops, the peer's verdict on that answer is not in the log. (As the log's
  // last word it stays the failure: chap-secrets lacks the name.)
  const once = (re: RegExp): boolean => re.test(l.msg) && s.lines.filter((x) => re.test(x.msg)).length === 1;
  const unended = s.ends.length === 0 && s.lcpTimeout === null && !s.finished;
  const peerWentOn = s.lines.some((x) => x.index > l.index && /^rcvd \[/.test(x.msg));
  if (unended && (once(NO_AUTH_POSSIBLE) || (once(NO_CHAP_SECRET) && s.authFailLast === l && peerWentOn))) return true;
  return (
    (s.authResult === 'success' && s.authOk !== null && s.authOk.index > l.index) ||
    s.lines.some((x) => x.index > l.index && (/^(?:sent|rcvd) \[(?:IPCP|IPV6CP|CCP) /.test(x.msg) || /^sent \[LCP ConfAck\b(?![^\]]*<auth)/.test(x.msg)))
  );
}

/** The attempt's only authentication failure was that warning (noSecretWasWarning). */
export function authFailureWasWarning(s: Session): boolean {
  return s.authFail !== null && s.authFail === s.noAuthSecret && noSecretWasWarning(s);
}

/** Decides the verdict of one attempt. */
export function decideVerdict(s: Readonly<Session>): Decision {
  // 0. xl2tpd's lines alone: their word on the call is all there is (xl2tpd.ts).
  if (s.xl2tpdAlone) {
    const { verdict, endedBy, evidence, cause } = s.xl2tpdAlone;
    return { verdict, endedBy, evidence: ev(evidence), ...(cause ? { cause } : {}) };
  }
  // Logs pasted into forums are often only the tail: echo timeouts, idle hang-ups, ip-up runs
  // only happen on a link that was up, even when the IPCP lines are cut off.
  const tailEnd = s.ends.find((e) => e.kind === 'echo' || e.kind === 'idle');
  const laterControlErr = (l: LogLine): boolean => s.controlErr !== null && s.controlErr.index > l.index;
  const up =
    s.upLine !== null ||
    hookScript(s, 'up') !== undefined ||
    // ipcp.c runs ip-down only when it ran ip-up (ipcp_script_state == s_up); netifd's ppp-down
    // is its ip-down (and ipv6-down) script: a down script means a network protocol was up.
    hookScript(s, 'down') !== undefined ||
    // ...unless the control connection failed after it: that is a later try that never came up.
    // (A GRE socket that never opened carried no frame: its echo time-out is no link that was up.)
    (tailEnd !== undefined && !laterControlErr(tailEnd.line) && s.greSocketFailed === null) ||
    // A connect time of a minute or more: the link had been up (rules.ts connect-time).
    (s.connectTime !== null && !laterControlErr(s.connectTime));
  // ccp.c ccp_down() logs "MPPE disabled" whenever CCP goes down while LCP is still open, and
  // fsm.c takes the upper layers down before LCP leaves OPENED: every hang-up, time-out or close
  // of a link that had MPPE says it. After an NCP timed out, or after another end was logged
  // (a hang-up, the peer's TermReq, IPCP giving up on the addresses), it is the link closing,
  // not MPPE failing (our own TermReq saying so too).
  const closing = (l: LogLine): boolean =>
    /MPPE disabled/i.test(l.msg) &&
    ((s.otherTimeout !== null && s.otherTimeout.index < l.index) ||
      s.ends.some((e) => e.line.index < l.index && e.kind !== 'mppe-disabled' && e.kind !== 'terminated'));
  const firstTerm = s.ends.find((e) => e.kind !== 'terminated' && e.kind !== 'hangup' && !(e.kind === 'mppe-disabled' && closing(e.line)));
  const ended = s.ends[0];

  // 1. pppd refused its own options: nothing else happened.
  if (s.configErr) {
    // On a server's side (pptpd's pppd) the same option errors are the server's configuration.
    const server = s.nonPptpLink?.source === 'pptpd' ? s.nonPptpLink : null;
    const what = CONFIG_WORDS.find(([re]) => re.test(s.configErr?.msg ?? ''))?.[1] ?? 'pppd rejected its options';
    return { verdict: 'config_error', endedBy: `${what}: ${s.configErr.msg}`, evidence: ev(server, s.configErr, s.configDetail) };
  }
  // 2. The kernel lacks PPP (or MPPE, or PPTP sockets).
  if (s.noKernel) {
    return { verdict: 'no_kernel_support', endedBy: `kernel support missing: ${s.noKernel.msg}`, evidence: ev(s.noKernel) };
  }
  // 2a. The kernel had PPP (this process had a channel or a unit), then refused a new unit.
  if (s.unitRefused && s.kernelPpp) {
    return {
      verdict: 'other',
      endedBy: `the kernel's PPP driver would not give pppd a new unit (${s.unitRefused.msg}), though it had PPP before (${s.kernelPpp.msg})`,
      evidence: ev(s.kernelPpp, s.unitRefused),
      cause: 'ppp-unit-refused',
    };
  }
  if (s.mppeKernel) {
    return { verdict: 'no_kernel_support', endedBy: `kernel lacks MPPE: ${s.mppeKernel.msg}`, evidence: ev(s.mppeKernel, s.mppeFail) };
  }

  if (!up) {
    // 3. pptp could not open (or keep) its TCP 1723 control connection.
    if (s.controlErr) {
      // macOS's L2TP plugin: IKE or the tunnel request (SCCRQ) got no answer. The L2TP peer
      // never answered, as xl2tpd's tunnel time-out says it (xl2tpd.ts): UDP 500/4500 or 1701
      // blocked on the way, the way GRE is for PPTP.
      if (s.controlErr === s.l2tpUnanswered) {
        return { verdict: 'no_response', endedBy: `the L2TP server did not answer: ${s.controlErr.msg}`, evidence: ev(s.controlErr), cause: 'l2tp-unanswered' };
      }
      const refused = s.controlErr === s.serverRefused ? { cause: 'server-refused' as const } : {};
      const what = l2tpSession(s) ? 'the L2TP tunnel could not be set up' : sstpSession(s) ? 'the SSTP connection could not be set up' : 'pptp control connection failed';
      return { verdict: 'control_refused', endedBy: `${what}: ${s.controlErr.msg}`, evidence: ev(s.controlErr, ended?.line), ...refused };
    }
    // macOS's plugin: a connect whose control handshake failed without an error of its own
    // (the server closed TCP 1723 during it: pptp_recv returns quietly) logs nothing after
    // "connecting to server", and pppd's own "Exit." never reaches ppp.log (main.c die).
    const lastLine = s.lines[s.lines.length - 1];
    if (s.appleConnecting && lastLine === s.appleConnecting) {
      return { verdict: 'control_refused', endedBy: `the connect got no further than "${s.appleConnecting.msg}": the server closed the control connection during the handshake (macOS's plugin logs nothing more)`, evidence: ev(s.appleConnecting) };
    }
    // 4. EAP: the peer insisted on EAP, or EAP ran and failed / used a method pppd lacks.
    // Not when pppd had no secret for any protocol: then EAP was only the peer's first offer.
    const eapOnly = s.peerAuthAsked.length > 0 && s.peerAuthAsked.every((a) => a === 'EAP') && s.authAcked === null && !s.noAuthSecret;
    const eapLine = s.eapFail ?? s.eapUnsupported;
    // We took the EAP the peer insisted on (no `refuse-eap`) and it hung up before any method
    // ran to a result: pppd's EAP client only has MD5-Challenge (and SRP); Windows RRAS asks
    // for PEAP/EAP-TLS next, or gives up on it at once.
    // (The seed: refuse-eap, "try it if you see EAP responses in debug log".)
    const eapCut = (s.authAcked === 'EAP' || s.authProtocol === 'EAP') && s.peerAuthAsked.every((a) => a === 'EAP') && s.authResult === 'none' && s.ends.some((e) => e.kind === 'peer-term');
    if (eapLine || (s.authProtocol === 'EAP' && s.authResult === 'failure') || (eapOnly && s.authRefused && s.authResult !== 'success') || eapCut) {
      const lcpEap = s.lines.find((l) => /rcvd \[LCP ConfReq.*<auth eap>/.test(l.msg));
      return {
        verdict: 'eap_refused_or_unsupported',
        endedBy: eapLine ? `EAP authentication failed: ${eapLine.msg}` : 'the peer asked for EAP and nothing else',
        evidence: ev(
          lcpEap,
          s.eapUnsupported,
          s.eapFail,
          s.authFail,
          eapCut ? s.lines.find((l) => /sent \[EAP Response/.test(l.msg)) : null,
          eapCut ? s.ends.find((e) => e.kind === 'peer-term')?.line : null,
        ),
      };
    }
    // 5. Authentication failed (wrong password, E=691, no secret, PAP refused...).
    // (A peer's "peer refused to authenticate" crossing our own MPPE refusal answers that.)
    const peerAuthTerm = s.ends.find(
      (e) => (e.kind === 'peer-term' || e.kind === 'local-term') && AUTH_REASON.test(e.detail) && !MPPE_REASON.test(e.detail) && !(s.mppeFail && s.mppeFail.index < e.line.index),
    );
    // A Windows server's Terminate-Request carrying a RAS error (rules.ts rasErrorOf) says why.
    const ras = s.rasError ? rasKind(s.rasError.code) : null;
    const noSecret = s.noAuthSecret !== null && !noSecretWasWarning(s);
    const authFailed = s.authResult === 'failure' && !authFailureWasWarning(s);
    if (authFailed || noSecret || s.peerRefusedAuth || peerAuthTerm || ras === 'auth') {
      const why = s.authError ? ` (${s.authError})` : '';
      const rasWords = ras === 'auth' && s.authResult !== 'failure' ? `: the Windows server hung up with RAS error ${s.rasError?.code ?? ''}` : '';
      return {
        verdict: 'auth_failed',
        endedBy: `authentication failed${why}${rasWords}`,
        evidence: ev(s.authPluginSaid, s.authFail, s.noAuthSecret, s.peerRefusedAuth, peerAuthTerm?.line, ras === 'auth' ? s.rasError?.line : null),
      };
    }
    // 6. MPPE could not be agreed (seed Troubleshooting), incl. the binary TermReq Windows sends.
    // A binary reason whose RAS error cannot be read (a paste cut it) is the encryption only
    // once the login succeeded: before it the decoded ones are nearly all 691 (login refused).
    // So is the peer's Terminate-Request (any reason, or none) right after this pppd refused the
    // peer's MPPE (`nomppe`: "sent [CCP ConfRej ... <mppe ...>]") before IPCP came up: a server
    // that requires MPPE (accel-ppp's mppe=require, mpd5) ends the link without saying why.
    const ourMppeRefusal = s.upLine === null ? s.lines.find((l) => /^sent \[CCP Conf(?:Rej|Nak)\b.*<mppe /.test(l.msg)) : undefined;
    const afterRefusal = (from: LogLine | null | undefined) => (from ? s.ends.find((e) => e.kind === 'peer-term' && e.line.index > from.index) : undefined);
    // (not where IPCP went on and ended on its own: a peer that acked or closed IPCP after the
    // refusal left for another reason, e.g. Windows's RAS 738, no address assigned)
    const ipcpWentOn = (from: LogLine, to: LogLine) => s.lines.some((l) => l.index > from.index && l.index < to.index && /^rcvd \[IPCP (?:ConfAck|TermReq)\b/.test(l.msg));
    const termAfterRefusal = afterRefusal(ourMppeRefusal);
    const refusedMppe = ourMppeRefusal && termAfterRefusal && !ipcpWentOn(ourMppeRefusal, termAfterRefusal.line) ? termAfterRefusal : undefined;
    const garbled =
      s.ends.find((e) => e.kind === 'peer-term' && isGarbledReason(e.detail) && (ras === 'encryption' || (ras === null && s.authResult === 'success'))) ??
      afterRefusal(s.ccpUnsupportedLocal) ??
      refusedMppe;
    if ((s.mppeFail && !closing(s.mppeFail)) || garbled) {
      const stateful = s.lines.find((l) => /Refusing MPPE stateful/i.test(l.msg));
      const ccpReq = [...s.lines].reverse().find((l) => /rcvd \[CCP ConfReq/.test(l.msg));
      const protRej = s.lines.find((l) => /Protocol-Reject for 'Compression Control Protocol'|rcvd \[LCP ProtRej.* 80 fd/i.test(l.msg));
      // ccp.c (and OpenWrt's MPPE-MPPC patch): the peer's Configure-Reject or -Nak of our mppe
      // option is what the key-length TermReq stands for; our own request shows MPPE was asked
      const ccpAnswer = [...s.lines].reverse().find((l) => /rcvd \[CCP Conf(?:Rej|Nak)\b.*<mppe /.test(l.msg));
      const ourReq = s.lines.find((l) => /sent \[CCP ConfReq\b.*<mppe /.test(l.msg));
      const line = s.mppeFail ?? garbled?.line;
      const noCcp = s.ccpUnsupportedLocal;
      return {
        verdict: 'mppe_failed',
        endedBy: s.mppeFail
          ? `MPPE negotiation failed: ${s.mppeFail.msg}`
          : garbled === refusedMppe
            ? 'terminated by peer after this pppd refused its MPPE (encryption not agreed)'
            : `terminated by peer with an unreadable reason right after authentication (encryption not agreed)`,
        evidence: ev(ourReq, ccpReq, ccpAnswer, stateful, protRej, noCcp, garbled === refusedMppe ? ourMppeRefusal : null, line),
      };
    }
    // "MPPE disabled" without a stop signal: CCP went down on its own.
    const mppeDown = s.ends.find((e) => e.kind === 'mppe-disabled');
    if (mppeDown && !s.ends.some((e) => e.kind === 'signal' || e.kind === 'child-signal') && !closing(mppeDown.line)) {
      return { verdict: 'mppe_failed', endedBy: 'MPPE was disabled (CCP went down)', evidence: ev(mppeDown.line) };
    }
    // 7a. The server closed the PPTP control connection (pptp_ctrl.c "read returned zero, peer
    //     has closed") before the peer ever spoke PPP: the call was never set up, so LCP times
    //     out as a consequence. (pptpd's view of a client leaving is a server log, not this.)
    const ctrlClosed = s.ends.find((e) => e.kind === 'pptp-peer-closed' && e.cause !== 'client-left');
    // (A server that clears a call its peer's LCP never reached, and pppd's LCP time-out after
    // it, are GRE not getting through: step 7. A bare EOF on TCP 1723 is not such a clear.)
    const eof = ctrlClosed !== undefined && /read returned zero|peer has closed/i.test(ctrlClosed.detail);
    if (ctrlClosed && !s.lcpRcvdAny && !s.lcpAckRcvd && s.authResult === 'none' && !(s.lcpTimeout && (s.lcpTimeout.index < ctrlClosed.line.index || !eof))) {
      // The call was set up ("Outgoing call established"), then the server closed it: it ended
      // the call (its own PPP gave up: a policy, an authentication or encryption mismatch that
      // its log tells), the control connection itself worked. So it did when the server sent a
      // Call-Clear, Call-Disconnect-Notify or Stop-Control-Connection request (pptp_ctrl.c reads
      // them on a control connection that is open), or hung up after the control connection was
      // set up (mtpd's "Remote server hung up" after "Tunnel established"): only a bare EOF on
      // TCP 1723, or a hang-up before the connection was set up, says the server would not
      // keep the connection at all.
      const explicit = /Call Clear|Stop[- ]Control|Disconnect[- ]Notify|Call disconnected/i.test(ctrlClosed.detail);
      if (s.callUp || explicit || (s.controlUp && !eof)) {
        return {
          verdict: 'terminated_by_peer',
          endedBy: L2TP_PEER.test(ctrlClosed.detail)
            ? `${ctrlClosed.detail.replace(XL2TPD_TAG, '')}, before PPP got anywhere`
            : `${s.callUp ? 'the server closed the PPTP call after setting it up' : 'the server ended the PPTP control connection'}, before PPP got anywhere (${ctrlClosed.detail})`,
          evidence: ev(s.lines.find((l) => /Outgoing call established/i.test(l.msg)), ctrlClosed.line),
        };
      }
      // pptp had sent its Start-Control-Connection-Request (TCP 1723 connected) and the server
      // closed the connection on it: the server refused, the path and the port are right
      const request = s.controlUp ? undefined : s.lines.find((l) => /control packet type is 1\b|'Start-Control-Connection-Request'/.test(l.msg));
      return {
        verdict: 'control_refused',
        endedBy: sstpSession(s) ? `the SSTP server ended the call before PPP started (${SSTP_ABORTED.exec(ctrlClosed.line.msg)?.[1] ?? ctrlClosed.detail})` : `the server closed the PPTP control connection before PPP started (${ctrlClosed.detail})`,
        evidence: ev(request, ctrlClosed.line, s.lcpTimeout),
        ...(request ? { cause: 'server-refused' as const } : {}),
      };
    }
    // 7. LCP never answered: GRE (IP protocol 47) does not get through.
    const sevenBit = peerSentText(s);
    if (sevenBit) return sevenBit;
    if (s.lcpTimeout && !s.lcpAckRcvd) {
      return {
        verdict: 'no_response',
        endedBy: 'no answer to LCP Config-Requests',
        evidence: ev(lcpCircuit(s), lcpBadAnswer(s), s.lines.find((l) => /sent \[LCP ConfReq/.test(l.msg)), s.lcpTimeout),
        ...lineCause(s),
      };
    }
    // 8. pptp went away before the peer ever answered: the control connection failed
    //    (its own message is in pptp's log, not pppd's).
    const hangup = s.ends.find((e) => e.kind === 'hangup');
    // The peer spoke PPP: it sent LCP, authenticated, or terminated LCP itself; "Connect time"
    // (main.c print_link_stats) is only logged once LCP had opened.
    const negotiated =
      s.lcpRcvdAny ||
      s.authResult !== 'none' ||
      s.ends.some((e) => e.kind === 'peer-term') ||
      s.lines.some((l) => /^(?:CHAP|PAP|EAP|MS-CHAP)|CCP|IPCP|MPPE|IP address|^Connect time [\d.]+ minutes/i.test(l.msg));
    if (s.greSocketFailed && !negotiated) {
      const who = s.greSocketFailed.source === 'pptpd' ? 'pptpd' : 'pptp';
      return {
        verdict: 'other',
        endedBy: `${who} could not open its GRE socket (${s.greSocketFailed.msg}): run it as root (or with CAP_NET_RAW)`,
        evidence: ev(s.lines.find((l) => /pptp_gre_bind|socket: Operation not permitted/i.test(l.msg)), s.greSocketFailed),
        cause: 'gre-socket',
      };
    }
    // The peer never answered a Configure-Request that fsm.c sent again and again: it does not
    // hear us, or we do not hear it (GRE), even when the log ends before pppd's LCP time-out.
    const confReqs = s.lcpSent.filter((t) => t.startsWith('ConfReq')).length;
    if (!s.lcpRcvdAny && confReqs >= 3) {
      return { verdict: 'no_response', endedBy: `no answer to ${confReqs} LCP Config-Requests`, evidence: ev(s.lines.find((l) => /sent \[LCP ConfReq/.test(l.msg)), ended?.line), ...lineCause(s) };
    }
    // pptp's GRE socket got EMSGSIZE (pptp_gre.c decaps_gre: an ICMP fragmentation-needed):
    // the call was carrying data, then broke on an oversized packet (an MTU problem), even
    // where the paste does not go back to the link coming up.
    const oversized = s.ends.find((e) => e.cause === 'gre-oversized');
    if (oversized) {
      return { verdict: 'link_dead', endedBy: `the PPTP call broke on an oversized GRE packet (${oversized.detail})`, evidence: ev(oversized.line, hangup?.line) };
    }
    if (s.ptyNotRun && !negotiated) {
      return { verdict: 'other', endedBy: `the pty program could not be run (${s.ptyNotRun.msg}): is pptp installed?`, evidence: ev(s.ptyNotRun) };
    }
    // PPPoE discovery got no answer, or the concentrator's refusal (the plugin's or rp-pppoe's
    // user-space client's words: a pty whose program quit is then no pptp)
    if ((s.discoveryTimeout || s.acError) && !s.lcpRcvdAny) {
      if (s.acError) {
        return { verdict: 'no_response', endedBy: `the access concentrator refused the PPPoE session (${s.acError.msg})`, evidence: ev(s.acError, s.discoveryTimeout), cause: 'pppoe-ac-refused' };
      }
      return { verdict: 'no_response', endedBy: 'no access concentrator answered PPPoE discovery', evidence: ev(s.discoveryTimeout), cause: 'pppoe-discovery' };
    }
    // pptp quit before any PPP frame and its own lines are not in the log: the usual reason is
    // its control connection (TCP 1723), but pptp's words alone tell (a GRE socket, a name that
    // does not resolve, a server that clears the call), so this is no verdict of its own.
    if ((hangup || s.ptyFailed) && !negotiated && !s.controlUp && !s.nonPptpLink && !s.ends.some((e) => e.kind === 'signal')) {
      const h = hangup?.line ?? s.ptyFailed;
      return {
        verdict: 'other',
        endedBy: PPTP_QUIT,
        evidence: ev(s.lines.find((l) => /Connect:\s*\S+\s*<-->/.test(l.msg)), s.ptyFailed, h),
        cause: 'pptp-quit',
      };
    }
    if (s.lcpTimeout) {
      return { verdict: 'no_response', endedBy: 'LCP negotiation never completed', evidence: ev(lcpCircuit(s), lcpBadAnswer(s), s.lcpTimeout), ...lineCause(s) };
    }
    // lcp.c: our own Configure-Requests came back (a modem echoing, a line looped back): pppd
    // closes LCP itself ("Loopback detected", which the loop sends back as a TermReq too); a
    // signal after that stops a pppd that had already given up.
    const loop = s.ends.find((e) => e.cause === 'looped-back');
    if (loop) return { verdict: 'other', endedBy: describe(loop), evidence: ev(loop.line), cause: 'looped-back' };
    // accel-ppp's ip-pre-up (pppd_compat.c ev_ses_pre_up) runs once IPCP agreed, before the
    // session starts, and a non-zero status terminates the session: the script ended it.
    const preUp = s.scripts.find((x) => x.script === 'ip-pre-up' && fromAccel(x.line) && scriptFailed(x));
    if (preUp) return { verdict: 'ip_script_failed', endedBy: `${scriptWords(preUp)}: accel-ppp ended the session before it started`, evidence: ev(preUp.line) };
    const peer = s.ends.find((e) => e.kind === 'peer-term');
    // A signal after "Connection terminated." stops a pppd that waits between attempts (persist,
    // holdoff): the attempt had ended already, for the reason before it (main.c).
    const over = s.ends.find((e) => e.kind === 'terminated');
    const sig = s.ends.find((e) => e.kind === 'signal' && !(over && over.line.index < e.line.index)) ?? s.ends.find((e) => e.kind === 'child-signal');
    const pptpClosed = s.ends.find((e) => e.kind === 'pptp-peer-closed');
    // A signal after the PPTP peer closed the connection is its consequence (pptpd stops its
    // pppd with SIGTERM when the client hangs up).
    const sigFirst = sig && (!peer || sig.line.index < peer.line.index) && !(pptpClosed && pptpClosed.line.index < sig.line.index);
    if (sig && sigFirst) {
      return stoppedLocally(s, sig);
    }
    if (peer) {
      return { verdict: 'terminated_by_peer', endedBy: describe(peer), evidence: ev(peer.line) };
    }
    if (pptpClosed) {
      return { verdict: 'terminated_by_peer', endedBy: describe(pptpClosed), evidence: ev(pptpClosed.line, hangup?.line), ...causeOf(pptpClosed) };
    }
    // What ended the attempt comes before "Connection terminated."; a signal after it only
    // stopped the waiting pppd.
    const cause = firstTerm && !(over && over.line.index < firstTerm.line.index) ? firstTerm : (hangup ?? ended);
    // An attempt that authenticated and then the log ends is a link still being set up: what
    // an earlier attempt ended with no longer tells (parse.ts diagnose).
    const unfinished = !cause && s.authResult === 'success';
    // fsm.c: IPCP (or another network protocol) got no agreement within its Config-Requests,
    // so pppd closed it and, with no network protocol left, the link: what follows ("No
    // network protocols running", "MPPE disabled", a hang-up) is that close.
    const ncp = s.otherTimeout;
    if (ncp && (!cause || ncp.index < cause.line.index)) {
      const proto = (/([A-Za-z0-9]+): timeout sending/i.exec(ncp.msg)?.[1] ?? 'IPCP').toUpperCase();
      return { verdict: 'other', endedBy: `${proto}: timeout sending Config-Requests`, evidence: ev(ncp, cause?.line), cause: 'ncp-timeout' };
    }
    // tty.c connect_tty: the connect script (chat, a dialer) exited non-zero before PPP started
    // and nothing else ended the attempt: the modem never connected (pppd exits 8). With no end
    // of its own it stays an attempt with no outcome (endedBy null), so a redial's failed dial
    // after a finished attempt leaves the verdict to that one (parse.ts diagnoseParsed).
    // chat's own "Failed"/"alarm" is that exit where the paste left pppd's line out (chat only).
    // (only before the link started: a disconnect script's chat, or a failed dial before a redial
    // that connected, is no connect script failing the attempt)
    const dialFailed = s.ptyFailed ? CONNECT_SCRIPT.test(s.ptyFailed.msg) : s.chatSaid !== null && !s.started;
    if (dialFailed && !negotiated && (!cause || cause.kind === 'hangup')) {
      return { verdict: 'other', endedBy: cause ? describe(cause) : null, evidence: ev(s.chatSaid, s.ptyFailed, cause?.line), cause: 'connect-script-failed' };
    }
    // The log ends while chat or wvdial dials, before pppd's link started (no "Connect:"): the
    // dial has no outcome in these lines.
    if (s.dialing && !s.started && !negotiated && !cause) {
      return { verdict: 'other', endedBy: null, evidence: ev(s.dialing), cause: 'dial-unfinished' };
    }
    // the peer closed one network protocol and nothing ended the link after it (settleNcpEnds)
    if (s.ncpClosed && !cause && !unfinished) {
      return { verdict: 'other', endedBy: `the peer closed one network protocol only (${s.ncpClosed.msg}); the link itself did not end in this log`, evidence: ev(s.ncpClosed), cause: 'ncp-closed' };
    }
    return {
      verdict: 'other',
      endedBy: cause ? describe(cause) : unfinished ? UNFINISHED_AFTER_AUTH : null,
      evidence: ev(s.otherTimeout, unfinished ? s.ccpTimeout : null, cause !== undefined && cause === hangup ? s.serialLine : null, cause?.line, s.lines[s.lines.length - 1]),
      ...(unfinished ? { cause: 'unfinished' as const } : causeOf(cause)),
    };
  }

  // The link came up (IPCP: local and remote address).
  const upIdx = s.upLine?.index ?? 0;
  const script = failedScript(s);
  if (script) {
    return {
      verdict: 'ip_script_failed',
      endedBy: firstEndAfterUp(s, upIdx) ?? scriptWords(script),
      evidence: ev(s.upLine, script.line),
    };
  }
  const after = s.ends.filter((e) => e.line.index >= upIdx);
  // The first cause after IPCP came up is the reason; what follows is its consequence.
  // "MPPE disabled" and a pty child killed by a signal are consequences of most stops: they
  // count only when nothing else does.
  const weak = (k: EndEvent['kind']): boolean => k === 'mppe-disabled' || k === 'child-signal';
  const cause =
    after.find((e) => e.kind !== 'terminated' && e.kind !== 'hangup' && e.kind !== 'local-term' && !weak(e.kind)) ??
    after.find((e) => e.kind === 'child-signal') ??
    after.find((e) => e.kind === 'mppe-disabled');
  const hang = after.find((e) => e.kind === 'hangup');
  const term = after.find((e) => e.kind === 'terminated');
  const pick = cause && hang && hang.line.index < cause.line.index && cause.kind !== 'pptp-peer-closed' && cause.kind !== 'pptp-link-error' ? hang : (cause ?? hang);
  if (!pick) {
    const local = after.find((e) => e.kind === 'local-term');
    if (local) return { verdict: 'other', endedBy: describe(local), evidence: ev(s.upLine, local.line), ...causeOf(local) };
    if (term) return { verdict: 'other', endedBy: 'connection terminated', evidence: ev(s.upLine, term.line) };
    return { verdict: 'up', endedBy: null, evidence: ev(s.authOk, s.upLine) };
  }
  switch (pick.kind) {
    case 'echo': {
      // On a modem's line or a PPPoE/PPPoA link no tunnel route or GRE is involved: the line
      // that shows which link it was is evidence, and the hint reads it.
      if (l2tpSession(s)) return { verdict: 'link_dead', endedBy: describe(pick), evidence: ev(s.upLine, pick.line), cause: 'l2tp-dead' };
      const line = s.serialLine ?? s.networkLink ?? (s.lines.some((l) => l.source === 'pptp') ? undefined : s.lines.find((l) => PPPOE_WORDS.test(l.msg)));
      return { verdict: 'link_dead', endedBy: describe(pick), evidence: ev(line, s.upLine, pick.line), ...(line ? { cause: 'echo-lost-line' as const } : {}) };
    }
    case 'idle':
      return { verdict: 'idle_disconnect', endedBy: describe(pick), evidence: ev(pick.line) };
    case 'signal':
    case 'child-signal':
      // (up without an address line: a connect time, an ip-up script, else the stop itself)
      return stoppedLocally(s, pick, s.upLine ?? hookScript(s, 'up')?.line ?? s.connectTime ?? pick.line);
    case 'mppe-disabled':
      return { verdict: 'mppe_failed', endedBy: 'MPPE was disabled while the link was up', evidence: ev(pick.line) };
    case 'mppe-error':
      return { verdict: 'mppe_failed', endedBy: describe(pick), evidence: ev(s.upLine, pick.line) };
    case 'peer-term':
      // A peer closing CCP on its way down says "MPPE disabled" in its Terminate-Request (iOS,
      // macOS, Android clients do on every hang-up): once MPPE was up, that is a plain hang-up.
      if (MPPE_REASON.test(pick.detail) && !(s.mppe !== null && /^MPPE disabled\.?$/i.test(pick.detail.trim())))
        return { verdict: 'mppe_failed', endedBy: describe(pick), evidence: ev(pick.line) };
      return { verdict: 'terminated_by_peer', endedBy: describe(pick), evidence: ev(s.upLine, pick.line) };
    case 'pptp-peer-closed':
      return { verdict: 'terminated_by_peer', endedBy: peerClosedWords(pick), evidence: ev(s.upLine, pick.line), ...causeOf(pick) };
    case 'pptp-link-error':
      return { verdict: 'link_dead', endedBy: `the PPTP control connection failed (${pick.detail})`, evidence: ev(s.upLine, pick.line) };
    case 'maxconnect':
      return { verdict: 'other', endedBy: describe(pick), evidence: ev(pick.line), ...causeOf(pick) };
    case 'hangup': {
      const pc = after.find((e) => e.kind === 'pptp-peer-closed');
      if (pc) return { verdict: 'terminated_by_peer', endedBy: peerClosedWords(pc), evidence: ev(pc.line, pick.line), ...causeOf(pc) };
      const le = after.find((e) => e.kind === 'pptp-link-error');
      if (le) return { verdict: 'link_dead', endedBy: `the PPTP control connection failed (${le.detail})`, evidence: ev(le.line, pick.line) };
      // A modem dropping carrier on a link that was up: the far end, the radio network, a USB
      // modem going away or the line itself; pppd (tty.c, main.c hangup) cannot tell which.
      if (s.serialLine) {
        return {
          verdict: 'other',
          endedBy: `${HANGUP.modem} (carrier lost on the serial line): the far end, the network or the device dropped the call`,
          evidence: ev(s.serialLine, s.upLine, pick.line),
          cause: 'carrier-lost',
        };
      }
      // pptpd closed its pppd's pty with no failure of its own logged: the client ended the call.
      if (s.tunnelServer) {
        return { verdict: 'terminated_by_peer', endedBy: "the client's call ended (pptpd closed pppd's pty)", evidence: ev(s.tunnelServer, s.upLine, pick.line), cause: 'client-left' };
      }
      return { verdict: 'other', endedBy: describe(pick), evidence: ev(s.upLine, pick.line), ...causeOf(pick) };
    }
    default:
      return { verdict: 'other', endedBy: describe(pick), evidence: ev(pick.line), ...causeOf(pick) };
  }
}

/** Configuration errors that are not pppd's options: what the line says was wrong. */
const CONFIG_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [PPPOE_NO_DEVICE, 'the PPPoE device pppd was given is no network device the kernel knows'],
  [L2TP_SECRET_REFUSED, 'the L2TP server did not accept the tunnel secret (its challenge response)'],
  [/^ppp: no free IPv4 address$/, "accel-ppp's IP pool has no free address for the client"],
];

/**
 * pppd's 8-bit clean check at the link's end found every byte from the peer 7-bit (rules.ts
 * not-8bit-clean): the peer sent text, never a PPP frame, so LCP was never answered, whether
 * pppd's LCP timed out first or the line hung up; a stop of pppd's own ends it differently.
 */
function peerSentText(s: Readonly<Session>): Decision | null {
  if (!s.sevenBitPeer || s.lcpRcvdAny || s.authResult !== 'none' || s.ends.some((e) => e.kind === 'signal' || e.kind === 'child-signal')) return null;
  return {
    verdict: 'no_response',
    endedBy: 'the peer sent only text (7-bit characters), never a PPP frame: LCP was never answered',
    evidence: ev(s.lcpTimeout, s.ends.find((e) => e.kind === 'hangup')?.line, s.sevenBitPeer),
    cause: 'peer-sent-text',
  };
}

/** The ip-up or ip-down script (netifd's ppp-up, ppp-down) an attempt ran: ipcp.c runs them as IPCP goes up and down. */
function hookScript(s: Session, which: 'up' | 'down'): HookScript | undefined {
  return s.scripts.find((x) => HOOK_SCRIPT[which].test(x.script));
}
const HOOK_SCRIPT = { up: /(?:^|[-_/])(?:ip|ppp)-?up/, down: /(?:^|[-_/])(?:ip|ppp)-?down/ } as const;

/** tty.c connect_tty's words when the connect (or init) script fails. */
const CONNECT_SCRIPT = /Connect script failed|Initializer script failed/i;

/**
 * A signal stopped pppd (`upLine`: the line that shows the link had come up). A signal after
 * xl2tpd gave up on its tunnel (network.c) is xl2tpd closing the call: the L2TP peer went
 * silent. Where NetworkManager's VPN plugin logged that it killed pppd (or the xl2tpd that runs
 * it), the signal is its (cause networkmanager-stopped), and a device that went down before that
 * is NetworkManager's reason; where its own PPP manager's time-out ran out first, that is the
 * reason (cause networkmanager-timeout): the link had not come up, the stop is the symptom.
 */
function stoppedLocally(s: Session, sig: EndEvent, upLine: LogLine | null = null): Decision {
  if (s.l2tpTimeout !== null && s.l2tpTimeout.index < sig.line.index) {
    const endedBy = 'the L2TP peer stopped answering: xl2tpd gave up on the tunnel after its retries and stopped pppd';
    return upLine
      ? { verdict: 'link_dead', endedBy, evidence: ev(upLine, s.l2tpTimeout, sig.line), cause: 'l2tp-dead' }
      : { verdict: 'no_response', endedBy, evidence: ev(s.l2tpTimeout, sig.line), cause: 'l2tp-no-ppp' };
  }
  const nm = s.networkManagerStop;
  if (!nm) return { verdict: 'stopped_locally', endedBy: describe(sig), evidence: ev(upLine, sig.line) };
  if (nm === s.networkManagerTimeout && !upLine) {
    const which = NM_VPN_CONFIG_TIMEOUT.test(nm.msg) ? 'VPN' : 'PPP';
    const endedBy = `${describe(sig)} from NetworkManager: its ${which} time-out ran out before the link came up`;
    return { verdict: 'stopped_locally', endedBy, evidence: ev(nm, sig.line), cause: 'networkmanager-timeout' };
  }
  const device = s.deviceDown && s.deviceDown.index < nm.index ? s.deviceDown : null;
  return { verdict: 'stopped_locally', endedBy: describe(sig), evidence: ev(upLine, device, nm, sig.line), cause: 'networkmanager-stopped' };
}

/** LCP unanswered on a modem's line or a network link (PPPoE, PPPoA): no GRE is involved. */
function lineCause(s: Session): Pick<Decision, 'cause'> {
  // xl2tpd set up the tunnel and the call (UDP 1701): PPP's frames are what does not pass
  if (l2tpSession(s)) return { cause: 'l2tp-no-ppp' };
  if (s.serialLine || s.networkLink) return { cause: 'lcp-unanswered-line' };
  // pptp (pptp.c main) copies no PPP frame before its call is set up ("Outgoing call
  // established"): where its own lines are in the log and never say so, the control connection
  // or the call went unanswered, or pptp's later lines are missing; GRE is then not yet the question.
  if (!serverSide(s) && !s.callUp && s.lines.some((l) => l.source === 'pptp')) return { cause: 'pptp-call-not-up' };
  return {};
}

/** An end's cause as a Decision's (spread into it), when the row that recorded the end knew one. */
function causeOf(e: EndEvent | undefined): Pick<Decision, 'cause'> {
  return e?.cause ? { cause: e.cause } : {};
}

function firstEndAfterUp(s: Session, upIdx: number): string | null {
  const e = firstEnd(s, upIdx, ['echo', 'idle', 'signal', 'peer-term', 'hangup', 'pptp-peer-closed', 'pptp-link-error']);
  const sc = failedScript(s);
  if (!sc) return null;
  return e ? `${scriptWords(sc)}; then ${describe(e)}` : scriptWords(sc);
}

/** pptp's rows say the server closed the call; pptpd's and accel-ppp's (a server's log) say the client did. */
function peerClosedWords(e: EndEvent): string {
  if (L2TP_PEER.test(e.detail)) return e.detail.replace(XL2TPD_TAG, '');
  // (sstpc's own line: the row's words name the SSTP server already)
  if (SSTP_ABORTED.test(e.line.msg)) return e.detail;
  return e.cause === 'client-left' ? e.detail.replace(SERVER_VIEW, '') : `the server closed the PPTP call (${e.detail})`;
}

/** endedBy of an attempt the log ends in after authentication succeeded (cause `unfinished`). */
export const UNFINISHED_AFTER_AUTH = 'the log ends after authentication succeeded, before the link came up';

/** endedBy of pptp quitting before PPP with no word of its own in the log (cause `pptp-quit`). */
export const PPTP_QUIT = "pptp exited before the peer answered, and its own lines (why) are not in this log";

/** Ends whose words name the L2TP peer that closed the call themselves (xl2tpd's rows, rules.ts XL2TPD_RULES, under xl2tpd's tag; macOS's L2TP plugin). */
const L2TP_PEER = /^(?:xl2tpd: )?the L2TP (?:peer|server) /;
const XL2TPD_TAG = /^xl2tpd: /;


function isGarbledReason(reason: string): boolean {
  if (reason === '') return false;
  // A reason field of NUL bytes only (pppd prints each as ^@) is padding: no reason given, not
  // the binary bytes a Windows server puts there when it drops a link without MPPE.
  if (/^(?:\^@|\\000)+$/.test(reason.trim())) return false;
  const escapes = (reason.match(/\\(?:3777777\d{4}|[0-7]{3})|M-|\^[@A-Z[\\\]^_]/g) ?? []).length;
  return escapes >= 2;
}
