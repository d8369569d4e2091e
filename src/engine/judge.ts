// The engine's decisions, as pure functions of what the router said: a tunnel's verdict, which
// tunnels to start, whether to roll back, and the host's status. No I/O: tested as tables
// (test/unit/engine-judge.test.ts); host.ts calls them between phases.
import { errorMessage, HostError } from '../errors.js';
import type { Facts, PppdProcess } from '../facts/types.js';
import type { TunnelManager, TunnelSpec } from '../inventory/types.js';
import { handRunPppd, netifdPppd, tunnelManager, tunnelPppd } from '../plan/manager.js';
import type { NetifdUp } from '../pptp/netifd-tunnels.js';
import { restartMarkerPath } from '../remote/paths.js';
import { netifdInterface } from '../render/netifd.js';
import type { Change } from '../plan/types.js';
import { diagnose } from '../pppd-log/parse.js';
import type { Verdict } from '../pppd-log/types.js';
import type { TunnelStatus } from '../pptp/scripts.js';
import type { HostResult, HostStatus, TunnelResult } from '../report/types.js';
import { SshError } from '../ssh/errors.js';
import type { HostStep } from './events.js';

/** A tunnel judged without a log: not checked (check mode), or plainly explained. */
export function tunnelWithoutLog(name: string, verdict: Verdict | 'not_checked', hint: string | null): TunnelResult {
  return { name, verdict, localIp: null, remoteIp: null, hint };
}

/**
 * A tunnel's verdict from its pppd log; `up` only while the pppd that earned it is alive. The
 * server the tunnel's configuration names fills the hint's commands when the log does not.
 */
export function tunnelFromLog(name: string, log: string, alive: boolean, server?: string): TunnelResult {
  const d = diagnose(log, { captured: true, ...(server ? { server } : {}) });
  let verdict: Verdict = d.verdict;
  // (an up tunnel's hint is what `diagnose` tells a reader of a pasted log; a fleet report lists only problems)
  let hint = d.verdict === 'up' ? null : d.hint;
  if (verdict === 'up' && !alive) {
    verdict = 'other';
    hint = 'pppd is no longer running although its log shows the link came up';
  }
  const t: TunnelResult = { name, verdict, localIp: d.localIp, remoteIp: d.remoteIp, hint };
  if (verdict !== 'up' && d.evidence.length > 0) t.evidence = d.evidence.slice(-8);
  return t;
}

/**
 * A running pppd's verdict from its recent lines. When they say nothing definite (its start has
 * rotated out of logread's ring buffer, which on a busy router takes hours) while the kernel has
 * the point-to-point route to its peer (pppd sets it once IPCP completed and removes it when the
 * link goes down), the link is up: the peer from that route, the local address unknown.
 */
export function runningTunnel(name: string, proc: PppdProcess, facts: Pick<Facts, 'peerRoutes'>): TunnelResult {
  // netifd's pppd has only its pid file by interface (pptp-NAME.pid), named as the interface
  const iface = proc.iface ?? (proc.by === 'ifname' ? proc.linkname : undefined);
  return withPeerRoute(tunnelFromLog(name, proc.recentLog ?? '', true), iface, iface === undefined ? undefined : facts.peerRoutes?.[iface]);
}

/** A live pppd's TR, up when its lines say nothing definite but the kernel has PEER via IFACE. */
function withPeerRoute(tr: TunnelResult, iface: string | undefined, peer: string | undefined): TunnelResult {
  if (tr.verdict !== 'other' || iface === undefined || peer === undefined) return tr;
  return {
    name: tr.name, verdict: 'up', localIp: null, remoteIp: peer,
    hint: `its log lines say nothing definite (rotated out of logread); the kernel's route to the peer via ${iface} shows the link up`,
  };
}

/**
 * No outcome within --tunnel-timeout: the up script stopped this pppd itself, so its own
 * "Terminating on signal 15" must not read as `stopped_locally`. Judge what came before it;
 * if that says nothing definite, say plainly that it timed out.
 */
