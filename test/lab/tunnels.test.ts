// End to end: `pptp-fleet up|down|status` (issue 5) on a 10-router lab covering every VPN
// scenario, two tunnels on one router, a hand-written ip-up that fails with 127 under pppd's
// restricted PATH, and the rule that a tunnel's log is the log of its current attempt only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Lab } from '../../packages/lab/src/index.js';
import type { Firmware, Scenario } from '../../packages/lab/src/types.js';
import { SshSession } from '../../src/ssh/session.js';
import {
  TUNNELS_STATUS_COMMAND,
  TUNNELS_UP_COMMAND,
  parseTunnelsStatusOutput,
  parseTunnelsUpOutput,
  tunnelsStatusScript,
  tunnelsUpScript,
  type TunnelRun,
  type TunnelStatus,
} from '../../src/pptp/scripts.js';
import { diagnose } from '../../src/pppd-log/index.js';
import { auditLines, labArgs, routerPath, runCli, startLab, stopLab, type CliResult, type Report, type ReportTunnel, pppVersion, runCliReport } from './helpers.js';

// r001..r010: firmware and simulated VPN server per router, and what `up` must conclude.
const FIRMWARE: Array<[Firmware, number]> = [
  ['openwrt', 3],
  ['whiterussian', 1],
  ['openwrt-19', 1],
  ['openwrt-24', 3],
  ['openwrt-apk', 1],
  ['whiterussian', 1],
];
const SCENARIO: Array<[Scenario, number]> = [
  ['ok', 2],
  ['wrong_password', 1],
  ['requires_stateless', 2],
  ['eap_first', 2],
  ['gre_blocked', 1],
  ['control_refused', 1],
  ['ok', 1],
];
/** host → tunnel → verdict after the first `up`. */
const EXPECTED: Record<string, Record<string, string>> = {
  r001: { office: 'up', backup: 'up' }, // ok, two tunnels to the same server
  r002: { office: 'up' }, // ok
  r003: { office: 'auth_failed' }, // wrong_password
  r004: { office: 'mppe_failed' }, // requires_stateless, inventory asks stateful MPPE
  r005: { office: 'up' }, // requires_stateless, stateless (lab default); 19.07, ppp 2.4.7
  r006: { office: 'eap_refused_or_unsupported' }, // eap_first, refuse_eap: false
  r007: { office: 'up' }, // eap_first, refuse_eap: true (lab default)
  r008: { office: 'no_response' }, // gre_blocked
  r009: { office: 'control_refused' }, // control_refused
  r010: { office: 'ip_script_failed' }, // ok server, hand-written ip-up line exits 127
};
const RUNNING_AFTER_UP = new Set(['r001', 'r002', 'r005', 'r007', 'r010']);

// White Russian's busybox ash falls back to PATH=/usr/local/bin:/usr/bin:/sbin:/bin, which has
// no /usr/sbin: under pppd (which passes no PATH) a bare `iptables` is "not found", 127.
const HAND_IP_UP = `#!/bin/sh
# written by hand: let any PPP link forward
iptables -I FORWARD -i "$1" -j ACCEPT || exit $?
case "$6" in
 *)
esac
exit 0
`;

const CONFIGURE_ONLY = `name: configure only
steps:
  - packages
  - modules: { encryption: true }
  - pppd-files
  - routing
  - boot
`;

function tunnel(report: Report, host: string, name = 'office'): ReportTunnel {
  const h = report.hosts.find((x) => x.name === host);
  const t = h?.tunnels.find((x) => x.name === name);
  if (!t) throw new Error(`no tunnel ${host}/${name} in report: ${JSON.stringify(h)}`);
  return t;
}


/** Where that pppd keeps ppp-NAME.pid: pppd 2.5 in /var/run/pppd, older ones in /var/run. */
async function pidFilePath(lab: Lab, host: string, name: string): Promise<string> {
  const dir = (await pppVersion(lab, host)).startsWith('2.5') ? 'var/run/pppd' : 'var/run';
  return routerPath(lab, host, `${dir}/ppp-${name}.pid`);
}

