// The lab supervisor: `node dist/supervisor.js DIR` (in the lab package), started detached by `labUp`, its output
// going to DIR/supervisor.log. It owns every router process of the lab (bwrap with
// --die-with-parent, so routers never outlive it), records their pids in DIR/lab.json, serves
// the `ssh_hang` routers itself (accept TCP, never send a byte), and on SIGTERM stops it all.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { parseListeningPorts } from './ports.js';
import { BOOT_PENDING } from './paths.js';
import { REBOOT_DIR, REBOOT_SIGNAL } from './reboot.js';
import { sandboxArgv } from './sandbox.js';
import { readState, writeState } from './state.js';
import type { LabState, LabStateRouter } from './types.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** Routers started at once: each start is a bwrap + dropbear fork on a 2-core machine. */
const START_CONCURRENCY = 8;
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const ROUTER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C' };

const dir = resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node supervisor.js LAB_DIR');
  process.exit(2);
}

const log = (msg: string): void => console.log(`${new Date().toISOString()} [${process.pid}] ${msg}`);

const children = new Map<string, ChildProcess>();
const hangServers: Server[] = [];
const hangSockets = new Set<Socket>();
let state: LabState | undefined;
let stopping = false;

// lab.json writes are serialized: router exits and the startup path may both want to write.
let writing: Promise<void> = Promise.resolve();
function persist(): Promise<void> {
  if (!state) return writing;
  const snapshot = structuredClone(state);
  writing = writing.then(() => writeState(dir, snapshot)).catch((err: unknown) => log(`writing lab.json failed: ${String(err)}`));
  return writing;
}

async function listeningPorts(): Promise<Set<number>> {
  return parseListeningPorts(await readFile('/proc/net/tcp', 'utf8'));
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

// Starts one dropbear router and resolves once its port is listening.
async function startRouter(r: LabStateRouter): Promise<void> {
  const routerDir = join(dir, 'routers', r.name);
  const logFd = openSync(join(routerDir, 'dropbear.log'), 'a');
  const argv = sandboxArgv({
    name: r.name,
    port: r.port,
    firmware: r.firmware,
    rootfs: r.rootfs,
    auditLog: join(routerDir, 'audit.log'),
    bwrap: '/usr/bin/bwrap',
    asRoot: process.getuid?.() === 0,
  });
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, { stdio: ['ignore', logFd, logFd], env: ROUTER_ENV });
  closeSync(logFd);
  let exited = false;
  child.once('exit', (code, signal) => {
    exited = true;
    children.delete(r.name);
    if (stopping) return;
    log(`router ${r.name} (pid ${String(child.pid)}) exited: code ${String(code)} signal ${String(signal)}`);
    r.pid = null;
    void persist();
  });
  if (child.pid === undefined) throw new Error(`could not start bwrap for ${r.name}`);
  children.set(r.name, child);
  r.pid = child.pid;

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`router ${r.name} exited while starting: see ${join(routerDir, 'dropbear.log')}`);
    if ((await listeningPorts()).has(r.port)) return;
    await sleep(50);
  }
  throw new Error(`router ${r.name} did not listen on 127.0.0.1:${r.port} within ${START_TIMEOUT_MS} ms`);
}

// An `ssh_hang` router: TCP is accepted, the SSH handshake never starts.
function startHang(r: LabStateRouter): Promise<void> {
  return new Promise((resolveStart, reject) => {
    const server = createServer((socket) => {
      hangSockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => hangSockets.delete(socket));
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: r.port, exclusive: true }, () => {
      hangServers.push(server);
      r.pid = process.pid;
      resolveStart();
    });
  });
}

