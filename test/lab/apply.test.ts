// End to end: `pptp-fleet apply` on a 20-router lab across all four firmware flavours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat, writeFile, mkdir, lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Lab } from '../../packages/lab/src/index.js';
import { auditLines, labArgs, routerPath, runCli, startLab, stopLab, treeHash, uciOption, type ReportHost } from './helpers.js';

const FAILING: Record<string, string> = {
  r005: 'auth_failed', // wrong_password
  r010: 'no_response', // gre_blocked
  r015: 'control_refused',
};

const USER_IP_UP = `#!/bin/sh
# my own script, written by hand
case "$6" in
 lab-mine)
  /bin/echo "user section kept" >> /tmp/user-section
  ;;
esac
exit 0
`;

describe('apply on a 20-router lab (all firmware flavours)', () => {
  let lab: Lab;
  const romHashes = new Map<string, string>();
  const firstRun: { code: number | null; stdout: string; stderr: string; report: { hosts: ReportHost[] } } = {
    code: null,
    stdout: '',
    stderr: '',
    report: { hosts: [] },
  };
  let password = '';

  beforeAll(async () => {
    lab = await startLab({
      routers: 20,
      firmware: [
        ['whiterussian', 5],
        ['openwrt', 5],
        ['openwrt-24', 5],
        ['openwrt-apk', 5],
      ],
      scenario: [
        ['ok', 4],
        ['wrong_password', 1],
        ['ok', 4],
        ['gre_blocked', 1],
        ['ok', 4],
        ['control_refused', 1],
      ],
    });
    password = (await readFile(lab.passwordPath, 'utf8')).trim();
    for (const r of lab.routers) romHashes.set(r.name, await treeHash(path.join(r.rootfs, 'rom')));
    // A hand-written ip-up on r002 (whiterussian) and r007 (openwrt) must survive.
    for (const name of ['r002', 'r007']) {
      await mkdir(routerPath(lab, name, 'etc/ppp'), { recursive: true });
      await writeFile(routerPath(lab, name, 'etc/ppp/ip-up'), USER_IP_UP, { mode: 0o755 });
    }
    const reportFile = path.join(lab.dir, 'first.json');
    const r = await runCli(['apply', ...labArgs(lab), '--report-json', reportFile, '--forks', '10']);
    Object.assign(firstRun, r, { report: JSON.parse(await readFile(reportFile, 'utf8')) });
  });

  afterAll(async () => {
    await stopLab(lab);
  });

  it('exits 1 because three simulated VPN servers are broken, and brings every other tunnel up', () => {
    expect(firstRun.code, firstRun.stderr + firstRun.stdout).toBe(1);
    for (const h of firstRun.report.hosts) {
      const expected = FAILING[h.name] ?? 'up';
      expect({ host: h.name, verdict: h.tunnels[0]?.verdict }, JSON.stringify(h)).toEqual({ host: h.name, verdict: expected });
      expect(h.status).toBe(expected === 'up' ? 'changed' : 'failed');
    }
  });

  it('gives each failed tunnel a fix hint', () => {
    for (const name of Object.keys(FAILING)) {
      const h = firstRun.report.hosts.find((x) => x.name === name)!;
      expect(h.tunnels[0]?.hint, name).toBeTruthy();
    }
  });

  it('uses at most 4 SSH execs per router for the first apply', async () => {
    for (const r of lab.routers) {
      const lines = await auditLines(lab, r.name);
      expect(lines.length, `${r.name}: ${lines.join(' | ')}`).toBeLessThanOrEqual(4);
      expect(lines[0]).toContain('pptp-fleet:facts');
    }
  });

  it('never puts the password on a command line, in output or in the report', async () => {
    expect(password.length).toBeGreaterThan(0);
    for (const r of lab.routers) {
      const audit = (await auditLines(lab, r.name)).join('\n');
      expect(audit.includes(password), r.name).toBe(false);
    }
    expect(firstRun.stdout.includes(password)).toBe(false);
    expect(firstRun.stderr.includes(password)).toBe(false);
    expect(JSON.stringify(firstRun.report).includes(password)).toBe(false);
  });

  it('writes chap-secrets (and on White Russian the peer file) mode 600 on every firmware, and never touches /rom', async () => {
    for (const r of lab.routers) {
      const chap = await lstat(routerPath(lab, r.name, 'etc/ppp/chap-secrets'));
      expect(chap.isFile(), `${r.name} chap-secrets is a regular file now`).toBe(true);
      expect((chap.mode & 0o777).toString(8), r.name).toBe('600');
      if (r.firmware === 'whiterussian') {
        const peer = await stat(routerPath(lab, r.name, 'etc/ppp/peers/office'));
        expect((peer.mode & 0o777).toString(8), r.name).toBe('600');
      } else {
        // netifd (the default on OpenWrt): a UCI interface without the password, no peer file
        const net = await readFile(routerPath(lab, r.name, 'etc/config/network'), 'utf8');
        expect(net, r.name).toMatch(/config interface 'office'\n\toption proto 'pptp'\n/);
        expect(net.includes(password), r.name).toBe(false);
        await expect(stat(routerPath(lab, r.name, 'etc/ppp/peers/office')), r.name).rejects.toThrow();
      }
      expect(await treeHash(path.join(r.rootfs, 'rom')), `${r.name} /rom`).toBe(romHashes.get(r.name));
      const content = await readFile(routerPath(lab, r.name, 'etc/ppp/chap-secrets'), 'utf8');
      // The template's own lines from /rom are kept.
      const rom = await readFile(routerPath(lab, r.name, 'rom/etc/ppp/chap-secrets'), 'utf8');
      for (const line of rom.split('\n').filter(Boolean)) expect(content).toContain(line);
    }
  });

  it('writes the MPPE option in the dialect of each firmware’s pppd', async () => {
    for (const r of lab.routers) {
      // White Russian: the peer file; netifd: one option per line out of the interface's pppd_options
      const peer = r.firmware === 'whiterussian'
        ? await readFile(routerPath(lab, r.name, 'etc/ppp/peers/office'), 'utf8')
        : uciOption(await readFile(routerPath(lab, r.name, 'etc/config/network'), 'utf8'), 'office', 'pppd_options')
            .replace(/ (?=mppe |require-mppe|nomppe|refuse-|remotename )/g, '\n');
      if (r.firmware === 'whiterussian' || r.firmware === 'openwrt') {
        expect(peer, r.name).toMatch(/^mppe required,no40,no56,stateless$/m);
      } else {
        expect(peer, r.name).toMatch(/^require-mppe-128$/m);
        expect(peer, r.name).toMatch(/^nomppe-stateful$/m);
        expect(peer, r.name).not.toMatch(/^mppe /m);
        const opts = await readFile(routerPath(lab, r.name, 'etc/ppp/options.pptp'), 'utf8');
        expect(opts, `${r.name} options.pptp`).not.toMatch(/^\s*mppe\s/m);
      }
      if (r.firmware === 'whiterussian') {
        expect(peer).toMatch(/^linkname office$/m);
        expect(peer).toMatch(/^name "?LAB\\\\fleet"?$/m);
      } else {
        expect(peer, r.name).toMatch(/^remotename office$/m);
        expect(uciOption(await readFile(routerPath(lab, r.name, 'etc/config/network'), 'utf8'), 'office', 'username'), r.name).toBe('LAB\\fleet');
      }
    }
  });

  it('keeps a hand-written ip-up section next to its own (White Russian); leaves it byte for byte under netifd', async () => {
    const ipUp = await readFile(routerPath(lab, 'r002', 'etc/ppp/ip-up'), 'utf8');
    expect(ipUp).toContain('/bin/echo "user section kept" >> /tmp/user-section');
    expect(ipUp).toContain('office');
    expect(ipUp.startsWith('#!/bin/sh\n')).toBe(true);
    // r007 (23.05): netifd's pppd runs /lib/netifd/ppp-up, not /etc/ppp/ip-up; the routes are UCI route sections
    expect(await readFile(routerPath(lab, 'r007', 'etc/ppp/ip-up'), 'utf8')).toBe(USER_IP_UP);
    expect(await readFile(routerPath(lab, 'r007', 'etc/config/network'), 'utf8')).toMatch(/config route 'pptp_fleet_rt_office_1'\n\toption interface 'office'\n\toption target '10\.20\.0\.0'\n/);
  });

  it('reports 0 changes and writes nothing on a second apply', async () => {
    const before = new Map<string, number>();
    for (const r of lab.routers) before.set(r.name, (await auditLines(lab, r.name)).length);
    const reportFile = path.join(lab.dir, 'second.json');
    const r = await runCli(['apply', ...labArgs(lab), '--report-json', reportFile]);
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as { hosts: ReportHost[] };
    for (const h of report.hosts) {
      expect({ host: h.name, changes: h.changes }).toEqual({ host: h.name, changes: [] });
      const added = (await auditLines(lab, h.name)).slice(before.get(h.name));
      if (!FAILING[h.name]) {
        expect(h.status, JSON.stringify(h)).toBe('ok');
        // Facts only: no write, no tunnel restart.
        expect(added.length, `${h.name}: ${added.join(' | ')}`).toBeLessThanOrEqual(2);
        expect(added.some((l) => l.includes('pptp-fleet:apply') || l.includes('tunnels-up'))).toBe(false);
      }
    }
    expect(r.code).toBe(1);
  });

  it('--check --diff writes nothing and shows diffs with the password masked', async () => {
    // Change one router's inventory-facing state: edit its peer file by hand.
    const peerFile = routerPath(lab, 'r001', 'etc/ppp/peers/office');
    const edited = (await readFile(peerFile, 'utf8')).replace(/^linkname office$/m, 'linkname office\n# hand edit');
    await writeFile(peerFile, edited);
    const before = await treeHash(lab.routers[0]!.rootfs, (rel) => rel.startsWith('tmp') || rel.startsWith('var') || rel.startsWith('lab'));
    const auditBefore = (await auditLines(lab, 'r001')).length;
    const r = await runCli(['apply', ...labArgs(lab), '--limit', 'r001', '--check', '--diff']);
    expect(r.stdout).toContain('/etc/ppp/peers/office');
    expect(r.stdout).toContain('-# hand edit');
    expect(r.stdout.includes(password)).toBe(false);
    const after = await treeHash(lab.routers[0]!.rootfs, (rel) => rel.startsWith('tmp') || rel.startsWith('var') || rel.startsWith('lab'));
    expect(after).toBe(before);
    const added = (await auditLines(lab, 'r001')).slice(auditBefore);
    expect(added.length).toBe(1);
    expect(added[0]).toContain('pptp-fleet:facts');
  });

  it('pptp-remove.yaml takes the tunnel down and removes what pptp-fleet wrote', async () => {
    const reportFile = path.join(lab.dir, 'remove.json');
    const r = await runCli(['apply', ...labArgs(lab), '--limit', 'r003,r008', '-p', 'playbooks/pptp-remove.yaml', '--report-json', reportFile]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    for (const name of ['r003', 'r008']) {
      await expect(stat(routerPath(lab, name, 'etc/ppp/peers/office'))).rejects.toThrow();
      for (const pid of ['var/run/ppp-office.pid', 'var/run/pptp-office.pid', 'var/run/pppd/pptp-office.pid']) {
        await expect(stat(routerPath(lab, name, pid)), `${name} ${pid}`).rejects.toThrow();
      }
      // r008 (23.05, netifd): the interface and its route sections are gone
      expect(await readFile(routerPath(lab, name, 'etc/config/network'), 'utf8').catch(() => ''), name).not.toMatch(/'office'|pptp_fleet/);
      const chap = await readFile(routerPath(lab, name, 'etc/ppp/chap-secrets'), 'utf8');
      expect(chap).not.toContain('office');
      const rom = await readFile(routerPath(lab, name, 'rom/etc/ppp/chap-secrets'), 'utf8');
      for (const line of rom.split('\n').filter(Boolean)) expect(chap).toContain(line);
    }
  });
});

describe('default_route: replace on a 2-router lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ routers: 2, firmware: [['whiterussian', 1], ['openwrt-apk', 1]] });
    const inv = await readFile(lab.inventoryPath, 'utf8');
    await writeFile(lab.inventoryPath, inv.replace(/^( +)routes: \[ 10\.20\.0\.0\/16 \]$/m, '$1routes: [ 10.20.0.0/16 ]\n$1default_route: replace'));
  });
  afterAll(async () => {
    await stopLab(lab);
  });

  it('keeps the server route through the WAN once pppd has replaced the default route: the next run changes nothing', async () => {
    expect(await readFile(lab.inventoryPath, 'utf8')).toContain('default_route: replace');
    const first = await runCli(['apply', ...labArgs(lab)]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    for (const r of lab.routers) {
      const routes = await readFile(routerPath(lab, r.name, 'lab/state/routes'), 'utf8');
      // pppd's default now; the server still reached through the WAN gateway, not the tunnel.
      // (hand-run pppd: a device route; netifd: via the peer, as proto_add_ipv4_route installs it)
      expect(routes, r.name).toMatch(r.firmware === 'whiterussian' ? /^0\.0\.0\.0 0\.0\.0\.0 0\.0\.0\.0 U 0 ppp\d+$/m : /^0\.0\.0\.0 192\.168\.0\.1 0\.0\.0\.0 UG 0 pptp-office$/m);
      expect(routes, r.name).toMatch(/^198\.51\.100\.1 192\.0\.2\.254 255\.255\.255\.255 UGH 0 (vlan1|eth1)$/m);
    }
    const file = path.join(lab.dir, 'second.json');
    const second = await runCli(['apply', ...labArgs(lab), '--report-json', file]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const report = JSON.parse(await readFile(file, 'utf8')) as { hosts: ReportHost[] };
    for (const h of report.hosts) expect({ host: h.name, changes: h.changes }).toEqual({ host: h.name, changes: [] });
  });
});