async function pidFile(lab: Lab, host: string, name: string): Promise<{ pid: string; iface: string } | null> {
  const text = await readFile(await pidFilePath(lab, host, name), 'utf8').catch(() => null);
  if (text === null) return null;
  const [pid = '', iface = ''] = text.split('\n');
  return { pid: pid.trim(), iface: iface.trim() };
}

describe('up / down / status on a 10-router lab (every scenario)', () => {
  let lab: Lab;
  const configure: { r?: CliResult } = {};
  const upRun: { r?: CliResult; report?: Report } = {};

  const cli = (args: string[], name: string): Promise<{ r: CliResult; report: Report }> => runCliReport(lab, args, name);

  /** Run one tunnel script on a router over the tool's own SSH transport. */
  async function remote(host: string, command: string, script: string): Promise<string> {
    const r = lab.routers.find((x) => x.name === host)!;
    const s = await SshSession.connect(
      { host, address: '127.0.0.1', port: r.port, user: 'root', privateKeyFile: lab.keyPath },
      { knownHostsFile: lab.knownHostsPath, acceptNewHostKeys: false, connectTimeoutMs: 15_000, commandTimeoutMs: 90_000, retries: 2 },
    );
    try {
      const out = await s.exec(command, { stdin: script });
      expect(out.exitCode, out.stderr).toBe(0);
      return out.stdout;
    } finally {
      await s.close();
    }
  }
  const upScript = async (host: string, restart: boolean): Promise<TunnelRun> =>
    parseTunnelsUpOutput(await remote(host, TUNNELS_UP_COMMAND, tunnelsUpScript([{ name: 'office', restart }], 20, { pppdVersion: await pppVersion(lab, host) })))[0]!;
  const statusScript = async (host: string): Promise<TunnelStatus> =>
    parseTunnelsStatusOutput(await remote(host, TUNNELS_STATUS_COMMAND, tunnelsStatusScript(['office'], { pppdVersion: await pppVersion(lab, host) })))[0]!;
  const setServer = (host: string, scenario: string): Promise<void> => writeFile(routerPath(lab, host, 'lab/scenario'), `${scenario}\n`);

  beforeAll(async () => {
    // hand-run pppd: this suite is about `pppd call`, linkname pid files, ip-up/ip-down and restarts by pid
    lab = await startLab({ routers: 10, firmware: FIRMWARE, scenario: SCENARIO, manager: 'pppd' });
    // Inventory: r001 gets a second tunnel to the same server, r004 asks stateful MPPE, r006
    // does not refuse EAP. Host vars replace the group's `tunnels` list.
    const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
    const office = (doc.toJS() as { all: { vars: { tunnels: Array<Record<string, unknown>> } } }).all.vars.tunnels[0]!;
    const backup = { ...office, name: 'backup', routes: ['10.30.0.0/16'] };
    doc.setIn(['all', 'hosts', 'r001', 'tunnels'], doc.createNode([office, backup]));
    doc.setIn(['all', 'hosts', 'r004', 'tunnels'], doc.createNode([{ ...office, mppe: { required: true, stateless: false } }]));
    doc.setIn(['all', 'hosts', 'r006', 'tunnels'], doc.createNode([{ ...office, refuse_eap: false }]));
    await writeFile(lab.inventoryPath, doc.toString({ lineWidth: 0 }));
    await writeFile(routerPath(lab, 'r010', 'etc/ppp/ip-up'), HAND_IP_UP, { mode: 0o755 });
    const playbook = path.join(lab.dir, 'configure.yaml');
    await writeFile(playbook, CONFIGURE_ONLY);
    configure.r = await runCli(['apply', ...labArgs(lab), '-p', playbook, '--forks', '10']);
    const up = await cli(['up', '--tunnel-timeout', '20', '--forks', '10'], 'up1');
    Object.assign(upRun, up);
  });

  afterAll(async () => {
    await stopLab(lab);
  });

  it('configures every router without starting any pppd (the starting is up’s job)', async () => {
    expect(configure.r?.code, configure.r?.stdout + (configure.r?.stderr ?? '')).toBe(0);
    // Before `up`, each router got facts, packages and one config exec, and no tunnels-up.
    for (const r of lab.routers) {
      const lines = await auditLines(lab, r.name);
      const beforeUp = lines.slice(0, lines.findIndex((l) => l.includes('tunnels-up')));
      expect(beforeUp.some((l) => l.includes('pptp-fleet:apply')), r.name).toBe(true);
    }
  });

  it('up: one verdict per tunnel for every scenario, with a fix hint for each failure', () => {
    const { r, report } = upRun as { r: CliResult; report: Report };
    console.info(`first up on ${report.hosts.length} routers: ${report.durationMs} ms`);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    for (const [host, tunnels] of Object.entries(EXPECTED)) {
      for (const [name, verdict] of Object.entries(tunnels)) {
        const t = tunnel(report, host, name);
        expect({ host, name, verdict: t.verdict }, JSON.stringify(t)).toEqual({ host, name, verdict });
        if (verdict === 'up') {
          expect(t.hint).toBeNull();
          expect(t.localIp, `${host}/${name}`).toMatch(/^192\.168\.255\.\d+$/);
          expect(t.remoteIp).toBe('192.168.0.1');
        } else {
          expect(t.hint, `${host}/${name}`).toMatch(/\S{10,}/);
        }
      }
      const h = report.hosts.find((x) => x.name === host)!;
      const allUp = Object.values(tunnels).every((v) => v === 'up');
      expect(h.status, host).toBe(allUp ? 'changed' : 'failed');
      // The human output names the host and its verdicts.
      for (const [name, verdict] of Object.entries(tunnels)) expect(r.stdout).toMatch(new RegExp(`${host} .*${name}=${verdict}`));
    }
  });

  it('up: the ip-up that exits 127 gets the restricted-PATH hint; the pppd itself stays up', async () => {
    const t = tunnel(upRun.report!, 'r010');
    expect(t.hint).toMatch(/PATH/);
    expect(t.hint).toMatch(/127/);
    // ip_script_failed is not a dead link: pppd keeps running with its addresses.
    expect(t.localIp).toMatch(/^192\.168\.255\./);
    expect(await pidFile(lab, 'r010', 'office')).not.toBeNull();
  });

  it('up: `pppd call NAME` per tunnel, one pid file per linkname; two pppds on one router differ in pid and interface', async () => {
    for (const host of Object.keys(EXPECTED)) {
      const tunnelsUp = (await auditLines(lab, host)).filter((l) => l.includes('pptp-fleet:tunnels-up'));
      expect(tunnelsUp.length, host).toBe(1);
    }
    const office = await pidFile(lab, 'r001', 'office');
    const backup = await pidFile(lab, 'r001', 'backup');
    expect(office?.pid).toMatch(/^\d+$/);
    expect(backup?.pid).toMatch(/^\d+$/);
    expect(office?.pid).not.toBe(backup?.pid);
    // fw3/fw4 firmware: pppd's `ifname` fixes the device the tunnel's firewall zone names
    expect(office?.iface).toBe('pptp-office');
    expect(backup?.iface).toBe('pptp-backup');
    expect(office?.iface).not.toBe(backup?.iface);
    const peers = await readFile(routerPath(lab, 'r001', 'etc/ppp/peers/backup'), 'utf8');
    expect(peers).toMatch(/^linkname backup$/m);
    // Both tunnels' routes are in the router's table, each through its own interface.
    const routes = await readFile(routerPath(lab, 'r001', 'lab/state/routes'), 'utf8');
    expect(routes).toMatch(new RegExp(`^10\\.20\\.0\\.0 .* ${office!.iface}$`, 'm'));
    expect(routes).toMatch(new RegExp(`^10\\.30\\.0\\.0 .* ${backup!.iface}$`, 'm'));
    // The failed tunnels left no pid file behind.
    for (const host of ['r003', 'r004', 'r006', 'r008', 'r009']) expect(await pidFile(lab, host, 'office'), host).toBeNull();
  });

  it('up again: running tunnels are left alone (no tunnels-up exec, same pid); only the down ones are retried', async () => {
    const before = new Map<string, { audit: number; pid: string | undefined }>();
    for (const host of Object.keys(EXPECTED)) {
      before.set(host, { audit: (await auditLines(lab, host)).length, pid: (await pidFile(lab, host, 'office'))?.pid });
    }
    const backupPid = (await pidFile(lab, 'r001', 'backup'))?.pid;
    const { r, report } = await cli(['up', '--tunnel-timeout', '20', '--forks', '10'], 'up2');
    console.info(`second up (5 kept, 5 retried): ${report.durationMs} ms`);
    expect(r.code).toBe(1);
    for (const host of Object.keys(EXPECTED)) {
      const added = (await auditLines(lab, host)).slice(before.get(host)!.audit);
      const retried = added.some((l) => l.includes('tunnels-up'));
      expect({ host, retried }).toEqual({ host, retried: !RUNNING_AFTER_UP.has(host) });
      if (RUNNING_AFTER_UP.has(host)) {
        expect((await pidFile(lab, host, 'office'))?.pid, host).toBe(before.get(host)!.pid);
        expect(added.length, `${host}: ${added.join(' | ')}`).toBe(1); // facts only
      }
      for (const [name, verdict] of Object.entries(EXPECTED[host]!)) expect(tunnel(report, host, name).verdict, `${host}/${name}`).toBe(verdict);
    }
    expect((await pidFile(lab, 'r001', 'backup'))?.pid).toBe(backupPid);
    // A kept tunnel still reports its addresses.
    // (Its verdict comes from the facts' recentLog: the running pid's syslog lines, which after
    // updetach hold only the ip-up lines, unless the facts add the attempt that started it.)
    expect(tunnel(report, 'r002').localIp ?? 'null', 'kept tunnel has no address').toMatch(/^192\.168\.255\./);
  });

  it('status: running, interface, addresses, since and last verdict per tunnel, in the JSON report', async () => {
    const t0 = Date.now();
    const { r, report } = await cli(['status'], 'status1');
    // status gates a pipeline: exit 1 because some tunnels are not up.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    for (const [host, tunnels] of Object.entries(EXPECTED)) {
      for (const [name, verdict] of Object.entries(tunnels)) {
        const t = tunnel(report, host, name);
        const running = RUNNING_AFTER_UP.has(host);
        expect({ host, name, verdict: t.verdict, running: t.running }, JSON.stringify(t)).toEqual({ host, name, verdict, running });
        if (running) {
          // White Russian: pppN; fw3/fw4 firmware: pptp-NAME (ifname, for its firewall zone)
          expect(t.iface, `${host}/${name}`).toMatch(/^(ppp\d+|pptp-office|pptp-backup)$/);
          expect(t.localIp, `${host}/${name}`).toMatch(/^192\.168\.255\.\d+$/);
          expect(t.remoteIp).toBe('192.168.0.1');
          const since = Date.parse(t.since ?? '');
          expect(since, `${host}/${name} since ${t.since}`).toBeGreaterThan(t0 - 10 * 60_000);
          expect(since).toBeLessThanOrEqual(Date.now() + 2000);
        } else {
          expect(t.iface ?? null).toBeNull();
          expect(t.since ?? null).toBeNull();
          expect(t.hint, `${host}/${name}`).toMatch(/\S{10,}/);
        }
      }
      // status only reads: one exec.
      expect(report.hosts.find((h) => h.name === host)!.sshExecs).toBe(1);
    }
  });

  it('status: the human output shows interface, addresses and since per tunnel', async () => {
    const r = await runCli(['status', ...labArgs(lab), '--limit', 'r001']);
    expect(r.code).toBe(0);
    const office = await pidFile(lab, 'r001', 'office');
    const t = (JSON.parse(await readFile(path.join(lab.dir, 'status1.json'), 'utf8')) as Report).hosts[0]!.tunnels[0]!;
    expect(r.stdout).toContain(office!.iface);
    expect(r.stdout).toContain(t.localIp ?? '192.168.255.');
    expect(r.stdout).toContain('192.168.0.1');
    expect(r.stdout).toMatch(/since|up \d|\d\d:\d\d/);
  });

  it('status: a tunnel that never ran says so instead of a bare verdict', async () => {
    const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
    const office = (doc.toJS() as { all: { vars: { tunnels: Array<Record<string, unknown>> } } }).all.vars.tunnels[0]!;
    doc.setIn(['all', 'hosts', 'r002', 'tunnels'], doc.createNode([office, { ...office, name: 'ghost', routes: ['10.50.0.0/16'] }]));
    const inv = path.join(lab.dir, 'ghost.yaml');
    await writeFile(inv, doc.toString({ lineWidth: 0 }));
    const file = path.join(lab.dir, 'status-ghost.json');
    const r = await runCli(['status', '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--limit', 'r002', '--report-json', file]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = JSON.parse(await readFile(file, 'utf8')) as Report;
    expect(tunnel(report, 'r002', 'ghost')).toMatchObject({ verdict: 'other', running: false, hint: expect.stringContaining('never started on this router') });
    expect(tunnel(report, 'r002', 'office')).toMatchObject({ verdict: 'up', running: true });
    expect(r.stdout).toContain('never started on this router');
  });

  it('down --tunnel backup stops that pppd only (ip-down ran, its routes and rules gone); office keeps running', async () => {
    const office = (await pidFile(lab, 'r001', 'office'))!;
    const backup = (await pidFile(lab, 'r001', 'backup'))!;
    const { r, report } = await cli(['down', '--limit', 'r001', '--tunnel', 'backup'], 'down1');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(report.hosts.map((h) => h.name)).toEqual(['r001']);
    expect(report.hosts[0]!.tunnels.map((t) => [t.name, t.verdict])).toEqual([['backup', 'stopped_locally']]);
    expect(await pidFile(lab, 'r001', 'backup')).toBeNull();
    expect(await pidFile(lab, 'r001', 'office')).toEqual(office);
    const ppplog = await readFile(routerPath(lab, 'r001', 'var/log/ppp'), 'utf8');
    expect(ppplog).toMatch(new RegExp(`/etc/ppp/ip-down ${backup.iface} .* backup$`, 'm'));
    const routes = await readFile(routerPath(lab, 'r001', 'lab/state/routes'), 'utf8');
    expect(routes).not.toMatch(/^10\.30\.0\.0 /m);
    expect(routes).not.toMatch(new RegExp(` ${backup.iface}$`, 'm'));
    expect(routes).toMatch(new RegExp(`^10\\.20\\.0\\.0 .* ${office.iface}$`, 'm'));
    // 23.05 (fw4): the tunnels' firewall zones live in UCI, not in ip-up; a zone whose device is
    // down is harmless and stays, so `up` needs no firewall write.
    const compiled = await readFile(routerPath(lab, 'r001', 'lab/state/fw/compiled'), 'utf8');
    expect(compiled).toMatch(/^zone office .*masq=1 devices=pptp-office$/m);
    expect(compiled).toMatch(/^zone backup .*masq=1 devices=pptp-backup$/m);
    const status = await cli(['status', '--limit', 'r001'], 'status-r001');
    expect(tunnel(status.report, 'r001', 'office')).toMatchObject({ verdict: 'up', running: true, iface: office.iface });
    expect(tunnel(status.report, 'r001', 'backup')).toMatchObject({ running: false });
  });

  it('status --tunnel NAME reports only that tunnel', async () => {
    const { report } = await cli(['status', '--limit', 'r001', '--tunnel', 'office'], 'status-office');
    expect(report.hosts[0]!.tunnels.map((t) => t.name)).toEqual(['office']);
  });

  it('a second up after a failure reports only the new attempt’s lines', async () => {
    // The VPN server fixes r003's account; the next `up` comes up and shows nothing of the
    // earlier E=691 attempt.
    await setServer('r003', 'ok');
    const { r, report } = await cli(['up', '--limit', 'r003', '--tunnel-timeout', '20'], 'up-r003');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(tunnel(report, 'r003')).toMatchObject({ verdict: 'up', hint: null });
    const st = await statusScript('r003');
    expect(st.alive).toBe(true);
    expect(st.log).not.toMatch(/E=691|CHAP authentication failed/);
    expect(diagnose(st.log).attempts).toBe(1);
  });

  it('a restart that fails reports the failure, not the stopped pppd’s last lines', async () => {
    const old = (await pidFile(lab, 'r003', 'office'))!;
    await setServer('r003', 'wrong_password');
    const run = await upScript('r003', true);
    expect(run.action).toBe('started');
    expect(run.log).not.toMatch(/Terminating on signal/);
    expect(run.syslog).not.toContain(`pppd[${old.pid}]`);
    expect(diagnose(run.log).verdict).toBe('auth_failed');
    // status afterwards: not running, and the last verdict is that failure.
    const { report } = await cli(['status', '--limit', 'r003'], 'status-r003');
    expect(tunnel(report, 'r003')).toMatchObject({ verdict: 'auth_failed', running: false });
  });

  it('status after a restart shows only the current pid’s lines', async () => {
    const old = (await pidFile(lab, 'r002', 'office'))!;
    const run = await upScript('r002', true);
    expect(run.action).toBe('started');
    expect(diagnose(run.log).verdict).toBe('up');
    const now = (await pidFile(lab, 'r002', 'office'))!;
    expect(now.pid).not.toBe(old.pid);
    const st = await statusScript('r002');
    expect(st.pid).toBe(Number(now.pid));
    // This attempt's own output (it started this pppd), then only the new daemon's syslog lines.
    expect(st.fromAttempt).toBe(true);
    // The interface is ppp<N>, or pptp-NAME where pppd takes `ifname` (OpenWrt).
    expect(st.stdout).toMatch(/^Connect: (ppp\d+|pptp-office) /m);
    const pids = new Set([...st.syslog.matchAll(/pppd\[(\d+)\]/g)].map((m) => m[1]));
    expect([...pids]).toEqual([now.pid]);
    expect(st.log).not.toMatch(/Terminating on signal/);
    const d = diagnose(st.log);
    expect(d.verdict).toBe('up');
    expect(d.attempts).toBe(1);
  });

  it('down on every router: stops what runs, by pid file; status then shows nothing running', async () => {
    const { r, report } = await cli(['down', '--forks', '10'], 'down-all');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const host of Object.keys(EXPECTED)) {
      expect(await pidFile(lab, host, 'office'), host).toBeNull();
      const tunnelsDown = (await auditLines(lab, host)).filter((l) => l.includes('tunnels-down'));
      const ran = report.hosts.find((h) => h.name === host)!.tunnels;
      // A router with nothing running gets no tunnels-down exec.
      expect(tunnelsDown.length > 0, host).toBe(ran.length > 0);
      for (const t of ran) expect(t.verdict, `${host}/${t.name}`).toBe('stopped_locally');
    }
    const ppplog = await readFile(routerPath(lab, 'r010', 'var/log/ppp'), 'utf8');
    expect(ppplog).toMatch(/\/etc\/ppp\/ip-down ppp\d+ /);
    const status = await cli(['status'], 'status-after-down');
    for (const h of status.report.hosts) for (const t of h.tunnels) expect(t.running, `${h.name}/${t.name}`).toBe(false);
    await expect(stat(await pidFilePath(lab, 'r001', 'office'))).rejects.toThrow();
    await expect(stat(await pidFilePath(lab, 'r007', 'office'))).rejects.toThrow(); // pppd 2.5
  });
});
