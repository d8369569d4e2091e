// `npm run bench`: how pptp-fleet's time, SSH round trips and memory grow with the fleet
// (issue 7). Real lab fleets of 20, 100 and 200 dropbear routers measure floor (`ping`), first
// apply, no-change apply and `--check --diff`; 1000 fake routers in this process measure the
// orchestrator alone. Prints a table and the targets' PASS/FAIL, writes bench/results.json.
// Exit code: 0 all measured targets pass, 1 a target failed, 2 bad usage or the run broke.
//
// Examples:
//   npm run bench
//   npm run bench -- --sizes 5 --runs 1 --skip-1000        (a quick smoke run)
//   npm run bench -- --only scale --scale-forks 50         (only the 1000-host run)
//   BENCH_CPU_PROF=/tmp/prof npm run bench -- --only scale  (node --cpu-prof per CLI run)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GNU_TIME } from './child.js';
import { Cleanups } from './cleanup.js';
import { benchLabSize, type SizeRuns } from './lab-bench.js';
import { BenchUsageError, LAB_PHASES, USAGE, parseBenchOptions, type BenchOptions, type LabPhase } from './options.js';
import { benchScale, type ScaleSamples } from './scale-bench.js';
import { evaluateTargets, resultsTable, summarize, targetsTable, type Row } from './summary.js';
import { productCli } from './paths.js';

const cliPath = productCli();
const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

function labRows(sizes: readonly SizeRuns[], forks: number): Row[] {
  const rows: Row[] = [];
  for (const s of sizes) {
    for (const phase of LAB_PHASES) {
      const samples = s.samples[phase as LabPhase];
      if (samples && samples.length > 0) rows.push(summarize(phase, s.size, forks, samples));
    }
  }
  return rows;
}

function scaleRows(scale: readonly ScaleSamples[], hosts: number): Row[] {
  return scale.map((s) => summarize(s.command, hosts, s.forks, s.samples));
}

// Things a reader of the table must know that are not targets: failed hosts and stale fixtures.
function warnings(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.failedHosts > 0) out.push(`${r.phase} at ${r.hosts} hosts: up to ${r.failedHosts} host(s) failed or were unreachable in a run (see the logs with --keep)`);
    if (r.phase === 'check' && r.changedHosts < r.hosts) out.push(`check at ${r.hosts} hosts: only ${r.changedHosts} host(s) reported the hand-edited peer file`);
    if (r.killedRuns > 0) out.push(`${r.phase} at ${r.hosts} hosts: ${r.killedRuns} run(s) killed after --timeout-ms`);
  }
  for (const r of rows.filter((x) => x.phase === 'scale-nochange' && (x.changedHosts > 0 || (x.execs?.max ?? 0) > 1))) {
    out.push(`scale-nochange at ${r.hosts} hosts planned changes: the facts fixture no longer matches the planner; re-record it with \`npm run record-facts -w pptp-fleet-bench\``);
  }
  return out;
}

async function run(opts: BenchOptions, cleanups: Cleanups): Promise<number> {
  if (!existsSync(cliPath)) throw new BenchUsageError(`${cliPath} is missing: run \`npm run build\` first`);
  const workDir = opts.workDir ? resolve(opts.workDir) : await mkdtemp(join(tmpdir(), 'pptp-fleet-bench-'));
  await mkdir(workDir, { recursive: true });
  const startedAt = new Date();
  const loadBefore = loadavg();
  log(`work dir ${workDir}; sizes ${opts.sizes.join(',')}, ${opts.runs} run(s) (floor and nochange ${opts.repeat}× each), forks ${opts.forks}, phases ${opts.phases.join(',')}`);

  const labPhases = opts.phases.filter((p): p is LabPhase => (LAB_PHASES as readonly string[]).includes(p));
  const sizes: SizeRuns[] = [];
  if (labPhases.length > 0) {
    for (const size of opts.sizes) {
      sizes.push(await benchLabSize({ cliPath, workDir, size, runs: opts.runs, repeat: opts.repeat, forks: opts.forks, phases: labPhases, timeoutMs: opts.timeoutMs, keep: opts.keep, cleanups, log }));
    }
  }
  let scale: ScaleSamples[] = [];
  if (opts.phases.includes('scale')) {
    const cpuProfDir = process.env['BENCH_CPU_PROF'] ? resolve(process.env['BENCH_CPU_PROF']) : undefined;
    if (cpuProfDir) await mkdir(cpuProfDir, { recursive: true });
    scale = await benchScale({ cliPath, workDir, hosts: opts.scaleHosts, forks: opts.scaleForks, runs: opts.runs, timeoutMs: opts.timeoutMs, keep: opts.keep, ...(cpuProfDir ? { cpuProfDir } : {}), cleanups, log });
  }
  if (!opts.keep && !opts.workDir) await rm(workDir, { recursive: true, force: true });

  const rows = [...labRows(sizes, opts.forks), ...scaleRows(scale, opts.scaleHosts)];
  const targets = evaluateTargets(rows);
  const notes = warnings(rows);
  const rssSource = rows[0]?.rssSource ?? (existsSync(GNU_TIME) ? 'rusage' : 'VmHWM-poll');

  console.log('');
  console.log(resultsTable(rows));
  console.log('');
  console.log(
    `wall: CLI process spawn→exit, median of runs (floor and nochange: of all their samples, --repeat per run); ms/host = wall ÷ hosts; host mean = mean of the report's hosts[].durationMs; ` +
      `execs from the routers' audit logs (fake routers' counters at scale); bytes from the report's hosts[].bytesSent if present, else counted by the fake routers, else n/a; ` +
      `peak RSS (max of runs) and CPU time (median) of the CLI process ${rssSource === 'rusage' ? `from the kernel's rusage via ${GNU_TIME}` : 'from /proc/PID/status VmHWM and /proc/PID/stat polled every 50 ms'}.`,
  );
  const loadAfter = loadavg();
  console.log(`machine: ${cpus().length} CPUs, load average (1 min) ${loadBefore[0]?.toFixed(1)} before, ${loadAfter[0]?.toFixed(1)} after: wall times include waiting for a CPU, CLI CPU ms does not.`);
  for (const s of sizes) console.log(`lab up ${s.size} routers: ${s.labUpMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  console.log('');
  console.log(targetsTable(targets));
  for (const n of notes) console.log(`note: ${n}`);

  // npm runs this from packages/bench; a relative --out is taken from where `npm run bench` was typed.
  const out = resolve(process.env['INIT_CWD'] ?? process.cwd(), opts.out);
  await mkdir(dirname(out), { recursive: true });
  const results = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadavgBefore: loadBefore, loadavgAfter: loadAfter },
    options: { ...opts, workDir },
    rssSource,
    rows,
    labUpMs: Object.fromEntries(sizes.map((s) => [s.size, s.labUpMs])),
    targets,
    notes,
  };
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
  return targets.some((t) => t.pass === false) ? 1 : 0;
}

async function main(): Promise<void> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseBenchOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return;
  }
  const cleanups = new Cleanups();
  // Ctrl-C: stop the CLI run in flight, take down the lab or the fake routers, then leave.
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up`);
    void cleanups.runAll(log).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    process.exitCode = await run(opts, cleanups);
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanups.runAll(log);
    process.exitCode = 2;
  }
}

await main();
