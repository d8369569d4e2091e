// Fault injection for the lab tests: a TCP proxy in front of a router that can cut or stall
// the SSH connection, inventories and known_hosts that route a host through it, snapshots of
// the files pptp-fleet manages, and a second dropbear instance of a router over a prepared rootfs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { Document, parseDocument, isMap } from 'yaml';
import type { Lab, LabRouter } from '../../packages/lab/src/index.js';
import { sandboxArgv } from '../../packages/lab/src/sandbox.js';
import { SshSession, type ExecResult } from '../../src/ssh/session.js';
import { labArgs, root, type CliResult } from './helpers.js';

/** What the proxy does to the next connections. */
export interface ProxyPlan {
  /** Forward exactly this many client→router bytes, then cut both sides. */
  cutAfterBytes?: number;
  /** Cut both sides this long after the connection was accepted. */
  cutAfterMs?: number;
  /**
   * Cut both sides delayMs after the COUNT-th script (a client→router chunk of 1500 bytes or
   * more, past the handshake) was forwarded whole: "while the router runs it", whatever the load.
   */
  cutAfterScripts?: { count: number; delayMs: number };
  /** Stop forwarding (both ways) after this many client→router bytes, keep the sockets open. */
  stallAfterBytes?: number;
  /** Stop forwarding this long after the connection was accepted, keep the sockets open. */
  stallAfterMs?: number;
}

/** One proxied connection, as it went. */
export interface ProxyConnection {
  up: number;
  down: number;
  cut: boolean;
  stalled: boolean;
  /** client→router chunks: [ms since accept, bytes]. */
  upChunks: Array<[number, number]>;
  openedAt: number;
  closedAt?: number;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a router's SSH port. `plan` applies to every connection
 * accepted after it is set; `connections` records each one.
 */
export class FaultProxy {
  plan: ProxyPlan = {};
  readonly connections: ProxyConnection[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.handle(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
    });
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('proxy has no port');
    this.port = addr.port;
    return this.port;
  }

  private handle(client: Socket): void {
    const plan = { ...this.plan };
    const conn: ProxyConnection = { up: 0, down: 0, cut: false, stalled: false, upChunks: [], openedAt: Date.now() };
    this.connections.push(conn);
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        conn.closedAt ??= Date.now();
      });
    }
    const cut = (): void => {
      if (conn.cut) return;
      conn.cut = true;
      client.destroy();
      upstream.destroy();
    };
    const stall = (): void => {
      conn.stalled = true;
      client.pause();
      upstream.pause();
    };
    const timers: NodeJS.Timeout[] = [];
    if (plan.cutAfterMs !== undefined) timers.push(setTimeout(cut, plan.cutAfterMs));
    if (plan.stallAfterMs !== undefined) timers.push(setTimeout(stall, plan.stallAfterMs));
    client.on('close', () => timers.forEach(clearTimeout));

    let scripts = 0;
    client.on('data', (chunk: Buffer) => {
      if (conn.cut || conn.stalled) return;
      conn.upChunks.push([Date.now() - conn.openedAt, chunk.length]);
      const after = plan.cutAfterScripts;
      if (after && conn.upChunks.length > 3 && chunk.length >= 1500 && ++scripts === after.count) {
        upstream.write(chunk, () => timers.push(setTimeout(cut, after.delayMs)));
        conn.up += chunk.length;
        return;
      }
      let data = chunk;
      const limit = plan.cutAfterBytes ?? plan.stallAfterBytes;
      if (limit !== undefined && conn.up + data.length >= limit) {
        data = data.subarray(0, limit - conn.up);
        conn.up += data.length;
        if (data.length > 0) upstream.write(data);
        if (plan.cutAfterBytes !== undefined) {
          // Cut once those bytes are handed to the kernel, so the router does receive them.
          if (data.length > 0) upstream.write(Buffer.alloc(0), () => setTimeout(cut, 20));
          else cut();
        } else stall();
        return;
      }
      conn.up += data.length;
      upstream.write(data);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (conn.cut || conn.stalled) return;
      conn.down += chunk.length;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The known_hosts line a router's key needs when it is reached on `port` of 127.0.0.1. */
export async function hostKeyLine(lab: Lab, router: LabRouter, port: number): Promise<string> {
  const lines = (await readFile(lab.knownHostsPath, 'utf8')).split('\n');
  const own = lines.find((l) => l.startsWith(`[127.0.0.1]:${router.port} `));
  if (!own) throw new Error(`no known_hosts line for ${router.name}`);
  return `[127.0.0.1]:${port} ${own.split(' ').slice(1).join(' ')}`;
}

/** A copy of the lab's known_hosts plus `extra` lines, at `file`. */
export async function writeKnownHosts(lab: Lab, file: string, extra: string[]): Promise<string> {
  const base = await readFile(lab.knownHostsPath, 'utf8');
  await writeFile(file, `${base.trimEnd()}\n${extra.join('\n')}\n`);
  return file;
}

/**
 * A copy of the lab inventory at `file`, with per-host changes: `port` sends the host through a
 * proxy, `vars` adds host variables (e.g. its own `tunnels`), and `allVars` edits `all.vars`.
 */
export async function writeInventory(
  lab: Lab,
  file: string,
  hosts: Record<string, { port?: number; vars?: Record<string, unknown> }> = {},
  allVars: (vars: Record<string, unknown>) => void = () => undefined,
): Promise<string> {
  const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
  const js = doc.toJS() as { all: { vars: Record<string, unknown>; hosts: Record<string, Record<string, unknown>> } };
  for (const [name, h] of Object.entries(hosts)) {
    const host = js.all.hosts[name];
    if (!host) throw new Error(`no host ${name}`);
    if (h.port !== undefined) host['ansible_port'] = h.port;
    Object.assign(host, h.vars ?? {});
  }
  allVars(js.all.vars);
  // The password file is relative to the inventory's directory: keep it pointing at the lab's.
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o['file'] === 'string' && Object.keys(o).length === 1) return { file: path.resolve(lab.dir, o['file']) };
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rewrite(x)]));
    }
    return v;
  };
  const out = rewrite(js);
  if (!isMap(doc.contents)) throw new Error('inventory is not a mapping');
  await writeFile(file, new Document(out).toString({ lineWidth: 0 }));
  return file;
}

