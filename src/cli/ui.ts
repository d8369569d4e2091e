// Turns engine events into output. On a TTY: listr2, one task per batch whose title counts
// hosts done and whose one output line shows the hosts in flight (a fixed size however large
// the fleet: 1000 hosts must not mean 1000 live rows). Without a TTY, with CI=true or NO_COLOR: plain timestamped lines.
//
// Router text is untrusted: everything written goes through terminalSafe(), so an escape
// sequence in a package manager's error or a log line is shown as `\x1b`, never executed.
// With `--report-json -` stdout carries only the report: all of this goes to stderr.
import { Listr } from 'listr2';
import type { EngineEvent } from '../engine/events.js';
import type { HostResult } from '../report/types.js';
import { formatHostEvent } from '../report/summary.js';
import { fileDiff } from './diff.js';
import { oneLine, terminalSafe } from '../report/text.js';

export interface Ui {
  onEvent: (e: EngineEvent) => void;
  start(batches: string[][], forks: number): void;
  stop(): Promise<void>;
  warn(message: string): void;
  summary(table: string): void;
}

export interface UiOptions {
  quiet: boolean;
  /** The command being run: `status` words its host lines differently. */
  command?: string;
  /** Write progress and the summary to stderr (stdout carries a report). */
  stderrOnly?: boolean;
}

/** Colour only for a terminal, and never when NO_COLOR is set to anything (no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

export function createUi(opts: UiOptions): Ui {
  const stream = opts.stderrOnly ? process.stderr : process.stdout;
  // listr2 draws on stdout: with stdout taken by a report, plain lines on stderr.
  const live = !opts.stderrOnly && stream.isTTY === true && !process.env.CI && !opts.quiet && process.env.TERM !== 'dumb';
  return live ? new ListrUi(opts, stream) : new PlainUi(opts, stream);
}

function writer(stream: NodeJS.WriteStream): (text: string) => void {
  return (text) => {
    stream.write(terminalSafe(text.endsWith('\n') ? text : `${text}\n`));
  };
}

function warnLine(message: string): void {
  process.stderr.write(`warning: ${terminalSafe(message)}\n`);
}

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const CYAN = '\u001b[36m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/**
 * Diffs collected over a run, printed at the end: a diff identical on several hosts once, with
 * the list of those hosts (a fleet-wide change is one diff, not one per router).
 *
 * @example
 * const d = new DiffGroups(); d.add('r001', '/etc/ppp/options.pptp', text); d.add('r002', '/etc/ppp/options.pptp', text);
 * d.render(false) // '### /etc/ppp/options.pptp on 2 hosts: r001, r002\n' + text
 */
export class DiffGroups {
  private readonly groups = new Map<string, { file: string; diff: string; hosts: string[] }>();

  add(host: string, file: string, diff: string): void {
    const key = `${file}\u0000${diff}`;
    const g = this.groups.get(key) ?? { file, diff, hosts: [] };
    g.hosts.push(host);
    this.groups.set(key, g);
  }

  get size(): number {
    return this.groups.size;
  }

  /** The diffs as text, router text made safe first; coloured only when `color`. */
  render(color: boolean): string {
    const out: string[] = [];
    for (const g of this.groups.values()) {
      const hosts = [...g.hosts].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      const who = hosts.length === 1 ? oneLine(hosts[0] ?? '') : `${hosts.length} hosts: ${hosts.map(oneLine).join(', ')}`;
      const head = `### ${oneLine(g.file)} on ${who}`;
      out.push(color ? `${BOLD}${head}${RESET}` : head);
      const body = terminalSafe(g.diff.endsWith('\n') ? g.diff.slice(0, -1) : g.diff);
      for (const line of body.split('\n')) out.push(color ? colorDiffLine(line) : line);
    }
    return out.length > 0 ? `${out.join('\n')}\n` : '';
  }
}

function colorDiffLine(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return `${BOLD}${line}${RESET}`;
  if (line.startsWith('+')) return `${GREEN}${line}${RESET}`;
  if (line.startsWith('-')) return `${RED}${line}${RESET}`;
  if (line.startsWith('@@')) return `${CYAN}${line}${RESET}`;
  return line;
}

class PlainUi implements Ui {
  private readonly out: (text: string) => void;
  private readonly diffs = new DiffGroups();

  constructor(
    private readonly opts: UiOptions,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.out = writer(stream);
  }

