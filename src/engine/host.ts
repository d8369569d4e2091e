// One host from connect to result. Never throws: every outcome becomes a HostResult
// (STYLE.md: one result shape per host). The fleet runner (run.ts) calls this per host.
import { createTwoFilesPatch } from 'diff';
import { errorMessage, HostError } from '../errors.js';
import { FACTS_COMMAND, factsScript } from '../facts/gather.js';
import { parseFacts } from '../facts/parse.js';
import type { Facts } from '../facts/types.js';
import type { HostSpec, TunnelSpec } from '../inventory/types.js';
import { APPLY_COMMAND, applyScript, parseApplyOutput } from '../apply/script.js';
import { planStep, plannerPaths, tunnelsToRestart } from '../plan/plan.js';
import { describeChange, type Change } from '../plan/types.js';
import { diagnose } from '../pppd-log/parse.js';
import type { Verdict } from '../pppd-log/types.js';
import {
  TUNNELS_DOWN_COMMAND,
  TUNNELS_STATUS_COMMAND,
  TUNNELS_UP_COMMAND,
  parseTunnelsDownOutput,
  parseTunnelsStatusOutput,
  parseTunnelsUpOutput,
  tunnelsDownScript,
  tunnelsStatusScript,
  tunnelsUpScript,
} from '../pptp/scripts.js';
import type { HostResult, TunnelResult } from '../report/types.js';
import { gzipOutputFor } from '../shell/compress.js';
import { SshError, SshSession, type ExecResult, type SshTarget } from '../ssh/session.js';
import { jumpTarget } from '../ssh/target.js';
import type { RunContext } from './context.js';
import { backupScript, restoreScript, ROLLBACK_COMMAND } from './rollback.js';

// Hosts with the same tunnel names get the same facts script: it is built once per name list.
const factsScripts = new Map<string, string>();
function factsScriptFor(names: string[]): string {
  const key = names.join('\n');
  let script = factsScripts.get(key);
  if (script === undefined) {
    script = factsScript(plannerPaths(names));
    factsScripts.set(key, script);
  }
  return script;
}

/** Run the context's playbook on one host and describe what happened. */
export async function runHost(host: HostSpec, batch: number, ctx: RunContext): Promise<HostResult> {
  const started = Date.now();
  const run = new HostRun(host, batch, ctx);
  try {
    await run.execute();
  } catch (err) {
    run.fail(err);
  } finally {
    await run.close();
  }
  return run.result(Date.now() - started);
}

class HostRun {
  private session: SshSession | undefined;
  private step = 'connect';
  private readonly changes: Change[] = [];
  private pending: Change[] = [];
  private readonly tunnels = new Map<string, TunnelResult>();
  private status: HostResult['status'] = 'ok';
  private error: string | undefined;
  private rolledBack = false;
  private execs = 0;
  private facts!: Facts;
  /** Facts as first gathered: what the router looked like before this run. */
  private initialFacts!: Facts;

  constructor(
    private readonly host: HostSpec,
    private readonly batch: number,
    private readonly ctx: RunContext,
  ) {}

  private emitStep(status: 'start' | 'ok' | 'changed' | 'failed' | 'skipped', detail?: string): void {
    this.ctx.emit({ type: 'step', host: this.host.name, step: this.step, status, detail });
  }

  private get selectedTunnels(): TunnelSpec[] {
    return this.host.tunnels.filter((t) => !this.ctx.tunnel || t.name === this.ctx.tunnel);
  }

