// Every verdict scenario judged the same whoever runs the tunnel: the lab's simulated VPN
// server profiles on 24.10 routers, applied once with hand-run pppd (manager pppd) and once as
// netifd interfaces (manager netifd): same verdict per router, both times.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Lab } from '../../packages/lab/src/index.js';
import { readReport, runCli, startLab, stopLab, type Report } from './helpers.js';

const SCENARIOS = ['ok', 'wrong_password', 'requires_stateless', 'eap_first', 'gre_blocked', 'control_refused'] as const;

let lab: Lab;

async function applyWith(manager: 'pppd' | 'netifd'): Promise<Map<string, string>> {
  const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
  doc.setIn(['all', 'vars', 'manager'], manager);
  const inv = `${lab.dir}/inventory-${manager}.yaml`;
  await writeFile(inv, doc.toString());
  const file = `${lab.dir}/${manager}.json`;
  const r = await runCli(['apply', '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--forks', '6', '--tunnel-timeout', '20', '--report-json', file]);
  const report: Report = await readReport(file);
  expect(report.hosts.length, r.stdout + r.stderr).toBe(SCENARIOS.length);
  return new Map(report.hosts.map((h) => [h.name, h.tunnels[0]?.verdict ?? `no tunnel (${h.step ?? ''}: ${h.error ?? ''})`]));
}

beforeAll(async () => {
  lab = await startLab({ routers: SCENARIOS.length, firmware: [['openwrt-24', SCENARIOS.length]], scenario: SCENARIOS.map((s) => [s, 1] as [string, number]) as never, manager: 'auto' });
}, 120_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('verdicts across managers', () => {
  it('each server profile gets the same verdict from hand-run pppd and from netifd', async () => {
    const byPppd = await applyWith('pppd');
    const byNetifd = await applyWith('netifd');
    const table = SCENARIOS.map((s, i) => {
      const name = `r00${i + 1}`;
      return { scenario: s, pppd: byPppd.get(name), netifd: byNetifd.get(name) };
    });
    // the lab inventory asks for stateless MPPE and refuses EAP: those two servers are satisfied
    const rows = table.map((t) => `${t.scenario}: pppd ${t.pppd}, netifd ${t.netifd}`);
    expect(table.map((t) => t.pppd), rows.join('; ')).toEqual(['up', 'auth_failed', 'up', 'up', 'no_response', 'control_refused']);
    expect(table.map((t) => `${t.scenario}: pppd ${t.pppd}, netifd ${t.pppd}`)).toEqual(rows);
  }, 300_000);
});
