// Issue 15, the tool on the unforgiving lab: every OpenWrt's /etc/ppp/options says
// `logfile /dev/null` (pppd writes nothing to stdout unless told otherwise) and pppd 2.5
// (24.10, 25.x) keeps its pid files in /var/run/pppd. A wrong password must still be judged
// auth_failed on every release, and up/status/down must act on pppd 2.5 tunnels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Lab } from '../../packages/lab/src/index.js';
import type { Firmware, Scenario } from '../../packages/lab/src/types.js';
import { SshSession } from '../../src/ssh/session.js';
import { auditLines, labArgs, routerPath, runCli, startLab, stopLab, type CliResult, type Report, type ReportTunnel, pppVersion, runCliReport } from './helpers.js';

// r001 r002: pppd 2.5 with a working server; r003..r006: a wrong password on every release
// whose options say `logfile /dev/null`.
const FIRMWARE: Array<[Firmware, number]> = [
  ['openwrt-24', 1],
  ['openwrt-apk', 1],
  ['openwrt', 1],
  ['openwrt-24', 1],
  ['openwrt-apk', 1],
  ['openwrt-19', 1],
];
const SCENARIO: Array<[Scenario, number]> = [
  ['ok', 2],
  ['wrong_password', 4],
];
const OK = ['r001', 'r002'];
const WRONG = ['r003', 'r004', 'r005', 'r006'];

const CONFIGURE_ONLY = `name: configure only
steps:
  - packages
  - modules: { encryption: true }
  - pppd-files
  - routing
  - boot
`;

/** What the lab router's firmware ships in /etc/ppp/options and as pppd. */

async function pid25(lab: Lab, host: string): Promise<string | null> {
  const text = await readFile(routerPath(lab, host, 'var/run/pppd/ppp-office.pid'), 'utf8').catch(() => null);
  return text === null ? null : (text.split('\n')[0] ?? '').trim();
}

