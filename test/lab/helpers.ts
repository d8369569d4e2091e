// Shared helpers for the lab tests: start a lab in a temp dir, run the built CLI against it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, lstat, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Document } from 'yaml';
import { labUp, labDown, type Lab } from '../../packages/lab/src/index.js';
import { endStdin } from '../fixtures/stdin.js';
import type { Report, ReportHost, ReportTunnel } from '../../src/report/json.js';

export type { Report, ReportHost, ReportTunnel };

export const root = fileURLToPath(new URL('../..', import.meta.url));
const cliJs = path.join(root, 'dist', 'cli.js');

/**
 * Starts a lab in a temp dir. MANAGER pins every tunnel of the lab inventory to one manager
 * (`manager:` in all.vars); 'auto' leaves the choice to the tool (netifd on OpenWrt routers,
 * pppd on White Russian). The default is 'auto', the path users take; a suite about hand-run
 * pppd itself (peer files, linkname pid files, ip-up, boot scripts) pins 'pppd' and says why.
 */
export async function startLab(opts: Omit<Parameters<typeof labUp>[0], 'dir'> & { manager?: 'netifd' | 'pppd' | 'auto' }): Promise<Lab> {
  const { manager = 'auto', ...rest } = opts;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pf-lab-'));
  const lab = await labUp({ ...rest, dir });
  if (manager !== 'auto') {
    // One line under all.vars, the rest byte for byte (tests edit the file as text).
    const text = await readFile(lab.inventoryPath, 'utf8');
    if (!text.startsWith('all:\n  vars:\n')) throw new Error(`lab inventory ${lab.inventoryPath} does not start with all.vars`);
    await writeFile(lab.inventoryPath, text.replace('all:\n  vars:\n', `all:\n  vars:\n    manager: ${manager}\n`));
  }
  return lab;
}

/** Stops the lab's routers and removes its directory (each lab is tens of MB under /tmp). */
export async function stopLab(lab: Lab | undefined): Promise<void> {
  if (!lab) return;
  await labDown(lab.dir);
  await rm(lab.dir, { recursive: true, force: true });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node dist/cli.js ARGS` without a TTY (plain output), as CI would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], {
      cwd: root,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    endStdin(child, input ?? '');
  });
}

/** The CLI flags that point at a lab's inventory, known_hosts and admin key. */
export function labArgs(lab: Lab): string[] {
  return ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath];
}

export async function auditLines(lab: Lab, name: string): Promise<string[]> {
  const r = lab.routers.find((x) => x.name === name);
  if (!r) throw new Error(`no router ${name}`);
  const text = await readFile(r.auditLog, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.length > 0);
}

/** A content hash of a directory tree (names, modes, link targets, bytes). */
export async function treeHash(dir: string, skip: (rel: string) => boolean = () => false): Promise<string> {
  const h = createHash('sha256');
  async function walk(rel: string): Promise<void> {
    const abs = path.join(dir, rel);
    const st = await lstat(abs);
    h.update(`${rel}\0${st.mode}\0`);
    if (st.isSymbolicLink()) h.update(await readlink(abs));
    else if (st.isDirectory()) {
      for (const e of (await readdir(abs)).sort()) {
        const r = path.join(rel, e);
        if (!skip(r)) await walk(r);
      }
    } else if (st.isFile()) h.update(await readFile(abs));
  }
  await walk('.');
  return h.digest('hex');
}

export function routerPath(lab: Lab, name: string, p: string): string {
  const r = lab.routers.find((x) => x.name === name);
  if (!r) throw new Error(`no router ${name}`);
  return path.join(r.rootfs, p);
}

export async function readReport(file: string): Promise<Report> {
  return JSON.parse(await readFile(file, 'utf8')) as Report;
}

export function hostOf(report: Report, name: string): ReportHost {
  const h = report.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`${name} is not in the report`);
  return h;
}

/** Runs the CLI against LAB with a JSON report named NAME in the lab directory; returns both. */
export async function runCliReport(lab: Lab, args: string[], name: string): Promise<{ r: CliResult; report: Report }> {
  const file = path.join(lab.dir, `${name}.json`);
  const r = await runCli([...args, ...labArgs(lab), '--report-json', file]);
  return { r, report: await readReport(file) };
}

/** Writes LAB's inventory changed by EDIT as DIR/inventory-NAME.yaml; returns its path. */
export async function editedInventory(lab: Lab, name: string, edit: (doc: Document) => void): Promise<string> {
  const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
  edit(doc);
  const file = path.join(lab.dir, `inventory-${name}.yaml`);
  await writeFile(file, doc.toString({ lineWidth: 0 }));
  return file;
}

let reports = 0;
/** Runs the CLI with inventory INV and LAB's keys; its JSON report, which must list HOSTS hosts. */
export async function inventoryReport(lab: Lab, inv: string, args: string[], hosts: number): Promise<Report> {
  const file = path.join(lab.dir, `report-${++reports}.json`);
  const r = await runCli([...args, '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--report-json', file]);
  const report = await readReport(file).catch(() => ({ hosts: [] }) as unknown as Report);
  if (report.hosts.length !== hosts) throw new Error(`expected ${hosts} hosts in the report of ${args.join(' ')}, got ${report.hosts.length}:\n${r.stdout}${r.stderr}`);
  return report;
}

/** The lab router's pppd version (what its firmware profile ships). */
export const pppVersion = async (lab: Lab, host: string): Promise<string> => (await readFile(routerPath(lab, host, 'lab/pppver'), 'utf8')).trim();

/**
 * The value of `option OPTION` in `config TYPE 'SECTION'` of a UCI file's TEXT (as `uci commit`
 * writes it: one tab, value in single quotes); '' when the section or option is missing.
 */
export function uciOption(text: string, section: string, option: string): string {
  const sec = text.split(/\n(?=config )/).find((s) => new RegExp(`^config \\S+ '${section}'\\n`).test(s.replace(/^\n+/, '')));
  const m = sec?.match(new RegExp(`^\\toption ${option} '((?:[^']|'\\\\'')*)'$`, 'm'));
  return m ? m[1]!.replace(/'\\''/g, "'") : '';
}

/**
 * What defines tunnel NAME on HOST for the manager the tool picks there: White Russian's peer
 * file; on OpenWrt the netifd interface NAME and the route sections of it in /etc/config/network
 * (as `uci commit` wrote them). Throws when there is none, like reading a missing peer file.
 */
export async function tunnelDefinition(lab: Lab, host: string, name: string): Promise<string> {
  const r = lab.routers.find((x) => x.name === host);
  if (!r) throw new Error(`no router ${host}`);
  if (r.firmware === 'whiterussian') return readFile(routerPath(lab, host, `etc/ppp/peers/${name}`), 'utf8');
  const sections = (await readFile(routerPath(lab, host, 'etc/config/network'), 'utf8'))
    .split(/\n(?=config )/)
    .map((s) => s.replace(/^\n+/, '').trimEnd())
    .filter((s) => s.startsWith(`config interface '${name}'\n`) || (s.startsWith('config route ') && s.includes(`\n\toption interface '${name}'`)));
  if (!sections.some((s) => s.startsWith('config interface '))) throw new Error(`${host}: no interface ${name} in /etc/config/network`);
  return sections.join('\n\n');
}
