// The lab: a simulated OpenWrt fleet on this machine (DESIGN.md, "The lab"). `labUp` builds
// every router's rootfs, keys, known_hosts, inventory and password, then starts the supervisor
// process that runs the routers; `labDown` stops it all; `loadLab` reads a running lab back.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { ensureLabDeps } from './deps.js';
import { PASSWORD_FILE, writeLabInventory } from './inventory.js';
import { generateAdminKey, knownHostsLine } from './keys.js';
import { assignRouters } from './options.js';
import { allocatePorts, waitForAccept, waitForSshBanner } from './ports.js';
import { findSandboxedProcesses, isAlive, isOurProcess, stopProcess } from './procs.js';
import { buildRouterRootfs, buildTemplate } from './rootfs.js';
import { readState, statePath, writeState } from './state.js';
import type { Firmware, Lab, LabRouter, LabState, Scenario } from './types.js';
import { setTimeout as sleep } from 'node:timers/promises';

export type { Firmware, Lab, LabRouter, LabState, Scenario } from './types.js';
export { FIRMWARES, SCENARIOS } from './types.js';
export { labReboot } from './reboot.js';
export { labWan, parseWanAction, type WanAction } from './wan.js';
export { labLanClientCheck, lanClientCheck, routerNetState, type LanClientVerdict, type RouterNetState } from './lanclient.js';

export interface LabUpOptions {
  dir: string;
  routers: number;
  /** Firmware counts handed out from r001 on, in this order; the rest are whiterussian. */
  firmware?: Array<[Firmware, number]>;
  /** Scenario counts handed out from r001 on, in this order; the rest are ok. */
  scenario?: Array<[Scenario, number]>;
  /** File holding the VPN password (one trailing newline is not part of it); default random. */
  passwordFile?: string;
  /** Take ports from here upward instead of letting the kernel choose. */
  basePort?: number;
}

/** Rootfs builds at once: mostly small file writes plus one dropbearkey each. */
const BUILD_CONCURRENCY = 8;
const SUPERVISOR_SCRIPT = 'supervisor.js';

/**
 * The compiled supervisor. It runs as its own node process, so even when labUp runs from the
 * TypeScript sources (vitest) it needs the build output.
 * @example supervisorPath() // '<lab package root>/dist/supervisor.js'
 */
export function supervisorPath(): string {
  // .. is the lab package's root from both src/ and dist/.
  const packageRoot = fileURLToPath(new URL('..', import.meta.url));
  const path = join(packageRoot, 'dist', SUPERVISOR_SCRIPT);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}

/**
 * Reads the VPN password from FILE: its content less one trailing newline, which editors and
 * `echo` add and is never meant as part of a password.
 * @example passwordFromFile('a b\n') // 'a b'
 */
export function passwordFromFile(content: string): string {
  return content.replace(/\r?\n$/, '');
}

/**
 * A random lab password: 20 letters and digits. With PPTP_FLEET_LAB_HOSTILE_PASSWORD=1 it also
 * holds a space, `#`, `"`, `'`, `\` and `$`, characters that break naive quoting in chap-secrets
 * and shell.
 * @example randomPassword(false) // 'q3XbT0...'
 */
export function randomPassword(hostile = process.env['PPTP_FLEET_LAB_HOSTILE_PASSWORD'] === '1'): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const chars = [...randomBytes(20)].map((b) => alphabet[b % alphabet.length] ?? 'x');
  if (hostile) {
    for (const c of [' ', '#', '"', "'", '\\', '$']) chars.splice(randomInt(1, chars.length), 0, c);
  }
  return chars.join('');
}

function labFromState(dir: string, state: LabState): Lab {
  return {
    dir,
    inventoryPath: join(dir, 'inventory.yaml'),
    knownHostsPath: join(dir, 'known_hosts'),
    keyPath: join(dir, 'id_ed25519'),
    passwordPath: join(dir, PASSWORD_FILE),
    routers: state.routers.map(
      (r): LabRouter => ({
        name: r.name,
        port: r.port,
        firmware: r.firmware,
        scenario: r.scenario,
        rootfs: r.rootfs,
        auditLog: join(dir, 'routers', r.name, 'audit.log'),
      }),
    ),
  };
}

