// One host from connect to result. Never throws: every outcome becomes a HostResult
// (STYLE.md: one result shape per host). The fleet runner (run.ts) calls this per host.
//
// The pipeline: connect → gather facts → per playbook step, plan (plan/) and either apply
// (packages: at once, re-gathering facts in the same exec) or queue the changes; tunnel steps
// first apply what is queued, then start/stop/verify. Round trips are in phases.ts, decisions
// (verdicts, rollback, status) in judge.ts; this file only keeps the run's state.
import type { Facts } from '../facts/types.js';
import type { HostSpec, TunnelSpec } from '../inventory/types.js';
import type { PlaybookStep } from '../playbook/types.js';
import { interfaceRestore, networkRestart, planStep, tunnelsToRestart } from '../plan/plan.js';
import { describeChange, type Change } from '../plan/types.js';
import type { HostResult, TunnelResult } from '../report/types.js';
import type { RunContext } from './context.js';
import type { HostStep, PlannedFile, StepStatus } from './events.js';
import {
  failureOf,
  hostStatus,
  netifdUps,
  planTunnelsUp,
  netifdTunnelsChanged,
  rollbackTunnels,
  summarizeTunnels,
  takesSnapshot,
  tunnelFromLog,
  tunnelStatus,
  tunnelTimedOut,
  tunnelWithoutLog,
  verifyTunnels,
  wasUp,
  withTakenDown,
  type Failure,
} from './judge.js';
import { HostError } from '../errors.js';
import { applyChanges, gatherFacts, HostLink, ping, readStatus, restoreSnapshot, startNetifdTunnels, startTunnels, stopTunnels } from './phases.js';
import { handRunPppd, hasNetifdInterface } from '../plan/manager.js';
import type { NetifdUpMode } from '../pptp/netifd-tunnels.js';
import { netifdInterface } from '../render/netifd.js';
import { uciConfigs } from './rollback.js';
import type { TunnelRun, TunnelStop } from '../pptp/scripts.js';

/** A change as a step line shows it: `network-restart network: REASON`. */
const withReason = (c: Change): string => `${c.kind} ${c.target}: ${c.reason}`;

/** Run the context's playbook on one host and describe what happened. */
export async function runHost(host: HostSpec, batch: number, ctx: RunContext): Promise<HostResult> {
  const started = Date.now();
  const run = new HostRun(host, ctx);
  try {
    await run.execute();
  } catch (err) {
    run.fail(err);
  } finally {
    await run.link?.transport.close().catch(() => undefined);
  }
  return run.result(batch, Date.now() - started);
}

/** The files of CHANGES that --diff shows (masked). */
export function plannedFiles(changes: Change[]): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const c of changes) {
    if (c.kind === 'write-file') files.push({ target: c.target, before: c.maskedBefore, after: c.maskedContent, replaceSymlink: c.replaceSymlink });
    else if (c.kind === 'delete-file') files.push({ target: c.target, before: c.maskedBefore, after: null, replaceSymlink: false });
    // Our UCI sections as `uci show` prints them (nothing secret in them).
    else if (c.kind === 'uci-batch') files.push({ target: `uci:${c.target}`, label: `uci show ${c.target}`, before: c.before, after: c.after, replaceSymlink: false });
  }
  return files;
}

class HostRun {
  link: HostLink | undefined;
  private step: HostStep = 'connect';
  private readonly changes: Change[] = [];
  private pending: Change[] = [];
  private readonly tunnels = new Map<string, TunnelResult>();
  private tunnelsActed = false;
  private failure: Failure | undefined;
  private rolledBack = false;
  private facts!: Facts;
  /** Facts as first gathered: what the router looked like before this run. */
  private initialFacts!: Facts;
  /** Whether this run's applies snapshot the files they touch (what a rollback puts back). */
  private snapshot = false;

  constructor(
    private readonly host: HostSpec,
    private readonly ctx: RunContext,
  ) {}

