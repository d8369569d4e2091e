// Every verdict scenario judged the same whoever runs the tunnel: the lab's simulated VPN
// server profiles on 24.10 routers (ppp 2.4.9) and on 25.12 routers (ppp 2.5, apk), applied
// once with hand-run pppd (manager pppd) and once as netifd interfaces (manager netifd): the
// expected verdict per router, both times.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Lab } from '../../packages/lab/src/index.js';
import { hostOf, readReport, runCli, startLab, stopLab, type Report } from './helpers.js';

const SCENARIOS = ['ok', 'wrong_password', 'requires_stateless', 'eap_first', 'gre_blocked', 'control_refused', 'slow'] as const;
// the lab inventory asks for stateless MPPE and refuses EAP: those two servers are satisfied
const EXPECTED = ['up', 'auth_failed', 'up', 'up', 'no_response', 'control_refused', 'up'];
const FIRMWARE = ['openwrt-24', 'openwrt-apk'] as const;
const ROUTERS = SCENARIOS.length * FIRMWARE.length;
const routerName = (i: number): string => `r${String(i + 1).padStart(3, '0')}`;

let lab: Lab;

async function inventoryWith(manager: 'pppd' | 'netifd'): Promise<string> {
  const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
  doc.setIn(['all', 'vars', 'manager'], manager);
  const inv = `${lab.dir}/inventory-${manager}.yaml`;
  await writeFile(inv, doc.toString());
  return inv;
}

/** `pptp-fleet ARGS` on the lab with the inventory asking for MANAGER; its JSON report. */
async function cliWith(manager: 'pppd' | 'netifd', args: string[], name: string): Promise<Report> {
  const file = `${lab.dir}/${name}.json`;
  const r = await runCli([...args, '-i', await inventoryWith(manager), '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--report-json', file]);
  const report: Report = await readReport(file).catch(() => ({ hosts: [] }) as unknown as Report);
  expect(report.hosts.length, r.stdout + r.stderr).toBeGreaterThan(0);
  return report;
}

async function applyWith(manager: 'pppd' | 'netifd'): Promise<Map<string, string>> {
  const inv = await inventoryWith(manager);
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

  // after the netifd apply: r001/r008 ok, r002/r009 wrong_password (taken down after the failed
  // attempt, while netifd was setting it up again: its USER_REQUEST is netifd's only error left)
  it('status of netifd tunnels: up from netifd\'s report; a failing one judged from the attempt it was taken down after, and says so; one exec per router', async () => {
    const report = await cliWith('netifd', ['status', '--forks', String(ROUTERS)], 'status-netifd');
    for (const name of ['r001', 'r008']) {
      expect({ name, execs: hostOf(report, name).sshExecs, t: hostOf(report, name).tunnels[0] }).toMatchObject({ name, execs: 1, t: { verdict: 'up', running: true, iface: 'pptp-office', localIp: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) as unknown as string } });
      expect(hostOf(report, name).tunnels[0]?.since, name).toMatch(/^\d{4}-/);
    }
    for (const name of ['r002', 'r009']) {
      const t = hostOf(report, name).tunnels[0];
      expect({ name, execs: hostOf(report, name).sshExecs, verdict: t?.verdict, running: t?.running, iface: t?.iface }).toEqual({ name, execs: 1, verdict: 'auth_failed', running: false, iface: null });
      expect(t?.evidence?.some((l) => /pppd\[\d+\]: .*E=691/.test(l)), JSON.stringify(t)).toBe(true);
      expect(t?.evidence?.some((l) => /^netifd: [A-Z_]+$/.test(l)), JSON.stringify(t)).toBe(true);
      expect(t?.hint, JSON.stringify(t)).toMatch(/interface taken down after the failed attempt/);
    }
  }, 120_000);

  it('status of a netifd tunnel taken down: not running, netifd keeps it down, the same report shape as hand-run', async () => {
    const down = await cliWith('netifd', ['down', '--limit', 'r001'], 'down-netifd');
    expect(hostOf(down, 'r001').status, JSON.stringify(down)).toBe('changed');
    const report = await cliWith('netifd', ['status', '--limit', 'r001,r010'], 'status-down');
    const t = hostOf(report, 'r001').tunnels[0];
    expect(t).toMatchObject({ name: 'office', verdict: 'stopped_locally', running: false, iface: null, since: null });
    // r010 (25.12 requires_stateless) still runs under netifd; both reports have the same keys
    const other = hostOf(report, 'r010').tunnels[0];
    expect(Object.keys(other ?? {}).filter((k) => k !== 'evidence').sort()).toEqual(Object.keys(t ?? {}).filter((k) => k !== 'evidence').sort());
  }, 120_000);

  it('down on a router with a hand-run and a netifd tunnel is one exec after the facts; both stopped', async () => {
    const doc = parseDocument(await readFile(await inventoryWith('netifd'), 'utf8'));
    const office = (doc.toJS() as { all: { vars: { tunnels: Array<Record<string, unknown>> } } }).all.vars.tunnels[0]!;
    doc.setIn(['all', 'hosts', 'r008', 'tunnels'], doc.createNode([office, { ...office, name: 'backup', manager: 'pppd', routes: ['10.30.0.0/16'] }]));
    const inv = `${lab.dir}/mixed.yaml`;
    await writeFile(inv, doc.toString({ lineWidth: 0 }));
    const run = async (args: string[], name: string): Promise<Report> => {
      const file = `${lab.dir}/${name}.json`;
      const r = await runCli([...args, '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--limit', 'r008', '--report-json', file]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return readReport(file);
    };
    const applied = await run(['apply'], 'mixed-apply');
    expect(hostOf(applied, 'r008').tunnels.map((t) => [t.name, t.verdict])).toEqual([['office', 'up'], ['backup', 'up']]);
    const down = await run(['down'], 'mixed-down');
    expect(hostOf(down, 'r008').sshExecs).toBe(2);
    expect(hostOf(down, 'r008').tunnels.map((t) => [t.name, t.verdict])).toEqual([['backup', 'stopped_locally'], ['office', 'stopped_locally']]);
    const file = `${lab.dir}/mixed-status.json`;
    await runCli(['status', '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--limit', 'r008', '--report-json', file]);
    const status = await readReport(file);
    expect(hostOf(status, 'r008').sshExecs).toBe(1);
    expect(hostOf(status, 'r008').tunnels.map((t) => [t.name, t.running])).toEqual([['office', false], ['backup', false]]);
  }, 180_000);
});
