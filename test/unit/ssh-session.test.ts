// SshSession against a real in-process SSH server (ssh2 Server) on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.js';
import { fingerprint } from '../../src/ssh/known-hosts.js';
import { JumpHosts, SshError, SshSession, type SshOptions, type SshTarget } from '../../src/ssh/session.js';
import { makeClientDir, makeKeyPair, startTestServer, type KeyPair, type TestServer } from '../fixtures/ssh/server.js';

const hostKey = makeKeyPair();
const clientKey = makeKeyPair();
const otherKey = makeKeyPair();

function options(knownHostsFile: string, over: Partial<SshOptions> = {}): SshOptions {
  return {
    knownHostsFile,
    acceptNewHostKeys: false,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 5_000,
    retries: 0,
    retryBaseDelayMs: 10,
    agentSocket: '',
    ...over,
  };
}

function knownLine(port: number, key: KeyPair): string {
  return `[127.0.0.1]:${port} ${key.type} ${key.blob.toString('base64')}\n`;
}

async function expectSshError(p: Promise<unknown>): Promise<SshError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SshError);
  return err as SshError;
}

describe('SshSession with a known host', () => {
  let server: TestServer;
  let session: SshSession;
  const client = makeClientDir(clientKey);

  beforeAll(async () => {
    server = await startTestServer({ hostKey, clientKey });
    writeFileSync(client.knownHosts, knownLine(server.port, hostKey));
    session = await SshSession.connect(
      { host: 'r1', address: '127.0.0.1', port: server.port, user: 'root', privateKeyFile: client.keyFile },
      options(client.knownHosts),
    );
  });
  afterAll(async () => {
    await session.close();
    await server.close();
  });

  it('runs a command with stdin and returns its output', async () => {
    const r = await session.exec('cat', { stdin: 'hello\nsecret stays off the command line\n' });
    expect(r).toMatchObject({ command: 'cat', exitCode: 0, signal: null, timedOut: false });
    expect(r.stdout).toBe('hello\nsecret stays off the command line\n');
    expect(r.bytesSent).toBe(3 + Buffer.byteLength('hello\nsecret stays off the command line\n'));
    expect(server.execs).toContain('cat');
  });

  it('reports non-zero exit codes as results with stdout and stderr', async () => {
    const r = await session.exec('exit 3');
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err 3\n', timedOut: false });
  });

  it('reports a signal exit', async () => {
    const r = await session.exec('kill');
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
  });

  it('reuses one connection for every exec and counts them', async () => {
    const before = server.connections;
    const count = session.execCount;
    const sent = session.bytesSent;
    await Promise.all([session.exec('exit 0'), session.exec('exit 1'), session.exec('cat', { stdin: 'x' })]);
    expect(server.connections).toBe(before);
    expect(session.execCount).toBe(count + 3);
    expect(session.bytesSent).toBe(sent + 6 + 6 + 3 + 1);
  });

  it('times a hanging command out, closes its channel and keeps the session usable', async () => {
    const start = Date.now();
    const err = await expectSshError(session.exec('hang', { timeoutMs: 300 }));
    expect(err.reason).toBe('command-timeout');
    expect(err.step).toBe('exec');
    expect(err.result?.timedOut).toBe(true);
    // Generous (a loaded machine); a timeout that did not fire would run to the test's own limit.
    expect(Date.now() - start).toBeLessThan(10_000);
    const r = await session.exec('exit 0');
    expect(r.exitCode).toBe(0);
  });

  it('refuses output over 4 MiB', async () => {
    const err = await expectSshError(session.exec('big'));
    expect(err.reason).toBe('output-too-large');
  });

  it('refuses to exec after close', async () => {
    const s = await SshSession.connect(
      { host: 'r1', address: '127.0.0.1', port: server.port, user: 'root', privateKeyFile: client.keyFile },
      options(client.knownHosts),
    );
    await s.close();
    const err = await expectSshError(s.exec('exit 0'));
    expect(err.reason).toBe('closed');
  });
});