  private emitStep(status: StepStatus, detail?: string): void {
    this.ctx.emit({ type: 'step', host: this.host.name, step: this.step, status, detail });
  }

  private get selectedTunnels(): TunnelSpec[] {
    return this.host.tunnels.filter((t) => !this.ctx.tunnel || t.name === this.ctx.tunnel);
  }

  private get presentTunnels(): TunnelSpec[] {
    return this.selectedTunnels.filter((t) => t.state === 'present');
  }

  private get allNames(): string[] {
    return this.host.tunnels.map((t) => t.name);
  }

  private get l(): HostLink {
    if (!this.link) throw new HostError(this.host.name, this.step, 'not connected', 'unreachable');
    return this.link;
  }

  private setTunnels(ts: TunnelResult[]): void {
    for (const t of ts) this.tunnels.set(t.name, t);
  }

  async execute(): Promise<void> {
    this.emitStep('start');
    this.link = new HostLink(this.host.name, await this.ctx.connect(this.host));
    this.emitStep('ok');

    if (this.ctx.command === 'status') return this.showStatus();
    if (this.ctx.command === 'ping') {
      this.step = 'ping';
      return ping(this.l);
    }

    this.step = 'facts';
    this.facts = await gatherFacts(this.l, this.allNames);
    this.initialFacts = this.facts;
    this.snapshot = takesSnapshot(this.ctx.rollback, this.initialFacts);

    for (const s of this.ctx.playbook.steps) {
      this.step = s.kind;
      switch (s.kind) {
        case 'packages': {
          const changes = this.plan(planStep(s, this.host, this.facts));
          if (changes.length > 0 && !this.ctx.check) {
            this.emitStep('start', `${changes.length} change(s)`);
            // The install changes pppd, pptp and options.pptp: re-gather facts in the same exec.
            this.facts = (await this.apply(changes, this.allNames)) ?? this.facts;
          }
          // Name what was installed or removed: "packages changed" alone says nothing.
          this.emitStep(changes.length > 0 ? 'changed' : 'ok', changes.length > 0 ? changes.map((c) => `${c.kind} ${c.target.replace(/,/g, ' ')}`).join('; ') : undefined);
          break;
        }
        case 'modules':
        case 'pppd-files':
        case 'routing':
        case 'boot':
        case 'remove': {
          const changes = this.plan(planStep(s, this.host, this.facts));
          this.pending.push(...changes);
          this.emitStep(changes.length > 0 ? 'changed' : 'ok', changes.length > 0 ? `${changes.length} planned` : undefined);
          break;
        }
        case 'tunnels-up':
          await this.flush('tunnels-up');
          await this.tunnelsUp(s);
          break;
        case 'verify':
          await this.flush('verify');
          await this.verify();
          break;
        case 'tunnels-down':
          await this.flush('tunnels-down');
          await this.tunnelsDown();
          break;
      }
    }
    await this.flush('apply');
  }

  /** Records planned changes (and shows their files with --diff). */
  private plan(planned: Change[]): Change[] {
    // The routing and remove steps both revert our pending UCI changes: once is enough.
    const changes = planned.filter((c) => c.kind !== 'uci-revert' || !this.changes.some((p) => p.kind === c.kind && p.target === c.target));
    this.changes.push(...changes);
    const files = this.ctx.diff ? plannedFiles(changes) : [];
    if (files.length > 0) this.ctx.emit({ type: 'planned-files', host: this.host.name, files });
    return changes;
  }

  private apply(changes: Change[], refreshFactsOf?: string[]): Promise<Facts | undefined> {
    // After a `remove` step no tunnel runs: nothing to mark for a restart.
    const removes = this.ctx.playbook.steps.some((st) => st.kind === 'remove');
    return applyChanges(this.l, this.step, {
      changes,
      hasSha256sum: this.facts.hasSha256sum,
      snapshot: this.snapshot,
      runningTunnels: removes ? [] : this.host.tunnels.filter((t) => t.state === 'present').map((t) => t.name),
      refreshFactsOf,
      timeoutMs: this.ctx.commandTimeoutMs * 3,
      pppdVersion: this.facts.pppdVersion,
    });
  }