export function tunnelTimedOut(name: string, log: string, timeoutSec: number, manager: TunnelManager = 'pppd'): TunnelResult {
  const lines = log.split('\n');
  const cut = lines.findLastIndex((l) => /Terminating on signal/.test(l));
  const t = tunnelFromLog(name, (cut >= 0 ? lines.slice(0, cut) : lines).join('\n'), false);
  if (t.verdict === 'other' || t.verdict === 'stopped_locally' || t.verdict === 'up') {
    t.verdict = 'other';
    t.hint =
      `no outcome within ${timeoutSec} s (--tunnel-timeout); ${manager === 'netifd' ? 'netifd was still setting the interface up' : 'pptp-fleet stopped this pppd'}. ` +
      'A slow server or a long LCP retry cycle: raise --tunnel-timeout, or run `pptp-fleet diagnose` on the router\'s logread.';
  }
  return t;
}

/** Why a netifd tunnel is down after pptp-fleet's failed attempt, and how to retry it. */
export function takenDownNote(name: string): string {
  return `interface taken down after the failed attempt, so netifd stops retrying it; \`ifup ${netifdInterface(name)}\` (or a rerun) retries`;
}

/** HINT with the taken-down note after it. */
export function withTakenDown(hint: string | null, name: string): string {
  return hint ? `${hint}; ${takenDownNote(name)}` : takenDownNote(name);
}

/**
 * What `status` reports for one tunnel: its verdict plus running, interface and since. `server`
 * is the inventory's: it fills the hint's commands (`nc SERVER 1723`) where pppd's lines name no
 * server (pptp.so names it only once connected); a server the lines name wins.
 */
export function tunnelStatus(s: TunnelStatus, server?: string): TunnelResult {
  if (s.manager === 'netifd') return netifdTunnelStatus(s, server);
  const tr = s.alive ? withPeerRoute(tunnelFromLog(s.name, s.log, true, server), s.iface ?? undefined, s.peer ?? undefined) : tunnelFromLog(s.name, s.log, false, server);
  if (!s.alive && tr.verdict === 'up') tr.verdict = 'other';
  // Nothing to judge: say so rather than leave a bare "other".
  if (!s.alive && s.log.trim() === '' && tr.hint === null) {
    tr.hint = s.pidFile
      ? 'not running (a stale pid file) and no log lines of it are left'
      : 'not running, and no log lines of it: never started on this router, or its log has rotated out';
  }
  tr.running = s.alive;
  tr.iface = s.iface ?? null;
  tr.since = s.since == null ? null : new Date(s.since * 1000).toISOString();
  return tr;
}

/**
 * netifd's error codes (ppp.sh's names for pppd's exit status) that mean exactly one verdict.
 * Others (AUTH_FAILED: exit 11 or 19; CONNECT_FAILED: any failed connect, refused or
 * unreachable; HANGUP, NEGOTIATION_FAILED...) fit several, so only pppd's lines decide.
 */
export const NETIFD_ERROR_VERDICTS: Readonly<Record<string, Verdict>> = {
  AUTH_TOPEER_FAILED: 'auth_failed', // exit 19: we failed to authenticate ourselves to the peer
  OPTION_ERROR: 'config_error', // exit 2
  INVALID_OPTIONS: 'config_error', // exit 2, older ppp.sh's name
  NO_KERNEL_SUPPORT: 'no_kernel_support', // exit 4
  IDLE_TIMEOUT: 'idle_disconnect', // exit 12
  PEER_DEAD: 'link_dead', // exit 15: the peer stopped answering LCP echo requests
};

/**
 * A netifd tunnel's status: running when netifd reports the interface up; the verdict from the
 * syslog lines of its pppd (the running one, else the last that had the interface), as for a
 * hand-run tunnel. netifd's error codes are evidence; one decides the verdict only when pppd's
 * lines say nothing definite (rotated out) and the code means exactly one verdict.
 */
