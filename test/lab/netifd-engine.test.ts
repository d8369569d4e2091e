// End to end, the tool's default tunnel manager: on OpenWrt lab routers (19.07, 23.05, 24.10,
// 25.x) `apply` makes `office` a netifd interface (proto pptp) in a firewall zone, with the
// password in neither /etc/config/network nor any process's command line; a rerun is one exec
// and changes nothing; after `lab reboot` netifd brings it back by itself. White Russian keeps
// the hand-run pppd, whose boot script brings it back too. The first apply's network restart
// (netifd's pptp protocol) brings back an interface the admin keeps `auto 0` and had up.
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labReboot, type Lab, type LabRouter } from '../../packages/lab/src/index.js';
import { routerExec, waitFor } from './fault-helpers.js';
import { auditLines, hostOf, readReport, routerPath, runCli, runCliReport, startLab, stopLab, type Report } from './helpers.js';

const NETIFD = ['r001', 'r002', 'r003', 'r004'];
const WR = 'r005';

let lab: Lab;
let password = '';
let first: { code: number | null; out: string; report: Report };
let check: { code: number | null; out: string; report: Report };
let checkBare: { code: number | null; out: string; report: Report };
/** r003's `lte` (auto 0, brought up by hand) before the first apply. */
let lteBefore = '';

const router = (name: string): LabRouter => {
  const r = lab.routers.find((x) => x.name === name);
  if (!r) throw new Error(`no router ${name}`);
  return r;
};
const sh = async (name: string, command: string): Promise<string> => {
  const r = await routerExec(lab, router(name), command);
  if (r.exitCode !== 0) throw new Error(`${name}: ${command}: exit ${String(r.exitCode)}: ${r.stderr}`);
  return r.stdout;
};
const ifaceUp = async (name: string): Promise<boolean> => /"up": true/.test(await sh(name, 'ubus call network.interface.office status'));
/** An admin's own interfaces on DEV, kept `option auto '0'`: a backup link (lte), a spare, and one disabled (old). */
const adminIfaces = (dev: string): string =>
  ['lte', 'spare', 'old'].map((n, i) => `set network.${n}=interface\nset network.${n}.proto='static'\nset network.${n}.device='${dev}'\nset network.${n}.ipaddr='10.99.${i}.1'\nset network.${n}.netmask='255.255.255.0'\nset network.${n}.auto='0'\n`).join('') +
  "set network.old.disabled='1'\ncommit network\n";
const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);
/** Every process's command line on the router, arguments joined by spaces. */
const cmdlines = (name: string): Promise<string> => sh(name, "for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' < \"$f\" 2>/dev/null; echo; done");

