// SshSession against the lab's real dropbear routers: one connection and one exec per router
// under concurrency, a router that never finishes the handshake, and a changed host key. Then
// the CLI's SSH settings: the lab's inventory used as is (it names its key and known_hosts),
// flags overriding it, ProxyJump and HashKnownHosts through ansible_ssh_common_args, --limit
// @FILE, and an unsupported option refused before anything is contacted.
// Needs `npm run build` first (the lab supervisor and the CLI run from dist/).
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

import type { Lab, LabRouter } from '../../packages/lab/src/index.js';
import { makeKeyPair } from '../fixtures/ssh/server.js';
import { SshError, SshSession, type SshOptions, type SshTarget } from '../../src/ssh/session.js';
import { auditLines, readReport, runCli, startLab, stopLab } from './helpers.js';

const ROUTERS = 50;
const COMMAND = 'echo pptp-fleet-ssh-lab';

function target(lab: Lab, r: LabRouter): SshTarget {
  return { host: r.name, address: '127.0.0.1', port: r.port, user: 'root', privateKeyFile: lab.keyPath };
}

function options(knownHostsFile: string): SshOptions {
  return {
    knownHostsFile,
    acceptNewHostKeys: false,
    connectTimeoutMs: 3_000,
    commandTimeoutMs: 20_000,
    retries: 1,
    retryBaseDelayMs: 200,
    agentSocket: '',
  };
}

async function audit(r: LabRouter): Promise<string[]> {
  return (await readFile(r.auditLog, 'utf8')).split('\n').filter((l) => l.length > 0);
}

