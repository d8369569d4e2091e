// Re-records packages/bench/fixtures/facts-whiterussian-converged.txt, the facts the fake routers
// answer with: a one-router lab, a real apply until its tunnel is up, then the facts script run
// on it as the CLI runs it (engine/host.ts). The lab's random VPN password is replaced by
// FIXTURE_PASSWORD before anything is written.
//
// Usage: npm run build && npm run record-facts -w pptp-fleet-bench
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACTS_COMMAND, factsScript } from '../../../src/facts/gather.js';
import { parseFacts } from '../../../src/facts/parse.js';
import { plannerPaths } from '../../../src/plan/plan.js';
import { labDown, labUp } from 'pptp-fleet-lab';
import { SshSession } from '../../../src/ssh/session.js';
import { runCli } from './child.js';
import { FACTS_FIXTURE, FIXTURE_PASSWORD, fixturePath, sanitizeFacts } from './facts-fixture.js';
import { productCli } from './paths.js';

const cliPath = productCli();

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pptp-fleet-record-facts-'));
  const stop = (): void => {
    void labDown(dir).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const lab = await labUp({ dir, routers: 1 });
    const router = lab.routers[0];
    if (!router) throw new Error('the lab has no router');
    const apply = await runCli(cliPath, {
      args: ['apply', '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--quiet'],
      cwd: dir,
      logFile: join(dir, 'apply.log'),
      timeoutMs: 300_000,
    });
    if (apply.exitCode !== 0) throw new Error(`apply failed (exit ${apply.exitCode}):\n${await readFile(join(dir, 'apply.log'), 'utf8')}`);

    const session = await SshSession.connect(
      { host: router.name, address: '127.0.0.1', port: router.port, user: 'root', privateKeyFile: lab.keyPath },
      { knownHostsFile: lab.knownHostsPath, acceptNewHostKeys: false, connectTimeoutMs: 10_000, commandTimeoutMs: 60_000, retries: 1 },
    );
    const r = await session.exec(FACTS_COMMAND, { stdin: factsScript(plannerPaths(['office'])) });
    await session.close();
    if (r.exitCode !== 0) throw new Error(`the facts script exited ${r.exitCode}: ${r.stderr}`);
    const facts = parseFacts(r.stdout);
    if (!facts.pppd.some((p) => p.linkname === 'office' && p.alive)) throw new Error('tunnel office is not up on the recorded router');

    const password = (await readFile(lab.passwordPath, 'utf8')).replace(/\r?\n$/, '');
    const fixture = sanitizeFacts(r.stdout, password, FIXTURE_PASSWORD);
    if (fixture.includes(password)) throw new Error('the password survived sanitizing');
    parseFacts(fixture);
    await writeFile(fixturePath(FACTS_FIXTURE), fixture);
    console.log(`wrote ${fixturePath(FACTS_FIXTURE)} (${Buffer.byteLength(fixture)} bytes, from ${router.name} ${router.firmware})`);
  } finally {
    await labDown(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
