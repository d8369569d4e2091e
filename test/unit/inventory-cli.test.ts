import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { registerInventory } from '../../src/cli/commands/inventory.js';

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const program = new Command('pptp-fleet').exitOverride();
  registerInventory(program);
  await program.parseAsync(['node', 'pptp-fleet', 'inventory', ...args]);
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pptp-fleet inventory', () => {
  it('--graph draws the tree like ansible-inventory --graph', async () => {
    const { out } = await run('-i', 'test/fixtures/inventory/patterns.yaml', '--graph', '--limit', 'routers:!canary');
    expect(out).toBe(['@all:', '  |--@routers:', '  |  |--r02', '  |  |--r04', '  |  |--r10', '  |--@web:', '  |  |--r02', ''].join('\n'));
  });

  it('--list prints hosts as JSON with secrets masked; literal-password warnings go to stderr', async () => {
    vi.stubEnv('VPN_PW', 'env-secret');
    const { out, err } = await run('-i', 'test/fixtures/inventory/secrets.yaml', '--list');
    vi.unstubAllEnvs();
    const json = JSON.parse(out) as { hosts: { name: string; tunnels: { password: string }[] }[] };
    expect(json.hosts.map((h) => h.name)).toEqual(['r1']);
    expect(json.hosts[0]?.tunnels.map((t) => t.password)).toEqual(['***', '***', '***', '***']);
    expect(out).not.toMatch(/env-secret|file-secret|pa ss/);
    expect(err).toMatch(/^warning: .*tunnels\[2\]\.password: password written in plain text/);
  });

  it('--list prints an integer past 2^53 with every digit, as ansible-inventory does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-bigint-'));
    await writeFile(join(dir, 'hosts.ini'), '[g]\nr1 ansible_host=127.0.0.1 serial=12345678901234567890 small=7\n');
    const { out } = await run('-i', join(dir, 'hosts.ini'), '--list');
    expect(out).toContain('"serial": 12345678901234567890,');
    expect(out).toContain('"small": 7');
  });

  it("reads the current directory's group_vars/ and host_vars/ as ansible-inventory does (its playbook directory), or --playbook-dir's", async () => {
    const L = 'test/fixtures/inventory/layouts/playbook-dir';
    const varsOf = (out: string): Record<string, unknown> | undefined => (JSON.parse(out) as { hosts: { name: string; vars: Record<string, unknown> }[] }).hosts.find((h) => h.name === 'r1')?.vars;
    const here = process.cwd();
    try {
      process.chdir(L);
      expect(varsOf((await run('-i', 'inv/hosts', '--list')).out)).toMatchObject({ a: 'pb_all', e: 'pb_g', f: 'pb_host', hv: 'inv_host' });
    } finally {
      process.chdir(here);
    }
    // from elsewhere, the inventory's own only, unless --playbook-dir names the directory
    expect(varsOf((await run('-i', `${L}/inv/hosts`, '--list')).out)).toMatchObject({ a: 'inv_all', e: 'inv_g', f: 'inv_host' });
    expect(varsOf((await run('-i', `${L}/inv/hosts`, '--playbook-dir', L, '--list')).out)).toMatchObject({ a: 'pb_all', e: 'pb_g', f: 'pb_host' });
  });

  it('reads the files of a playbook directory that is the inventory\'s own once: each warning once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-here-'));
    await mkdir(join(dir, 'group_vars'));
    await writeFile(join(dir, 'hosts'), '[g]\nr1 ansible_host=127.0.0.1\n');
    await writeFile(join(dir, 'group_vars', 'all.yml'), 'x: 1\nx: 2\n');
    const here = process.cwd();
    process.chdir(dir);
    const { err } = await run('-i', 'hosts', '--list').finally(() => process.chdir(here));
    expect(err.split('\n').filter((l) => /written twice/.test(l))).toEqual(['warning: group_vars/all.yml: line 2: key "x" is written twice in one mapping: the last value is used']);
  });

  it('a key that a YAML merge key (<<) also brings is a warning on stderr, as ansible-core warns of it', async () => {
    const { err } = await run('-i', 'test/fixtures/inventory/layouts/merge-keys/hosts.yml', '--list');
    expect(err).toContain('warning: test/fixtures/inventory/layouts/merge-keys/hosts.yml: line 17: key "x" is written in the mapping and also merged in by "<<": the value written here is used (ansible-core warns of a duplicate key)');
    expect(err).toContain('warning: test/fixtures/inventory/layouts/merge-keys/group_vars/all.yml: line 5: key "zone" is written in the mapping and also merged in by "<<"');
  });

  it('refuses a --playbook-dir that is not a directory (a typo would drop a layer of variables)', async () => {
    await expect(run('-i', 'test/fixtures/inventory/patterns.yaml', '--playbook-dir', 'no/such/dir', '--list')).rejects.toThrow(InputError);
  });

  it('-i is repeatable: later sources add hosts and win on variables', async () => {
    const L = 'test/fixtures/inventory/layouts/multi';
    const { out } = await run('-i', `${L}/a.yml`, '-i', `${L}/b.ini`, '--list');
    const json = JSON.parse(out) as { hosts: { name: string; vars: Record<string, unknown> }[] };
    expect(json.hosts.map((h) => [h.name, h.vars.source, h.vars.who ?? null])).toEqual([['m1', 'b', 'b'], ['m2', 'b', null], ['m3', 'b', null]]);
  });

  it('bad input is an InputError for the top-level handler (exit 2)', async () => {
    await expect(run('-i', 'test/fixtures/inventory/errors/typo-children.yaml', '--list')).rejects.toBeInstanceOf(InputError);
    await expect(run('-i', 'test/fixtures/inventory/patterns.yaml', '--list', '--limit', 'nosuch')).rejects.toThrow('--limit: no hosts matched "nosuch"');
    await expect(run('-i', 'test/fixtures/inventory/patterns.yaml')).rejects.toThrow('choose one of --list or --graph');
  });
});

