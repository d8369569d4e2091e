// From raw samples to the figures the benchmark prints and the targets of issue 7. Pure, so the
// arithmetic behind a PASS or FAIL can be tested and read in one place.
import type { RssSource } from './child.js';
import type { ReportFigures } from './report.js';
import { combineMaxMean, median, type MaxMean } from './stats.js';
import { fmt, formatTable } from './table.js';

/** One measured CLI run, from the lab or from the fake routers. */
export interface Sample {
  wallMs: number;
  /** Execs per host seen by the routers (audit logs / fake router counters). */
  execs: MaxMean | null;
  /** Bytes per host received by the routers; only the fake routers can count them. */
  routerBytes?: MaxMean | null;
  report: ReportFigures | null;
  peakRssMb: number | null;
  cpuMs: number | null;
  rssSource: RssSource;
  exitCode: number | null;
  timedOut: boolean;
}

export interface Row {
  /** Lab phase (`floor`, `first`, `nochange`, `check`) or scale run (`scale-ping`, `scale-nochange`). */
  phase: string;
  hosts: number;
  forks: number;
  /** Samples the medians are taken over: runs, times --repeat for floor and nochange. */
  runs: number;
  /** Median wall time of the CLI process. */
  wallMs: number;
  /** Median wall time ÷ hosts: the fleet's cost per host. */
  perHostMs: number;
  /** Median CPU time (user + system) of the CLI process: its own cost, less noisy than wall. */
  cpuMs: number | null;
  /** Median over runs of the mean `hosts[].durationMs`: how long one host waits. */
  hostMeanMs: number | null;
  execs: MaxMean | null;
  bytesSent: MaxMean | null;
  bytesSource: 'report' | 'fake-router' | null;
  /** Largest over runs. */
  peakRssMb: number | null;
  rssSource: RssSource;
  /** Largest over runs of failed + unreachable hosts. */
  failedHosts: number;
  /** Largest over runs of hosts reported changed (in check mode: would change). */
  changedHosts: number;
  /** Runs killed by the timeout or ended by a signal. */
  killedRuns: number;
}

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/**
 * Summarizes the runs of one phase at one size.
 * @example summarize('floor', 20, 50, [sample1, sample2, sample3]).wallMs // median of the three
 */
export function summarize(phase: string, hosts: number, forks: number, samples: readonly Sample[]): Row {
  if (samples.length === 0) throw new Error(`no samples for ${phase} at ${hosts} hosts`);
  const wallMs = median(samples.map((s) => s.wallMs));
  const hostMeans = samples.map((s) => s.report?.hostMeanMs).filter(present);
  const execs = samples.map((s) => s.execs).filter(present);
  const reportBytes = samples.map((s) => s.report?.bytesSent).filter(present);
  const routerBytes = samples.map((s) => s.routerBytes).filter(present);
  const rss = samples.map((s) => s.peakRssMb).filter(present);
  const cpu = samples.map((s) => s.cpuMs).filter(present);
  // Bytes from the CLI's own report win: they are what it sent, routers' counts are a fallback.
  const bytesSent = reportBytes.length === samples.length ? combineMaxMean(reportBytes) : routerBytes.length === samples.length ? combineMaxMean(routerBytes) : null;
  return {
    phase,
    hosts,
    forks,
    runs: samples.length,
    wallMs,
    perHostMs: wallMs / hosts,
    cpuMs: cpu.length === samples.length ? median(cpu) : null,
    hostMeanMs: hostMeans.length > 0 ? median(hostMeans) : null,
    execs: execs.length === samples.length ? combineMaxMean(execs) : null,
    bytesSent,
    bytesSource: bytesSent === null ? null : reportBytes.length === samples.length ? 'report' : 'fake-router',
    peakRssMb: rss.length > 0 ? Math.max(...rss) : null,
    rssSource: samples[0]?.rssSource ?? 'rusage',
    failedHosts: Math.max(...samples.map((s) => s.report?.failed ?? (s.exitCode === 0 ? 0 : hosts))),
    changedHosts: Math.max(...samples.map((s) => s.report?.changed ?? 0)),
    killedRuns: samples.filter((s) => s.timedOut || s.exitCode === null).length,
  };
}