export interface Report {
  exitCode?: number;
  hosts: Array<{
    name: string;
    status: string;
    step?: string;
    error?: string | null;
    durationMs: number;
    sshExecs: number;
    changes: Array<{ resource: string; target: string; action: string }>;
    tunnels: Array<{ name: string; verdict: string; hint: string | null }>;
  }>;
}

/**
 * `apply` with the lab's key, an inventory and known_hosts of the test's choosing, and a JSON
 * report. A CLI still running after `deadlineMs` is killed (SIGKILL, by its pid) and reported
 * `hung`: a tool that never exits hangs a CI job.
 */
export async function applyWith(
  lab: Lab,
  opts: { inventory?: string; knownHosts?: string; args?: string[]; env?: NodeJS.ProcessEnv; reportName: string; deadlineMs?: number },
): Promise<CliResult & { report: Report | null; ms: number; hung: boolean }> {
  const reportFile = path.join(lab.dir, `${opts.reportName}.json`);
  const args = labArgs(lab);
  if (opts.inventory) args[1] = opts.inventory;
  if (opts.knownHosts) args[3] = opts.knownHosts;
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'apply', ...args, '--report-json', reportFile, ...(opts.args ?? [])], {
    cwd: root,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, opts.deadlineMs ?? 300_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const ms = Date.now() - started;
  const report = await readFile(reportFile, 'utf8').then((t) => JSON.parse(t) as Report, () => null);
  return { code, stdout, stderr, report, ms, hung };
}