describe('fleet commands and hosts left out of the inventory', () => {
  it('print why a host was left out before a --limit that names it matches nothing', async () => {
    const { registerFleetCommands } = await import('../../src/cli/commands/fleet.js');
    const dir = await mkdtemp(join(tmpdir(), 'inv-left-'));
    const inv = join(dir, 'hosts.yml');
    await writeFile(inv, 'all:\n  hosts:\n    r1: { ansible_host: 127.0.0.1, tunnels: [{ name: t, server: 127.0.0.9, username: u, password: { env: VPN_PW } }] }\n    sw2: { ansible_host: 127.0.0.2, ansible_port: 70000 }\n');
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const program = new Command('pptp-fleet').exitOverride();
    registerFleetCommands(program);
    const run = program.parseAsync(['node', 'pptp-fleet', 'status', '-i', inv, '--limit', 'sw2', '--playbook-dir', dir, '-q']);
    await expect(run).rejects.toThrow(/--limit: no hosts matched "sw2"/);
    expect(err).toMatch(/^warning: .*hosts\.yml: all\.hosts\.sw2\.ansible_port: expected a port number \(1-65535\), got 70000 \(host sw2 has no tunnels: left out\)$/m);
    // ping contacts hosts without tunnels: there it is the error itself
    const ping = new Command('pptp-fleet').exitOverride();
    registerFleetCommands(ping);
    await expect(ping.parseAsync(['node', 'pptp-fleet', 'ping', '-i', inv, '--limit', 'sw2', '--playbook-dir', dir, '-q'])).rejects.toThrow(/sw2\.ansible_port: expected a port number/);
  });

  it("counts a left-out host in --limit as Ansible does: subscripts keep their place, `!` excludes it, naming only it says why", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-left-'));
    const inv = join(dir, 'hosts.yml');
    const router = (n: number): string => `    r${n}: { ansible_host: 10.0.0.${n}, tunnels: [{ name: t, server: 127.0.0.9, username: u, password: { env: VPN_PW } }] }\n`;
    await writeFile(inv, `site:\n  hosts:\n    sw1: { ansible_host: 127.0.0.2, ansible_port: 70000 }\n${router(1)}${router(2)}`);
    const hosts = async (limit: string): Promise<string[]> => {
      const { out } = await run('-i', inv, '--list', '--limit', limit, '--playbook-dir', dir);
      return (JSON.parse(out) as { hosts: { name: string }[] }).hosts.map((h) => h.name);
    };
    // ansible -i hosts.yml all --limit 'site[1]' --list-hosts: r1 (sw1 is site[0])
    expect(await hosts('site[1]')).toEqual(['r1']);
    expect(await hosts('site[0:1]')).toEqual(['r1']);
    expect(await hosts('site:!sw1')).toEqual(['r1', 'r2']);
    expect(await hosts('all:!sw*')).toEqual(['r1', 'r2']);
    await expect(run('-i', inv, '--list', '--limit', 'sw1', '--playbook-dir', dir)).rejects.toThrow(/no hosts matched "sw1" \(it matched only hosts left out of the inventory, see the warnings: sw1\)/);
    // a `!` term's left-out host is not why nothing is left
    await expect(run('-i', inv, '--list', '--limit', 'site:!sw1:!r*', '--playbook-dir', dir)).rejects.toThrow(/no hosts matched "site:!sw1:!r\*"$/m);
  });

  it('--graph draws the hosts --list shows: a host left out is not drawn, an empty group still is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-left-'));
    const inv = join(dir, 'hosts.yml');
    await writeFile(inv, 'all:\n  children:\n    core:\n      hosts:\n        r1: { ansible_host: 127.0.0.1 }\n        sw2: { ansible_host: 127.0.0.2, ansible_port: 70000 }\n    spare:\n');
    const { out, err } = await run('-i', inv, '--graph', '--playbook-dir', dir);
    expect(out.trimEnd().split('\n')).toEqual(['@all:', '  |--@ungrouped:', '  |--@core:', '  |  |--r1', '  |--@spare:']);
    expect(err).toMatch(/sw2 has no tunnels: left out/);
  });
});
