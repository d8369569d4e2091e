// The tunnels in the firmware's own firewall (issue 15), on a lab of every firmware as it ships:
// fw3 (19.07) and fw4 (23.05, 24.10, 25.x, no iptables at all) get a UCI zone per tunnel, White
// Russian iptables lines in ip-up. A LAN client must reach the tunnel's networks through it; a
// rerun writes nothing (one exec per router); `state: absent` takes our sections out and leaves
// the user's; a kmod feed built for another kernel fails that host plainly, before any config.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { labLanClientCheck, type Lab } from '../../packages/lab/src/index.js';
import type { Firmware, Scenario } from '../../packages/lab/src/types.js';
import { auditLines, hostOf, labArgs, readReport, routerPath, runCli, startLab, stopLab } from './helpers.js';

// r001 19.07 (fw3), r002 23.05, r003 24.10, r004 25.x (fw4), r005 White Russian: server ok;
// r006 23.05 whose kernel is older than its feed's kmods.
const FIRMWARE: Array<[Firmware, number]> = [
  ['openwrt-19', 1],
  ['openwrt', 1],
  ['openwrt-24', 1],
  ['openwrt-apk', 1],
  ['whiterussian', 1],
  ['openwrt', 1],
];
const SCENARIO: Array<[Scenario, number]> = [
  ['ok', 5],
  ['kernel_mismatch', 1],
];
const OK = ['r001', 'r002', 'r003', 'r004', 'r005'];
const UCI = ['r001', 'r002', 'r003', 'r004'];

/**
 * The user's part of /etc/config/firewall, every section but ours, as UCI reads it: `uci commit`
 * rewrites the file in its own format (quotes, indentation; comments are lost, as with LuCI), so
 * lines are compared without quotes and runs of blanks, comments and empty lines left out.
 */