  /** Applies the queued changes in one exec, then goes on as step NEXT. */
  private async flush(next: HostStep): Promise<void> {
    const changes = this.pending;
    this.pending = [];
    if (changes.length > 0 && !this.ctx.check) {
      this.step = 'apply';
      this.emitStep('start', `${changes.length} change(s)`);
      await this.apply(changes);
      this.emitStep('changed');
    }
    this.step = next;
  }

  /**
   * The network restart the tunnels-up step will run (planNetworkRestart), judged from the router
   * as this run found it, before the install, for the tunnels it starts (--tunnel): only where
   * the playbook installs the packages (without the plugin the program restarts nothing).
   */
  private predictedRestart(step: Extract<PlaybookStep, { kind: 'tunnels-up' }>): Change[] {
    if (!this.ctx.playbook.steps.some((s) => s.kind === 'packages')) return [];
    return planStep(step, { ...this.host, tunnels: this.selectedTunnels }, this.initialFacts);
  }

  private async tunnelsUp(step: Extract<PlaybookStep, { kind: 'tunnels-up' }>): Promise<void> {
    const timeoutSec = step.timeoutSec;
    const present = this.presentTunnels;
    if (this.ctx.check) {
      this.setTunnels(present.map((t) => tunnelWithoutLog(t.name, 'not_checked', null)));
      const restart = this.plan(this.predictedRestart(step));
      this.emitStep('skipped', ['check mode', ...restart.map(withReason)].join('; '));
      return;
    }
    const plan = planTunnelsUp(present, this.facts, new Set(tunnelsToRestart(this.host, this.facts, this.changes)));
    this.setTunnels(plan.kept);
    if (plan.start.length === 0) {
      this.emitStep('ok', 'all tunnels already up');
      return;
    }
    this.emitStep('start', `starting ${plan.start.map((t) => t.name).join(', ')}`);
    const byPppd = plan.start.filter((t) => t.manager === 'pppd');
    const viaNetifd = plan.start.filter((t) => t.manager === 'netifd');
    // netifd restarts an interface whose section the apply's `network reload` changed: wait for
    // that attempt instead of starting another; `ifup` the others that must restart (netifdUps).
    // (netifd's first: its program may restart the network, which a hand-run tunnel started
    // before would not survive)
    let netifdRuns: TunnelRun[] = [];
    try {
      if (viaNetifd.length > 0) netifdRuns = await startNetifdTunnels(this.l, 'tunnels-up', netifdUps(viaNetifd, this.facts, this.changes), timeoutSec);
    } catch (err) {
      // An SSH session over the WAN may not survive the restart: the report still says it may have run.
      this.plan(this.predictedRestart(step).map((c) => networkRestart(`${c.reason}; it may have run before the session was lost`)));
      throw err;
    }
    const runs = [...netifdRuns, ...(byPppd.length > 0 ? await startTunnels(this.l, 'tunnels-up', byPppd, timeoutSec, this.facts.pppdVersion) : [])];
    // The restart also goes on the step's last line: plain output (CI logs) shows no start lines.
    let restartNote = '';
    if (runs.some((r) => r.netifdRestarted !== undefined)) {
      // What happened, planned or not (a plugin installed by hand without a restart): in the report's changes,
      // with the interfaces the program brought back after it (up before, auto 0: the new netifd left them down).
      const restored = runs.find((r) => r.netifdRestored !== undefined)?.netifdRestored ?? [];
      const restart = this.plan([
        networkRestart('netifd had no pptp protocol (ppp-mod-pptp was installed after it started): every interface went down for a moment'),
        ...restored.map(interfaceRestore),
      ]);
      restartNote = restart.map(withReason).join('; ');
      this.emitStep('start', restartNote);
    }
    for (const t of plan.start) {
      const run = runs.find((x) => x.name === t.name);
      if (!run) this.setTunnels([tunnelWithoutLog(t.name, 'other', 'the router printed no result for this tunnel')]);
      else {
        // the pppd just started runs the configuration applied now: its server is the inventory's
        const server = this.inventoryServer(t.name);
        const r = run.timedOut ? tunnelTimedOut(t.name, run.log, timeoutSec, t.manager) : tunnelFromLog(t.name, run.log, run.alive, server);
        if (run.netifdError && r.verdict !== 'up' && r.hint === null) r.hint = `netifd: ${run.netifdError}`;
        // netifd without the pptp protocol (proto.c: INVALID_PROTO, then interface_set_up's
        // NO_DEVICE): the restart failed to load it, or there was no get_proto_handlers to ask
        if ((run.netifdRestarted === 'failed' || run.netifdError === 'INVALID_PROTO' || run.netifdError === 'NO_DEVICE') && r.verdict !== 'up') {
          r.hint = 'netifd has no pptp protocol: ppp-mod-pptp is missing, or was installed after netifd started and netifd did not restart; `ls /usr/lib/pppd/*/pptp.so`, then `/etc/init.d/network restart` (every interface goes down for a moment)';
        }
        if (run.takenDown) r.hint = withTakenDown(r.hint, t.name);
        this.setTunnels([r]);
      }
    }
    this.tunnelsActed = true;
    const all = [...this.tunnels.values()];
    this.emitStep(all.some((t) => t.verdict !== 'up') ? 'failed' : 'changed', [restartNote, summarizeTunnels(all)].filter((x) => x !== '').join('; '));
  }

