// An inventory as an Ansible shop has it, on a 3-router lab: a directory with hosts in
// hosts.yml, tunnels and the SSH key in group_vars/all/, the VPN password vault-encrypted (by
// Debian's ansible-vault) and referenced as {{ vault_office_password }}, and one router whose
// port only host_vars/ gets right. Every tunnel comes up. The same inventory with a Jinja filter
// in the password, or with its tunnels where no host gets them, exits 2 without any router
// being contacted (the routers' audit logs do not grow).
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { auditLines, readReport, runCli, startLab, stopLab, type CliResult } from './helpers.js';

const NAMES = ['r001', 'r002', 'r003'];

describe('a directory inventory with group_vars/, host_vars/ and a vault password', () => {
  let lab: Lab;
  let work = '';
  let inv = '';
  let vaultPass = '';
  let password = '';
  let first: CliResult;

  const auditCounts = async (): Promise<number[]> => Promise.all(NAMES.map(async (n) => (await auditLines(lab, n)).length));
  const run = (dir: string, extra: string[] = []): Promise<CliResult> =>
    runCli(['apply', '-i', dir, '--known-hosts', lab.knownHostsPath, '--vault-password-file', vaultPass, '--connect-timeout', '20000', ...extra]);

  beforeAll(async () => {
    lab = await startLab({ routers: 3, firmware: [['openwrt', 3]], scenario: [['ok', 3]] });
    password = (await readFile(lab.passwordPath, 'utf8')).trim();
    work = await mkdtemp(path.join(os.tmpdir(), 'pf-invdir-'));
    inv = path.join(work, 'inventory');
    vaultPass = path.join(work, 'vault-pass');
    await writeFile(vaultPass, 'lab vault password\n');
    await mkdir(path.join(inv, 'group_vars', 'all'), { recursive: true });
    await mkdir(path.join(inv, 'host_vars'), { recursive: true });
    const port = (name: string): number => lab.routers.find((r) => r.name === name)?.port ?? 0;
    // r002's port in hosts.yml is wrong (nothing listens on port 1); host_vars/r002.yml fixes it.
    await writeFile(path.join(inv, 'hosts.yml'), [
      'all:',
      '  children:',
      '    branches:',
      '      hosts:',
      `        r001: { ansible_host: 127.0.0.1, ansible_port: ${port('r001')} }`,
      '        r002: { ansible_host: 127.0.0.1, ansible_port: 1 }',
      `        r003: { ansible_host: 127.0.0.1, ansible_port: ${port('r003')} }`,
      // Nothing listens on port 1: a host without tunnels must not even be contacted.
      '        spare: { ansible_host: 127.0.0.1, ansible_port: 1 }',
      '',
    ].join('\n'));
    await writeFile(path.join(inv, 'host_vars', 'r002.yml'), `ansible_port: ${port('r002')}\n`);
    await writeFile(path.join(inv, 'host_vars', 'spare.yml'), 'tunnels: []\n');
    await writeFile(path.join(inv, 'group_vars', 'all', 'ssh.yml'), `ansible_user: root\nansible_ssh_private_key_file: ${lab.keyPath}\n`);
    await writeFile(path.join(inv, 'group_vars', 'all', 'tunnels.yml'), [
      'tunnels:',
      '  - name: office',
      '    server: 198.51.100.1',
      "    username: 'LAB\\fleet'",
      '    password: "{{ vault_office_password }}"',
      '    mppe: { required: true, stateless: true, no40: true, no56: true }',
      '    refuse_eap: true',
      '    routes: [10.20.0.0/16]',
      '',
    ].join('\n'));
    const encrypted = execFileSync('ansible-vault', ['encrypt_string', '--vault-password-file', vaultPass, '--name', 'vault_office_password', password], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    await writeFile(path.join(inv, 'group_vars', 'all', 'vault.yml'), encrypted);
    first = await run(inv, ['--report-json', path.join(work, 'report.json')]);
  }, 240_000);

  afterAll(async () => {
    await stopLab(lab);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('brings every tunnel up, r002 reached on the port from host_vars/', async () => {
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const report = await readReport(path.join(work, 'report.json'));
    const routers = report.hosts.filter((h) => h.name !== 'spare');
    expect(routers.map((h) => [h.name, h.status, h.tunnels[0]?.verdict]).sort()).toEqual(NAMES.map((n) => [n, 'changed', 'up']));
    expect(report.hosts.find((h) => h.name === 'spare')).toMatchObject({ status: 'skipped', error: 'no tunnels defined for this host: are they in group_vars/ next to the inventory?' });
    expect((await auditLines(lab, 'r002')).length).toBeGreaterThan(0);
  });

  it('never shows the vault plaintext or the vault password', async () => {
    const report = await readFile(path.join(work, 'report.json'), 'utf8');
    for (const text of [first.stdout, first.stderr, report]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain('lab vault password');
    }
  });

  it('a Jinja filter in the password: exit 2 naming file and dot-path, no router contacted', async () => {
    const bad = path.join(work, 'jinja');
    await cp(inv, bad, { recursive: true });
    const f = path.join(bad, 'group_vars', 'all', 'tunnels.yml');
    await writeFile(f, (await readFile(f, 'utf8')).replace('{{ vault_office_password }}', '{{ vault_office_password | trim }}'));
    const before = await auditCounts();
    const r = await run(bad);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${f}: tunnels[0].password: Jinja templates are not evaluated`);
    expect(r.stderr + r.stdout).not.toContain(password);
    expect(await auditCounts()).toEqual(before);
  });

  it('a wrong vault password: exit 2 naming the vault file and variable, no router contacted', async () => {
    const wrong = path.join(work, 'wrong-pass');
    await writeFile(wrong, 'not it\n');
    const before = await auditCounts();
    const r = await runCli(['apply', '-i', inv, '--known-hosts', lab.knownHostsPath, '--vault-password-file', wrong]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${path.join(inv, 'group_vars', 'all', 'vault.yml')}: vault_office_password: cannot decrypt the vault value: wrong vault password`);
    expect(await auditCounts()).toEqual(before);
  });

  it('tunnels where no selected host gets them: exit 2 with the hint, not a green run that did nothing', async () => {
    const lost = path.join(work, 'lost');
    await cp(inv, lost, { recursive: true });
    // The classic mistake: group_vars named after a group no host is in.
    await mkdir(path.join(lost, 'group_vars', 'office'));
    await cp(path.join(lost, 'group_vars', 'all', 'tunnels.yml'), path.join(lost, 'group_vars', 'office', 'tunnels.yml'));
    await rm(path.join(lost, 'group_vars', 'all', 'tunnels.yml'));
    const before = await auditCounts();
    const r = await run(lost);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('no tunnels defined for this host: are they in group_vars/ next to the inventory?');
    expect(await auditCounts()).toEqual(before);
  });
});
