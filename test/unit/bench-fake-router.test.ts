// The fake routers of the scale benchmark answer the real SSH client the way a converged
// router would: facts after reading the script, `true`, and a loud failure for anything else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PASSWORD, loadFactsFixture, renderFacts } from '../../packages/bench/src/facts-fixture.js';
import { generateKeyPair, startFakeFleet, type FakeFleet } from '../../packages/bench/src/fake-router.js';
import { FACTS_COMMAND } from '../../src/facts/gather.js';
import { parseFacts } from '../../src/facts/parse.js';
import { knownHostsLine } from '../../packages/lab/src/keys.js';
import { SshSession, type SshOptions } from '../../src/ssh/session.js';
import { PASSWORD_FILE, renderLabInventory } from '../../packages/lab/src/inventory.js';
import { runHost } from '../../src/engine/host.js';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import type { ExecResult, Transport } from '../../src/transport.js';

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

// The scale benchmark's no-change figure means something only while the recorded facts are those
// of a converged router for today's planner: when a renderer changes, the fixture goes stale and
// every fake router fails the bench. This catches it in the unit suite, without the benchmark.
describe('the recorded facts fixture', () => {
  it('is a converged router: an apply with the bench inventory plans no change and costs one exec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pptp-fleet-bench-fixture-'));
    try {
      writeFileSync(join(dir, 'inventory.yaml'), renderLabInventory([{ name: 'r0001', port: 22, firmware: 'whiterussian', scenario: 'ok' }]));
      writeFileSync(join(dir, PASSWORD_FILE), FIXTURE_PASSWORD, { mode: 0o600 });
      const inventory = await loadInventory(join(dir, 'inventory.yaml'));
      const [spec] = await inventory.resolveSecrets(inventory.hosts, { tunnelPasswords: true });
      const commands: string[] = [];
      const answer = (command: string, stdout: string, exitCode: number): ExecResult =>
        ({ command, exitCode, signal: null, stdout, stderr: exitCode === 0 ? '' : 'unsupported command', durationMs: 1, timedOut: false, bytesSent: 0, stdoutWireBytes: stdout.length });
      const transport: Transport = {
        bytesSent: 0,
        exec: (command) => {
          commands.push(command);
          return Promise.resolve(command === FACTS_COMMAND ? answer(command, renderFacts(loadFactsFixture(), 'r0001'), 0) : answer(command, '', 1));
        },
        close: () => Promise.resolve(),
      };
      const playbook = await loadPlaybook(new URL('../../playbooks/pptp-client.yaml', import.meta.url).pathname);
      const result = await runHost(spec!, 1, {
        command: 'apply', playbook, check: false, diff: false, commandTimeoutMs: 5000, tunnelTimeoutSec: 5, rollback: true,
        connect: () => Promise.resolve(transport), emit: () => undefined, signal: new AbortController().signal,
      });
      expect(result.changes.map((c) => `${c.action} ${c.target}`), 'stale fixture: npm run record-facts -w pptp-fleet-bench').toEqual([]);
      expect(result.status).toBe('ok');
      expect(commands).toEqual([FACTS_COMMAND]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
