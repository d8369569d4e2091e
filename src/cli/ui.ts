// Turns engine events into output. On a TTY: listr2, one task per batch whose title counts
// hosts done and whose one output line shows the hosts in flight (a fixed size however large
// the fleet: 1000 hosts must not mean 1000 live rows). Without a TTY, with CI=true or NO_COLOR: plain timestamped lines.
import { Listr } from 'listr2';
import type { EngineEvent } from '../engine/events.js';
import type { HostResult } from '../report/types.js';
import { formatHostEvent } from '../report/summary.js';
import { fileDiff } from './diff.js';

export interface Ui {
  onEvent: (e: EngineEvent) => void;
  start(batches: string[][], forks: number): void;
  stop(): Promise<void>;
  warn(message: string): void;
  summary(table: string): void;
}

export function createUi(opts: { quiet: boolean }): Ui {
  const live = process.stdout.isTTY === true && !process.env.CI && !opts.quiet && process.env.TERM !== 'dumb';
  return live ? new ListrUi() : new PlainUi(opts);
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

class PlainUi implements Ui {
  constructor(private readonly opts: { quiet: boolean }) {}

  onEvent = (e: EngineEvent): void => {
    if (e.type === 'planned-files') {
      for (const f of e.files) {
        const diff = fileDiff(f);
        out(`--- ${e.host}: ${f.target}`);
        process.stdout.write(diff.endsWith('\n') ? diff : `${diff}\n`);
      }
      return;
    }
    if (e.type === 'warning') return this.warn(e.message);
    if (this.opts.quiet) {
      if (e.type === 'host-done' && (e.result.status === 'failed' || e.result.status === 'unreachable')) {
        process.stderr.write(`${hostDoneLine(e.result)}\n`);
      }
      return;
    }
    switch (e.type) {
      case 'batch-start':
        out(`${stamp()} batch ${e.batch}: ${e.hosts.length} host(s)`);
        break;
      case 'batch-done':
        if (e.stopReason) out(`${stamp()} rollout stopped: ${e.stopReason}`);
        break;
      case 'step':
        if (e.status === 'start') return;
        out(formatHostEvent({ time: new Date(), host: e.host, step: e.step, status: e.status, detail: e.detail }));
        break;
      case 'host-done':
        out(hostDoneLine(e.result));
        break;
      default:
        break;
    }
  };

  start(): void {}
  async stop(): Promise<void> {}
  warn(message: string): void {
    process.stderr.write(`warning: ${message}\n`);
  }
  summary(table: string): void {
    out('');
    out(table);
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hostDoneLine(r: HostResult): string {
  const tunnels = r.tunnels.map((t) => `${t.name}=${t.verdict}`).join(' ');
  const detail = r.error ? ` ${r.step ?? ''}: ${r.error}` : '';
  return `${stamp()} ${r.name} ${r.status} (${r.changes.length} change(s), ${r.sshExecs} exec(s), ${r.durationMs} ms)${tunnels ? ` ${tunnels}` : ''}${detail}`;
}

interface BatchState {
  hosts: string[];
  done: number;
  counts: Record<string, number>;
  inFlight: Map<string, string>;
  finished: Promise<void>;
  resolve: () => void;
  stopReason?: string;
  skipped: boolean;
  task?: { title: string | undefined; output: string | undefined; skip(message?: string): void };
}

class ListrUi implements Ui {
  private batches: BatchState[] = [];
  private running: Promise<unknown> | undefined;
  private diffs: string[] = [];
  private failures: string[] = [];


  start(batches: string[][]): void {
    this.batches = batches.map((hosts) => {
      let resolve!: () => void;
      const finished = new Promise<void>((r) => (resolve = r));
      return { hosts, done: 0, counts: {}, inFlight: new Map(), finished, resolve, skipped: false };
    });
    const list = new Listr<unknown, 'default', 'simple'>(
      this.batches.map((b, i) => ({
        title: `batch ${i + 1}: ${b.hosts.length} host(s)`,
        task: async (_ctx: unknown, task: NonNullable<BatchState['task']>) => {
          b.task = task;
          this.render(b, i);
          await b.finished;
          this.render(b, i);
          if (b.skipped) task.skip(`batch ${i + 1}: skipped (${b.hosts.length} host(s) not contacted)`);
        },
        rendererOptions: { outputBar: 1, persistentOutput: false },
      })),
      { concurrent: false, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseSubtasks: true } },
    );
    this.running = list.run().catch(() => undefined);
  }

  private render(b: BatchState, i: number): void {
    if (!b.task) return;
    const c = b.counts;
    const parts = ['ok', 'changed', 'failed', 'unreachable', 'skipped'].filter((k) => c[k]).map((k) => `${c[k]} ${k}`);
    b.task.title = `batch ${i + 1}: ${b.done}/${b.hosts.length} done${parts.length ? ` (${parts.join(', ')})` : ''}${b.stopReason ? ` — stopped: ${b.stopReason}` : ''}`;
    // One line of hosts in flight, cut to the terminal's width: the bottom bar keeps a history
    // of lines, so a multi-line output would scroll instead of being replaced.
    const width = Math.max(40, (process.stdout.columns ?? 100) - 6);
    let line = '';
    let shown = 0;
    for (const [h, st] of b.inFlight) {
      const item = `${shown ? ' · ' : ''}${h} ${st}`;
      if (line.length + item.length > width - 12) break;
      line += item;
      shown++;
    }
    if (b.inFlight.size > shown) line += ` · +${b.inFlight.size - shown} more`;
    b.task.output = line;
  }

  onEvent = (e: EngineEvent): void => {
    switch (e.type) {
      case 'host-start': {
        const b = this.batches[e.batch - 1];
        b?.inFlight.set(e.host, 'connecting');
        if (b) this.render(b, e.batch - 1);
        break;
      }
      case 'step': {
        const b = this.batches.find((x) => x.inFlight.has(e.host));
        if (!b) break;
        b.inFlight.set(e.host, `${e.step}${e.status === 'start' ? '…' : ` ${e.status}`}`);
        this.render(b, this.batches.indexOf(b));
        break;
      }
      case 'host-done': {
        const r = e.result;
        const b = this.batches[(r.batch ?? 1) - 1];
        if (!b) break;
        b.inFlight.delete(r.name);
        b.done++;
        b.counts[r.status] = (b.counts[r.status] ?? 0) + 1;
        if (r.status === 'failed' || r.status === 'unreachable') this.failures.push(hostDoneLine(r));
        this.render(b, this.batches.indexOf(b));
        break;
      }
      case 'batch-done': {
        const b = this.batches[e.batch - 1];
        if (!b) break;
        b.stopReason = e.stopReason;
        this.render(b, e.batch - 1);
        b.resolve();
        break;
      }
      case 'planned-files':
        for (const f of e.files) this.diffs.push(`--- ${e.host}: ${f.target}\n${fileDiff(f)}`);
        break;
      case 'warning':
        this.warn(e.message);
        break;
      default:
        break;
    }
  };

  async stop(): Promise<void> {
    // Batches never started (rollout stopped or interrupted) are shown as skipped.
    for (const b of this.batches) {
      if (b.done === 0 && b.inFlight.size === 0) b.skipped = true;
      b.resolve();
    }
    await this.running;
    for (const d of this.diffs) process.stdout.write(d.endsWith('\n') ? d : `${d}\n`);
    for (const f of this.failures) process.stderr.write(`${f}\n`);
  }

  warn(message: string): void {
    process.stderr.write(`warning: ${message}\n`);
  }

  summary(table: string): void {
    out('');
    out(table);
  }
}