  private async verify(): Promise<void> {
    const present = this.presentTunnels;
    if (this.ctx.check) {
      this.emitStep('skipped', 'check mode');
      return;
    }
    this.setTunnels(verifyTunnels(present, this.tunnels, this.facts));
    const bad = present.map((t) => this.tunnels.get(t.name)!).filter((t) => t.verdict !== 'up');
    if (bad.length === 0) {
      this.emitStep('ok', summarizeTunnels([...this.tunnels.values()]));
      return;
    }
    const back = rollbackTunnels({ bad: bad.map((b) => b.name), initialFacts: this.initialFacts, changes: this.changes, snapshot: this.snapshot });
    if (back.length > 0) await this.rollback(back);
    throw new HostError(
      this.host.name,
      'verify',
      bad.map((b) => `tunnel ${b.name}: ${b.verdict}${b.hint ? ` (${b.hint})` : ''}`).join('; '),
    );
  }

  /**
   * Tunnels that were up before this run and do not verify now, and netifd tunnels this run
   * added or changed that do not verify: put the previous files back (the apply script kept them
   * on the router; /etc/config/network and firewall included when it committed UCI), with the
   * interfaces it added or changed taken down first and netifd reloaded after; then restart the
   * tunnels that were up before and verify them again. The host is still reported failed, with
   * both verdicts.
   */
  private async rollback(names: string[]): Promise<never> {
    this.step = 'rollback';
    this.emitStep('start', `restoring previous files for ${names.join(', ')}`);
    const changed = netifdTunnelsChanged(this.changes);
    await restoreSnapshot(this.l, this.ctx.commandTimeoutMs, { ifdown: changed.map(netifdInterface), reloads: uciConfigs(this.changes).map((u) => u.reload) });
    const failedVerdicts = new Map(names.map((n) => [n, this.tunnels.get(n)!.verdict]));
    const before = this.initialFacts;
    const upBefore = (n: string): boolean => wasUp(before, n);
    const byPppd = names.filter((n) => upBefore(n) && handRunPppd(before, n) !== undefined);
    // netifd's: those taken down (added or changed) come back with `ifup`, the others restart on the restored files
    const byNetifd = this.presentTunnels
      .map((t) => t.name)
      .filter((n) => upBefore(n) && handRunPppd(before, n) === undefined && (names.includes(n) || changed.includes(n)))
      .map((name) => ({ name, mode: (changed.includes(name) ? 'ensure' : 'restart') as NetifdUpMode }));
    const timeout = this.ctx.tunnelTimeoutSec;
    const runs = [
      ...(byPppd.length > 0 ? await startTunnels(this.l, 'rollback', byPppd.map((name) => ({ name, restart: true })), timeout, this.facts.pppdVersion) : []),
      ...(byNetifd.length > 0 ? await startNetifdTunnels(this.l, 'rollback', byNetifd, timeout) : []),
    ];
    for (const run of runs) {
      const t = run.timedOut ? tunnelTimedOut(run.name, run.log, timeout, byPppd.includes(run.name) ? 'pppd' : 'netifd') : tunnelFromLog(run.name, run.log, run.alive);
      if (run.takenDown) t.hint = withTakenDown(t.hint, run.name);
      const prev = failedVerdicts.get(run.name);
      if (prev && prev !== 'not_checked') t.previousVerdict = prev;
      this.setTunnels([t]);
    }
    this.rolledBack = true;
    const restored = names.map((n) =>
      upBefore(n) ? `${n}: new config ${failedVerdicts.get(n)}, restored config ${this.tunnels.get(n)?.verdict}` : `${n}: new config ${failedVerdicts.get(n)}, taken down (was not up before)`,
    );
    throw new HostError(this.host.name, 'verify', `rolled back: ${restored.join('; ')}`);
  }