export function hostOf(report: Report | null, name: string): Report['hosts'][number] {
  const h = report?.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name} in report`);
  return h;
}

/** Files pptp-fleet manages for a tunnel `office` (plus what the packages bring). */
export const MANAGED = [
  'etc/ppp/chap-secrets',
  'etc/ppp/peers/office',
  'etc/ppp/options.pptp',
  'etc/ppp/ip-up',
  'etc/ppp/ip-down',
  'etc/modules',
  'etc/modules.d/60-pptp-fleet',
  'etc/init.d/pptp-office',
];

/** Per managed path: `missing`, `link:TARGET` or `file:MODE:sha256`. */
export type Snapshot = Record<string, string>;

export async function snapshot(rootfs: string, paths: string[] = MANAGED): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const p of paths) {
    const abs = path.join(rootfs, p);
    const st = await lstat(abs).catch(() => null);
    if (!st) out[p] = 'missing';
    else if (st.isSymbolicLink()) out[p] = `link:${await readlink(abs)}`;
    else out[p] = `file:${(st.mode & 0o777).toString(8)}:${createHash('sha256').update(await readFile(abs)).digest('hex')}`;
  }
  return out;
}

/** Paths whose state in `mid` is neither the one in `before` nor the one in `after`. */
export function mixedFiles(before: Snapshot, mid: Snapshot, after: Snapshot): string[] {
  return Object.keys(mid).filter((p) => mid[p] !== before[p] && mid[p] !== after[p]);
}

/** Leftover `.pptp-fleet.*` temp files under the router's /etc, with their modes. */
export async function leftoverTemps(rootfs: string): Promise<Array<{ path: string; mode: string }>> {
  const found: Array<{ path: string; mode: string }> = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(rootfs, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) await walk(r);
      else if (e.name.startsWith('.pptp-fleet.')) {
        const st = await lstat(path.join(rootfs, r));
        found.push({ path: r, mode: (st.mode & 0o777).toString(8) });
      }
    }
  }
  await walk('etc');
  return found;
}

/**
 * A second dropbear for `router` on `port`, over the same rootfs (and whatever is mounted in it
 * now: bwrap binds recursively). The caller stops it with `stopExtraRouter`.
 */
export function startExtraRouter(router: LabRouter, port: number): ChildProcess {
  const argv = sandboxArgv({
    name: router.name,
    port,
    firmware: router.firmware,
    rootfs: router.rootfs,
    auditLog: router.auditLog,
    bwrap: '/usr/bin/bwrap',
    asRoot: process.getuid?.() === 0,
  });
  const [cmd, ...args] = argv as [string, ...string[]];
  return spawn(cmd, args, { stdio: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C' } });
}

/** Stops a process started by `startExtraRouter` (by its pid) and waits for it. */
export async function stopExtraRouter(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await gone;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (a === null || typeof a === 'string') throw new Error('no port');
  return a.port;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls CHECK every 100 ms until it holds: a test waits on the condition it needs, not a fixed
 * sleep that a loaded machine outlasts. Fails naming WHAT after timeoutMs (generous on purpose).
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for: ${what}`);
    await sleep(100);
  }
}

/** True once nothing on ROUTER runs a pptp-fleet script (`sh -s -- pptp-fleet:...`). */
export async function routerIdle(lab: Lab, router: LabRouter): Promise<boolean> {
  // The bracket keeps this command's own argv from matching.
  const r = await routerExec(lab, router, "for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' < \"$f\" 2>/dev/null; echo; done | grep -c 'pptp-flee[t]:' || true");
  return r.stdout.trim() === '0';
}

/** Runs `command` on a lab router over SSH (its own connection), `stdin` on stdin. */
export async function routerExec(lab: Lab, router: LabRouter, command: string, stdin = '', timeoutMs = 60_000): Promise<ExecResult> {
  const s = await SshSession.connect(
    { host: router.name, address: '127.0.0.1', port: router.port, user: 'root', privateKeyFile: lab.keyPath, legacyAlgorithms: false },
    { knownHostsFile: lab.knownHostsPath, acceptNewHostKeys: false, connectTimeoutMs: 10_000, commandTimeoutMs: timeoutMs, retries: 2 },
  );
  try {
    // Compressed output (shell/compress.ts) comes back as text, its wire size in stdoutWireBytes.
    return await s.exec(command, { stdin, gunzipStdout: true });
  } finally {
    await s.close();
  }
}

/** A shell on lab router NAME: runs COMMAND over SSH, its stdout; throws on a non-zero exit. */
export function routerShell(lab: Lab, name: string): (command: string) => Promise<string> {
  return async (command) => {
    const router = lab.routers.find((x) => x.name === name);
    if (!router) throw new Error(`no router ${name}`);
    const r = await routerExec(lab, router, command);
    if (r.exitCode !== 0) throw new Error(`${command}: exit ${String(r.exitCode)}: ${r.stderr}`);
    return r.stdout;
  };
}

/** Live pppd processes netifd runs for interface NAME (`ifname pptp-NAME` on their command line), read through SH. */
export async function netifdPppds(sh: (command: string) => Promise<string>, name: string): Promise<string[]> {
  return (await sh("for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' < \"$f\" 2>/dev/null; echo; done"))
    .split('\n')
    .filter((l) => /pppd/.test(l) && l.includes(`ifname pptp-${name} `));
}

/** The lab inventory with its `all.vars.tunnels` replaced by EDIT's result, written as inventory-NAME.yaml. */
export async function inventoryWithTunnels(lab: Lab, name: string, edit: (tunnels: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): Promise<string> {
  const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
  const tunnels = (doc.getIn(['all', 'vars', 'tunnels']) as { toJSON(): Array<Record<string, unknown>> }).toJSON();
  doc.setIn(['all', 'vars', 'tunnels'], edit(tunnels));
  const file = path.join(lab.dir, `inventory-${name}.yaml`);
  await writeFile(file, doc.toString());
  return file;
}