function userSections(config: string): string {
  const norm = (l: string): string => l.trim().replace(/['"]/g, '').replace(/\s+/g, ' ');
  return config
    .split(/\n(?=config )/)
    .filter((s) => !/^config \S+ '?pptp_fleet_/.test(s))
    .map((s) => s.split('\n').map(norm).filter((l) => l !== '' && !l.startsWith('#')).join('\n'))
    .filter((s) => s !== '')
    .join('\n');
}

describe('tunnels in the firmware firewall on 19.07, 23.05, 24.10, 25.x and White Russian', () => {
  let lab: Lab;
  const userBefore = new Map<string, string>();

  beforeAll(async () => {
    lab = await startLab({ routers: 6, firmware: FIRMWARE, scenario: SCENARIO });
    for (const h of UCI) userBefore.set(h, userSections(await readFile(routerPath(lab, h, 'etc/config/firewall'), 'utf8')));
  });
  afterAll(async () => {
    await stopLab(lab);
  });

  it('--check --diff shows the zone and forwarding it would add, as uci show lines, and writes nothing', async () => {
    const r = await runCli(['apply', ...labArgs(lab), '--limit', 'r002', '--check', '--diff']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // netifd (the default on OpenWrt): the zone names the interface, not the device
    expect(r.stdout).toContain("+network.office.proto='pptp'");
    expect(r.stdout).toContain("+firewall.pptp_fleet_zone_office.network='office'");
    expect(r.stdout).not.toContain('pptp_fleet_zone_office.device');
    expect(r.stdout).toContain("+firewall.pptp_fleet_out_office.src='lan'");
    expect(await readFile(routerPath(lab, 'r002', 'etc/config/firewall'), 'utf8')).not.toContain('pptp_fleet');
    expect(await readFile(routerPath(lab, 'r002', 'etc/config/network'), 'utf8')).not.toMatch(/config interface '?office'?/);
  });

  it('apply: tunnels up on every ok router; the kernel-mismatch router fails plainly before any config', async () => {
    const file = path.join(lab.dir, 'apply1.json');
    const r = await runCli(['apply', ...labArgs(lab), '--forks', '6', '--tunnel-timeout', '30', '--report-json', file]);
    const rep = await readReport(file);
    const bad = hostOf(rep, 'r006');
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/kernel mismatch: the router runs Linux 5\.15\.150\b.*kernel modules are built for 5\.15\.167\b/);
    // nothing was configured on it: the packages step is the first (no interface, no peer file)
    expect(await readFile(routerPath(lab, 'r006', 'etc/config/network'), 'utf8')).not.toMatch(/config interface '?office'?/);
    await expect(readFile(routerPath(lab, 'r006', 'etc/ppp/peers/office'), 'utf8')).rejects.toThrow();
    const seen = Object.fromEntries(OK.map((h) => {
      const host = hostOf(rep, h);
      return [h, { status: host.status, error: host.error ?? null, tunnels: host.tunnels.map((t) => `${t.name}:${t.verdict}`) }];
    }));
    expect(seen).toEqual(Object.fromEntries(OK.map((h) => [h, { status: 'changed', error: null, tunnels: ['office:up'] }])));
    expect(r.code).not.toBe(0);
  });

  it('fw3/fw4 routers have our zone and forwarding, the user zones untouched; White Russian has no UCI firewall', async () => {
    for (const h of UCI) {
      const cfg = await readFile(routerPath(lab, h, 'etc/config/firewall'), 'utf8');
      // netifd interfaces (the default on OpenWrt): the zone lists the interface office, fw3/fw4 map it to pptp-office
      expect(cfg, h).toMatch(/config zone 'pptp_fleet_zone_office'[^]*?option name 'office'[^]*?list network 'office'[^]*?option masq '1'/);
      expect(cfg, h).not.toContain("list device 'pptp-office'");
      expect(cfg, h).toMatch(/config forwarding 'pptp_fleet_out_office'\n\toption src 'lan'\n\toption dest 'office'/);
      expect(userSections(cfg), h).toBe(userBefore.get(h));
      // no iptables line anywhere pppd runs scripts from (netifd releases ship no /etc/ppp/ip-up)
      for (const f of ['etc/ppp/ip-up', 'etc/ppp/ip-up.d/pptp-fleet']) expect(await readFile(routerPath(lab, h, f), 'utf8').catch(() => ''), `${h} ${f}`).not.toContain('iptables');
      expect(await readFile(routerPath(lab, h, 'etc/config/network'), 'utf8'), h).toMatch(/config interface 'office'\n\toption proto 'pptp'\n/);
    }
    const wrUp = await readFile(routerPath(lab, 'r005', 'etc/ppp/ip-up'), 'utf8');
    expect(wrUp).toContain('/usr/sbin/iptables -A forwarding_rule -o "$1" -j ACCEPT');
    expect(await readFile(routerPath(lab, 'r005', 'etc/ppp/peers/office'), 'utf8')).not.toContain('ifname');
  });

  it('the LAN client check passes on every ok router: routed into the tunnel, forwarded, masqueraded', async () => {
    for (const h of OK) {
      const v = await labLanClientCheck(lab.dir, h, '10.20.0.5');
      expect({ h, ok: v.ok, reason: v.reason }).toEqual({ h, ok: true, reason: '' });
    }
  });

  it('a rerun changes nothing: one exec per router (facts), no UCI write, no reload', async () => {
    const before = new Map<string, number>();
    for (const h of OK) before.set(h, (await auditLines(lab, h)).length);
    const file = path.join(lab.dir, 'apply2.json');
    const r = await runCli(['apply', ...labArgs(lab), '--forks', '6', '--limit', OK.join(','), '--report-json', file]);
    const rep = await readReport(file);
    const seen: Record<string, unknown> = {};
    for (const h of OK) {
      const host = hostOf(rep, h);
      seen[h] = { status: host.status, changes: host.changes, execs: host.sshExecs, audit: (await auditLines(lab, h)).slice(before.get(h)) };
    }
    expect(seen).toEqual(Object.fromEntries(OK.map((h) => [h, { status: 'ok', changes: [], execs: 1, audit: ['/bin/sh -s -- pptp-fleet:facts'] }])));
    expect(r.code, r.stderr + r.stdout).toBe(0);
  });

  it('state: absent takes out our sections (and the LAN path) and leaves the user zones', async () => {
    const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
    const office = (doc.toJS() as { all: { vars: { tunnels: Array<Record<string, unknown>> } } }).all.vars.tunnels[0]!;
    for (const h of UCI) doc.setIn(['all', 'hosts', h, 'tunnels'], doc.createNode([{ name: office.name, state: 'absent' }]));
    const inv = path.join(lab.dir, 'absent.yaml');
    await writeFile(inv, doc.toString({ lineWidth: 0 }));
    const file = path.join(lab.dir, 'absent.json');
    const r = await runCli(['apply', '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--limit', UCI.join(','), '--report-json', file]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    for (const h of UCI) {
      const cfg = await readFile(routerPath(lab, h, 'etc/config/firewall'), 'utf8');
      expect(cfg, h).not.toContain('pptp_fleet');
      expect(userSections(cfg), h).toBe(userBefore.get(h));
      expect((await labLanClientCheck(lab.dir, h, '10.20.0.5')).ok, h).toBe(false);
    }
  });
});
