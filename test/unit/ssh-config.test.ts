// ssh_config syntax pieces: ProxyJump specs, jump chains, and the parser fallback against
// `ssh -G` on a fixture config (negated patterns, `Key=Value`, quoted values, %d, Match host,
// ProxyJump none, first value wins, options before the first Host).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJumpSpec } from '../../src/ssh/config.js';
import { parseSshG, parserLookup } from '../../src/ssh/openssh-config.js';
import { jumpTarget } from '../../src/ssh/target.js';

const fixture = fileURLToPath(new URL('../fixtures/ssh/config', import.meta.url));
const env = { home: '/home/me', localUser: userInfo().username };

describe('parseJumpSpec', () => {
  it.each([
    ['bastion', [{ host: 'bastion' }]],
    ['admin@bastion:2200', [{ user: 'admin', host: 'bastion', port: 2200 }]],
    ['admin@[2001:db8::1]:22', [{ user: 'admin', host: '2001:db8::1', port: 22 }]],
    ['a@h1,b@h2:2', [{ user: 'a', host: 'h1' }, { user: 'b', host: 'h2', port: 2 }]],
  ] as const)('%s', (spec, expected) => {
    expect(parseJumpSpec(spec)).toEqual(expected);
  });

  it.each(['', '@host', 'host:99999', 'host:abc', 'a b'])('rejects %j', (spec) => {
    expect(parseJumpSpec(spec)).toBeUndefined();
  });
});

describe('jumpTarget (inventory jump_host without an ssh config)', () => {
  it('chains multi-hop jumps, first hop innermost, each with the fallback key', () => {
    const j = jumpTarget('a@h1,b@h2:2', '/k', 'me');
    expect(j).toMatchObject({ address: 'h2', user: 'b', port: 2, privateKeyFile: '/k', jump: { address: 'h1', user: 'a', port: 22, privateKeyFile: '/k' } });
  });
  it('a hop without a user logs in as the local user, as OpenSSH does', () => {
    expect(jumpTarget('h1', undefined, 'me')).toEqual({ host: 'me@h1:22', address: 'h1', port: 22, user: 'me' });
  });
});

describe('the parser fallback agrees with ssh -G on what it evaluates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pptp-fleet-sshcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = execFileSync('cat', [fixture], { encoding: 'utf8' });

  const ROWS: Array<[string, string | undefined, Record<string, unknown>]> = [
    ['r-001', undefined, { user: 'fleet', port: 22, proxyJump: 'admin@bastion', identityFiles: ['~/.ssh/fleet_key', '~/.ssh/id_default'] }],
    ['r-legacy', undefined, { port: 2222, proxyJump: 'should-not-win@x', user: 'fallback-user' }],
    ['bastion', undefined, { hostName: 'bastion.example.net', user: 'admin', port: 2200 }],
    ['10.20.0.5', undefined, { port: 2022, user: 'ops user', identityFiles: ['%d/.ssh/ops_key', '~/.ssh/id_default'] }],
    ['m-match', undefined, { user: 'matched', port: 2299 }],
    ['m-match', 'someone', { user: 'someone', port: 2299 }],
    ['plain-none', undefined, { proxyJump: undefined, user: 'fallback-user' }],
    ['early', undefined, { user: 'early-user', hashKnownHosts: true }],
  ];

  it.each(ROWS)('%s (user %s)', (destination, user, expected) => {
    const query = { destination, ...(user !== undefined ? { user } : {}) };
    const out = execFileSync('ssh', ['-G', '-F', fixture, ...(user !== undefined ? ['-l', user] : []), destination], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const viaSsh = parseSshG(out, query, { ...env, home: process.env['HOME'] ?? '' });
    const viaParser = parserLookup([text], query, { ...env, home: process.env['HOME'] ?? '' });
    for (const [k, v] of Object.entries(expected)) expect(viaSsh[k as keyof typeof viaSsh], k).toEqual(v);
    expect(viaParser).toEqual(viaSsh);
  });

  it('a config file per source: the second file\'s leading options apply to every host', () => {
    writeFileSync(join(dir, 'x'), '');
    const v = parserLookup(['Host a\n  User from-a\n', 'User from-system\nPort 2000\n'], { destination: 'b' }, env);
    expect(v).toMatchObject({ user: 'from-system', port: 2000 });
  });
});