  onEvent = (e: EngineEvent): void => {
    if (e.type === 'planned-files') {
      for (const f of e.files) this.diffs.add(e.host, f.target, fileDiff(f));
      return;
    }
    if (e.type === 'warning') return this.warn(e.message);
    if (this.opts.quiet) {
      if (e.type === 'host-done' && (e.result.status === 'failed' || e.result.status === 'unreachable')) {
        process.stderr.write(`${hostDoneLine(e.result, this.opts.command)}\n`);
      }
      return;
    }
    switch (e.type) {
      case 'batch-start':
        this.out(`${stamp()} batch ${e.batch}: ${e.hosts.length} host(s)`);
        break;
      case 'batch-done':
        if (e.stopReason) this.out(`${stamp()} rollout stopped: ${oneLine(e.stopReason)}`);
        break;
      case 'step':
        if (e.status === 'start') return;
        this.out(formatHostEvent({ time: new Date(), host: e.host, step: e.step, status: e.status, detail: e.detail }));
        break;
      case 'host-done':
        this.out(hostDoneLine(e.result, this.opts.command));
        break;
      default:
        break;
    }
  };

  start(): void {}
  async stop(): Promise<void> {
    const text = this.diffs.render(useColor(this.stream));
    if (text) this.stream.write(text);
  }
  warn(message: string): void {
    warnLine(message);
  }
  summary(table: string): void {
    this.out('');
    this.out(table);
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A reachable host whose tunnel is not up is not "ok" for `status`. */
function shownStatus(r: HostResult, command: string | undefined): string {
  if (command !== 'status' || r.status !== 'ok') return r.status;
  return r.tunnels.some((t) => t.verdict !== 'up' || t.running === false) ? 'tunnel down' : 'ok';
}

/** One line per finished host; router text made one safe line. */
export function hostDoneLine(r: HostResult, command?: string): string {
  const tunnels = r.tunnels.map((t) => `${oneLine(t.name)}=${t.verdict}`).join(' ');
  const detail = r.error ? ` ${oneLine(r.step ?? '')}: ${oneLine(r.error)}` : '';
  return `${stamp()} ${oneLine(r.name)} ${shownStatus(r, command)} (${r.changes.length} change(s), ${r.sshExecs} exec(s), ${r.durationMs} ms)${tunnels ? ` ${tunnels}` : ''}${detail}`;
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
  private readonly diffs = new DiffGroups();
  private failures: string[] = [];
  private readonly out: (text: string) => void;

  constructor(
    private readonly opts: UiOptions,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.out = writer(stream);
  }

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
          // A batch with failed hosts, or the one that stopped the rollout, ends as a failed
          // task: listr2 draws it with a red ✖ (a ✔ would read as "all went well").
          else if (b.stopReason || (b.counts['failed'] ?? 0) + (b.counts['unreachable'] ?? 0) > 0) throw new Error(task.title ?? `batch ${i + 1}`);
        },
        rendererOptions: { outputBar: 1, persistentOutput: false },
      })),
      {
        concurrent: false,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { collapseSubtasks: true, collapseErrors: true, showErrorMessage: false },
      },
    );
    this.running = list.run().catch(() => undefined);
  }

  private render(b: BatchState, i: number): void {
    if (!b.task) return;
    const c = b.counts;
    const parts = ['ok', 'changed', 'failed', 'unreachable', 'skipped'].filter((k) => c[k]).map((k) => `${c[k]} ${k}`);
    b.task.title = terminalSafe(
      `batch ${i + 1}: ${b.done}/${b.hosts.length} done${parts.length ? ` (${parts.join(', ')})` : ''}${b.stopReason ? ` — stopped: ${oneLine(b.stopReason)}` : ''}`,
    );
    // One line of hosts in flight, cut to the terminal's width: the bottom bar keeps a history
    // of lines, so a multi-line output would scroll instead of being replaced.
    const width = Math.max(40, (this.stream.columns ?? 100) - 6);
    let line = '';
    let shown = 0;
    for (const [h, st] of b.inFlight) {
      const item = `${shown ? ' · ' : ''}${oneLine(h)} ${oneLine(st)}`;
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
        if (r.status === 'failed' || r.status === 'unreachable') this.failures.push(hostDoneLine(r, this.opts.command));
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
        for (const f of e.files) this.diffs.add(e.host, f.target, fileDiff(f));
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
    const text = this.diffs.render(useColor(this.stream));
    if (text) this.stream.write(text);
    for (const f of this.failures) process.stderr.write(`${terminalSafe(f)}\n`);
  }

  warn(message: string): void {
    warnLine(message);
  }

  summary(table: string): void {
    this.out('');
    this.out(table);
  }
}