/**
 * Reads the lab in DIR (from DIR/lab.json).
 * @example const lab = await loadLab('/tmp/lab1'); lab.routers.map((r) => r.port)
 */
export async function loadLab(dir: string): Promise<Lab> {
  const abs = resolve(dir);
  return labFromState(abs, await readState(abs));
}

async function tail(path: string, lines = 20): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}


// Waits for the supervisor to report all routers started, or to fail, or to die.
async function waitForSupervisor(dir: string, pid: number, timeoutMs: number): Promise<LabState> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await readState(dir).catch(() => null);
    if (state?.status === 'running') return state;
    if (state?.status === 'failed') throw new Error(`the lab supervisor failed: ${state.error ?? 'unknown error'}`);
    if (!isAlive(pid)) throw new Error('the lab supervisor exited before the routers were up');
    await sleep(100);
  }
  throw new Error(`the lab supervisor did not start the routers within ${timeoutMs} ms`);
}

// Refuses a DIR that holds a running lab or files that are not a lab's.
async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  if (!entries.includes('lab.json')) {
    throw new Error(`${dir} is not empty and holds no lab: choose an empty or new directory for --dir`);
  }
  const state = await readState(dir);
  if (state.supervisorPid !== null && isOurProcess(state.supervisorPid, [SUPERVISOR_SCRIPT, dir])) {
    throw new Error(`a lab is already running in ${dir}: run \`pptp-fleet lab down --dir ${dir}\` first`);
  }
  // A stopped lab: start over, but make sure nothing of it still runs.
  await labDown(dir);
  for (const name of ['routers', '.template', 'lab.json']) await rm(join(dir, name), { recursive: true, force: true });
}

/**
 * Builds and starts a lab of N routers in DIR and resolves once every router answers on its
 * port (dropbear with its SSH banner; `ssh_hang` routers by accepting TCP).
 * @example
 * const lab = await labUp({ dir: '/tmp/lab1', routers: 3, firmware: [['openwrt', 1]], scenario: [['slow', 1]] });
 * // r001: openwrt/slow, r002 and r003: whiterussian/ok; then `await labDown(lab.dir)`
 */
