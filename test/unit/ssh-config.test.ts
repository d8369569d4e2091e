// ~/.ssh/config resolution and how it combines with inventory values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJumpSpec, parseSshConfig, resolveSshConfig } from '../../src/ssh/config.js';
import { applySshConfig, buildSshTarget, jumpTarget } from '../../src/ssh/target.js';

const config = parseSshConfig(readFileSync(new URL('../fixtures/ssh/config', import.meta.url), 'utf8'));
const env = { home: '/home/me', localUser: 'me' };

describe('resolveSshConfig', () => {
  it('first value wins across matching blocks; IdentityFile accumulates with ~ expanded', () => {
    expect(resolveSshConfig(config, 'r-001', env)).toEqual({
      user: 'root',
      port: 22,
      identityFiles: ['/home/me/.ssh/fleet_key', '/home/me/.ssh/id_default'],
      proxyJump: 'admin@bastion',
    });
  });

  it('a negated pattern excludes the host from the whole Host line', () => {
    expect(resolveSshConfig(config, 'r-legacy', env)).toMatchObject({ port: 2222, proxyJump: 'should-not-win@x' });
  });

  it('reads HostName, Port=value syntax, quoted values and %d', () => {
    expect(resolveSshConfig(config, 'bastion', env)).toMatchObject({ hostName: 'bastion.example.net', user: 'admin', port: 2200 });
    expect(resolveSshConfig(config, '10.20.0.5', env)).toMatchObject({ port: 2022, identityFiles: ['/home/me/.ssh/ops_key', '/home/me/.ssh/id_default'] });
  });

  it('ignores Match blocks', () => {
    expect(resolveSshConfig(config, 'm-match', env).user).toBe('fallback-user');
  });

  it('ProxyJump none wins over a later ProxyJump and means no jump', () => {
    expect(resolveSshConfig(config, 'plain-none', env).proxyJump).toBeUndefined();
  });

  it('options before the first Host apply to every host', () => {
    const c = parseSshConfig('User early\nHost x\n  User late\n');
    expect(resolveSshConfig(c, 'x', env).user).toBe('early');
  });
});

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

describe('buildSshTarget: inventory wins, ssh config fills the rest', () => {
  it('fills user, port, key and jump from the config for a host the inventory says little about', () => {
    const t = buildSshTarget({ host: 'r-001' }, config, env);
    expect(t).toMatchObject({ host: 'r-001', address: 'r-001', user: 'root', port: 22, privateKeyFile: '/home/me/.ssh/fleet_key' });
    expect(t.jump).toEqual({
      host: 'admin@bastion:2200',
      address: 'bastion.example.net',
      port: 2200,
      user: 'admin',
      privateKeyFile: '/home/me/.ssh/bastion_key',
    });
  });

  it('explicit inventory values win over the config', () => {
    const t = buildSshTarget(
      { host: 'r-001', address: '10.20.0.9', port: 2201, user: 'root', privateKeyFile: '/keys/inv', jumpHost: 'ops@jump:22' },
      config,
      env,
    );
    expect(t).toMatchObject({ address: '10.20.0.9', port: 2201, user: 'root', privateKeyFile: '/keys/inv' });
    expect(t.jump).toMatchObject({ user: 'ops', address: 'jump', port: 22, privateKeyFile: '/home/me/.ssh/id_default' });
  });

  it('matches Host patterns against ansible_host too', () => {
    const t = buildSshTarget({ host: 'branch-7', address: '10.20.3.4' }, config, env);
    expect(t).toMatchObject({ address: '10.20.3.4', port: 2022, user: 'ops user' });
  });

  it('uses HostName only when the inventory gives no address', () => {
    expect(buildSshTarget({ host: 'bastion' }, config, env).address).toBe('bastion.example.net');
    expect(buildSshTarget({ host: 'bastion', address: '192.0.2.1' }, config, env).address).toBe('192.0.2.1');
  });

  it('defaults to port 22 and user root without a config', () => {
    expect(buildSshTarget({ host: 'r1' }, undefined, env)).toEqual({ host: 'r1', address: 'r1', port: 22, user: 'root' });
  });

  it('chains multi-hop jumps, first hop innermost', () => {
    const j = jumpTarget('a@h1,b@h2:2', undefined, env, '/k');
    expect(j).toMatchObject({ address: 'h2', user: 'b', port: 2, jump: { address: 'h1', user: 'a', port: 22 } });
  });

  it('applySshConfig keeps the resolved port and user, fills key and jump', () => {
    const t = applySshConfig({ host: 'r-001', address: 'r-001', port: 2022, user: 'root' }, config, env);
    expect(t).toMatchObject({ port: 2022, user: 'root', privateKeyFile: '/home/me/.ssh/fleet_key' });
    expect(t.jump?.address).toBe('bastion.example.net');
  });
});
