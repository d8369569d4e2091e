// The fake routers of the scale benchmark answer the real SSH client the way a converged
// router would: facts after reading the script, `true`, and a loud failure for anything else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFactsFixture } from '../../packages/bench/src/facts-fixture.js';
import { generateKeyPair, startFakeFleet, type FakeFleet } from '../../packages/bench/src/fake-router.js';
import { FACTS_COMMAND } from '../../src/facts/gather.js';
import { parseFacts } from '../../src/facts/parse.js';
import { knownHostsLine } from '../../packages/lab/src/keys.js';
import { SshSession, type SshOptions } from '../../src/ssh/session.js';

describe('fake routers', () => {
  let fleet: FakeFleet;
  let dir: string;
  let keyFile: string;
  let opts: SshOptions;

  beforeAll(async () => {
    const client = generateKeyPair();
    fleet = await startFakeFleet({ count: 2, factsTemplate: loadFactsFixture(), clientPublicKey: client.public });
    dir = mkdtempSync(join(tmpdir(), 'pptp-fleet-bench-test-'));
    keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, client.private, { mode: 0o600 });
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${fleet.routers.map((r) => knownHostsLine(r.port, fleet.hostPublicKey)).join('\n')}\n`);
    opts = { knownHostsFile: knownHosts, acceptNewHostKeys: false, connectTimeoutMs: 5000, commandTimeoutMs: 5000, retries: 0 };
  });
  afterAll(async () => {
    await fleet.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (i: number): Promise<SshSession> => {
    const r = fleet.routers[i]!;
    return SshSession.connect({ host: r.name, address: '127.0.0.1', port: r.port, user: 'root', privateKeyFile: keyFile }, opts);
  };

  it('passes host key checking and answers `true` with exit 0', async () => {
    const s = await connect(0);
    const r = await s.exec('true');
    await s.close();
    expect(r.exitCode).toBe(0);
    expect(fleet.execCounts()[0]).toBe(1);
  });

  it('answers the facts command with its own name and counts the bytes it received', async () => {
    const s = await connect(1);
    const before = fleet.bytesReceived()[1] ?? 0;
    const r = await s.exec(FACTS_COMMAND, { stdin: 'echo script\n' });
    await s.close();
    expect(r.exitCode).toBe(0);
    expect(parseFacts(r.stdout).hostname).toBe(fleet.routers[1]!.name);
    expect((fleet.bytesReceived()[1] ?? 0) - before).toBe(FACTS_COMMAND.length + 'echo script\n'.length);
  });

  it('fails any other command so the benchmark notices', async () => {
    const s = await connect(0);
    const r = await s.exec('/bin/sh -s -- pptp-fleet:apply', { stdin: 'x' });
    await s.close();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unsupported command/);
    expect(fleet.unknownCommands()).toContain('/bin/sh -s -- pptp-fleet:apply');
  });
});