describe('pppd as OpenWrt ships it: logfile /dev/null, pppd 2.5 pid files', () => {
  let lab: Lab;
  const configure: { r?: CliResult } = {};
  const up1: { r?: CliResult; report?: Report } = {};

  const cli = (args: string[], name: string): Promise<{ r: CliResult; report: Report }> => runCliReport(lab, args, name);
  /** Whether PID is a live process on the router (its own pid namespace), asked over SSH. */
  async function alive(host: string, pid: string | null | undefined): Promise<boolean> {
    if (!pid || !/^\d+$/.test(pid)) return false;
    const r = lab.routers.find((x) => x.name === host)!;
    const s = await SshSession.connect(
      { host, address: '127.0.0.1', port: r.port, user: 'root', privateKeyFile: lab.keyPath },
      { knownHostsFile: lab.knownHostsPath, acceptNewHostKeys: false, connectTimeoutMs: 15_000, commandTimeoutMs: 30_000, retries: 2 },
    );
    try {
      return (await s.exec(`kill -0 ${pid} && grep -q pppd /proc/${pid}/cmdline && echo alive`)).stdout.trim() === 'alive';
    } finally {
      await s.close();
    }
  }
  const tunnel = (report: Report, host: string): ReportTunnel => {
    const t = report.hosts.find((h) => h.name === host)?.tunnels.find((x) => x.name === 'office');
    if (!t) throw new Error(`no ${host}/office in ${JSON.stringify(report.hosts.find((h) => h.name === host))}`);
    return t;
  };

  beforeAll(async () => {
    // hand-run pppd: this suite is about pppd's own files (logfile /dev/null, 2.5's /var/run/pppd pid files)
    lab = await startLab({ routers: 6, firmware: FIRMWARE, scenario: SCENARIO, manager: 'pppd' });
    const playbook = path.join(lab.dir, 'configure.yaml');
    await writeFile(playbook, CONFIGURE_ONLY);
    configure.r = await runCli(['apply', ...labArgs(lab), '-p', playbook, '--forks', '6']);
    Object.assign(up1, await cli(['up', '--tunnel-timeout', '20', '--forks', '6'], 'up1'));
  });

  afterAll(async () => {
    await stopLab(lab);
  });

  it('the lab is as shipped: options say `logfile /dev/null`; r001/r002 run pppd 2.5', async () => {
    expect(configure.r?.code, configure.r?.stdout + (configure.r?.stderr ?? '')).toBe(0);
    for (const r of lab.routers) {
      expect(await readFile(routerPath(lab, r.name, 'etc/ppp/options'), 'utf8'), r.name).toMatch(/^logfile \/dev\/null$/m);
    }
    for (const host of OK) expect(await pppVersion(lab, host), host).toMatch(/^2\.5\./);
  });

  it('a wrong password is judged auth_failed on every release, from the captured negotiation', () => {
    const report = up1.report!;
    for (const host of WRONG) {
      const t = tunnel(report, host);
      expect({ host, verdict: t.verdict }, JSON.stringify(t)).toEqual({ host, verdict: 'auth_failed' });
      expect(t.hint, host).toMatch(/\S{10,}/);
    }
  });

  it('pppd 2.5: up starts the tunnel once; its pid file is in /var/run/pppd and nothing in /var/run', async () => {
    for (const host of OK) {
      const t = tunnel(up1.report!, host);
      expect({ host, verdict: t.verdict }, JSON.stringify(t)).toEqual({ host, verdict: 'up' });
      const pid = await pid25(lab, host);
      expect(await alive(host, pid), `${host} pid ${pid}`).toBe(true);
      await expect(stat(routerPath(lab, host, 'var/run/ppp-office.pid'))).rejects.toThrow();
    }
  });

  it('pppd 2.5: a second up sees the running tunnel (no second pppd, no tunnels-up exec)', async () => {
    const before = new Map<string, { pid: string | null; ups: number }>();
    for (const host of OK) {
      const ups = (await auditLines(lab, host)).filter((l) => l.includes('pptp-fleet:tunnels-up')).length;
      before.set(host, { pid: await pid25(lab, host), ups });
    }
    const { r, report } = await cli(['up', '--tunnel-timeout', '20', '--forks', '6', '--limit', OK.join(',')], 'up2');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const host of OK) {
      expect(tunnel(report, host).verdict, host).toBe('up');
      expect(await pid25(lab, host), host).toBe(before.get(host)!.pid);
      const ups = (await auditLines(lab, host)).filter((l) => l.includes('pptp-fleet:tunnels-up')).length;
      expect(ups, host).toBe(before.get(host)!.ups);
    }
  });

  it('pppd 2.5: status reports it running with its interface and since', async () => {
    const { report } = await cli(['status', '--limit', OK.join(',')], 'status1');
    for (const host of OK) {
      const t = tunnel(report, host);
      expect({ host, running: t.running, verdict: t.verdict }, JSON.stringify(t)).toEqual({ host, running: true, verdict: 'up' });
      expect(t.iface, host).toMatch(/\S/);
      expect(t.since, host).toBeTruthy();
    }
  });

  it('pppd 2.5: down stops it by its pid file; status then says not running; up brings it back', async () => {
    const pids = new Map<string, string | null>();
    for (const host of OK) pids.set(host, await pid25(lab, host));
    const down = await cli(['down', '--limit', OK.join(',')], 'down');
    expect(down.r.code, down.r.stdout + down.r.stderr).toBe(0);
    for (const host of OK) {
      expect(tunnel(down.report, host).verdict, host).toBe('stopped_locally');
      expect(await alive(host, pids.get(host)), host).toBe(false);
      expect(await pid25(lab, host), host).toBeNull();
    }
    const st = await cli(['status', '--limit', OK.join(',')], 'status2');
    for (const host of OK) expect(tunnel(st.report, host).running, host).toBe(false);
    const again = await cli(['up', '--tunnel-timeout', '20', '--limit', OK.join(',')], 'up3');
    for (const host of OK) {
      expect(tunnel(again.report, host).verdict, host).toBe('up');
      const pid = await pid25(lab, host);
      expect(await alive(host, pid), host).toBe(true);
      expect(pid, host).not.toBe(pids.get(host));
    }
  });
});
