// Every verdict scenario judged the same whoever runs the tunnel: the lab's simulated VPN
// server profiles on 24.10 routers (ppp 2.4.9) and on 25.12 routers (ppp 2.5, apk), applied
// once with hand-run pppd (manager pppd) and once as netifd interfaces (manager netifd): the
// expected verdict per router, both times.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Lab } from '../../packages/lab/src/index.js';
import { readReport, runCli, startLab, stopLab, type Report } from './helpers.js';

const SCENARIOS = ['ok', 'wrong_password', 'requires_stateless', 'eap_first', 'gre_blocked', 'control_refused', 'slow'] as const;
// the lab inventory asks for stateless MPPE and refuses EAP: those two servers are satisfied
const EXPECTED = ['up', 'auth_failed', 'up', 'up', 'no_response', 'control_refused', 'up'];
const FIRMWARE = ['openwrt-24', 'openwrt-apk'] as const;
const ROUTERS = SCENARIOS.length * FIRMWARE.length;
const routerName = (i: number): string => `r${String(i + 1).padStart(3, '0')}`;

let lab: Lab;

async function applyWith(manager: 'pppd' | 'netifd'): Promise<Map<string, string>> {
  const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
  doc.setIn(['all', 'vars', 'manager'], manager);
  const inv = `${lab.dir}/inventory-${manager}.yaml`;
  await writeFile(inv, doc.toString());
  const file = `${lab.dir}/${manager}.json`;
  const r = await runCli(['apply', '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--forks', String(ROUTERS), '--tunnel-timeout', '30', '--report-json', file]);
  const report: Report = await readReport(file);
  expect(report.hosts.length, r.stdout + r.stderr).toBe(ROUTERS);
  return new Map(report.hosts.map((h) => [h.name, h.tunnels[0]?.verdict ?? `no tunnel (${h.step ?? ''}: ${h.error ?? ''})`]));
}

beforeAll(async () => {
  // routers r001..r007 run 24.10, r008..r014 25.12; the scenarios repeat in the same order
  lab = await startLab({
    routers: ROUTERS,
    firmware: FIRMWARE.map((f) => [f, SCENARIOS.length] as [string, number]) as never,
    scenario: FIRMWARE.flatMap(() => SCENARIOS.map((s) => [s, 1] as [string, number])) as never,
    manager: 'auto',
  });
}, 120_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('verdicts across managers', () => {
  it('each server profile gets the same verdict from hand-run pppd and from netifd, on 24.10 and 25.12', async () => {
    const byPppd = await applyWith('pppd');
    const byNetifd = await applyWith('netifd');
    const table = FIRMWARE.flatMap((firmware, f) =>
      SCENARIOS.map((scenario, s) => {
        const name = routerName(f * SCENARIOS.length + s);
        return { row: `${firmware} ${scenario}`, expected: EXPECTED[s], pppd: byPppd.get(name), netifd: byNetifd.get(name) };
      }),
    );
    const rows = table.map((t) => `${t.row}: pppd ${t.pppd}, netifd ${t.netifd}`);
    expect(rows).toEqual(table.map((t) => `${t.row}: pppd ${t.expected}, netifd ${t.expected}`));
  }, 300_000);
});
