// Runs the pptp-fleet CLI as a child process and measures it from outside: wall time from
// spawn to exit, and the peak resident memory of the orchestrator alone (the routers are other
// processes, so this is what an admin's workstation or a CI runner has to hold).
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import type { Cleanups } from './cleanup.js';
import { readReportFigures } from './report.js';
import type { Sample } from './summary.js';

/** GNU time reports the kernel's rusage ru_maxrss of its child: exact, nothing sampled. */
export const GNU_TIME = '/usr/bin/time';
const POLL_MS = 50;

export type RssSource = 'rusage' | 'VmHWM-poll';

export interface CliRun {
  wallMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Peak resident set size of the CLI process in MB (2^20 bytes); null when unreadable. */
  peakRssMb: number | null;
  /**
   * User + system CPU time of the CLI process. On a shared, loaded machine this moves far less
   * than wall time, so it is the better figure for the orchestrator's own cost.
   */
  cpuMs: number | null;
  rssSource: RssSource;
}

export interface CliRunOptions {
  /** `node dist/cli.js` arguments after the script. */
  args: string[];
  /** Options for node itself, before the script (`--cpu-prof`, say). */
  nodeArgs?: string[];
  cwd: string;
  /** Where the CLI's stdout and stderr go: a file, so a chatty `--diff` never blocks on a pipe. */
  logFile: string;
  timeoutMs: number;
  /** Registers the child so a signal handler can stop it; called with its PID once spawned. */
  onSpawn?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

/** Signals the process group a runCli child leads (its PID is the group's id). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Reads `VmHWM` (the kernel's own high-water mark of resident memory) from a
 * /proc/PID/status text, in kB.
 * @example vmHwmKb('Name:\tnode\nVmHWM:\t  123456 kB\n') // 123456
 */
export function vmHwmKb(status: string): number | null {
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** What GNU time is asked to write: max RSS in kB, user and system CPU seconds. */
export const GNU_TIME_FORMAT = '%M %U %S';

/**
 * Reads what `/usr/bin/time -f '%M %U %S'` wrote; its last line holds the figures (an earlier
 * line can be "Command exited with non-zero status N").
 * @example parseGnuTime('Command exited with non-zero status 1\n131072 1.20 0.30\n') // { maxRssKb: 131072, cpuMs: 1500 }
 */
export function parseGnuTime(output: string): { maxRssKb: number; cpuMs: number } | null {
  const m = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(output.trim().split('\n').pop() ?? '');
  return m ? { maxRssKb: Number(m[1]), cpuMs: Math.round((Number(m[2]) + Number(m[3])) * 1000) } : null;
}

/**
 * User + system CPU of a process in ms from its /proc/PID/stat text (fields 14 and 15, in
 * clock ticks of 1/100 s, the Linux USER_HZ everywhere in practice).
 * @example statCpuMs('42 (node) S 1 42 42 0 -1 4194560 0 0 0 0 150 30 0 0') // 1800
 */
export function statCpuMs(stat: string): number | null {
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * 10 : null;
}

/**
 * Runs `node CLI ARGS` and measures it. With GNU time installed peak RSS and CPU time come from
 * the kernel's rusage of the node process (exact); otherwise /proc/PID/status VmHWM and
 * /proc/PID/stat are polled every 50 ms and the last readings kept (VmHWM only grows, so only
 * the final <50 ms can be missed).
 */
export async function runCli(cliPath: string, opts: CliRunOptions): Promise<CliRun> {
  const useTime = existsSync(GNU_TIME);
  const rssFile = `${opts.logFile}.maxrss`;
  const command = useTime ? GNU_TIME : process.execPath;
  const nodeArgs = [...(opts.nodeArgs ?? []), cliPath, ...opts.args];
  const args = useTime ? ['-f', GNU_TIME_FORMAT, '-o', rssFile, process.execPath, ...nodeArgs] : nodeArgs;

  const logFd = openSync(opts.logFile, 'a');
  const started = performance.now();
  // Its own process group, so a timeout or Ctrl-C reaches node under GNU time too (time
  // itself ignores SIGINT while it waits).
  const child = spawn(command, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, CI: '1' } });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  opts.onSpawn?.(pid);

  let hwmKb = null as number | null;
  let polledCpuMs = null as number | null;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        readFile(`/proc/${pid}/status`, 'utf8').then(
          (s) => {
            const kb = vmHwmKb(s);
            if (kb !== null) hwmKb = Math.max(hwmKb ?? 0, kb);
          },
          () => undefined,
        );
        readFile(`/proc/${pid}/stat`, 'utf8').then(
          (s) => {
            polledCpuMs = statCpuMs(s) ?? polledCpuMs;
          },
          () => undefined,
        );
      }, POLL_MS);

  let timedOut = false;
  // The CLI finishes its hosts in flight on SIGTERM; SIGKILL follows if it does not.
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid, 'SIGTERM');
    setTimeout(() => killGroup(pid, 'SIGKILL'), 10_000).unref();
  }, opts.timeoutMs);

  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, sig) => resolve([code, sig]));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  opts.onExit?.(pid);

  let peakKb = hwmKb;
  let cpuMs = polledCpuMs;
  if (useTime) {
    const figures = parseGnuTime(await readFile(rssFile, 'utf8').catch(() => ''));
    peakKb = figures?.maxRssKb ?? null;
    cpuMs = figures?.cpuMs ?? null;
    await rm(rssFile, { force: true });
  }
  return {
    wallMs,
    exitCode,
    signal,
    timedOut,
    peakRssMb: peakKb === null ? null : peakKb / 1024,
    cpuMs,
    rssSource: useTime ? 'rusage' : 'VmHWM-poll',
  };
}

/**
 * One measured CLI run: the child is registered for Ctrl-C cleanup while it runs, and the
 * figures of the JSON report it wrote are read back. The caller adds what the routers saw.
 * @example const s = await measureCli(cli, cleanups, 'floor', report, { args, cwd, logFile, timeoutMs });
 */
export async function measureCli(
  cliPath: string,
  cleanups: Cleanups,
  label: string,
  reportPath: string,
  opts: Omit<CliRunOptions, 'onSpawn' | 'onExit'>,
): Promise<Omit<Sample, 'execs' | 'routerBytes'>> {
  let undo: (() => void) | undefined;
  const run = await runCli(cliPath, {
    ...opts,
    onSpawn: (pid) => {
      undo = cleanups.add(`pptp-fleet ${label} (pid ${pid})`, () => killGroup(pid, 'SIGKILL'));
    },
    onExit: () => undo?.(),
  });
  return {
    wallMs: run.wallMs,
    report: await readReportFigures(reportPath),
    peakRssMb: run.peakRssMb,
    cpuMs: run.cpuMs,
    rssSource: run.rssSource,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
  };
}