  async execute(): Promise<void> {
    this.emitStep('start');
    this.session = await SshSession.connect(toTarget(this.host, this.ctx.defaultKeyFile), this.ctx.ssh);
    this.emitStep('ok');

    if (this.ctx.command === 'status') return this.showStatus();
    if (this.ctx.command === 'ping') return this.ping();

    this.step = 'facts';
    this.facts = await this.gatherFacts();
    this.initialFacts = this.facts;

    for (const s of this.ctx.playbook.steps) {
      this.step = s.kind;
      switch (s.kind) {
        case 'packages': {
          const changes = planStep(s, this.host, this.facts);
          this.record(changes);
          if (changes.length > 0 && !this.ctx.check) {
            this.emitStep('start', `${changes.length} change(s)`);
            // The install changes pppd, pptp and options.pptp: re-gather facts in the same exec.
            this.facts = await this.apply(changes, true);
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
          const changes = planStep(s, this.host, this.facts);
          this.record(changes);
          this.pending.push(...changes);
          this.emitStep(changes.length > 0 ? 'changed' : 'ok', changes.length > 0 ? `${changes.length} planned` : undefined);
          break;
        }
        case 'tunnels-up':
          await this.flush();
          this.step = 'tunnels-up';
          await this.tunnelsUp(s.timeoutSec);
          break;
        case 'verify':
          await this.flush();
          this.step = 'verify';
          await this.verify();
          break;
        case 'tunnels-down':
          await this.flush();
          this.step = 'tunnels-down';
          await this.tunnelsDown();
          break;
      }
    }
    this.step = 'apply';
    await this.flush();
  }

  private record(changes: Change[]): void {
    this.changes.push(...changes);
    if (changes.length > 0 && this.status === 'ok') this.status = 'changed';
    if (!this.ctx.diff) return;
    for (const c of changes) {
      if (c.kind === 'write-file') {
        let diff = createTwoFilesPatch(c.target, c.target, c.maskedBefore, c.maskedContent, 'router', 'planned');
        // Masked alike on both sides: say why there is no hunk rather than show none.
        if (c.maskedBefore === c.maskedContent) {
          diff += c.replaceSymlink
            ? '(no line changes: the symlink is replaced by a regular file with the same content)\n'
            : '(no visible line changes: only a masked secret (***) changed)\n';
        }
        this.ctx.emit({ type: 'diff', host: this.host.name, file: c.target, diff });
      } else if (c.kind === 'delete-file') {
        const diff = createTwoFilesPatch(c.target, '/dev/null', c.maskedBefore, '', 'router', 'planned');
        this.ctx.emit({ type: 'diff', host: this.host.name, file: c.target, diff });
      }
    }
  }

  private async exec(command: string, stdin: string, timeoutMs?: number): Promise<ExecResult> {
    if (!this.session) throw new HostError(this.host.name, this.step, 'not connected', 'unreachable');
    this.execs++;
    // Scripts whose output grows with the tunnels compress it (shell/compress.ts).
    const r = await this.session.exec(command, { stdin, timeoutMs, gunzipStdout: true });
    if (r.timedOut) {
      throw new HostError(this.host.name, this.step, `command timed out after ${r.durationMs} ms`);
    }
    return r;
  }

  private async gatherFacts(): Promise<Facts> {
    const names = this.host.tunnels.map((t) => t.name);
    const r = await this.exec(FACTS_COMMAND, gzipOutputFor(names.length, factsScriptFor(names)));
    if (r.exitCode !== 0) {
      throw new HostError(this.host.name, 'facts', `fact gathering exited ${r.exitCode}: ${firstLine(r.stderr)}`);
    }
    return parseFacts(r.stdout);
  }

  /** Send changes as one script; optionally re-gather facts in the same exec. */
  private async apply(changes: Change[], refreshFacts: boolean): Promise<Facts> {
    const names = this.host.tunnels.map((t) => t.name);
    const trailer = refreshFacts ? factsScriptFor(names) : undefined;
    // Snapshot only a working setup: a broken one is not worth going back to.
    const wasUp = this.initialFacts.pppd.some((p) => p.alive);
    const backups = this.ctx.rollback && wasUp ? backupScript(changes) : '';
    // After a `remove` step no tunnel runs: nothing to mark for a restart.
    const removes = this.ctx.playbook.steps.some((st) => st.kind === 'remove');
    const runningTunnels = removes ? [] : this.host.tunnels.filter((t) => t.state === 'present').map((t) => t.name);
    const body = backups + applyScript(changes, { hasSha256sum: this.facts.hasSha256sum, trailer, runningTunnels });
    // With re-gathered facts the output is as large as the facts' own.
    const script = trailer ? gzipOutputFor(names.length, body) : body;
    // The audit log names the phase: packages (with re-gathered facts) or config.
    const command = refreshFacts ? APPLY_COMMAND.replace(/apply$/, 'packages') : APPLY_COMMAND;
    const r = await this.exec(command, script, this.ctx.ssh.commandTimeoutMs * 3);
    const out = parseApplyOutput(r.stdout);
    if (out.failed) {
      const f = out.failed;
      // The command's own complaint (e.g. cat: "No space left on device") is on stderr.
      const why = firstLine(r.stderr);
      throw new HostError(this.host.name, this.step, `${f.kind} ${f.target} failed (exit ${f.exitCode}): ${f.message}${why ? ` (${why})` : ''}`);
    }
    if (r.exitCode !== 0) {
      throw new HostError(this.host.name, this.step, `apply script exited ${r.exitCode}: ${firstLine(r.stderr)}`);
    }
    return refreshFacts ? parseFacts(out.trailerOutput) : this.facts;
  }

  /** Apply the planned changes that are waiting, in one exec. */
  private async flush(): Promise<void> {
    if (this.pending.length === 0 || this.ctx.check) {
      this.pending = [];
      return;
    }
    const changes = this.pending;
    this.pending = [];
    const step = this.step;
    this.step = 'apply';
    this.emitStep('start', `${changes.length} change(s)`);
    await this.apply(changes, false);
    this.emitStep('changed');
    this.step = step;
  }

  private async tunnelsUp(timeoutSec: number): Promise<void> {
    const present = this.selectedTunnels.filter((t) => t.state === 'present');
    if (this.ctx.check) {
      for (const t of present) this.setTunnel(t.name, 'not_checked', null);
      this.emitStep('skipped', 'check mode');
      return;
    }
    const restart = new Set(tunnelsToRestart(this.host, this.facts, this.changes));
    const todo: Array<{ name: string; restart: boolean }> = [];
    for (const t of present) {
      const proc = this.facts.pppd.find((p) => p.linkname === t.name && p.alive);
      if (!proc) todo.push({ name: t.name, restart: false });
      else if (restart.has(t.name)) todo.push({ name: t.name, restart: true });
      else this.setTunnelFromLog(t.name, proc.recentLog ?? '', true);
    }
    if (todo.length === 0) {
      this.emitStep('ok', 'all tunnels already up');
      return;
    }
    this.emitStep('start', `starting ${todo.map((t) => t.name).join(', ')}`);
    const r = await this.exec(TUNNELS_UP_COMMAND, gzipOutputFor(todo.length, tunnelsUpScript(todo, timeoutSec)), (timeoutSec + 30) * 1000);
    const runs = parseTunnelsUpOutput(r.stdout);
    for (const t of todo) {
      const runOut = runs.find((x) => x.name === t.name);
      if (!runOut) {
        this.setTunnel(t.name, 'other', 'the router printed no result for this tunnel');
        continue;
      }
      if (runOut.timedOut) this.setTunnelTimedOut(t.name, runOut.log, timeoutSec);
      else this.setTunnelFromLog(t.name, runOut.log, runOut.alive);
    }
    if (this.status === 'ok') this.status = 'changed';
    const bad = [...this.tunnels.values()].filter((t) => t.verdict !== 'up');
    this.emitStep(bad.length ? 'failed' : 'changed', summarizeTunnels([...this.tunnels.values()]));
  }

  private async verify(): Promise<void> {
    const present = this.selectedTunnels.filter((t) => t.state === 'present');
    if (this.ctx.check) {
      this.emitStep('skipped', 'check mode');
      return;
    }
    for (const t of present) {
      if (this.tunnels.has(t.name)) continue;
      const proc = this.facts.pppd.find((p) => p.linkname === t.name && p.alive);
      if (proc) this.setTunnelFromLog(t.name, proc.recentLog ?? '', true);
      else this.setTunnel(t.name, 'other', 'tunnel is not running (no live pppd for it)');
    }
    const bad = present.map((t) => this.tunnels.get(t.name)!).filter((t) => t.verdict !== 'up');
    if (bad.length === 0) {
      this.emitStep('ok', summarizeTunnels([...this.tunnels.values()]));
      return;
    }
    if (this.ctx.rollback && (await this.tryRollback(bad.map((b) => b.name)))) return;
    throw new HostError(
      this.host.name,
      'verify',
      bad.map((b) => `tunnel ${b.name}: ${b.verdict}${b.hint ? ` (${b.hint})` : ''}`).join('; '),
    );
  }

  /**
   * A tunnel that was up before this run and does not verify now: put the previous pppd files
   * back (the apply script kept them on the router), restart it and verify again. The host is
   * still reported failed, with both verdicts.
   */
  private async tryRollback(badNames: string[]): Promise<boolean> {
    const wasUp = badNames.filter((name) => {
      const proc = this.initialFacts.pppd.find((p) => p.linkname === name && p.alive);
      return proc !== undefined && diagnose(proc.recentLog ?? '').verdict === 'up';
    });
    const writtenFiles = this.changes.filter((c) => c.kind === 'write-file' || c.kind === 'delete-file');
    if (wasUp.length === 0 || writtenFiles.length === 0) return false;
    this.step = 'rollback';
    this.emitStep('start', `restoring previous files for ${wasUp.join(', ')}`);
    const r = await this.exec(ROLLBACK_COMMAND, restoreScript(), this.ctx.ssh.commandTimeoutMs);
    if (r.exitCode !== 0) {
      throw new HostError(this.host.name, 'rollback', `restoring previous files failed: ${firstLine(r.stderr || r.stdout)}`);
    }
    const failedVerdicts = new Map(wasUp.map((n) => [n, this.tunnels.get(n)!.verdict]));
    const again = await this.exec(
      TUNNELS_UP_COMMAND,
      gzipOutputFor(wasUp.length, tunnelsUpScript(wasUp.map((name) => ({ name, restart: true })), this.ctx.tunnelTimeoutSec)),
      (this.ctx.tunnelTimeoutSec + 30) * 1000,
    );
    for (const runOut of parseTunnelsUpOutput(again.stdout)) {
      this.setTunnelFromLog(runOut.name, runOut.log, runOut.alive);
      const t = this.tunnels.get(runOut.name);
      const prev = failedVerdicts.get(runOut.name);
      if (t && prev && prev !== 'not_checked') t.previousVerdict = prev;
    }
    this.rolledBack = true;
    const restored = wasUp.map((n) => `${n}: new config ${failedVerdicts.get(n)}, restored config ${this.tunnels.get(n)?.verdict}`);
    throw new HostError(this.host.name, 'verify', `rolled back: ${restored.join('; ')}`);
  }

  private async tunnelsDown(): Promise<void> {
    const names = this.selectedTunnels.map((t) => t.name);
    const running = names.filter((n) => this.facts.pppd.some((p) => p.linkname === n && p.alive));
    if (running.length === 0 || this.ctx.check) {
      this.emitStep(running.length ? 'skipped' : 'ok', running.length ? 'check mode' : 'nothing running');
      return;
    }
    const r = await this.exec(TUNNELS_DOWN_COMMAND, tunnelsDownScript(running, 15), 60_000);
    const out = parseTunnelsDownOutput(r.stdout);
    const stuck = out.filter((t) => t.wasRunning && !t.stopped).map((t) => t.name);
    for (const t of out) this.setTunnelFromLog(t.name, t.log, !t.stopped);
    if (this.status === 'ok') this.status = 'changed';
    if (stuck.length > 0) throw new HostError(this.host.name, 'tunnels-down', `still running: ${stuck.join(', ')}`);
    this.emitStep('changed', `stopped ${running.join(', ')}`);
  }

  private async showStatus(): Promise<void> {
    this.step = 'status';
    const names = this.selectedTunnels.map((t) => t.name);
    const r = await this.exec(TUNNELS_STATUS_COMMAND, gzipOutputFor(names.length, tunnelsStatusScript(names)));
    for (const s of parseTunnelsStatusOutput(r.stdout)) {
      const tr = this.setTunnelFromLog(s.name, s.log, s.alive);
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
    }
    this.emitStep('ok', summarizeTunnels([...this.tunnels.values()]));
  }

  private async ping(): Promise<void> {
    this.step = 'ping';
    const r = await this.exec('true', '');
    if (r.exitCode !== 0) throw new HostError(this.host.name, 'ping', `true exited ${r.exitCode}`);
  }

  private setTunnel(name: string, verdict: Verdict | 'not_checked', hint: string | null): TunnelResult {
    const t: TunnelResult = { name, verdict, localIp: null, remoteIp: null, hint };
    this.tunnels.set(name, t);
    return t;
  }

  private setTunnelFromLog(name: string, log: string, alive: boolean): TunnelResult {
    const d = diagnose(log);
    let verdict: Verdict = d.verdict;
    let hint = d.hint;
    // An up verdict is only true while the pppd that earned it is alive.
    if (verdict === 'up' && !alive) {
      verdict = 'other';
      hint = 'pppd is no longer running although its log shows the link came up';
    }
    const t: TunnelResult = { name, verdict, localIp: d.localIp, remoteIp: d.remoteIp, hint };
    if (verdict !== 'up' && d.evidence.length > 0) t.evidence = d.evidence.slice(-8);
    this.tunnels.set(name, t);
    return t;
  }

  /**
   * No outcome within --tunnel-timeout: the up script stopped this pppd itself, so its own
   * "Terminating on signal 15" must not read as `stopped_locally`. Judge what came before it;
   * if that says nothing definite, say plainly that it timed out.
   */
  private setTunnelTimedOut(name: string, log: string, timeoutSec: number): TunnelResult {
    const lines = log.split('\n');
    const cut = lines.findLastIndex((l) => /Terminating on signal/.test(l));
    const t = this.setTunnelFromLog(name, (cut >= 0 ? lines.slice(0, cut) : lines).join('\n'), false);
    if (t.verdict === 'other' || t.verdict === 'stopped_locally' || t.verdict === 'up') {
      t.verdict = 'other';
      t.hint =
        `no outcome within ${timeoutSec} s (--tunnel-timeout); pptp-fleet stopped this pppd. ` +
        'A slow server or a long LCP retry cycle: raise --tunnel-timeout, or run `pptp-fleet diagnose` on the router\'s logread.';
    }
    return t;
  }

  fail(err: unknown): void {
    // SshError marks every connection-level failure (refused, handshake, closed mid-command) unreachable.
    this.status = err instanceof HostError && err.kind === 'unreachable' ? 'unreachable' : 'failed';
    this.error = errorMessage(err);
    // An SSH error knows only "exec"; the step this run was in says more (facts, packages, …).
    if (err instanceof HostError && err.step && !(err instanceof SshError && err.step === 'exec')) this.step = err.step;
    this.emitStep('failed', this.error);
  }

  async close(): Promise<void> {
    await this.session?.close().catch(() => undefined);
  }

  result(durationMs: number): HostResult {
    const failed = this.status === 'failed' || this.status === 'unreachable';
    return {
      name: this.host.name,
      status: this.status,
      changes: this.changes.map(describeChange),
      tunnels: [...this.tunnels.values()],
      sshExecs: this.execs,
      bytesSent: this.session?.bytesSent ?? 0,
      durationMs,
      ...(failed ? { step: this.step, error: this.error } : {}),
      ...(this.rolledBack ? { rolledBack: true } : {}),
      batch: this.batch,
    };
  }
}

function summarizeTunnels(ts: TunnelResult[]): string {
  return ts.map((t) => `${t.name}=${t.verdict}${t.localIp ? ` ${t.localIp}` : ''}`).join(', ');
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 300) ?? '';
}

/** Inventory host → SSH target (jump host `user@host:port`, chains with commas). */
export function toTarget(host: HostSpec, defaultKeyFile?: string): SshTarget {
  const privateKeyFile = host.sshPrivateKeyFile ?? defaultKeyFile;
  const target: SshTarget = {
    host: host.name,
    address: host.address,
    port: host.port,
    user: host.user,
    privateKeyFile,
    password: host.sshPassword,
    legacyAlgorithms: host.sshLegacyAlgorithms,
  };
  if (host.jumpHost) target.jump = jumpTarget(host.jumpHost, undefined, undefined, privateKeyFile);
  return target;
}
