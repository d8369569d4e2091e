// The scale half of the benchmark: the orchestrator alone against 1000 fake routers in this
// process (fake-router.ts), `ping` and a no-change `apply` at each --forks value. The routers
// cost next to nothing here, so what grows is the CLI's own time and memory.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PASSWORD_FILE, renderLabInventory } from 'pptp-fleet-lab/inventory';
import { knownHostsLine } from 'pptp-fleet-lab/keys';
import { measureCli } from './child.js';
import type { Cleanups } from './cleanup.js';
import { FIXTURE_PASSWORD, loadFactsFixture } from './facts-fixture.js';
import { generateKeyPair, startFakeFleet, type FakeFleet } from './fake-router.js';
import { maxMean } from './stats.js';
import type { Sample } from './summary.js';

export interface ScaleOptions {
  cliPath: string;
  workDir: string;
  hosts: number;
  forks: readonly number[];
  runs: number;
  timeoutMs: number;
  keep: boolean;
  /** Directory for `node --cpu-prof` profiles of each CLI run; none when unset. */
  cpuProfDir?: string;
  cleanups: Cleanups;
  log: (line: string) => void;
}

export interface ScaleSamples {
  forks: number;
  command: 'scale-ping' | 'scale-nochange';
  samples: Sample[];
}

/** Runs ping and a no-change apply RUNS times at each forks value against HOSTS fake routers. */
export async function benchScale(opts: ScaleOptions): Promise<ScaleSamples[]> {
  const dir = join(opts.workDir, `scale-${opts.hosts}`);
  await mkdir(dir, { recursive: true });
  const client = generateKeyPair();
  const fleet = await startFakeFleet({ count: opts.hosts, factsTemplate: loadFactsFixture(), clientPublicKey: client.public });
  const undoFleet = opts.cleanups.add('fake routers', () => fleet.close());
  try {
    const files = await writeClientFiles(dir, fleet, client.private);
    const out: ScaleSamples[] = [];
    for (const forks of opts.forks) {
      for (const [command, args] of [
        ['scale-ping', ['ping']],
        ['scale-nochange', ['apply']],
      ] as const) {
        const samples: Sample[] = [];
        for (let run = 1; run <= opts.runs; run++) {
          const s = await measure(fleet, [...args, ...files, '--forks', String(forks)], `${command}-f${forks}-run${run}`, dir, opts);
          samples.push(s);
          opts.log(`scale ${opts.hosts} hosts, ${command} forks ${forks} run ${run}/${opts.runs}: ${(s.wallMs / 1000).toFixed(2)} s, ${s.peakRssMb?.toFixed(0) ?? '?'} MB${s.report?.failed ? `, ${s.report.failed} failed` : ''}`);
        }
        out.push({ forks, command, samples });
      }
    }
    const unknown = fleet.unknownCommands();
    if (unknown.length > 0) opts.log(`fake routers refused unknown commands: ${unknown.slice(0, 3).join(' | ')}`);
    return out;
  } finally {
    await fleet.close();
    undoFleet();
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}

// The same inventory layout as a lab (so the desired state matches the recorded facts), a
// known_hosts line per port, the client key and the fixture's placeholder password.
async function writeClientFiles(dir: string, fleet: FakeFleet, privateKey: string): Promise<string[]> {
  const inventory = join(dir, 'inventory.yaml');
  const knownHosts = join(dir, 'known_hosts');
  const key = join(dir, 'id_ed25519');
  const hosts = fleet.routers.map((r) => ({ name: r.name, port: r.port, firmware: 'whiterussian' as const, scenario: 'ok' as const }));
  await writeFile(inventory, renderLabInventory(hosts));
  await writeFile(knownHosts, `${fleet.routers.map((r) => knownHostsLine(r.port, fleet.hostPublicKey)).join('\n')}\n`);
  await writeFile(key, privateKey, { mode: 0o600 });
  await chmod(key, 0o600);
  await writeFile(join(dir, PASSWORD_FILE), FIXTURE_PASSWORD, { mode: 0o600 });
  return ['-i', inventory, '--known-hosts', knownHosts, '--key', key];
}

async function measure(fleet: FakeFleet, args: string[], label: string, dir: string, opts: ScaleOptions): Promise<Sample> {
  const reportPath = join(dir, `${label}.report.json`);
  const execsBefore = fleet.execCounts();
  const bytesBefore = fleet.bytesReceived();
  const sample = await measureCli(opts.cliPath, opts.cleanups, label, reportPath, {
    args: [...args, '--report-json', reportPath, '--quiet'],
    nodeArgs: opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir, '--cpu-prof-name', `${label}.cpuprofile`] : [],
    cwd: dir,
    logFile: join(dir, `${label}.log`),
    timeoutMs: opts.timeoutMs,
  });
  const execsAfter = fleet.execCounts();
  const bytesAfter = fleet.bytesReceived();
  return {
    ...sample,
    execs: maxMean(execsAfter.map((n, i) => n - (execsBefore[i] ?? 0))),
    routerBytes: maxMean(bytesAfter.map((n, i) => n - (bytesBefore[i] ?? 0))),
  };
}