describe('SshSession on the lab', () => {
  let lab: Lab | undefined;

  beforeAll(async () => {
    lab = await startLab({ routers: ROUTERS, scenario: [['ssh_hang', 1]] });
  });
  afterAll(async () => {
    await stopLab(lab);
  });

  it('refuses a router whose known_hosts line holds another key; its audit log stays empty', async () => {
    const l = lab as Lab;
    const victim = l.routers.find((r) => r.scenario !== 'ssh_hang' && r.name !== 'r001') ?? l.routers[0];
    if (!victim) throw new Error('no router');
    expect(await audit(victim)).toEqual([]);
    const other = makeKeyPair();
    const lines = (await readFile(l.knownHostsPath, 'utf8')).split('\n');
    const changed = lines
      .map((line) => (line.startsWith(`[127.0.0.1]:${victim.port} `) ? `[127.0.0.1]:${victim.port} ${other.type} ${other.blob.toString('base64')}` : line))
      .join('\n');
    expect(changed).not.toBe(lines.join('\n'));
    const file = join(l.dir, 'known_hosts.changed');
    await writeFile(file, changed);

    const err = await SshSession.connect(target(l, victim), { ...options(file), acceptNewHostKeys: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SshError);
    expect((err as SshError).reason).toBe('host-key-changed');
    expect((err as SshError).message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(await audit(victim)).toEqual([]);
    // accept-new never overwrites a changed key.
    expect(await readFile(file, 'utf8')).toBe(changed);
  });

  it('connects to 50 routers 10 at a time; each router sees exactly the one command; the hung one times out', async () => {
    const l = lab as Lab;
    const hung = l.routers.find((r) => r.scenario === 'ssh_hang');
    expect(hung).toBeDefined();
    const limit = pLimit(10);
    const results = await Promise.all(
      l.routers.map((r) =>
        limit(async () => {
          try {
            const s = await SshSession.connect(target(l, r), options(l.knownHostsPath));
            try {
              const res = await s.exec(COMMAND);
              return { name: r.name, ok: true as const, res, execCount: s.execCount };
            } finally {
              await s.close();
            }
          } catch (err) {
            return { name: r.name, ok: false as const, err };
          }
        }),
      ),
    );

    for (const result of results) {
      if (result.name === hung?.name) {
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.err).toBeInstanceOf(SshError);
          expect((result.err as SshError).reason).toBe('timeout');
        }
        continue;
      }
      expect(result, result.name).toMatchObject({ ok: true, execCount: 1 });
      if (result.ok) expect(result.res).toMatchObject({ exitCode: 0, stdout: 'pptp-fleet-ssh-lab\n' });
    }
    for (const r of l.routers) {
      if (r.scenario === 'ssh_hang') continue;
      expect(await audit(r), r.name).toEqual([COMMAND]);
    }
  });
  /** Routers that answer (not the hung one), by position. */
  function okRouters(l: Lab): LabRouter[] {
    return l.routers.filter((r) => r.scenario !== 'ssh_hang');
  }

  /** The lab inventory with EDIT applied to the hosts NAMES, written next to it. */
  async function editedInventory(l: Lab, file: string, names: string[], vars: Record<string, string>): Promise<string> {
    const doc = parseDocument(await readFile(l.inventoryPath, 'utf8'));
    for (const n of names) for (const [k, v] of Object.entries(vars)) doc.setIn(['all', 'hosts', n, k], v);
    const out = join(l.dir, file);
    await writeFile(out, doc.toString({ lineWidth: 0 }));
    return out;
  }

  it('the lab inventory works as is: ping -i DIR/inventory.yaml with no other flag', async () => {
    const l = lab as Lab;
    const names = okRouters(l).slice(0, 3).map((r) => r.name);
    const report = join(l.dir, 'as-is.json');
    const r = await runCli(['ping', '-i', l.inventoryPath, '--limit', names.join(','), '--report-json', report]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect((await readReport(report)).hosts.map((h) => [h.name, h.status])).toEqual(names.map((n) => [n, 'ok']));
  });

  it('flags still override it: --known-hosts with an empty file refuses the routers, none gets a command', async () => {
    const l = lab as Lab;
    const names = okRouters(l).slice(3, 5).map((r) => r.name);
    const before = await Promise.all(names.map((n) => auditLines(l, n)));
    const empty = join(l.dir, 'known_hosts.empty');
    await writeFile(empty, '');
    const r = await runCli(['ping', '-i', l.inventoryPath, '--known-hosts', empty, '--limit', names.join(',')]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/not in .*known_hosts\.empty/);
    expect(await Promise.all(names.map((n) => auditLines(l, n)))).toEqual(before);
  });

  it('ansible_user beats -u and the inventory key beats --private-key (Ansible precedence); without ansible_user, -u is used', async () => {
    const l = lab as Lab;
    const name = okRouters(l)[5]?.name ?? '';
    const r = await runCli(['ping', '-i', l.inventoryPath, '-u', 'nobody', '--private-key', '/nonexistent/key', '--limit', name]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // Without ansible_user in the inventory, -u is the user: nobody is refused, root gets in.
    const doc = parseDocument(await readFile(l.inventoryPath, 'utf8'));
    doc.deleteIn(['all', 'vars', 'ansible_user']);
    const noUser = join(l.dir, 'no-user.yaml');
    await writeFile(noUser, doc.toString({ lineWidth: 0 }));
    const refused = await runCli(['ping', '-i', noUser, '-u', 'nobody', '--limit', name]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/nobody/);
    expect((await runCli(['ping', '-i', noUser, '-u', 'root', '--limit', name])).code).toBe(0);
  });

  it('ProxyJump through ansible_ssh_common_args, hosts picked with --limit @FILE: one bastion login, the routers get the command', async () => {
    const l = lab as Lab;
    const ok = okRouters(l);
    const bastion = ok[6] as LabRouter;
    const behind = ok.slice(7, 11).map((r) => r.name);
    const logins = async (): Promise<number> =>
      (await readFile(join(l.dir, 'routers', bastion.name, 'dropbear.log'), 'utf8')).split('\n').filter((x) => /Pubkey auth succeeded/.test(x)).length;
    const inv = await editedInventory(l, 'jump-args.yaml', behind, {
      ansible_ssh_common_args: `-o UserKnownHostsFile=${l.knownHostsPath} -o ProxyJump=root@127.0.0.1:${bastion.port} -o ControlMaster=auto`,
    });
    const retry = join(l.dir, 'jump.retry');
    await writeFile(retry, `${behind.join('\n')}\n`);
    const bastionAudit = await auditLines(l, bastion.name);
    const before = await logins();
    const report = join(l.dir, 'jump-args.json');
    const r = await runCli(['ping', '-i', inv, '--limit', `@${retry}`, '--report-json', report]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/ansible_ssh_common_args: -o ControlMaster ignored/);
    expect((await readReport(report)).hosts.map((h) => [h.name, h.status])).toEqual(behind.map((n) => [n, 'ok']));
    expect((await logins()) - before).toBe(1);
    expect(await auditLines(l, bastion.name)).toEqual(bastionAudit);
    for (const n of behind) expect((await auditLines(l, n)).at(-1), n).toBe('true');
  });

  it('HashKnownHosts and accept-new through ansible_ssh_common_args: the key is recorded hashed, as ssh-keygen -F finds it', async () => {
    const l = lab as Lab;
    const router = okRouters(l)[11] as LabRouter;
    const kh = join(l.dir, 'known_hosts.hashed');
    const inv = await editedInventory(l, 'hashed.yaml', [router.name], {
      ansible_ssh_common_args: `-o UserKnownHostsFile=${kh} -o StrictHostKeyChecking=accept-new -o HashKnownHosts=yes`,
    });
    const r = await runCli(['ping', '-i', inv, '--limit', router.name]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const text = await readFile(kh, 'utf8');
    expect(text).not.toContain('127.0.0.1');
    expect(execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${router.port}`, '-f', kh], { encoding: 'utf8' })).toMatch(/ssh-/);
  });

  it('an unsupported option (ProxyCommand) in ansible_ssh_common_args exits 2 naming file, host and variable; nothing contacted', async () => {
    const l = lab as Lab;
    const names = okRouters(l).slice(12, 14).map((r) => r.name);
    const before = await Promise.all(names.map((n) => auditLines(l, n)));
    const inv = await editedInventory(l, 'proxycommand.yaml', [names[0] as string], { ansible_ssh_common_args: '-o ProxyCommand="nc %h %p"' });
    const r = await runCli(['ping', '-i', inv, '--limit', names.join(',')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${inv}: ${names[0]}.ansible_ssh_common_args: ProxyCommand is not supported`);
    expect(await Promise.all(names.map((n) => auditLines(l, n)))).toEqual(before);
  });
});
