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
