// A first apply whose new netifd tunnel fails: on an OpenWrt 24.10 router with no tunnel yet, the
// inventory's password is wrong. Nothing was up before, so there is no snapshot and no rollback;
// yet the interface must not be left retrying (each retry is another failed login against the
// VPN server, which can lock the account): the tunnels-up exec takes it down with `ifdown` once
// the attempt's lines are read, as a hand-run pppd that fails is not left running. The UCI config
// stays, `status` still shows the failed attempt's verdict and says why the interface is down,
// and a rerun with the password fixed brings it up (`ifup`: it is down, with autostart false).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { inventoryWithTunnels, netifdPppds, routerShell } from './fault-helpers.js';
import { hostOf, labArgs, readReport, runCli, runCliReport, startLab, stopLab, type ReportHost } from './helpers.js';

const R = 'r001';
let lab: Lab;
let tunnel = '';
let failed: { code: number | null; out: string; host: ReportHost; ms: number };

const sh = (command: string): Promise<string> => routerShell(lab, R)(command);
const pppdsOf = (name: string): Promise<string[]> => netifdPppds(sh, name);

beforeAll(async () => {
  lab = await startLab({ routers: 1, firmware: [['openwrt-24', 1]], manager: 'auto' });
  // The lab inventory's tunnel with a wrong password: a first apply (no tunnel on the router yet).
  await writeFile(path.join(lab.dir, 'wrong-password'), 'not-the-vpn-password-42\n', { mode: 0o600 });
  const badInventory = await inventoryWithTunnels(lab, 'wrong-password', (tunnels) => {
    tunnel = String(tunnels[0]!.name);
    return [{ ...tunnels[0], password: { file: 'wrong-password' } }, ...tunnels.slice(1)];
  });
  const reportFile = path.join(lab.dir, 'first.json');
  const t0 = Date.now();
  const r = await runCli(['apply', '-i', badInventory, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--report-json', reportFile]);
  failed = { code: r.code, out: r.stdout + r.stderr, host: hostOf(await readReport(reportFile), R), ms: Date.now() - t0 };
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('a first apply whose netifd tunnel fails authentication', () => {
  it('exits 1 with the tunnel auth_failed, not rolled back, and the hint says the interface was taken down', () => {
    expect(failed.code, failed.out).toBe(1);
    expect(failed.host.status, JSON.stringify(failed.host)).toBe('failed');
    expect(failed.host.rolledBack, JSON.stringify(failed.host)).toBeFalsy();
    console.log(`first failing apply: ${failed.host.sshExecs} execs, ${failed.ms} ms`);
    // facts, packages, apply, tunnels-up (with its ifdown): as many as before the ifdown existed
    expect(failed.host.sshExecs, JSON.stringify(failed.host)).toBe(4);
    const t = failed.host.tunnels.find((x) => x.name === tunnel);
    expect(t?.verdict, JSON.stringify(failed.host)).toBe('auth_failed');
    expect(t?.hint).toMatch(/interface taken down after the failed attempt/);
  });

  it('no pppd for it, and 10 s later still none: netifd does not retry it', async () => {
    expect(await pppdsOf(tunnel)).toEqual([]);
    await new Promise((r) => setTimeout(r, 10_000));
    expect(await pppdsOf(tunnel)).toEqual([]);
    const st = await sh(`ubus call network.interface.${tunnel} status`);
    expect(st).toMatch(/"up": false/);
    expect(st).toMatch(/"pending": false/);
    expect(st).toMatch(/"autostart": false/);
    // netifd was setting it up again when it went down: its teardown's USER_REQUEST is the one
    // error left (as on a router), so `status` must judge the failed attempt from pppd's lines
    expect(st).toMatch(/"code": "USER_REQUEST"/);
    expect(st).not.toMatch(/AUTH_TOPEER_FAILED/);
  }, 30_000);

  it('keeps its UCI interface (the admin fixes the password and reruns)', async () => {
    expect(await sh(`uci -q get network.${tunnel}`)).toBe('interface\n');
    expect(await sh(`uci -q get network.${tunnel}.proto`)).toBe('pptp\n');
  });

  it('a network reload (config unchanged) leaves it down', async () => {
    await sh('ubus call network reload');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await pppdsOf(tunnel)).toEqual([]);
    expect(await sh(`ubus call network.interface.${tunnel} status`)).toMatch(/"autostart": false/);
  }, 20_000);

  it('status shows the failed attempt\'s verdict and why the interface is down', async () => {
    const { r, report } = await runCliReport(lab, ['status'], 'status');
    expect(r.stderr).toBe('');
    const t = hostOf(report, R).tunnels.find((x) => x.name === tunnel);
    expect(t, JSON.stringify(report)).toMatchObject({ verdict: 'auth_failed', running: false });
    expect(t?.evidence?.join('\n')).toMatch(/E=691/);
    expect(t?.hint).toMatch(/interface taken down after the failed attempt/);
  });

  it('a rerun with the right password brings it up', async () => {
    const t0 = Date.now();
    const r = await runCli(['apply', ...labArgs(lab), '--report-json', path.join(lab.dir, 'fixed.json')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const h = hostOf(await readReport(path.join(lab.dir, 'fixed.json')), R);
    expect(h.tunnels.find((x) => x.name === tunnel)?.verdict, JSON.stringify(h)).toBe('up');
    expect(await sh(`ubus call network.interface.${tunnel} status`)).toMatch(/"up": true/);
    expect(await pppdsOf(tunnel)).toHaveLength(1);
    console.log(`fixed rerun: ${h.sshExecs} execs, ${Date.now() - t0} ms`);
  }, 120_000);
});
