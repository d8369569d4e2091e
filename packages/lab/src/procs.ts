// Process checks for stopping a lab: always by PID, and only after /proc says the PID is still
// the process we started (PIDs get reused).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The process's argv from /proc, or null when it does not exist (or is a zombie, which is dead
 * for our purposes: it only waits to be reaped).
 * @example processArgv(process.pid)?.[0] // '/usr/bin/node'
 */
export function processArgv(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return null;
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  } catch {
    return null;
  }
}

/**
 * True while PID runs a process whose argv contains every one of NEEDLES.
 * @example isOurProcess(pid, ['supervisor.js', dir])
 */
export function isOurProcess(pid: number, needles: readonly string[]): boolean {
  const argv = processArgv(pid);
  if (!argv) return false;
  return needles.every((n) => argv.some((a) => a.includes(n)));
}

export function isAlive(pid: number): boolean {
  return processArgv(pid) !== null;
}


/**
 * Sends SIGTERM to PID (if it is still ours), waits up to GRACE_MS, then SIGKILLs it and waits
 * for it to be gone. Resolves true when it is gone.
 * @example await stopProcess(pid, ['bwrap', rootfs], 3000)
 */
export async function stopProcess(pid: number, needles: readonly string[], graceMs: number): Promise<boolean> {
  if (!isOurProcess(pid, needles)) return true;
  for (const [signal, waitMs] of [
    ['SIGTERM', graceMs],
    ['SIGKILL', 5000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return true;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isOurProcess(pid, needles)) return true;
      await sleep(50);
    }
  }
  return !isOurProcess(pid, needles);
}

/**
 * PIDs of every process whose root directory is one of ROOTFS_DIRS, i.e. everything running
 * inside those routers' sandboxes (dropbear, sessions, stand-in daemons). Matching the root's
 * device and inode, not names or ports, keeps another lab's processes out even when it reuses
 * a port this lab had.
 * @example findSandboxedProcesses(['/tmp/lab/routers/r001/root'])
 */
export function findSandboxedProcesses(rootfsDirs: readonly string[]): number[] {
  const roots = new Set<string>();
  for (const dir of rootfsDirs) {
    try {
      const st = statSync(dir);
      roots.add(`${st.dev}:${st.ino}`);
    } catch {
      // A rootfs that is gone has no process left in it.
    }
  }
  const found: number[] = [];
  if (roots.size === 0) return found;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const st = statSync(`/proc/${entry}/root`);
      if (roots.has(`${st.dev}:${st.ino}`) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // Exited meanwhile, or not ours to inspect.
    }
  }
  return found;
}
