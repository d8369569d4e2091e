// Vault values and vault-encrypted vars files made by Debian's real ansible-vault, `{{ name }}`
// references, and secrets read only for the hosts a command contacts.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors.js';
import { registerInventory } from '../../src/cli/commands/inventory.js';
import { loadInventory, type Inventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { decryptVault, readVaultSecrets, type VaultSecret } from '../../src/inventory/vault.js';

const hasVault = (() => {
  try {
    execFileSync('ansible-vault', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const PLAIN = 'S3cret-office!';
const OPS_PLAIN = 'ops-only-secret';
const B2_PLAIN = 'b2-own-password';
const NOTE_PLAIN = 'emea-hidden-note';
let dir = '';
let inv = '';
let pwFile = '';
let wrongFile = '';
let opsFile = '';

function vault(args: string[], input?: string): string {
  return execFileSync('ansible-vault', args, { encoding: 'utf8', input, env: { ...process.env, ANSIBLE_NOCOLOR: '1' }, stdio: ['pipe', 'pipe', 'ignore'] });
}

async function problems(p: Promise<unknown>): Promise<InputProblem[]> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return [...(err as InputError).problems];
  }
  throw new Error('expected an InputError');
}

const secrets = async (file = pwFile): Promise<VaultSecret[]> => readVaultSecrets({ passwordFiles: [file] });
const byName = (i: Inventory, names: string[]): Inventory['hosts'] => i.hosts.filter((h) => names.includes(h.name));

beforeAll(async () => {
  if (!hasVault) return;
  dir = await mkdtemp(join(tmpdir(), 'inv-vault-'));
  inv = join(dir, 'inventory');
  pwFile = join(dir, 'vault-pass');
  wrongFile = join(dir, 'wrong-pass');
  opsFile = join(dir, 'ops-pass');
  await writeFile(pwFile, 'correct horse\n');
  await writeFile(wrongFile, 'battery staple\n');
  await writeFile(opsFile, 'ops password\n');
  await mkdir(join(inv, 'group_vars', 'all'), { recursive: true });
  await mkdir(join(inv, 'group_vars', 'ops'), { recursive: true });
  await mkdir(join(inv, 'host_vars'), { recursive: true });
  await writeFile(join(inv, 'hosts.yml'), [
    'all:',
    '  children:',
    '    emea:',
    '      hosts:',
    '        b1: { ansible_host: 127.0.0.1 }',
    '        b2: { ansible_host: 127.0.0.2 }',
    '    americas:',
    '      hosts:',
    '        b3: { ansible_host: 127.0.0.3 }',
    '    ops:',
    '      hosts:',
    '        b4: { ansible_host: 127.0.0.4 }',
    '',
  ].join('\n'));
  await writeFile(join(inv, 'group_vars', 'all', 'tunnels.yml'), [
    'tunnels:',
    '  - name: office',
    '    server: 127.0.0.1',
    '    username: branch',
    '    password: "{{ vault_office_password }}"',
    'untouched: "{{ something | default(\'x\') }}"',
    '',
  ].join('\n'));
  // `encrypt_string` output is `name: !vault |` + the payload, as users paste it.
  await writeFile(join(inv, 'group_vars', 'all', 'vault.yml'), vault(['encrypt_string', '--vault-password-file', pwFile, '--name', 'vault_office_password', PLAIN]));
  // americas uses an env var only it needs.
  await writeFile(join(inv, 'group_vars', 'americas.yml'), 'tunnels:\n  - { name: office, server: 127.0.0.1, username: am, password: { env: AMERICAS_ONLY_PW } }\n');
  // A 1.2 payload with a vault id label.
  await writeFile(join(inv, 'group_vars', 'ops', 'vault.yml'), vault(['encrypt_string', '--vault-id', `ops@${opsFile}`, '--name', 'vault_office_password', OPS_PLAIN]));
  // A wholly encrypted host_vars file: the port only it gets right.
  const hv = join(inv, 'host_vars', 'b2.yml');
  await writeFile(hv, `ansible_port: 2222\nvault_office_password: ${B2_PLAIN}\nsite_note: ${NOTE_PLAIN}\n`);
  vault(['encrypt', '--vault-password-file', pwFile, hv]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe.skipIf(!hasVault)('vault (fixtures made by Debian ansible-vault)', () => {
  it('the fixtures really are vault payloads, 1.1 and 1.2 with a label', async () => {
    expect(await readFile(join(inv, 'host_vars', 'b2.yml'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(await readFile(join(inv, 'group_vars', 'all', 'vault.yml'), 'utf8')).toMatch(/!vault \|\n\s+\$ANSIBLE_VAULT;1\.1;AES256/);
    expect(await readFile(join(inv, 'group_vars', 'ops', 'vault.yml'), 'utf8')).toMatch(/\$ANSIBLE_VAULT;1\.2;AES256;ops/);
  });

  it('decrypts a !vault value referenced as {{ vault_office_password }} and a wholly encrypted host_vars file', async () => {
    const i = await loadInventory([inv], { vaultSecrets: await secrets() });
    const b2 = i.hosts.find((h) => h.name === 'b2');
    expect(b2?.port).toBe(2222);
    const [r1, r2] = await i.resolveSecrets(byName(i, ['b1', 'b2']));
    expect(r1?.tunnels[0]?.password.reveal()).toBe(PLAIN);
    // b2's own password, from its encrypted host_vars file: not "plain text in the inventory".
    expect(r2?.tunnels[0]?.password.reveal()).toBe(B2_PLAIN);
    expect(i.warnings).toEqual([]);
    // Strings from an encrypted file are never shown, whatever their name; numbers are.
    expect(JSON.stringify(b2?.vars)).not.toContain(NOTE_PLAIN);
    expect(JSON.parse(JSON.stringify(b2?.vars)).site_note).toBe('***');
    // Merged variables as ansible-inventory shows them (the vault value as ***).
    const theirs = JSON.parse(execFileSync('ansible-inventory', ['-i', inv, '--list', '--vault-password-file', pwFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    // pptp-fleet shows vault values and strings under secret-looking keys as ***.
    const mask = (v: Record<string, unknown>): Record<string, unknown> =>
      JSON.parse(JSON.stringify(v, (k, x: unknown) => ((typeof x === 'object' && x !== null && '__ansible_vault' in x) || (typeof x === 'string' && /pass|site_note/i.test(k)) ? '***' : x))) as Record<string, unknown>;
    for (const h of i.hosts) expect(JSON.parse(JSON.stringify(h.vars))).toEqual(mask(theirs._meta.hostvars[h.name] ?? {}));
  });

  it('reads its own export: ansible-inventory --list JSON with {__ansible_vault} values', async () => {
    const exported = join(dir, 'exported.json');
    await writeFile(exported, execFileSync('ansible-inventory', ['-i', inv, '--list', '--vault-password-file', pwFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    expect(await readFile(exported, 'utf8')).toContain('__ansible_vault');
    const i = await loadInventory([exported], { vaultSecrets: await secrets() });
    const [b1] = await i.resolveSecrets(byName(i, ['b1']));
    expect(b1?.tunnels[0]?.password.reveal()).toBe(PLAIN);
    expect(JSON.stringify(i.hosts)).not.toContain(PLAIN);
  });

  it('a wrong vault password: file and variable named, nothing of the plaintext shown', async () => {
    const i = await loadInventory([inv], { vaultSecrets: await secrets(wrongFile) });
    const got = (await problems(i.resolveSecrets(byName(i, ['b1', 'b2'])))).sort((a, b) => b.file.localeCompare(a.file));
    expect(got).toEqual([
      { file: join(inv, 'host_vars', 'b2.yml'), path: '', message: expect.stringMatching(/^vault-encrypted vars file for host b2 cannot be decrypted: wrong vault password \(tried --vault-password-file .*wrong-pass\)$/) as unknown },
      { file: join(inv, 'group_vars', 'all', 'vault.yml'), path: 'vault_office_password', message: expect.stringMatching(/^cannot decrypt the vault value: wrong vault password/) as unknown },
    ]);
    expect(JSON.stringify(got)).not.toContain(PLAIN);
  });

  it('no vault password: listing works (vault values ***), contacting commands get exit-2 problems', async () => {
    const i = await loadInventory([inv]);
    expect(JSON.stringify(i.hosts)).not.toContain(PLAIN);
    expect(JSON.parse(JSON.stringify(i.hosts[0]?.vars)).vault_office_password).toBe('***');
    expect(i.warnings.join('\n')).toMatch(/host_vars\/b2\.yml: vault-encrypted and not decrypted/);
    const got = await problems(i.resolveSecrets(byName(i, ['b1'])));
    expect(got).toEqual([{ file: join(inv, 'group_vars', 'all', 'vault.yml'), path: 'vault_office_password', message: 'cannot decrypt the vault value: no vault password given (use --vault-password-file or --vault-id)' }]);
  });

  it('--vault-id LABEL@FILE decrypts a 1.2 payload; the matching label is tried first', async () => {
    const s = await readVaultSecrets({ ids: [`ops@${opsFile}`], passwordFiles: [pwFile] });
    expect(s.map((x) => x.label)).toEqual(['ops', 'default']);
    const i = await loadInventory([inv], { vaultSecrets: s });
    const [b4] = await i.resolveSecrets(byName(i, ['b4']));
    expect(b4?.tunnels[0]?.password.reveal()).toBe(OPS_PLAIN);
  });

  it('ANSIBLE_VAULT_PASSWORD_FILE is used when no flag is given; an executable file is run', async () => {
    expect((await readVaultSecrets({ env: { ANSIBLE_VAULT_PASSWORD_FILE: pwFile } }))[0]?.password.toString()).toBe('correct horse');
    const script = join(dir, 'vault-client.sh');
    await writeFile(script, "#!/bin/sh\nprintf 'correct horse\\n'\n");
    await chmod(script, 0o755);
    const s = await readVaultSecrets({ passwordFiles: [script] });
    const text = await readFile(join(inv, 'host_vars', 'b2.yml'), 'utf8');
    expect(decryptVault(text, s)).toMatch(/^ansible_port: 2222\n/);
    await expect(readVaultSecrets({ passwordFiles: [join(dir, 'nope')] })).rejects.toThrow(/--vault-password-file: cannot read vault password file .*nope.*: no such file or directory/);
  });

  it('reads an inventory file that is vault-encrypted as a whole, as ansible-inventory does; without the password it names the file', async () => {
    const hosts = join(dir, 'encrypted-hosts');
    await writeFile(hosts, '[routers]\nv1 ansible_host=10.0.0.1\n[routers:vars]\nsite=vaulted\n');
    vault(['encrypt', '--vault-password-file', pwFile, hosts]);
    expect(await readFile(hosts, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256/);
    const i = await loadInventory([hosts], { vaultSecrets: await secrets() });
    expect(i.hosts.map((h) => [h.name, h.address, h.vars.site])).toEqual([['v1', '10.0.0.1', 'vaulted']]);
    const theirs = JSON.parse(execFileSync('ansible-inventory', ['-i', hosts, '--vault-password-file', pwFile, '--host', 'v1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Record<string, unknown>;
    expect(theirs).toMatchObject({ ansible_host: '10.0.0.1', site: 'vaulted' });
    const none = await problems(loadInventory([hosts]));
    expect(none).toEqual([{ file: hosts, path: '', message: 'a vault-encrypted inventory that cannot be decrypted: no vault password given (use --vault-password-file or --vault-id)' }]);
  });

  it('a tampered payload fails its HMAC check instead of decrypting to garbage', async () => {
    const text = await readFile(join(inv, 'host_vars', 'b2.yml'), 'utf8');
    const lines = text.split('\n');
    const body = lines[3] ?? '';
    lines[3] = (body[0] === '3' ? '6' : '3') + body.slice(1);
    expect(() => decryptVault(lines.join('\n'), [{ label: 'default', source: 'x', password: Buffer.from('correct horse') }])).toThrow(/wrong vault password|malformed/);
  });

  it('secrets are read only for the selected hosts: an americas-only env var does not stop an emea run', async () => {
    const i = await loadInventory([inv], { vaultSecrets: await secrets(), env: {} });
    const emea = await i.resolveSecrets(selectHosts(i, 'emea'));
    expect(emea.map((h) => h.name)).toEqual(['b1', 'b2']);
    const got = await problems(i.resolveSecrets(selectHosts(i, 'americas')));
    expect(got).toEqual([{ file: join(inv, 'group_vars', 'americas.yml'), path: 'tunnels[0].password', message: 'environment variable AMERICAS_ONLY_PW is not set' }]);
    // Commands that need no tunnel password (down, status, ping) need no secret at all.
    const down = await i.resolveSecrets(selectHosts(i, 'americas'), { tunnelPasswords: false });
    expect(down[0]?.tunnels[0]?.name).toBe('office');
  });

  it('pptp-fleet inventory --list / --graph need no secret; --vault-password-file is accepted', async () => {
    const run = async (...args: string[]): Promise<string> => {
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
      vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((out += String(s)), true));
      const program = new Command('pptp-fleet').exitOverride();
      registerInventory(program);
      await program.parseAsync(['node', 'pptp-fleet', 'inventory', ...args]);
      vi.restoreAllMocks();
      return out;
    };
    const list = await run('-i', inv, '--list');
    expect(list).toContain('"vault_office_password": "***"');
    expect(await run('-i', inv, '--graph')).toContain('@americas:');
    const withPw = await run('-i', inv, '--list', '--vault-password-file', pwFile);
    expect(withPw).toContain('"ansible_port": 2222');
    for (const p of [PLAIN, B2_PLAIN, NOTE_PLAIN]) expect(list + withPw).not.toContain(p);
    expect(list + withPw).not.toContain('correct horse');
  });
});

describe('templates in the variables pptp-fleet reads', () => {
  const cases: { name: string; vars: string; want: InputProblem[] }[] = [
    {
      name: 'a Jinja filter in a password',
      vars: 'tunnels:\n  - { name: t, server: 127.0.0.1, username: u, password: "{{ pw | trim }}" }\npw: x\n',
      want: [{ file: 'group_vars/all.yml', path: 'tunnels[0].password', message: expect.stringMatching(/^Jinja templates are not evaluated: only plain references/) as unknown as string }],
    },
    {
      name: 'a reference loop',
      vars: 'ansible_user: "{{ a }}"\na: "{{ b }}"\nb: "{{ a }}"\n',
      want: [{ file: 'group_vars/all.yml', path: 'b', message: '"{{ a }}" refers back to itself (ansible_user -> a -> b -> a)' }],
    },
    {
      name: 'an undefined variable',
      vars: 'ansible_user: "{{ nowhere }}"\n',
      want: [{ file: 'group_vars/all.yml', path: 'ansible_user', message: '"{{ nowhere }}": variable "nowhere" is not defined for this host' }],
    },
    {
      name: 'a statement in a used field',
      vars: 'ansible_user: "{% if true %}root{% endif %}"\n',
      want: [{ file: 'group_vars/all.yml', path: 'ansible_user', message: expect.stringMatching(/^Jinja templates are not evaluated/) as unknown as string }],
    },
    {
      name: 'a reference inside text that names a mapping',
      vars: 'ansible_user: "ops-{{ m }}"\nm: { a: 1 }\n',
      want: [{ file: 'group_vars/all.yml', path: 'ansible_user', message: '"{{ m }}" inside text must be a plain value (text, number, boolean)' }],
    },
    { name: 'plain references inside text, magic inventory_hostname_short included', vars: 'ansible_user: "o{{ rest }}"\nrest: ps\nansible_ssh_user: "{{ ansible_user }}"\nmotd: "{{ lookup(\'file\', \'/etc/motd\') }}"\nnote: "{{ inventory_hostname_short }}"\n', want: [] },
    { name: 'templates in variables pptp-fleet ignores', vars: 'motd: "{{ lookup(\'file\', \'/etc/motd\') }}"\nansible_user: "{{ admin }}"\nadmin: ops\n', want: [] },
  ];

  it.each(cases)('$name', async ({ vars, want }) => {
    const d = await mkdtemp(join(tmpdir(), 'inv-tpl-'));
    await mkdir(join(d, 'group_vars'));
    // a router (a tunnel in the inventory's all: vars, which group_vars/all overrides)
    await writeFile(join(d, 'hosts.yml'), 'all:\n  vars:\n    tunnels: [{ name: t, server: 127.0.0.1, username: u, password: { env: X } }]\n  hosts:\n    r1: { ansible_host: 127.0.0.1 }\n');
    await writeFile(join(d, 'group_vars', 'all.yml'), vars);
    const rel = (ps: InputProblem[]): InputProblem[] => ps.map((p) => ({ ...p, file: p.file.slice(d.length + 1) }));
    if (want.length === 0) {
      const i = await loadInventory([d]);
      expect(i.hosts[0]?.user).toBe('ops');
      expect(i.hosts[0]?.vars.motd).toBe("{{ lookup('file', '/etc/motd') }}");
    } else {
      expect(rel(await problems(loadInventory([d])))).toEqual(want);
    }
    await rm(d, { recursive: true, force: true });
  });
});
