// The lab half of the benchmark: real dropbear routers, one fresh lab per run (a first apply
// happens once per lab), and in each run the four phases measured one after another (floor and
// nochange REPEAT times, alternately: the no-change ÷ floor target compares two ~5 s runs on a
// 2-core machine shared with 200 routers, and one sample of each per lab moved it by ±0.1):
//   first     empty routers → tunnels up
//   floor     `ping`: connect + `true` per host, the least any command can cost
//   nochange  the same apply again: facts only, nothing to do
//   check     `--check --diff` after one file per host was edited behind the tool's back
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { labDown, labUp, type Lab } from 'pptp-fleet-lab';
import { auditSnapshot, execsBetween } from './audit.js';
import { measureCli } from './child.js';
import type { Cleanups } from './cleanup.js';
import type { LabPhase } from './options.js';
import type { Sample } from './summary.js';

export interface SizeRuns {
  size: number;
  labUpMs: number[];
  samples: Partial<Record<LabPhase, Sample[]>>;
}

export interface LabBenchOptions {
  cliPath: string;
  workDir: string;
  size: number;
  runs: number;
  /** floor and nochange samples per run, taken alternately. */
  repeat: number;
  forks: number;
  phases: readonly LabPhase[];
  timeoutMs: number;
  keep: boolean;
  cleanups: Cleanups;
  log: (line: string) => void;
}

/** The comment the check phase appends: a change a real admin could make by hand. */
export const CHECK_EDIT = '# edited by hand (pptp-fleet bench: --check must report this)\n';

/** Runs every requested phase RUNS times on fresh labs of SIZE routers. */
export async function benchLabSize(opts: LabBenchOptions): Promise<SizeRuns> {
  const result: SizeRuns = { size: opts.size, labUpMs: [], samples: {} };
  for (let run = 1; run <= opts.runs; run++) {
    const dir = join(opts.workDir, `lab-${opts.size}-run${run}`);
    const t0 = performance.now();
    const undoLab = opts.cleanups.add(`lab ${dir}`, () => labDown(dir));
    let lab: Lab;
    try {
      lab = await labUp({ dir, routers: opts.size });
    } catch (err) {
      undoLab();
      throw err;
    }
    const upMs = performance.now() - t0;
    result.labUpMs.push(upMs);
    const line: string[] = [`size ${opts.size} run ${run}/${opts.runs}: lab up ${(upMs / 1000).toFixed(1)} s`];
    try {
      for (const [phase, sample] of await runPhases(lab, opts)) {
        (result.samples[phase] ??= []).push(sample);
        const failed = sample.report?.failed ?? 0;
        line.push(`${phase} ${(sample.wallMs / 1000).toFixed(2)} s${failed > 0 ? ` (${failed} failed)` : ''}${sample.exitCode === null || sample.timedOut ? ' (killed)' : ''}`);
      }
    } finally {
      await labDown(dir);
      undoLab();
      if (!opts.keep) await rm(dir, { recursive: true, force: true });
    }
    opts.log(line.join('; '));
  }
  return result;
}

async function runPhases(lab: Lab, opts: LabBenchOptions): Promise<Array<[LabPhase, Sample]>> {
  const out: Array<[LabPhase, Sample]> = [];
  const wanted = new Set(opts.phases);
  // nochange and check need converged routers, so the first apply runs for them even when it
  // is not itself being measured.
  const converge = wanted.has('first') || wanted.has('nochange') || wanted.has('check');
  if (converge) {
    const s = await measure(lab, 'first', ['apply'], opts);
    if (wanted.has('first')) out.push(['first', s]);
  }
  for (let i = 1; i <= opts.repeat; i++) {
    if (wanted.has('floor')) out.push(['floor', await measure(lab, 'floor', ['ping'], opts)]);
    if (wanted.has('nochange')) out.push(['nochange', await measure(lab, 'nochange', ['apply'], opts)]);
  }
  if (wanted.has('check')) {
    // Edited in the rootfs from outside, like an admin on the router would: not an exec.
    await Promise.all(lab.routers.map((r) => appendFile(join(r.rootfs, 'etc/ppp/peers/office'), CHECK_EDIT)));
    out.push(['check', await measure(lab, 'check', ['apply', '--check', '--diff'], opts)]);
  }
  return out;
}

// One CLI run against the lab, with the audit logs read before and after it.
async function measure(lab: Lab, phase: LabPhase, command: string[], opts: LabBenchOptions): Promise<Sample> {
  const logDir = join(lab.dir, 'bench');
  await mkdir(logDir, { recursive: true });
  const reportPath = join(logDir, `${phase}.report.json`);
  const auditLogs = lab.routers.map((r) => r.auditLog);
  const before = await auditSnapshot(auditLogs);
  const sample = await measureCli(opts.cliPath, opts.cleanups, phase, reportPath, {
    args: [
      ...command,
      '-i', lab.inventoryPath,
      '--known-hosts', lab.knownHostsPath,
      '--key', lab.keyPath,
      '--forks', String(opts.forks),
      '--report-json', reportPath,
      '--quiet',
    ],
    cwd: lab.dir,
    logFile: join(logDir, `${phase}.log`),
    timeoutMs: opts.timeoutMs,
  });
  const after = await auditSnapshot(auditLogs);
  return { ...sample, execs: execsBetween(before, after) };
}