/** The results table, one line per phase and size. */
export function resultsTable(rows: readonly Row[]): string {
  return formatTable(
    ['phase', 'hosts', 'forks', 'samples', 'wall ms (median)', 'ms/host', 'CLI CPU ms', 'host mean ms', 'execs/host max', 'execs/host mean', 'bytes/host mean', 'peak RSS MB', 'changed hosts', 'failed hosts'],
    rows.map((r) => [
      r.phase,
      String(r.hosts),
      String(r.forks),
      String(r.runs),
      fmt(r.wallMs),
      fmt(r.perHostMs, 1),
      fmt(r.cpuMs),
      fmt(r.hostMeanMs),
      fmt(r.execs?.max),
      fmt(r.execs?.mean, 2),
      fmt(r.bytesSent?.mean),
      fmt(r.peakRssMb, 1),
      String(r.changedHosts),
      `${r.failedHosts}${r.killedRuns > 0 ? ` (${r.killedRuns} killed)` : ''}`,
    ]),
  );
}

export interface Target {
  name: string;
  /** The measured figure, as printed. */
  measured: string;
  limit: string;
  /** null: not measured in this run (a phase or size was left out). */
  pass: boolean | null;
}

const find = (rows: readonly Row[], phase: string, hosts: number): Row | undefined => rows.find((r) => r.phase === phase && r.hosts === hosts);

/**
 * Issue 7's targets from the lab rows (and the scale rows for the 1-exec no-change check).
 * Every figure is computed as defined here before any run, whatever the numbers turn out to be:
 *  - no-change ÷ floor: median wall times at the largest lab size, ≤ 1.5×;
 *  - per-host growth: first apply wall ÷ hosts at the largest size over the same at the
 *    smallest, ≤ 1.3× (a fleet twice as big may take twice as long, not more);
 *  - execs per host from the routers' audit logs, the max over hosts and runs: no-change ≤ 2,
 *    first ≤ 4; at scale, no-change = 1;
 *  - peak RSS of the CLI at the largest size, the max over all its phases and runs, < 200 MB.
 */
export function evaluateTargets(rows: readonly Row[]): Target[] {
  const labSizes = [...new Set(rows.filter((r) => !r.phase.startsWith('scale')).map((r) => r.hosts))].sort((a, b) => a - b);
  const largest = labSizes.at(-1);
  const smallest = labSizes[0];
  const targets: Target[] = [];
  const ratio = (name: string, limit: number, num: Row | undefined, den: Row | undefined, pick: (r: Row) => number): void => {
    const value = num && den ? pick(num) / pick(den) : null;
    targets.push({ name, measured: value === null ? 'not measured' : `${value.toFixed(2)}×`, limit: `≤ ${limit}×`, pass: value === null ? null : value <= limit });
  };

  if (largest !== undefined) {
    ratio(`no-change ÷ floor wall time at ${largest} hosts`, 1.5, find(rows, 'nochange', largest), find(rows, 'floor', largest), (r) => r.wallMs);
  }
  if (largest !== undefined && smallest !== undefined && largest !== smallest) {
    ratio(`first apply ms/host, ${largest} vs ${smallest} hosts`, 1.3, find(rows, 'first', largest), find(rows, 'first', smallest), (r) => r.perHostMs);
  } else {
    targets.push({ name: 'first apply ms/host growth', measured: 'not measured (needs two lab sizes)', limit: '≤ 1.3×', pass: null });
  }
  const execsMax = (name: string, phase: string, limit: number, exact = false): void => {
    const matching = rows.filter((r) => r.phase === phase && r.execs !== null);
    const value = matching.length > 0 ? Math.max(...matching.map((r) => r.execs?.max ?? 0)) : null;
    targets.push({
      name,
      measured: value === null ? 'not measured' : `max ${value}`,
      limit: exact ? `= ${limit}` : `≤ ${limit}`,
      pass: value === null ? null : exact ? value === limit && Math.min(...matching.map((r) => r.execs?.mean ?? 0)) === limit : value <= limit,
    });
  };
  execsMax('no-change apply execs/host (audit logs)', 'nochange', 2);
  execsMax('first apply execs/host (audit logs)', 'first', 4);
  execsMax('no-change apply execs/host at scale (fake routers)', 'scale-nochange', 1, true);
  if (largest !== undefined) {
    const atLargest = rows.filter((r) => r.hosts === largest && !r.phase.startsWith('scale') && r.peakRssMb !== null);
    const value = atLargest.length > 0 ? Math.max(...atLargest.map((r) => r.peakRssMb ?? 0)) : null;
    targets.push({ name: `peak RSS of the CLI at ${largest} hosts`, measured: value === null ? 'not measured' : `${value.toFixed(1)} MB`, limit: '< 200 MB', pass: value === null ? null : value < 200 });
  }
  return targets;
}

/** The targets as a table with PASS / FAIL / n/a. */
export function targetsTable(targets: readonly Target[]): string {
  return formatTable(
    ['target', 'measured', 'limit', 'result'],
    targets.map((t) => [t.name, t.measured, t.limit, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL']),
  );
}