function netifdTunnelStatus(s: TunnelStatus, server?: string): TunnelResult {
  const u = s.netifd ?? null;
  const running = u?.up === true;
  const tr = tunnelFromLog(s.name, s.log, s.alive, server);
  if (tr.verdict === 'other' && running) {
    // netifd reports the interface up (pppd's ip-up ran) while pppd's lines say nothing definite:
    // they have rotated out of logread's ring buffer
    tr.verdict = 'up';
    tr.hint = "netifd reports the interface up; its pppd's log lines have rotated out of logread";
    delete tr.evidence;
  }
  if (tr.verdict === 'up' && !running) {
    tr.verdict = 'other';
    tr.hint = u?.pending ? "pppd's log shows the link up, and netifd is setting the interface up again" : "pppd's log shows the link up, and netifd reports the interface down";
  }
  const codes = running ? [] : (u?.errors ?? []);
  if (codes.length > 0) {
    const exact = codes.map((c) => NETIFD_ERROR_VERDICTS[c]).find((v) => v !== undefined);
    const definite = tr.verdict !== 'other' || (tr.evidence?.length ?? 0) > 0;
    if (exact && !definite) {
      tr.verdict = exact;
      tr.hint = null;
    }
    tr.evidence = [...(tr.evidence ?? []), ...codes.map((c) => `netifd: ${c}`)].slice(-8);
    tr.hint ??= `netifd: ${codes.join(', ')}`;
  }
  // Down since pptp-fleet's failed attempt (the log is that attempt's): say why it is down.
  if (!running && s.takenDown) tr.hint = withTakenDown(tr.hint, s.name);
  if (!running && tr.hint === null) {
    if (!u) tr.hint = 'netifd has no interface for this tunnel (not applied on this router, or manager pppd)';
    else if (!u.autostart) tr.hint = 'interface down (ifdown, or auto 0): netifd leaves it down until the next ifup';
    else if (u.pending) tr.hint = 'netifd is setting the interface up (waiting for a route to the server, or pppd negotiating)';
    else if (s.log.trim() === '') tr.hint = 'interface down, and no log lines of its pppd: never started, or its log has rotated out';
  }
  if (running) {
    tr.localIp = u.localIp ?? tr.localIp;
    tr.remoteIp = u.remoteIp ?? tr.remoteIp;
  }
  tr.running = running;
  tr.iface = running ? u.l3Device : null;
  tr.since = s.since == null ? null : new Date(s.since * 1000).toISOString();
  return tr;
}

export interface TunnelsUpPlan {
  /** Tunnels to start (restart: its pppd runs an old config), with who runs them. */
  start: Array<{ name: string; restart: boolean; manager: TunnelManager }>;
  /** Tunnels already up with a current config, judged from their running pppd's log. */
  kept: TunnelResult[];
}

/** Which present tunnels the up step starts, restarts or keeps. */
export function planTunnelsUp(present: TunnelSpec[], facts: Facts, restart: ReadonlySet<string>): TunnelsUpPlan {
  const plan: TunnelsUpPlan = { start: [], kept: [] };
  for (const t of present) {
    const proc = tunnelPppd(t, facts);
    const manager = tunnelManager(t, facts);
    if (!proc) plan.start.push({ name: t.name, restart: false, manager });
    else if (restart.has(t.name)) plan.start.push({ name: t.name, restart: true, manager });
    else plan.kept.push(runningTunnel(t.name, proc, facts));
  }
  return plan;
}

/**
 * How tunnels-up brings up the netifd tunnels START. One whose interface section this apply's
 * `network reload` changed is left to netifd's restart (ensure), the others restarted by `ifup`.
 * An ensured tunnel that must run new pppd files (written or deleted by this apply, or a restart
 * marker left by an earlier one) carries the pid of its pppd from the facts: netifd restarts an
 * interface only when its own section changed (not for its routes), so when that pppd is still
 * the one running after the reload, it runs the old files and tunnels-up restarts it.
 */
export function netifdUps(start: ReadonlyArray<{ name: string; restart: boolean }>, facts: Facts, changes: readonly Change[]): NetifdUp[] {
  const reloaded = new Set(netifdTunnelsChanged(changes));
  const rewritten = new Set(changes.flatMap((c) => (c.kind === 'write-file' || c.kind === 'delete-file' ? (c.tunnels ?? []) : [])));
  return start.map((t) => {
    if (t.restart && !reloaded.has(t.name)) return { name: t.name, mode: 'restart' };
    const marked = (facts.files[restartMarkerPath(t.name)]?.type ?? 'missing') !== 'missing';
    const pid = rewritten.has(t.name) || marked ? netifdPppd(facts, t.name)?.pid : undefined;
    return pid === undefined ? { name: t.name, mode: 'ensure' } : { name: t.name, mode: 'ensure', stalePid: pid };
  });
}