// The sandbox's init (bwrap's child, pid 1 of the router's pid namespace). Killing it takes the
// whole router down and lets the outer bwrap reap it and exit; killing the outer bwrap first
// would orphan the init to the host's pid 1, which on some machines never reaps it (zombies).
function sandboxInits(outerPid: number): number[] {
  try {
    return readFileSync(`/proc/${outerPid}/task/${outerPid}/children`, 'utf8')
      .split(/\s+/)
      .filter((s) => /^\d+$/.test(s))
      .map(Number);
  } catch {
    return [];
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

// A reboot of router R: every process of it killed (its sandbox's init, i.e. the whole pid
// namespace), the RAM filesystems emptied (/tmp, and /var, which is /tmp on OpenWrt), then
// dropbear started again with /lab/boot-pending, so the sandbox's init runs the boot sequence.
async function rebootRouter(r: LabStateRouter): Promise<void> {
  if (r.scenario === 'ssh_hang') return;
  const child = children.get(r.name);
  if (child?.pid !== undefined) {
    const inits = sandboxInits(child.pid);
    if (inits.length > 0) for (const pid of inits) kill(pid, 'SIGKILL');
    else child.kill('SIGKILL');
    const gone = await Promise.race([exitOf(child).then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exitOf(child);
    }
  }
  for (const d of ['tmp', 'var/run', 'var/lock']) {
    const path = join(r.rootfs, d);
    for (const entry of await readdir(path).catch(() => [] as string[])) await rm(join(path, entry), { recursive: true, force: true });
  }
  await writeFile(join(r.rootfs, BOOT_PENDING), '');
  log(`rebooting router ${r.name}`);
  await startRouter(r);
  await persist();
}

// Serves the reboot requests in DIR/reboot (NAME.request → NAME.done holding "ok" or the error),
// one batch after the other.
let rebooting: Promise<void> = Promise.resolve();
async function serveReboots(): Promise<void> {
  if (!state || stopping) return;
  const st = state;
  const rdir = join(dir, REBOOT_DIR);
  const names = (await readdir(rdir).catch(() => [] as string[])).filter((f) => f.endsWith('.request')).map((f) => f.slice(0, -'.request'.length));
  await Promise.all(
    names.map(async (name) => {
      const r = st.routers.find((x) => x.name === name);
      let result = 'ok';
      try {
        if (!r) throw new Error(`no router ${name} in this lab`);
        await rebootRouter(r);
      } catch (err) {
        result = err instanceof Error ? err.message : String(err);
        log(`reboot of ${name} failed: ${result}`);
      }
      // Written aside then renamed: `lab reboot` polls for the file and must never read it half-written.
      await writeFile(join(rdir, `${name}.done.tmp`), result || 'failed');
      await rename(join(rdir, `${name}.done.tmp`), join(rdir, `${name}.done`));
      await rm(join(rdir, `${name}.request`), { force: true });
    }),
  );
}

async function shutdown(code: number, why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`stopping (${why})`);
  for (const s of hangSockets) s.destroy();
  for (const s of hangServers) s.close();
  const running = [...children.values()];
  for (const c of running) {
    const inits = c.pid === undefined ? [] : sandboxInits(c.pid);
    // A pid namespace's init only takes SIGKILL from outside; no bwrap child found means the
    // sandbox is not set up yet or already gone, and the outer bwrap gets SIGTERM instead.
    if (inits.length > 0) for (const pid of inits) kill(pid, 'SIGKILL');
    else c.kill('SIGTERM');
  }
  const graceful = await Promise.race([Promise.all(running.map(exitOf)).then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!graceful) {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(running.map(exitOf));
  }
  if (state) {
    for (const r of state.routers) r.pid = null;
    state.supervisorPid = null;
    if (state.status !== 'failed') state.status = 'stopped';
    await persist();
  }
  log('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  const st = await readState(dir);
  state = st;
  st.supervisorPid = process.pid;
  await persist();
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => void shutdown(0, sig));
  }
  process.on(REBOOT_SIGNAL, () => {
    rebooting = rebooting.then(serveReboots).catch((err: unknown) => log(`serving reboots failed: ${String(err)}`));
  });
  log(`starting ${st.routers.length} routers in ${dir}`);
  const started = Date.now();
  const limit = pLimit(START_CONCURRENCY);
  try {
    await Promise.all(st.routers.map((r) => limit(() => (r.scenario === 'ssh_hang' ? startHang(r) : startRouter(r)))));
  } catch (err) {
    st.status = 'failed';
    st.error = err instanceof Error ? err.message : String(err);
    log(`start failed: ${st.error}`);
    await shutdown(1, 'start failed');
    return;
  }
  if (stopping) return;
  st.status = 'running';
  await persist();
  log(`all ${st.routers.length} routers listening after ${Date.now() - started} ms`);
}

process.on('uncaughtException', (err) => {
  log(`uncaught: ${err.stack ?? err.message}`);
  // Before lab.json was read there is nothing to stop.
  if (!state) process.exit(1);
  state.status = 'failed';
  state.error = err.message;
  void shutdown(1, 'uncaught exception');
});

main().catch((err: unknown) => {
  log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
