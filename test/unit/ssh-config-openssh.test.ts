// Host SSH settings against OpenSSH itself. Each row is an inventory host (+ flags); the oracle
// is `ssh -G` run with the command line Ansible would give ssh for that host
// (`-o Port= -o IdentityFile= -o User=` + ansible_ssh_common_args + ansible_ssh_extra_args).
// Both of our sources are checked: `ssh -G` per destination, and the ssh-config parser
// fallback (which must agree wherever it claims to evaluate the config, and warn where not).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shellSplit } from '../../src/ssh/args.js';
import { resolveHostTargets, type FleetSshFlags, type HostSshRequest } from '../../src/ssh/host-settings.js';
import { openSshConfigSource, parseSshG, parserLookup, type SshConfigSource } from '../../src/ssh/openssh-config.js';
import type { SshTarget } from '../../src/ssh/target.js';

const dir = mkdtempSync(join(tmpdir(), 'pptp-fleet-sshcfg-'));
const env = { home: homedir(), localUser: userInfo().username };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string): string {
  const text = readFileSync(new URL(`../fixtures/ssh/openssh/${name}`, import.meta.url), 'utf8').replaceAll('@DIR@', dir);
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}
const mainConfig = fixture('main.conf');
fixture('conf.d/10-site.conf');
mkdirSync(join(dir, 'keys'));
writeFileSync(join(dir, 'keys', 'fleet_key'), 'not read by these tests\n');
writeFileSync(join(dir, 'keys', 'ops_key'), 'not read by these tests\n');

interface Row {
  name: string;
  req: HostSshRequest;
  flags?: Partial<FleetSshFlags>;
  /** What we expect, written by hand from the fixture (the oracle checks it too). */
  expect: Partial<Pick<SshTarget, 'address' | 'port' | 'user' | 'privateKeyFile'>> & { jump?: string; knownHosts?: string[]; acceptNew?: boolean; hash?: boolean };
  /** The parser fallback cannot evaluate this row (Include): it must warn, not agree. */
  parserDiffers?: boolean;
}

const req = (host: string, extra: Partial<HostSshRequest> = {}): HostSshRequest => ({ host, destination: host, args: [], ...extra });
const K = (name: string): string => join(dir, 'keys', name);

const ROWS: Row[] = [
  { name: 'wildcard Host: user and the first key that exists', req: req('r-001'), expect: { address: 'r-001', port: 22, user: 'fleet', privateKeyFile: K('fleet_key') } },
  { name: 'ansible_user and ansible_port win over the config', req: req('r-002', { user: 'root', port: 2022 }), expect: { user: 'root', port: 2022 } },
  { name: '-u wins over the config User', req: req('r-003'), flags: { user: 'ops' }, expect: { user: 'ops' } },
  { name: 'ansible_user wins over -u', req: req('r-003', { user: 'root' }), flags: { user: 'ops' }, expect: { user: 'root' } },
  {
    name: 'a host defined through Include gets its HostName, Port and User; a later Match host on that HostName adds known_hosts',
    req: req('inc-router'),
    expect: { address: '10.9.0.7', port: 2222, user: 'included', knownHosts: [join(dir, 'kh', 'match_known_hosts')] },
    parserDiffers: true,
  },
  { name: 'Match host on ansible_host', req: req('branch', { destination: '10.9.1.1' }), expect: { address: '10.9.1.1', port: 2209, knownHosts: [join(dir, 'kh', 'match_known_hosts')] } },
  { name: 'Match user applies with that user', req: req('gw1', { user: 'admin' }), expect: { jump: 'jumper@bastion:2201' } },
  { name: 'Match user does not apply with another user', req: req('gw2'), expect: {} },
  { name: 'HostName with %h', req: req('db1'), expect: { address: 'db1.internal' } },
  { name: 'a negated pattern excludes the host', req: req('db9'), expect: { address: 'db9' } },
  { name: 'CanonicalizeHostname no; HashKnownHosts and accept-new', req: req('r1.lan'), expect: { address: 'r1.lan', hash: true, acceptNew: true } },
  { name: 'ansible_ssh_common_args -o options', req: req('r-004', { args: [{ name: 'ansible_ssh_common_args', text: "-o UserKnownHostsFile=/x/kh -o 'StrictHostKeyChecking no' -oPort=2300" }] }), expect: { port: 2300, knownHosts: ['/x/kh'], acceptNew: true } },
  { name: 'ansible_port wins over -o Port in the args', req: req('r-005', { port: 2400, args: [{ name: 'ansible_ssh_common_args', text: '-o Port=2300' }] }), expect: { port: 2400 } },
  { name: 'common args come before extra args', req: req('r-006', { args: [{ name: 'ansible_ssh_common_args', text: '-o User=first' }, { name: 'ansible_ssh_extra_args', text: '-l second' }] }), expect: { user: 'first' } },
  { name: '-J in the args', req: req('x1', { args: [{ name: 'ansible_ssh_extra_args', text: '-J ops@bastion' }] }), expect: { jump: 'ops@bastion:2201' } },
  { name: '-i in the args before the config keys', req: req('r-007', { args: [{ name: 'ansible_ssh_common_args', text: `-i ${K('ops_key')}` }] }), expect: { privateKeyFile: K('ops_key') } },
  { name: 'a ProxyCommand host made usable by -J', req: req('legacy', { args: [{ name: 'ansible_ssh_common_args', text: '-J root@bastion:2201' }] }), expect: { jump: 'root@bastion:2201' } },
];

