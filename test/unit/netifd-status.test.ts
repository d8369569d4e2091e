// A netifd tunnel's `status`: netifd's interface report (`ubus call network.interface.IFACE
// status`, fixtures in test/fixtures/netifd-status/) parsed, and judged with pppd's lines the
// same way as a hand-run tunnel's, netifd's error codes as evidence (a verdict only where a
// code means exactly one and pppd's lines are gone); then the status program run for real
// against a fake root (test/fixtures/tunnels/fake-netifd.sh).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tunnelStatus } from '../../src/engine/judge.js';
import { parseNetifdStatus } from '../../src/pptp/netifd-tunnels.js';
import { parseTunnelsStatusOutput, tunnelsStatusScript, type TunnelStatus } from '../../src/pptp/scripts.js';
import { runScriptAsync, shells } from '../fixtures/facts/fakeroot.js';
import { netifdRoot, removeNetifdRoots } from '../fixtures/tunnels/fake-netifd.js';

const fixture = (name: string): string => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'netifd-status', `${name}.json`), 'utf8');
const log = (name: string): string => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pppd-logs', `${name}.log`), 'utf8');

describe('netifd interface status', () => {
  it('up: device, addresses (ptpaddress is the peer) and uptime', () => {
    expect(parseNetifdStatus(fixture('up'))).toEqual({ up: true, pending: false, autostart: true, l3Device: 'pptp-office', uptime: 42, localIp: '192.168.255.7', remoteIp: '192.168.0.1', errors: [] });
  });
  it('authentication failed: down, netifd\'s error code', () => {
    expect(parseNetifdStatus(fixture('auth-failed'))).toMatchObject({ up: false, l3Device: null, localIp: null, errors: ['AUTH_TOPEER_FAILED'] });
  });
  it('after ifdown: down, autostart false', () => {
    expect(parseNetifdStatus(fixture('ifdown'))).toMatchObject({ up: false, autostart: false, errors: [] });
  });
  it('no interface (ubus printed nothing, or not JSON): null', () => {
    for (const t of ['', 'Command failed: Not found', '[1]', 'null']) expect(parseNetifdStatus(t), t).toBeNull();
  });
});