describe('SshSession host key checking', () => {
  let server: TestServer;
  const client = makeClientDir(clientKey);
  const target = (): SshTarget => ({
    host: 'r2',
    address: '127.0.0.1',
    port: server.port,
    user: 'root',
    privateKeyFile: client.keyFile,
  });

  beforeAll(async () => {
    server = await startTestServer({ hostKey, clientKey });
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    server.authAttempts.length = 0;
    server.execs.length = 0;
  });

  it('refuses an unknown host key, shows its fingerprint, and never authenticates', async () => {
    writeFileSync(client.knownHosts, '');
    const err = await expectSshError(SshSession.connect(target(), options(client.knownHosts)));
    expect(err.reason).toBe('host-key-unknown');
    expect(err.host).toBe('r2');
    expect(err.message).toContain(`ssh-ed25519 ${fingerprint(hostKey.blob)}`);
    expect(err.message).toContain('re-run with --accept-new-host-keys to trust it');
    expect(server.authAttempts).toEqual([]);
    expect(server.execs).toEqual([]);
  });

  it('with acceptNewHostKeys records the key, then matches it next time', async () => {
    writeFileSync(client.knownHosts, '# managed\n');
    const s = await SshSession.connect(target(), options(client.knownHosts, { acceptNewHostKeys: true }));
    await s.close();
    expect(readFileSync(client.knownHosts, 'utf8')).toBe(`# managed\n${knownLine(server.port, hostKey)}`);
    const again = await SshSession.connect(target(), options(client.knownHosts));
    await again.close();
    expect(readFileSync(client.knownHosts, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('a key found only in a global known_hosts (GlobalKnownHostsFile, /etc/ssh/ssh_known_hosts) is trusted; nothing is written', async () => {
    const global = join(client.dir, 'ssh_known_hosts');
    writeFileSync(global, knownLine(server.port, hostKey));
    writeFileSync(client.knownHosts, '');
    const t = { ...target(), knownHosts: { files: [client.knownHosts], globalFiles: [global], acceptNew: false, hash: false } };
    const s = await SshSession.connect(t, options('/nonexistent/unused'));
    await s.close();
    expect(readFileSync(client.knownHosts, 'utf8')).toBe('');
  });

  it('a changed key in the global file is refused even with accept-new', async () => {
    const global = join(client.dir, 'ssh_known_hosts');
    writeFileSync(global, knownLine(server.port, otherKey));
    writeFileSync(client.knownHosts, '');
    const t = { ...target(), knownHosts: { files: [client.knownHosts], globalFiles: [global], acceptNew: true, hash: false } };
    const err = await expectSshError(SshSession.connect(t, options('/nonexistent/unused')));
    expect(err.reason).toBe('host-key-changed');
    expect(readFileSync(client.knownHosts, 'utf8')).toBe('');
    expect(server.authAttempts).toEqual([]);
  });

  it('HashKnownHosts yes: the accepted key is recorded under a hashed name that ssh-keygen -F finds', async () => {
    writeFileSync(client.knownHosts, '');
    const t = { ...target(), knownHosts: { files: [client.knownHosts, join(client.dir, 'unused2')], globalFiles: [], acceptNew: true, hash: true } };
    const s = await SshSession.connect(t, options('/nonexistent/unused'));
    await s.close();
    const text = readFileSync(client.knownHosts, 'utf8');
    expect(text).toMatch(/^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 [A-Za-z0-9+/]+=*\n$/);
    expect(text).not.toContain('127.0.0.1');
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${server.port}`, '-f', client.knownHosts], { encoding: 'utf8' });
    expect(found).toContain(hostKey.blob.toString('base64'));
    const again = await SshSession.connect({ ...t, knownHosts: { ...t.knownHosts, acceptNew: false } }, options('/nonexistent/unused'));
    await again.close();
  });

  it('concurrent accept-new connections append without corrupting known_hosts', async () => {
    const servers = await Promise.all([0, 1, 2, 3, 4, 5].map(() => startTestServer({ hostKey: makeKeyPair(), clientKey })));
    try {
      writeFileSync(client.knownHosts, '');
      const sessions = await Promise.all(
        servers.map((s, i) =>
          SshSession.connect(
            { host: `c${i}`, address: '127.0.0.1', port: s.port, user: 'root', privateKeyFile: client.keyFile },
            options(client.knownHosts, { acceptNewHostKeys: true }),
          ),
        ),
      );
      await Promise.all(sessions.map((s) => s.close()));
      const lines = readFileSync(client.knownHosts, 'utf8').split('\n').filter(Boolean);
      for (const l of lines) expect(l).toMatch(/^\[127\.0\.0\.1\]:\d+ ssh-ed25519 [A-Za-z0-9+/]+=*$/);
      expect(lines).toHaveLength(6);
      for (const s of servers) expect(lines.filter((l) => l.startsWith(`[127.0.0.1]:${s.port} `))).toHaveLength(1);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('refuses a changed host key even with acceptNewHostKeys, showing both fingerprints, before any auth', async () => {
    writeFileSync(client.knownHosts, knownLine(server.port, otherKey));
    const err = await expectSshError(SshSession.connect(target(), options(client.knownHosts, { acceptNewHostKeys: true })));
    expect(err.reason).toBe('host-key-changed');
    expect(err.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(err.message).toContain(fingerprint(otherKey.blob));
    expect(err.message).toContain(fingerprint(hostKey.blob));
    expect(server.authAttempts).toEqual([]);
    expect(server.execs).toEqual([]);
    expect(readFileSync(client.knownHosts, 'utf8')).toBe(knownLine(server.port, otherKey));
  });

  it('refuses a revoked host key', async () => {
    writeFileSync(client.knownHosts, `@revoked * ssh-ed25519 ${hostKey.blob.toString('base64')}\n${knownLine(server.port, hostKey)}`);
    const err = await expectSshError(SshSession.connect(target(), options(client.knownHosts, { acceptNewHostKeys: true })));
    expect(err.reason).toBe('host-key-revoked');
    expect(server.authAttempts).toEqual([]);
  });

  it('does not retry host key failures', async () => {
    writeFileSync(client.knownHosts, '');
    const before = server.connections;
    const err = await expectSshError(SshSession.connect(target(), options(client.knownHosts, { retries: 3 })));
    expect(err.reason).toBe('host-key-unknown');
    expect(server.connections - before).toBe(1);
  });
});

describe('SshSession authentication', () => {
  let server: TestServer;
  const client = makeClientDir(clientKey);
  const password = 'correct-horse-battery';

  beforeAll(async () => {
    server = await startTestServer({ hostKey, clientKey: otherKey, password });
    writeFileSync(client.knownHosts, knownLine(server.port, hostKey));
  });
  afterAll(async () => {
    await server.close();
  });

  it('fails with reason auth when the key is refused, without retrying', async () => {
    const before = server.connections;
    const err = await expectSshError(
      SshSession.connect(
        { host: 'r3', address: '127.0.0.1', port: server.port, user: 'root', privateKeyFile: client.keyFile },
        options(client.knownHosts, { retries: 2 }),
      ),
    );
    expect(err.reason).toBe('auth');
    expect(err.message).toContain('root');
    expect(server.connections - before).toBe(1);
  });

  it('uses a password only when configured, and never shows it', async () => {
    const ok = await SshSession.connect(
      { host: 'r3', address: '127.0.0.1', port: server.port, user: 'admin', password: new Secret(password, 'test') },
      options(client.knownHosts),
    );
    expect((await ok.exec('exit 0')).exitCode).toBe(0);
    await ok.close();
    expect(server.authAttempts.some((a) => a.method === 'password' && a.user === 'admin')).toBe(true);

    const wrong = 'wrong-password-123';
    const err = await expectSshError(
      SshSession.connect(
        { host: 'r3', address: '127.0.0.1', port: server.port, user: 'admin', password: new Secret(wrong, 'test') },
        options(client.knownHosts),
      ),
    );
    expect(err.reason).toBe('auth');
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify(err)).not.toContain(wrong);
    expect(String(err.stack)).not.toContain(wrong);
  });

  it('fails with auth when there is no key, no agent and no password', async () => {
    const err = await expectSshError(
      SshSession.connect({ host: 'r3', address: '127.0.0.1', port: server.port, user: 'root' }, options(client.knownHosts)),
    );
    expect(err.reason).toBe('auth');
    expect(err.message).toContain('SSH_AUTH_SOCK');
  });
});

describe('SshSession connection failures', () => {
  const client = makeClientDir(clientKey);

  function listen(onConnection: (s: Socket) => void): Promise<NetServer> {
    const srv = createServer(onConnection);
    return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
  }
  const portOf = (s: NetServer): number => (s.address() as AddressInfo).port;
  const closeServer = (s: NetServer): Promise<void> => new Promise((r) => s.close(() => r()));

  it('fails with timeout when the server accepts TCP but never speaks SSH', async () => {
    const sockets: Socket[] = [];
    const silent = await listen((s) => sockets.push(s));
    try {
      const start = Date.now();
      const err = await expectSshError(
        SshSession.connect(
          { host: 'hang', address: '127.0.0.1', port: portOf(silent), user: 'root', privateKeyFile: client.keyFile },
          options(client.knownHosts, { connectTimeoutMs: 400 }),
        ),
      );
      const elapsed = Date.now() - start;
      expect(err.reason).toBe('timeout');
      expect(err.kind).toBe('unreachable');
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      await closeServer(silent);
    }
  });

  it('retries connection resets with backoff, then gives up after retries + 1 attempts', async () => {
    let attempts = 0;
    const resetting = await listen((s) => {
      attempts++;
      s.resetAndDestroy();
    });
    try {
      const err = await expectSshError(
        SshSession.connect(
          { host: 'flaky', address: '127.0.0.1', port: portOf(resetting), user: 'root', privateKeyFile: client.keyFile },
          options(client.knownHosts, { retries: 2 }),
        ),
      );
      expect(err.reason).toBe('connect');
      expect(attempts).toBe(3);
      expect(err.message).toContain('after 3 attempts');
    } finally {
      await closeServer(resetting);
    }
  });

  it('retries ECONNREFUSED and reports refused', async () => {
    const tmp = await listen(() => undefined);
    const port = portOf(tmp);
    await closeServer(tmp);
    const start = Date.now();
    const err = await expectSshError(
      SshSession.connect(
        { host: 'down', address: '127.0.0.1', port, user: 'root', privateKeyFile: client.keyFile },
        options(client.knownHosts, { retries: 2, retryBaseDelayMs: 50 }),
      ),
    );
    expect(err.reason).toBe('refused');
    expect(err.message).toContain('after 3 attempts');
    // Backoff: at least 50 + 100 ms between the three attempts.
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
  });

  it('a connection that succeeds on a later attempt is returned', async () => {
    const server = await startTestServer({ hostKey, clientKey });
    writeFileSync(client.knownHosts, knownLine(server.port, hostKey));
    // Front the real server with a proxy that resets the first connection.
    let seen = 0;
    const { connect } = await import('node:net');
    const proxy = await listen((s) => {
      if (seen++ === 0) {
        s.resetAndDestroy();
        return;
      }
      const up = connect(server.port, '127.0.0.1');
      s.pipe(up).pipe(s);
      s.on('error', () => up.destroy());
      up.on('error', () => s.destroy());
    });
    // known_hosts is keyed by the proxy's port.
    writeFileSync(client.knownHosts, knownLine(portOf(proxy), hostKey));
    try {
      const s = await SshSession.connect(
        { host: 'flaky', address: '127.0.0.1', port: portOf(proxy), user: 'root', privateKeyFile: client.keyFile },
        options(client.knownHosts, { retries: 2 }),
      );
      expect((await s.exec('exit 0')).exitCode).toBe(0);
      await s.close();
      expect(seen).toBe(2);
    } finally {
      await closeServer(proxy);
      await server.close();
    }
  });
});

/**
 * A jump host (forwarding allowed) and ROUTERS routers behind it, with known_hosts holding the
 * jump host's key (or JUMP_KNOWN instead) and the routers'. `target(i)` reaches router i through it.
 */
async function jumpSetup(routers: number) {
  const client = makeClientDir(clientKey);
  const jumpKey = makeKeyPair();
  const jump = await startTestServer({ hostKey: jumpKey, clientKey, allowForwarding: true });
  const behind = await Promise.all(Array.from({ length: routers }, () => startTestServer({ hostKey, clientKey })));
  const trust = (jumpKnown: KeyPair): void =>
    writeFileSync(client.knownHosts, knownLine(jump.port, jumpKnown) + behind.map((r) => knownLine(r.port, hostKey)).join(''));
  trust(jumpKey);
  const bastion: SshTarget = { host: 'bastion', address: '127.0.0.1', port: jump.port, user: 'admin', privateKeyFile: client.keyFile };
  return {
    client,
    jump,
    jumpKey,
    routers: behind,
    trust,
    target: (i: number): SshTarget => ({ host: `r${i}`, address: '127.0.0.1', port: behind[i]!.port, user: 'root', privateKeyFile: client.keyFile, jump: bastion }),
    close: async (): Promise<void> => {
      await jump.close();
      for (const r of behind) await r.close();
    },
  };
}

describe('SshSession through a jump host', () => {
  it('verifies both host keys and runs commands on the router', async () => {
    const j = await jumpSetup(1);
    try {
      const s = await SshSession.connect(j.target(0), options(j.client.knownHosts));
      const r = await s.exec('cat', { stdin: 'via bastion' });
      expect(r.stdout).toBe('via bastion');
      expect(j.jump.execs).toEqual([]);
      expect(j.routers[0]!.execs).toEqual(['cat']);
      await s.close();

      // A wrong jump host key is the jump host's failure, reported on the router.
      j.trust(otherKey);
      const err = await expectSshError(SshSession.connect(j.target(0), options(j.client.knownHosts)));
      expect(err.reason).toBe('host-key-changed');
      expect(err.host).toBe('r0');
      expect(err.message).toContain('jump host');
    } finally {
      await j.close();
    }
  });
});

describe('JumpHosts: routers behind one bastion share its connection', () => {
  it('logs in to the jump host once for many routers, closes it after the last one, and opens it again on demand', async () => {
    const j = await jumpSetup(3);
    try {
      const opts = options(j.client.knownHosts, { jumpHosts: new JumpHosts() });

      // Connected at once, like --forks does: one login on the bastion.
      const sessions = await Promise.all([0, 1, 2].map((i) => SshSession.connect(j.target(i), opts)));
      for (const [i, s] of sessions.entries()) expect((await s.exec('cat', { stdin: `via bastion ${i}` })).stdout).toBe(`via bastion ${i}`);
      expect(j.jump.connections).toBe(1);
      expect(j.jump.authAttempts.filter((a) => a.method === 'publickey').length).toBeGreaterThan(0);

      // Still shared while any router uses it; after the last one, a new router opens it anew.
      await sessions[0]!.close();
      await sessions[1]!.close();
      const again = await SshSession.connect(j.target(0), opts);
      expect(j.jump.connections).toBe(1);
      await sessions[2]!.close();
      await again.close();
      const later = await SshSession.connect(j.target(1), opts);
      expect((await later.exec('exit 0')).exitCode).toBe(0);
      expect(j.jump.connections).toBe(2);
      await later.close();

      // Without the pool every router logs in on its own (the behaviour this replaces).
      const alone = await Promise.all([0, 1].map((i) => SshSession.connect(j.target(i), options(j.client.knownHosts))));
      expect(j.jump.connections).toBe(4);
      for (const s of alone) await s.close();
    } finally {
      await j.close();
    }
  });

  it('fails every router waiting on a jump host that fails, and lets the next one try again', async () => {
    const j = await jumpSetup(1);
    try {
      j.trust(otherKey);
      const opts = options(j.client.knownHosts, { jumpHosts: new JumpHosts() });
      const errs = await Promise.all([1, 2].map(() => expectSshError(SshSession.connect(j.target(0), opts))));
      for (const e of errs) {
        expect(e.reason).toBe('host-key-changed');
        expect(e.message).toContain('jump host');
      }
      expect(j.routers[0]!.connections).toBe(0);
      // The key is fixed: the next router gets a fresh try at the jump host.
      j.trust(j.jumpKey);
      const s = await SshSession.connect(j.target(0), opts);
      expect((await s.exec('exit 0')).exitCode).toBe(0);
      await s.close();
    } finally {
      await j.close();
    }
  });
});

describe('SshSession legacy algorithms', () => {
  it('connects to a server that only speaks old algorithms only when legacyAlgorithms is set', async () => {
    const client = makeClientDir(clientKey);
    const rsaHost = makeKeyPair('rsa');
    const server = await startTestServer({
      hostKey: rsaHost,
      clientKey,
      algorithms: { kex: ['diffie-hellman-group1-sha1'], cipher: ['aes128-cbc'], hmac: ['hmac-sha1'], serverHostKey: ['ssh-rsa'] },
    });
    try {
      writeFileSync(client.knownHosts, knownLine(server.port, rsaHost));
      const base: SshTarget = { host: 'wr', address: '127.0.0.1', port: server.port, user: 'root', privateKeyFile: client.keyFile };
      const err = await expectSshError(SshSession.connect(base, options(client.knownHosts, { retries: 2 })));
      expect(err.reason).toBe('connect');
      expect(err.message).toContain('ssh_legacy_algorithms');
      const s = await SshSession.connect({ ...base, legacyAlgorithms: true }, options(client.knownHosts));
      expect((await s.exec('exit 0')).exitCode).toBe(0);
      await s.close();
    } finally {
      await server.close();
    }
  });
});
