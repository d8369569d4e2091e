// SshSession against the lab's real dropbear routers: one connection and one exec per router
// under concurrency, a router that never finishes the handshake, and a changed host key.
// Needs `npm run build` first (the lab supervisor runs from dist/).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Lab, LabRouter } from '../../packages/lab/src/index.js';
import { makeKeyPair } from '../fixtures/ssh/server.js';
import { SshError, SshSession, type SshOptions, type SshTarget } from '../../src/ssh/session.js';
import { startLab, stopLab } from './helpers.js';

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
});