/** Verify: the verdict of each present tunnel not judged yet, from the facts' running pppd. */
export function verifyTunnels(present: TunnelSpec[], judged: ReadonlyMap<string, TunnelResult>, facts: Facts): TunnelResult[] {
  return present
    .filter((t) => !judged.has(t.name))
    .map((t) => {
      const proc = tunnelPppd(t, facts);
      return proc ? runningTunnel(t.name, proc, facts) : tunnelWithoutLog(t.name, 'other', 'tunnel is not running (no live pppd for it)');
    });
}

/**
 * The tunnels to roll back, when this run took a snapshot (takesSnapshot: rollback enabled and some
 * pppd alive before) and wrote or deleted files or committed UCI: those that were up before this
 * run (alive, log says up; hand-run or netifd's) and do not verify now, and the netifd tunnels
 * whose interface this run added or changed (uci-batch `tunnels`) and do not verify. Empty: no
 * rollback. Without a snapshot nothing is put back, but no failed netifd tunnel is left retrying
 * either: tunnels-up took its interface down (tunnels-netifd.sh), as a hand-run one leaves no pppd.
 */
export function rollbackTunnels(input: { bad: string[]; initialFacts: Facts; changes: Change[]; snapshot: boolean }): string[] {
  if (!input.snapshot) return [];
  if (!input.changes.some((c) => c.kind === 'write-file' || c.kind === 'delete-file' || c.kind === 'uci-batch')) return [];
  const changedIfaces = new Set(netifdTunnelsChanged(input.changes));
  return input.bad.filter((name) => changedIfaces.has(name) || wasUp(input.initialFacts, name));
}

/** The netifd tunnels whose interface or routes CHANGES add or change. */
export function netifdTunnelsChanged(changes: readonly Change[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.kind === 'uci-batch' ? (c.tunnels ?? []) : [])))];
}

/** Tunnel NAME had a live pppd (hand-run or netifd's) judged up, as a kept tunnel is (runningTunnel). */
export function wasUp(facts: Facts, name: string): boolean {
  const proc = handRunPppd(facts, name) ?? netifdPppd(facts, name);
  return proc !== undefined && runningTunnel(name, proc, facts).verdict === 'up';
}

/** Snapshot files before an apply only over a working setup: a broken one is not worth going back to. */
export function takesSnapshot(rollback: boolean, initialFacts: Facts): boolean {
  return rollback && initialFacts.pppd.some((p) => p.alive);
}

/** `name=verdict [ip]`, comma-separated: the detail of a tunnel step's line. */
export function summarizeTunnels(ts: TunnelResult[]): string {
  return ts.map((t) => `${t.name}=${t.verdict}${t.localIp ? ` ${t.localIp}` : ''}`).join(', ');
}

export interface Failure {
  status: Extract<HostStatus, 'failed' | 'unreachable'>;
  step: HostStep;
  error: string;
}

/**
 * What an error means for the host: unreachable for connection-level failures, else failed;
 * at the error's own step, except an SSH error's generic "exec", where the run's step says more.
 */
export function failureOf(err: unknown, step: HostStep): Failure {
  const status = err instanceof HostError && err.kind === 'unreachable' ? 'unreachable' : 'failed';
  const ownStep = err instanceof HostError && err.step && !(err instanceof SshError && err.step === 'exec');
  // HostErrors are raised with the engine's own steps (phases.ts) or SSH's `connect`.
  return { status, step: ownStep ? (err.step as HostStep) : step, error: errorMessage(err) };
}

/** The host's status: failed when it failed, changed when it planned changes or acted on tunnels. */
export function hostStatus(input: { failure?: Failure; changes: number; tunnelsActed: boolean }): HostResult['status'] {
  if (input.failure) return input.failure.status;
  return input.changes > 0 || input.tunnelsActed ? 'changed' : 'ok';
}

/** The first line of a command's complaint, short enough for a report. */
export function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 300) ?? '';
}