export async function labUp(opts: LabUpOptions): Promise<Lab> {
  const dir = resolve(opts.dir);
  const assignments = assignRouters(opts.routers, opts.firmware, opts.scenario);
  const supervisor = supervisorPath();
  const tools = await ensureLabDeps();
  await prepareDir(dir);

  const { ports, release } = await allocatePorts(assignments.length, opts.basePort);
  let released = false;
  const routers = assignments.map((a, i) => ({ ...a, port: ports[i] ?? 0, rootfs: join(dir, 'routers', a.name, 'root') }));
  // Recorded before anything is built, so a lab that fails half-built is still a lab that
  // `lab down` and the next `lab up` in the same DIR recognise and clean up.
  const initial: LabState = {
    version: 1,
    supervisorPid: null,
    status: 'starting',
    routers: routers.map((r) => ({ name: r.name, port: r.port, firmware: r.firmware, scenario: r.scenario, rootfs: r.rootfs, pid: null })),
  };
  await writeState(dir, initial);
  try {
    let built: Array<(typeof routers)[number] & { hostPublicKey: string }>;
    try {
      const password = opts.passwordFile ? passwordFromFile(await readFile(opts.passwordFile, 'utf8')) : randomPassword();
      const passwordPath = join(dir, PASSWORD_FILE);
      await writeFile(passwordPath, password, { mode: 0o600 });
      await chmod(passwordPath, 0o600);

      const keyPath = join(dir, 'id_ed25519');
      await generateAdminKey(keyPath, tools.sshKeygen);
      const adminPublicKey = await readFile(`${keyPath}.pub`, 'utf8');
      const template = await buildTemplate(join(dir, '.template'), tools);

      const limit = pLimit(BUILD_CONCURRENCY);
      built = await Promise.all(
        routers.map((r) =>
          limit(async () => {
            await mkdir(r.rootfs, { recursive: true });
            await writeFile(join(dir, 'routers', r.name, 'audit.log'), '');
            const { hostPublicKey } = await buildRouterRootfs({
              template,
              rootfs: r.rootfs,
              name: r.name,
              firmware: r.firmware,
              scenario: r.scenario,
              adminPublicKey,
              serverPassword: password,
              dropbearkey: tools.dropbearkey,
            });
            return { ...r, hostPublicKey };
          }),
        ),
      );
    } catch (err) {
      await writeState(dir, { ...initial, status: 'failed', error: err instanceof Error ? err.message : String(err) });
      throw err;
    }

    // ssh_hang routers get a line too (one per router): their key exists, they just never show it.
    const knownHosts = built.map((r) => knownHostsLine(r.port, r.hostPublicKey));
    await writeFile(join(dir, 'known_hosts'), `${knownHosts.join('\n')}\n`);
    await writeLabInventory(join(dir, 'inventory.yaml'), built, { keyFile: join(dir, 'id_ed25519'), knownHostsFile: join(dir, 'known_hosts') });

    // The ports stay held until here so nothing else takes them while the rootfs are built.
    await release();
    released = true;
    const logFd = openSync(join(dir, 'supervisor.log'), 'a');
    const child = spawn(process.execPath, [supervisor, dir], { detached: true, stdio: ['ignore', logFd, logFd], cwd: dir });
    closeSync(logFd);
    child.unref();
    if (child.pid === undefined) throw new Error('could not start the lab supervisor');

    try {
      await waitForSupervisor(dir, child.pid, 60_000 + 200 * built.length);
      const check = pLimit(16);
      await Promise.all(
        built.map((r) =>
          check(() => (r.scenario === 'ssh_hang' ? waitForAccept(r.port, 15_000) : waitForSshBanner(r.port, 15_000).then(() => undefined))),
        ),
      );
    } catch (err) {
      const log = await tail(join(dir, 'supervisor.log'));
      await labDown(dir).catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- ${join(dir, 'supervisor.log')} ---\n${log}`, { cause: err });
    }
    return labFromState(dir, await readState(dir));
  } finally {
    if (!released) await release();
  }
}

/**
 * Stops the lab in DIR: SIGTERM to its supervisor (after /proc confirms the PID is that
 * supervisor), SIGKILL by PID for anything still running after a grace period, router sandboxes
 * included. Resolves once nothing of the lab runs; a no-op for a stopped or absent lab.
 * @example await labDown('/tmp/lab1')
 */
export async function labDown(dir: string): Promise<void> {
  const abs = resolve(dir);
  if (!existsSync(statePath(abs))) return;
  const state = await readState(abs);
  const leftovers: string[] = [];

  if (state.supervisorPid !== null && !(await stopProcess(state.supervisorPid, [SUPERVISOR_SCRIPT, abs], 15_000))) {
    leftovers.push(`supervisor ${state.supervisorPid}`);
  }
  // Normally the supervisor took its routers with it; these cover a supervisor that was killed.
  for (const r of state.routers) {
    if (r.pid !== null && r.pid !== state.supervisorPid && !(await stopProcess(r.pid, ['bwrap', r.rootfs], 2_000))) {
      leftovers.push(`${r.name} ${r.pid}`);
    }
  }
  const rootfs = state.routers.map((r) => r.rootfs);
  for (let attempt = 0; attempt < 50; attempt++) {
    const stray = findSandboxedProcesses(rootfs);
    if (stray.length === 0) break;
    for (const pid of stray) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await sleep(100);
  }
  const stray = findSandboxedProcesses(rootfs);
  if (stray.length > 0) leftovers.push(`sandboxed ${stray.join(' ')}`);

  await writeState(abs, {
    ...state,
    supervisorPid: null,
    status: state.status === 'failed' ? 'failed' : 'stopped',
    routers: state.routers.map((r) => ({ ...r, pid: null })),
  });
  if (leftovers.length > 0) throw new Error(`lab in ${abs}: could not stop ${leftovers.join(', ')}`);
}