beforeAll(async () => {
  lab = await startLab({
    routers: 5,
    firmware: [['openwrt-19', 1], ['openwrt', 1], ['openwrt-24', 1], ['openwrt-apk', 1], ['whiterussian', 1]],
    manager: 'auto',
  });
  password = (await readFile(lab.passwordPath, 'utf8')).trim();
  // r003: lte up by hand (ifup sets netifd's autostart true), spare left down
  const batch = await routerExec(lab, router('r003'), 'uci batch', adminIfaces((await sh('r003', 'uci get network.lan.device')).trim()));
  if (batch.exitCode !== 0) throw new Error(`uci batch: ${batch.stderr}`);
  await sh('r003', 'ifup lte');
  lteBefore = await sh('r003', 'ubus call network.interface.lte status');
  const dry = await runCliReport(lab, ['apply', '--check', '--forks', '5'], 'check');
  check = { code: dry.r.code, out: dry.r.stdout + dry.r.stderr, report: dry.report };
  // without a packages step nothing installs the plugin, and the program restarts nothing
  const noPackages = path.join(lab.dir, 'no-packages.yaml');
  await writeFile(noPackages, 'name: no packages\nsteps:\n  - pppd-files\n  - routing\n  - tunnels-up: { timeout: 30 }\n');
  const bare = await runCliReport(lab, ['apply', '--check', '-p', noPackages, '--limit', 'r001'], 'check-bare');
  checkBare = { code: bare.r.code, out: bare.r.stdout + bare.r.stderr, report: bare.report };
  const { r, report } = await runCliReport(lab, ['apply', '--forks', '5'], 'first');
  first = { code: r.code, out: r.stdout + r.stderr, report };
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('netifd interfaces by default on OpenWrt, pppd on White Russian', () => {
  it('brings every tunnel up', () => {
    expect(first.code, first.out).toBe(0);
    for (const h of first.report.hosts) expect({ host: h.name, status: h.status, verdict: h.tunnels[0]?.verdict }, JSON.stringify(h)).toEqual({ host: h.name, status: 'changed', verdict: 'up' });
  });

  it('OpenWrt: office is a pptp interface netifd reports up on pptp-office, in a firewall zone by network; no peer file, no boot script', async () => {
    for (const name of NETIFD) {
      const show = await sh(name, 'uci show network.office');
      expect(show, name).toContain("network.office.proto='pptp'");
      expect(show, name).toContain("network.office.server='198.51.100.1'");
      expect(show, name).not.toContain('password');
      const st = await sh(name, 'ubus call network.interface.office status');
      expect(st, name).toMatch(/"up": true/);
      expect(st, name).toContain('"l3_device": "pptp-office"');
      expect(await sh(name, 'uci show firewall.pptp_fleet_zone_office'), name).toContain("firewall.pptp_fleet_zone_office.network='office'");
      expect(await exists(routerPath(lab, name, 'etc/ppp/peers/office')), name).toBe(false);
      expect(await exists(routerPath(lab, name, 'etc/init.d/pptp-office')), name).toBe(false);
      const keep = await readFile(routerPath(lab, name, 'etc/sysupgrade.conf'), 'utf8');
      expect(keep, name).toMatch(/# BEGIN pptp-fleet sysupgrade\n\/etc\/modules.d\/60-pptp-fleet\n\/etc\/ppp\/chap-secrets\n\/etc\/ppp\/options.pptp\n# END pptp-fleet sysupgrade/);
    }
  });

  it('the password is in neither /etc/config/network nor any command line (pppd reads chap-secrets)', async () => {
    expect(password.length).toBeGreaterThan(0);
    for (const name of [...NETIFD, WR]) {
      if (name !== WR) expect((await readFile(routerPath(lab, name, 'etc/config/network'), 'utf8')).includes(password), name).toBe(false);
      const procs = await cmdlines(name);
      expect(procs, name).toMatch(/pppd/);
      expect(procs.includes(password), name).toBe(false);
    }
    // netifd's pppd runs with ppp.sh's command line, whose `password` argument is empty: no UCI password
    const line = (await cmdlines('r003')).split('\n').find((l) => /pppd nodetach ipparam office /.test(l)) ?? '';
    expect(line).toMatch(/ifname pptp-office .*file \/etc\/ppp\/options.pptp/);
    expect(line).toMatch(/ user LAB\\fleet password {2}ip-up-script /);
  });

  it('White Russian unchanged: peer file, S70 boot script, pppd by its linkname pid file', async () => {
    expect(await exists(routerPath(lab, WR, 'etc/ppp/peers/office'))).toBe(true);
    expect(await readFile(routerPath(lab, WR, 'etc/init.d/S70pptp-office'), 'utf8')).toContain('/usr/sbin/pppd call office persist maxfail 0 holdoff 10');
    expect(await exists(routerPath(lab, WR, 'etc/sysupgrade.conf'))).toBe(false);
  });

  it('a rerun changes nothing with one exec per router', async () => {
    const before = new Map<string, number>();
    for (const r of lab.routers) before.set(r.name, (await auditLines(lab, r.name)).length);
    const { r, report } = await runCliReport(lab, ['apply'], 'second');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const h of report.hosts) {
      expect({ host: h.name, status: h.status, changes: h.changes, verdict: h.tunnels[0]?.verdict }).toEqual({ host: h.name, status: 'ok', changes: [], verdict: 'up' });
      expect((await auditLines(lab, h.name)).length - (before.get(h.name) ?? 0), h.name).toBe(1);
    }
  }, 120_000);

  it('restarted netifd once per router, in the first apply: its pptp protocol came with the plugin the apply installed', async () => {
    // the report says why (the planner's reason), as the step line does
    const restart = { resource: 'service', target: 'network', action: 'network-restart', reason: expect.stringMatching(/ppp-mod-pptp (?:is|was) installed after (?:netifd|it) started/) as unknown as string };
    // --check says so beforehand, the run's report afterwards; White Russian has no netifd
    expect(check.code, check.out).toBe(0);
    for (const h of check.report.hosts) expect(h.changes.some((c) => c.action === 'network-restart'), h.name).toBe(h.name !== WR);
    for (const h of first.report.hosts) expect(h.changes.filter((c) => c.action === 'network-restart'), h.name).toEqual(h.name === WR ? [] : [restart]);
    expect(check.out).toMatch(/r001 tunnels-up skipped \(check mode; network-restart network: ppp-mod-pptp is installed after netifd started/);
    expect(checkBare.code, checkBare.out).toBe(0);
    expect(hostOf(checkBare.report, 'r001').changes.filter((c) => c.action === 'network-restart')).toEqual([]);
    for (const name of NETIFD) {
      expect(await sh(name, 'ubus call network get_proto_handlers'), name).toContain('"pptp"');
      const restarts = (await sh(name, 'logread')).split('\n').filter((l) => /pptp-fleet: netifd has no pptp protocol/.test(l));
      expect(restarts, name).toHaveLength(1);
    }
  });

  it('the restart brings back the auto 0 interface that was up (ifup), not the one that was down, and says so', async () => {
    expect(lteBefore).toMatch(/"up": true,\s*"pending": false,\s*"available": true,\s*"autostart": true/);
    expect(await sh('r003', 'ubus call network.interface.lte status')).toMatch(/"up": true/);
    expect(await sh('r003', 'ubus call network.interface.spare status')).toMatch(/"up": false,\s*"pending": false,\s*"available": true,\s*"autostart": false/);
    expect(await sh('r003', 'logread')).toMatch(/pptp-fleet: brought back up after the network restart \(auto 0, up by hand before it\): lte$/m);
    // a disabled interface has no netifd object (config.c config_parse_interface skips it)
    const objects = await sh('r003', "ubus list 'network.interface.*'");
    expect(objects).toMatch(/^network\.interface\.lte$/m);
    expect(objects).not.toMatch(/^network\.interface\.old$/m);
    // in the report, after the restart; the other routers had no such interface
    for (const h of first.report.hosts) {
      const changes = h.changes.filter((c) => c.action === 'network-restart' || c.action === 'interface-restore').map((c) => `${c.action} ${c.target}`);
      if (h.name === 'r003') expect(changes).toEqual(['network-restart network', 'interface-restore lte']);
      else expect(changes.filter((c) => c.startsWith('interface-restore')), h.name).toEqual([]);
    }
    // the plain output (a CI log: no start lines) says it on the step's last line, reasons and all
    expect(first.out).toMatch(/r003 tunnels-up changed \(network-restart network: netifd had no pptp protocol .*; interface-restore lte: option auto '0', up by hand before the network restart: brought back with ifup/);
    expect(first.out).toMatch(/r001 tunnels-up changed \(network-restart network: netifd had no pptp protocol/);
  });

  it('status reads netifd tunnels too: running, pptp-office, up', async () => {
    const { report } = await runCliReport(lab, ['status'], 'status');
    for (const name of NETIFD) expect(hostOf(report, name).tunnels[0], name).toMatchObject({ verdict: 'up', running: true, iface: 'pptp-office' });
  }, 60_000);

  it('down takes a netifd tunnel down with ifdown (netifd keeps it down); up brings it back', async () => {
    const down = await runCliReport(lab, ['down', '--limit', 'r002'], 'down');
    expect(down.r.code, down.r.stdout + down.r.stderr).toBe(0);
    const st = await sh('r002', 'ubus call network.interface.office status');
    expect(st).toMatch(/"up": false/);
    expect(st).toMatch(/"autostart": false/);
    expect((await cmdlines('r002')).includes('ipparam office')).toBe(false);
    const up = await runCliReport(lab, ['up', '--limit', 'r002'], 'up');
    expect(up.r.code, up.r.stdout + up.r.stderr).toBe(0);
    expect(hostOf(up.report, 'r002').tunnels[0]?.verdict).toBe('up');
    expect(await ifaceUp('r002')).toBe(true);
  }, 120_000);

  it('switching managers both ways never runs two pppds for the tunnel and leaves nothing of the old one', async () => {
    const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
    doc.setIn(['all', 'vars', 'manager'], 'pppd');
    const pinned = `${lab.dir}/inventory-pppd.yaml`;
    await writeFile(pinned, doc.toString());
    // pppds of tunnel office on r003 (netifd's `ipparam office`, the tool's `call office`), sampled during each apply
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // a pppd's own subshells (the stand-in is a script) share its command line: count only
        // processes whose parent is not such a pppd
        const procs = (await sh('r003', "for d in /proc/[0-9]*; do p=$(sed -n 's/^PPid:[[:space:]]*//p' $d/status 2>/dev/null); printf '%s %s ' ${d#/proc/} \"$p\"; tr '\\000' ' ' < $d/cmdline 2>/dev/null; echo; done"))
          .split('\n')
          .map((l) => /^(\d+) (\d*) (.*)$/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null && /pppd (nodetach ipparam office |call office )/.test(m[3] ?? ''));
        const pids = new Set(procs.map((m) => m[1]));
        const tops = procs.filter((m) => !pids.has(m[2] ?? '')).map((m) => m[1] ?? '');
        // The scan is not atomic: `updetach`'s parent may exit between being read and its child
        // being read (the child then shows init as its parent). Count only those still alive.
        const alive = tops.length < 2 ? tops : (await sh('r003', tops.map((p) => `[ -d /proc/${p} ] && echo ${p};`).join(' ') + ' true')).split('\n').filter((l) => l.trim() !== '');
        most = Math.max(most, alive.length);
      }
    })();
    const file = `${lab.dir}/to-pppd.json`;
    const toPppd = { r: await runCli(['apply', '-i', pinned, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--limit', 'r003', '--report-json', file]), report: await readReport(file).catch(() => ({ hosts: [] }) as unknown as Report) };
    expect(toPppd.r.code, toPppd.r.stdout + toPppd.r.stderr).toBe(0);
    expect(hostOf(toPppd.report, 'r003').changes.map((c) => `${c.action} ${c.target}`)[0]).toBe('interface-down office');
    expect(await sh('r003', 'uci -q show network.office || echo none')).toBe('none\n');
    expect(await exists(routerPath(lab, 'r003', 'etc/ppp/peers/office'))).toBe(true);
    expect(await cmdlines('r003')).toMatch(/pppd call office updetach/);
    const back = await runCliReport(lab, ['apply', '--limit', 'r003'], 'to-netifd');
    sampling = false;
    await sampler;
    expect(back.r.code, back.r.stdout + back.r.stderr).toBe(0);
    expect(hostOf(back.report, 'r003').changes.map((c) => `${c.action} ${c.target}`)[0]).toBe('tunnel-stop office');
    expect(hostOf(back.report, 'r003').tunnels[0]?.verdict).toBe('up');
    for (const gone of ['etc/ppp/peers/office', 'etc/init.d/pptp-office', 'etc/rc.d/S70pptp-office']) expect(await exists(routerPath(lab, 'r003', gone)), gone).toBe(false);
    expect(await sh('r003', 'ls /var/run/pppd')).not.toContain('ppp-office.pid');
    expect(await ifaceUp('r003')).toBe(true);
    expect(most).toBe(1);
  }, 120_000);

  it('after lab reboot every tunnel is up again within 60 s without the tool', async () => {
    const t0 = Date.now();
    await labReboot(lab.dir);
    await Promise.all(NETIFD.map((name) => waitFor(`${name}: office up after reboot`, () => ifaceUp(name), 60_000 - (Date.now() - t0))));
    await waitFor(`${WR}: pppd up after reboot`, async () => / UP /.test(await sh(WR, 'ifconfig 2>/dev/null; true')) || (await sh(WR, 'cat /var/run/ppp-office.pid 2>/dev/null; true')).split('\n').length > 2, 60_000 - (Date.now() - t0));
    const { report } = await runCliReport(lab, ['status'], 'after-reboot');
    for (const h of report.hosts) expect({ host: h.name, verdict: h.tunnels[0]?.verdict }).toEqual({ host: h.name, verdict: 'up' });
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 120_000);
});
