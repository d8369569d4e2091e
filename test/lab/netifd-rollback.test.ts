// Rollback of netifd tunnels: on an OpenWrt 24.10 router whose `office` is a netifd interface
// that is up, an apply adding a second tunnel `home` with a wrong password fails; the rollback
// puts /etc/config/network and /etc/config/firewall back byte for byte, takes `home` down so
// netifd stops retrying it (repeated authentication failures can lock the VPN account), and
// leaves `office` up. A rerun of the original inventory then changes nothing in one exec.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { inventoryWithTunnels, netifdPppds, routerShell } from './fault-helpers.js';
import { auditLines, hostOf, readReport, routerPath, runCli, runCliReport, startLab, stopLab, type ReportHost } from './helpers.js';

const R = 'r001';
let lab: Lab;
let before: { network: string; firewall: string };
let failed: { code: number | null; out: string; host: ReportHost };
let badInventory = '';

const sh = (command: string): Promise<string> => routerShell(lab, R)(command);
const configs = async (): Promise<{ network: string; firewall: string }> => ({
  network: await readFile(routerPath(lab, R, 'etc/config/network'), 'utf8'),
  firewall: await readFile(routerPath(lab, R, 'etc/config/firewall'), 'utf8'),
});
const pppdsOf = (name: string): Promise<string[]> => netifdPppds(sh, name);

beforeAll(async () => {
  lab = await startLab({ routers: 1, firmware: [['openwrt-24', 1]], manager: 'auto' });
  const first = await runCli(['apply', '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '-q']);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect(await sh('ubus call network.interface.office status')).toMatch(/"up": true/);
  // User content outside the tool's sections, which must come back byte for byte.
  await sh("printf '\\n# kept by hand\\nconfig interface '\\''guest'\\''\\n\\toption proto '\\''static'\\''\\n' >> /etc/config/network");
  before = await configs();
  // The new config: a second tunnel, home, with a wrong password.
  await writeFile(path.join(lab.dir, 'wrong-password'), 'not-the-vpn-password-42\n', { mode: 0o600 });
  badInventory = await inventoryWithTunnels(lab, 'home', (tunnels) => [...tunnels, { ...tunnels[0], name: 'home', password: { file: 'wrong-password' }, routes: ['10.30.0.0/16'] }]);
  const reportFile = path.join(lab.dir, 'bad.json');
  const r = await runCli(['apply', '-i', badInventory, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--report-json', reportFile]);
  failed = { code: r.code, out: r.stdout + r.stderr, host: hostOf(await readReport(reportFile), R) };
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('rollback of a failed new netifd tunnel', () => {
  it('reports the host failed and rolled back', () => {
    expect(failed.code, failed.out).toBe(1);
    expect(failed.host.status, JSON.stringify(failed.host)).toBe('failed');
    expect(failed.host.rolledBack, JSON.stringify(failed.host)).toBe(true);
    expect(failed.host.error).toMatch(/rolled back: home: new config auth_failed/);
  });

  it('/etc/config/network and /etc/config/firewall are byte-identical to before', async () => {
    const now = await configs();
    expect(now.network).toBe(before.network);
    expect(now.firewall).toBe(before.firewall);
    expect(await sh('uci -q get network.home || echo none')).toBe('none\n');
    expect((await auditLines(lab, R)).some((l) => l.includes('pptp-fleet:rollback'))).toBe(true);
  });

  it('office is still up', async () => {
    expect(await sh('ubus call network.interface.office status')).toMatch(/"up": true/);
    expect(await pppdsOf('office')).toHaveLength(1);
  });

  it('no pppd for home, and 10 s later still none: netifd does not retry it', async () => {
    expect(await pppdsOf('home')).toEqual([]);
    await new Promise((r) => setTimeout(r, 10_000));
    expect(await pppdsOf('home')).toEqual([]);
    expect(await sh('ubus call network.interface.office status')).toMatch(/"up": true/);
  }, 30_000);

  it('a rerun of the original inventory changes nothing, in one exec', async () => {
    const { r, report } = await runCliReport(lab, ['apply'], 'rerun');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const h = hostOf(report, R);
    expect(h.status, JSON.stringify(h)).toBe('ok');
    expect(h.sshExecs, JSON.stringify(h)).toBe(1);
  });
});