  private async tunnelsDown(): Promise<void> {
    // Hand-run pppds by their pid files; netifd interfaces of ours (running or retrying) by ifdown.
    const handRun = this.selectedTunnels.map((t) => t.name).filter((n) => handRunPppd(this.facts, n) !== undefined);
    const viaNetifd = this.selectedTunnels.map((t) => t.name).filter((n) => !handRun.includes(n) && hasNetifdInterface(this.facts, n));
    const running = [...handRun, ...viaNetifd];
    if (running.length === 0 || this.ctx.check) {
      this.emitStep(running.length ? 'skipped' : 'ok', running.length ? 'check mode' : 'nothing running');
      return;
    }
    // Both managers' tunnels in one exec.
    const out: TunnelStop[] = await stopTunnels(this.l, handRun, this.facts.pppdVersion, viaNetifd);
    this.setTunnels(out.map((t) => tunnelFromLog(t.name, t.log, !t.stopped)));
    this.tunnelsActed = true;
    const stuck = out.filter((t) => t.wasRunning && !t.stopped).map((t) => t.name);
    if (stuck.length > 0) throw new HostError(this.host.name, 'tunnels-down', `still running: ${stuck.join(', ')}`);
    this.emitStep('changed', `stopped ${running.join(', ')}`);
  }

  /** The server the inventory gives a tunnel (for hints whose pppd lines name none). */
  private inventoryServer(name: string): string | undefined {
    return this.host.tunnels.find((x) => x.name === name)?.server || undefined;
  }

  private async showStatus(): Promise<void> {
    this.step = 'status';
    const statuses = await readStatus(this.l, this.selectedTunnels.map((t) => ({ name: t.name, manager: t.manager })));
    this.setTunnels(statuses.map((s) => tunnelStatus(s, this.inventoryServer(s.name))));
    this.emitStep('ok', summarizeTunnels([...this.tunnels.values()]));
  }

  fail(err: unknown): void {
    this.failure = failureOf(err, this.step);
    this.step = this.failure.step;
    this.emitStep('failed', this.failure.error);
  }

  result(batch: number, durationMs: number): HostResult {
    const f = this.failure;
    return {
      name: this.host.name,
      status: hostStatus({ failure: f, changes: this.changes.length, tunnelsActed: this.tunnelsActed }),
      changes: this.changes.map(describeChange),
      tunnels: [...this.tunnels.values()],
      sshExecs: this.link?.execs ?? 0,
      bytesSent: this.link?.transport.bytesSent ?? 0,
      durationMs,
      ...(f ? { step: f.step, error: f.error } : {}),
      ...(this.rolledBack ? { rolledBack: true } : {}),
      batch,
    };
  }
}