describe('status of a netifd tunnel', () => {
  const base: TunnelStatus = { name: 'office', manager: 'netifd', netifd: null, pidFile: false, pid: null, alive: false, iface: null, since: null, now: null, log: '', fromAttempt: false, stdout: '', syslog: '' };
  const up = parseNetifdStatus(fixture('up'))!;
  const auth = parseNetifdStatus(fixture('auth-failed'))!;
  const down = parseNetifdStatus(fixture('ifdown'))!;
  it('up: running on netifd\'s device, its addresses, since', () => {
    expect(tunnelStatus({ ...base, netifd: up, alive: true, pid: 7, iface: 'pptp-office', since: 1_700_000_000, log: log('seed-sample-up') })).toMatchObject({
      verdict: 'up',
      running: true,
      iface: 'pptp-office',
      localIp: '192.168.255.7',
      remoteIp: '192.168.0.1',
      since: '2023-11-14T22:13:20.000Z',
    });
  });
  it('pppd\'s lines decide; netifd\'s code is evidence', () => {
    const t = tunnelStatus({ ...base, netifd: auth, log: log('lab-wrong_password') });
    expect(t).toMatchObject({ verdict: 'auth_failed', running: false, iface: null });
    expect(t.evidence).toContain('netifd: AUTH_TOPEER_FAILED');
  });
  it('up, and no pppd lines left (rotated out of logread): up from netifd\'s report', () => {
    expect(tunnelStatus({ ...base, netifd: up, alive: true, pid: 7, log: '' })).toMatchObject({ verdict: 'up', running: true, localIp: '192.168.255.7', remoteIp: '192.168.0.1' });
  });
  it('no pppd lines left: an exact code is the verdict', () => {
    expect(tunnelStatus({ ...base, netifd: auth })).toMatchObject({ verdict: 'auth_failed', running: false });
  });
  it('no pppd lines left: a code that fits several verdicts is shown, not judged', () => {
    for (const code of ['AUTH_FAILED', 'CONNECT_FAILED', 'HANGUP']) {
      const t = tunnelStatus({ ...base, netifd: { ...auth, errors: [code] } });
      expect(t, code).toMatchObject({ verdict: 'other', hint: `netifd: ${code}`, evidence: [`netifd: ${code}`] });
    }
  });
  it('up in pppd\'s log, down in netifd: not up', () => {
    expect(tunnelStatus({ ...base, netifd: { ...up, up: false, pending: true, l3Device: null }, alive: true, log: log('seed-sample-up') })).toMatchObject({ verdict: 'other', running: false, iface: null });
  });
  it('after ifdown: down, says netifd keeps it down', () => {
    expect(tunnelStatus({ ...base, netifd: down })).toMatchObject({ running: false, hint: expect.stringMatching(/^interface down \(ifdown/) as unknown as string });
  });
  it('taken down by pptp-fleet after a failed attempt (ifdown keeps netifd\'s errors): that attempt\'s verdict, and why it is down', () => {
    const downAfterAuth = { ...down, errors: ['AUTH_TOPEER_FAILED'] };
    const t = tunnelStatus({ ...base, name: 'branch-2', netifd: downAfterAuth, log: log('lab-wrong_password'), takenDown: true });
    expect(t).toMatchObject({ verdict: 'auth_failed', running: false });
    expect(t.hint).toMatch(/interface taken down after the failed attempt, so netifd stops retrying it; `ifup branch_2` \(or a rerun\) retries$/);
    expect(t.hint).not.toMatch(/^interface taken down/); // pppd's fix hint comes first
    expect(t.evidence).toContain('netifd: AUTH_TOPEER_FAILED');
    // its lines rotated out: netifd's exact code is the verdict, the note the hint
    expect(tunnelStatus({ ...base, netifd: downAfterAuth, takenDown: true })).toMatchObject({ verdict: 'auth_failed', hint: expect.stringMatching(/^netifd: AUTH_TOPEER_FAILED; interface taken down after the failed attempt/) as unknown as string });
  });
  it('no interface: says so', () => {
    expect(tunnelStatus(base)).toMatchObject({ running: false, hint: expect.stringMatching(/^netifd has no interface/) as unknown as string });
  });
});

const roots: string[] = [];
afterAll(() => removeNetifdRoots(roots));

for (const sh of shells()) {
  describe(`the status program on netifd tunnels under ${sh.name}`, () => {
    it('reads ubus for netifd\'s interfaces and pid files for hand-run pppd, in one program', async () => {
      const r = netifdRoot(roots, { office: 'ok', lab_1: 'auth' });
      const ifup = async (i: string): Promise<void> => void (await runScriptAsync(sh, `${r}/sbin/ifup ${i}`));
      await ifup('office');
      await ifup('lab_1');
      const deadline = Date.now() + 10_000;
      const read = async (): Promise<TunnelStatus[]> => parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['office', 'lab-1', { name: 'home', manager: 'netifd' }, 'wr'], { root: r }))).stdout);
      let st = await read();
      while ((!st[0]?.netifd?.up || !st[1]?.netifd?.errors.length) && Date.now() < deadline) st = await read();
      const [office, lab, home, wr] = st;
      expect(office).toMatchObject({ name: 'office', manager: 'netifd', alive: true, netifd: { up: true, pending: false } });
      expect(tunnelStatus(office!)).toMatchObject({ verdict: 'up', running: true });
      expect(lab).toMatchObject({ name: 'lab-1', manager: 'netifd', alive: false, netifd: { up: false, errors: ['AUTH_TOPEER_FAILED'] } });
      // the exited pppd's lines, found by the interface it had
      expect(lab!.pid).not.toBeNull();
      expect(tunnelStatus(lab!)).toMatchObject({ verdict: 'auth_failed', running: false, evidence: expect.arrayContaining(['netifd: AUTH_TOPEER_FAILED']) as unknown as string[] });
      expect(home).toMatchObject({ name: 'home', manager: 'netifd', netifd: null });
      // no manager named and no netifd interface: a hand-run tunnel's report
      expect(wr).toMatchObject({ name: 'wr', manager: 'pppd', alive: false, pidFile: false });
    }, 30_000);
  });
}

describe("status hints name the inventory's server where pppd's lines name none", () => {
  const base: TunnelStatus = { name: 'office', manager: 'netifd', netifd: null, pidFile: false, pid: null, alive: false, iface: null, since: null, now: null, log: '', fromAttempt: false, stdout: '', syslog: '' };
  // the lab's refused control connection, its server's address taken out of pptp's lines
  const unnamed = log('lab-control_refused').replace(/ to 198\.51\.100\.1/, '');
  it('fills `nc SERVER 1723` with the server the inventory gives the tunnel', () => {
    const t = tunnelStatus({ ...base, log: unnamed }, 'vpn.example.com');
    expect(t.verdict).toBe('control_refused');
    expect(t.hint).toMatch(/`nc vpn\.example\.com 1723`/);
    expect(t.hint).not.toMatch(/SERVER/);
    expect(tunnelStatus({ ...base, manager: 'pppd', log: unnamed }, 'vpn.example.com').hint).toMatch(/`nc vpn\.example\.com 1723`/);
  });
  it("keeps the server pppd's lines name", () => {
    expect(tunnelStatus({ ...base, log: log('lab-control_refused') }, 'vpn.example.com').hint).toMatch(/`nc 198\.51\.100\.1 1723`/);
  });
});