/** The ssh command line Ansible's ssh plugin builds for the row, asked of ssh -G. */
function oracle(row: Row): Map<string, string[]> {
  const a: string[] = ['-G', '-F', mainConfig];
  if (row.req.port !== undefined) a.push('-o', `Port=${row.req.port}`);
  const key = row.req.privateKeyFile ?? row.flags?.privateKeyFile;
  if (key !== undefined) a.push('-o', `IdentityFile=${key}`);
  const user = row.req.user ?? row.flags?.user;
  if (user !== undefined) a.push('-o', `User=${user}`);
  if (row.req.jumpHost !== undefined) a.push('-o', `ProxyJump=${row.req.jumpHost}`);
  for (const arg of row.req.args) a.push(...(shellSplit(arg.text) ?? []));
  a.push(row.req.destination);
  const out = new Map<string, string[]>();
  for (const line of execFileSync('ssh', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (m) out.set(m[1] as string, [...(out.get(m[1] as string) ?? []), m[2] as string]);
  }
  return out;
}

const flagsFor = (row: Row): FleetSshFlags => ({ acceptNewHostKeys: false, fallbackKeyFile: '/fallback/key', ...row.flags });

async function resolveWith(source: SshConfigSource, row: Row): Promise<SshTarget> {
  const r = await resolveHostTargets([row.req], flagsFor(row), source, env);
  expect(r.problems).toEqual([]);
  const t = r.targets.get(row.req.host);
  if (!t) throw new Error('no target');
  return t;
}

function summary(t: SshTarget): Record<string, unknown> {
  return {
    address: t.address,
    port: t.port,
    user: t.user,
    privateKeyFile: t.privateKeyFile,
    jump: t.jump?.host,
    knownHosts: t.knownHosts?.files,
    globalKnownHosts: t.knownHosts?.globalFiles,
    acceptNew: t.knownHosts?.acceptNew,
    hash: t.knownHosts?.hash,
  };
}

describe('host settings agree with ssh -G given the command line Ansible builds', () => {
  const sshG = openSshConfigSource({ configFile: mainConfig, prefer: 'ssh -G' });
  const parser = openSshConfigSource({ configFile: mainConfig, prefer: 'parser' });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const t = await resolveWith(await sshG, row);
    expect(summary(t)).toMatchObject(row.expect);

    const o = oracle(row);
    const one = (k: string): string | undefined => o.get(k)?.[0];
    expect(t.address).toBe(one('hostname'));
    expect(t.port).toBe(Number(one('port')));
    const oracleUser = one('user');
    const anyUser = row.req.user ?? row.flags?.user;
    // OpenSSH's default is the local user; for routers ours is root.
    expect(t.user).toBe(anyUser === undefined && oracleUser === env.localUser ? 'root' : oracleUser);
    const ids = (o.get('identityfile') ?? []).map((f) => f.replace(/^~/, env.home));
    expect(t.privateKeyFile).toBe(ids.find((f) => existsSync(f)) ?? '/fallback/key');
    expect(t.knownHosts?.files).toEqual(one('userknownhostsfile')?.split(' '));
    expect(t.knownHosts?.globalFiles).toEqual(one('globalknownhostsfile')?.split(' '));
    expect(t.knownHosts?.hash).toBe(one('hashknownhosts') === 'yes');
    expect(t.knownHosts?.acceptNew).toBe(['false', 'accept-new'].includes(one('stricthostkeychecking') ?? ''));
    const pj = one('proxyjump');
    if (pj === undefined) expect(t.jump).toBeUndefined();
    else {
      // The last hop of the spec is the direct jump; its port from the spec or the hop's config.
      const hop = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(pj.split(',').pop() ?? '');
      expect(t.jump?.user).toBe(hop?.[1] ?? env.localUser);
      const hopPort = hop?.[3] ?? parseSshG(execFileSync('ssh', ['-G', '-F', mainConfig, hop?.[2] ?? ''], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), { destination: '' }, env).port.toString();
      expect(t.jump?.port).toBe(Number(hopPort));
    }

    const p = await resolveWith(await parser, row);
    if (row.parserDiffers) expect(summary(p)).not.toEqual(summary(t));
    else expect(summary(p)).toEqual(summary(t));
  });

  it('ProxyCommand from the ssh config is an error naming the host, not a direct connection', async () => {
    for (const source of [await sshG, await parser]) {
      const r = await resolveHostTargets([req('legacy')], flagsFor({} as Row), source, env);
      expect(r.targets.size).toBe(0);
      expect(r.problems).toEqual([{ host: 'legacy', field: 'ssh config ProxyCommand', message: expect.stringMatching(/^ProxyCommand is not supported/) as unknown as string }]);
    }
  });

  it('the parser warns about what it cannot evaluate, naming the file and line', async () => {
    const w = (await parser).warnings.join('\n');
    expect(w).toContain(`${mainConfig}:3: Include`);
    expect(w).toContain(`${mainConfig}:`);
    expect(w).toMatch(/Match exec/);
    expect((await sshG).warnings.join('\n')).toMatch(/Match exec: ssh -G runs its command/);
  });

  it('--known-hosts and --accept-new-host-keys override the config and the args', async () => {
    const row = ROWS.find((r) => r.req.host === 'r-004') as Row;
    const r = await resolveHostTargets([row.req], { acceptNewHostKeys: true, knownHostsFile: '/flag/kh' }, await sshG, env);
    expect(r.targets.get('r-004')?.knownHosts).toMatchObject({ files: ['/flag/kh'], acceptNew: true });
  });

  it('one ssh -G per distinct destination and user, whatever the number of hosts', async () => {
    const log = join(dir, 'ssh-calls');
    const wrapper = join(dir, 'ssh-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ssh "$@"\n`, { mode: 0o755 });
    const source = await openSshConfigSource({ configFile: mainConfig, prefer: 'ssh -G', sshBinary: wrapper });
    writeFileSync(log, '');
    const many = Array.from({ length: 40 }, (_, i) => req(`h${i}`, { destination: '127.0.0.1', port: 40000 + i, user: 'root' }));
    const r = await resolveHostTargets([...many, req('r-001'), req('r-002')], { acceptNewHostKeys: false }, source, env);
    expect(r.targets.size).toBe(42);
    expect(new Set([...r.targets.values()].map((t) => t.port)).size).toBe(41);
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(calls.map((c) => c.split(' ').pop()).sort()).toEqual(['127.0.0.1', 'r-001', 'r-002']);
  });
});

describe('parseSshG and the parser on their own', () => {
  it('reports the default user and identities as unset', () => {
    const out = `hostname x\nuser ${env.localUser}\nport 22\n${['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map((n) => `identityfile ~/.ssh/${n}`).join('\n')}\nstricthostkeychecking ask\n`;
    expect(parseSshG(out, { destination: 'x' }, env)).toMatchObject({ hostName: 'x', identityFiles: [] });
    expect(parseSshG(out, { destination: 'x' }, env).user).toBeUndefined();
    expect(parseSshG(out, { destination: 'x', user: env.localUser }, env).user).toBe(env.localUser);
  });

  it('never runs Match exec and never canonicalizes (no DNS)', () => {
    const marker = join(dir, 'exec-ran');
    const v = parserLookup([`Match exec "touch ${marker}"\n  User bad\nHost *\n  CanonicalizeHostname yes\n  CanonicalDomains example.invalid\n`], { destination: 'r1' }, env);
    expect(existsSync(marker)).toBe(false);
    expect(v.user).toBeUndefined();
    expect(v.hostName).toBe('r1');
  });
});
