// The netifd tunnel program (src/remote/programs/tunnels-netifd.sh), run for real (dash, and
// busybox ash when available) against a fake root whose ubus/ifup/ifdown are
// test/fixtures/tunnels/fake-netifd.sh: which interfaces it brings up, which pppds' lines it
// judges, and its output read by the pppd programs' parsers.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tunnelFromLog, tunnelStatus } from '../../src/engine/judge.js';
import { netifdUpScript } from '../../src/pptp/netifd-tunnels.js';
import { parseTunnelsDownOutput, parseTunnelsStatusOutput, parseTunnelsUpOutput, tunnelsDownScript, tunnelsStatusScript } from '../../src/pptp/scripts.js';
import type { TunnelResult } from '../../src/report/types.js';
import { runScriptAsync, shells } from '../fixtures/facts/fakeroot.js';
import { netifdRoot as fakeNetifdRoot, removeNetifdRoots, type FakeIfaceMode } from '../fixtures/tunnels/fake-netifd.js';

const roots: string[] = [];
const netifdRoot = (modes: Record<string, FakeIfaceMode>): string => fakeNetifdRoot(roots, modes);

const calls = (r: string): string[] => (existsSync(join(r, 'fake/calls')) ? readFileSync(join(r, 'fake/calls'), 'utf8').trim().split('\n') : []);

// The fake pppds left running, by the pids the fake ifup recorded: after each test, so that a
// program waiting for an interface's pppds to be gone does not wait for another test's.
afterEach(() => {
  removeNetifdRoots(roots);
  roots.length = 0;
});

for (const sh of shells()) {
  describe(`netifd tunnels under ${sh.name}`, () => {
    it('restart: ifup, waits for up, judges the new pppd\'s lines; a fast authentication failure is caught with its lines', async () => {
      const r = netifdRoot({ office: 'ok', lab: 'auth' });
      const out = await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'restart' }, { name: 'lab', mode: 'restart' }], 10, r));
      expect(out.stderr).toBe('');
      const [office, lab] = parseTunnelsUpOutput(out.stdout);
      expect(office).toMatchObject({ name: 'office', action: 'started', exitCode: 0, alive: true, iface: 'pptp-office' });
      expect(tunnelFromLog('office', office!.log, office!.alive)).toMatchObject({ verdict: 'up', localIp: '192.168.255.7' });
      expect(lab).toMatchObject({ name: 'lab', action: 'started', exitCode: 1, alive: false, netifdError: 'AUTH_TOPEER_FAILED', takenDown: true });
      expect(office?.takenDown).toBeUndefined();
      expect(tunnelFromLog('lab', lab!.log, lab!.alive).verdict).toBe('auth_failed');
      // the failed one is taken down in the same program, after its lines were read
      expect(calls(r)).toEqual(['ifup office', 'ifup lab', 'ifdown lab']);
    }, 30_000);

    it('a pppd that fails before it has an interface is the lone unclaimed pppd of the attempt; a PPPoE WAN\'s lines are not', async () => {
      // (a name no other test's pppd has: the program reads every process of the machine)
      const r = netifdRoot({ branch: 'refused' });
      // the WAN's pppd (pid file pppoe-wan.pid) logs during the attempt too
      writeFileSync(join(r, 'var/run/pppoe-wan.pid'), '4242\n');
      const wan = setInterval(() => appendFileSync(join(r, 'var/log/messages'), 'Dec  4 16:00:00 r001 daemon.info pppd[4242]: LCP echo\n'), 100);
      const out = await runScriptAsync(sh, netifdUpScript([{ name: 'branch', mode: 'restart' }], 5, r)).finally(() => clearInterval(wan));
      const [branch] = parseTunnelsUpOutput(out.stdout);
      expect(branch).toMatchObject({ action: 'started', exitCode: 1, netifdError: 'CONNECT_FAILED', takenDown: true });
      expect(branch?.log).toContain('could not open control connection');
      expect(branch?.syslog).not.toContain('pppd[4242]');
      expect(tunnelFromLog('branch', branch!.log, branch!.alive).verdict).toBe('control_refused');
    }, 30_000);

    it('ensure: an interface netifd has up is kept (no ifup), one it is setting up is waited for, one down is brought up', async () => {
      const r = netifdRoot({ office: 'ok', lab: 'ok', slow: 'slow' });
      await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'restart' }], 10, r));
      // netifd is setting `slow` up on its own (as after a network reload)
      writeFileSync(join(r, 'fake/slow.state'), 'setup');
      const before = calls(r).length;
      const out = await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'ensure' }, { name: 'lab', mode: 'ensure' }, { name: 'slow', mode: 'ensure' }], 2, r));
      const [office, lab, slow] = parseTunnelsUpOutput(out.stdout);
      expect(office).toMatchObject({ action: 'kept', exitCode: 0, alive: true });
      expect(office?.log).toContain('local  IP address');
      expect(lab).toMatchObject({ action: 'started', exitCode: 0, alive: true });
      // netifd was setting it up (no ifup of ours) and it timed out: taken down all the same
      expect(slow).toMatchObject({ action: 'started', timedOut: true, takenDown: true });
      expect(calls(r).slice(before)).toEqual(['ifup lab', 'ifdown slow']);
    }, 30_000);

    it('ensure keeps an up interface only with a new pppd, and consumes its restart marker either way', async () => {
      const r = netifdRoot({ office: 'ok', lab: 'ok' });
      const first = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'restart' }, { name: 'lab', mode: 'restart' }], 10, r))).stdout);
      const [officePid, labPid] = [first[0]!.pid!, first[1]!.pid!];
      // markers left by the apply that wrote the tunnels' files (before its `network reload`)
      mkdirSync(join(r, 'var/run/pptp-fleet'), { recursive: true });
      for (const n of ['office', 'lab']) writeFileSync(join(r, 'var/run/pptp-fleet', `restart-${n}`), '');
      const before = calls(r).length;
      // office: netifd restarted it (its pppd before the apply was another one); lab: the reload
      // left it alone, the pppd that ran before the apply still runs the old files
      const out = await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'ensure', stalePid: officePid + 100000 }, { name: 'lab', mode: 'ensure', stalePid: labPid }], 10, r));
      const [office, lab] = parseTunnelsUpOutput(out.stdout);
      expect(office).toMatchObject({ action: 'kept', exitCode: 0, alive: true, pid: officePid });
      expect(lab).toMatchObject({ action: 'started', exitCode: 0, alive: true });
      expect(lab?.pid).not.toBe(labPid);
      expect(calls(r).slice(before)).toEqual(['ifup lab']);
      expect(readdirSync(join(r, 'var/run/pptp-fleet'))).toEqual([]);
    }, 30_000);

    it('a failed attempt: taken down after its lines are read, netifd\'s error kept; status judges that attempt, not the retry ifdown stopped; a rerun ifups it', async () => {
      // (a name no other test's pppd has: the program reads every process of the machine)
      const r = netifdRoot({ acct: 'auth' });
      const [lab] = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'acct', mode: 'restart' }], 10, r))).stdout);
      expect(lab).toMatchObject({ exitCode: 1, takenDown: true });
      // the marker names the attempt's pppd, the one whose lines were judged
      const marker = readFileSync(join(r, 'tmp/pptp-fleet-acct.down'), 'utf8').trim().split('\n');
      expect(marker).toHaveLength(1);
      expect(lab!.syslog).toContain(`pppd[${marker[0]}]: CHAP authentication failed`);
      // netifd had started its retry when the interface went down: ifdown stopped that pppd
      appendFileSync(join(r, 'var/log/messages'), 'Dec  4 16:00:09 r001 daemon.notice pppd[77777]: Using interface pptp-acct\nDec  4 16:00:09 r001 daemon.notice pppd[77777]: Terminating on signal 15\n');
      const status = async (): Promise<TunnelResult> => tunnelStatus(parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript([{ name: 'acct', manager: 'netifd' }], { root: r }))).stdout)[0]!);
      const st = await status();
      expect(st).toMatchObject({ verdict: 'auth_failed', running: false });
      expect(st.hint).toContain('interface taken down after the failed attempt');
      expect(st.hint).toContain('`ifup acct`');
      expect(st.evidence).toContain('netifd: AUTH_TOPEER_FAILED');
      // an ensure run (the fixed rerun) finds it down and runs ifup, which ends the marker's use
      writeFileSync(join(r, 'fake/acct.netifd-mode'), 'ok');
      const [again] = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'acct', mode: 'ensure' }], 10, r))).stdout);
      expect(again).toMatchObject({ action: 'started', exitCode: 0 });
      expect(again?.takenDown).toBeUndefined();
      expect(calls(r)).toEqual(['ifup acct', 'ifdown acct', 'ifup acct']);
      expect(existsSync(join(r, 'tmp/pptp-fleet-acct.down'))).toBe(false);
      expect(await status()).toMatchObject({ verdict: 'up', running: true });
    }, 40_000);

    it('netifd keeps the last error through ifdown and ifup (lasterror): a stale one ends no attempt, the same failure again does', async () => {
      // (a name no other test's pppd has: the program reads every process of the machine)
      const r = netifdRoot({ stale: 'auth' });
      const first = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'stale', mode: 'restart' }], 10, r))).stdout)[0];
      expect(first).toMatchObject({ exitCode: 1, netifdError: 'AUTH_TOPEER_FAILED', takenDown: true });
      // the same wrong password again: the error reads as before, the attempt's pppd is gone
      const t0 = Date.now();
      const again = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'stale', mode: 'ensure' }], 10, r))).stdout)[0];
      expect(again).toMatchObject({ action: 'started', exitCode: 1, netifdError: 'AUTH_TOPEER_FAILED', takenDown: true });
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect(tunnelFromLog('stale', again!.log, again!.alive).verdict).toBe('auth_failed');
      // fixed, but slow to come up: the old error must not end the attempt before the link is up
      writeFileSync(join(r, 'fake/stale.netifd-mode'), 'slow');
      const so = await runScriptAsync(sh, netifdUpScript([{ name: 'stale', mode: 'ensure' }], 2, r));
      const slow = parseTunnelsUpOutput(so.stdout)[0];
      expect(slow).toMatchObject({ action: 'started', timedOut: true });
      expect(calls(r)).toEqual(['ifup stale', 'ifdown stale', 'ifup stale', 'ifdown stale', 'ifup stale', 'ifdown stale']);
    }, 40_000);

    it('a network restart for the pptp protocol: an interface up by hand with auto 0 is brought back with ifup, one down stays down, netifd starts the rest', async () => {
      // (a name no other test's pppd has: the program reads every process of the machine)
      const r = netifdRoot({ fresh: 'ok', wan: 'static', lte: 'static', spare: 'static', dial: 'slow', sim: 'static' });
      // netifd started before ppp-mod-pptp: no pptp handler, the tunnel's interface without a device
      writeFileSync(join(r, 'fake/protos'), 'ppp\n');
      writeFileSync(join(r, 'fake/fresh.state'), 'down');
      writeFileSync(join(r, 'fake/fresh.errors'), 'interface NO_DEVICE\n');
      writeFileSync(join(r, 'fake/wan.state'), 'up');
      // sim (auto): up before; the new netifd starts it and its protocol blocks its restarts
      // (autostart false too): not the admin's auto 0, so no ifup overrides the block
      writeFileSync(join(r, 'fake/sim.state'), 'up');
      writeFileSync(join(r, 'fake/sim.blocks'), '');
      writeFileSync(join(r, 'fake/spare.state'), 'down');
      for (const i of ['lte', 'spare']) writeFileSync(join(r, 'fake', `${i}.auto0`), '');
      writeFileSync(join(r, 'fake', 'dial.auto0'), 'false'); // `option auto 'false'`: libuci's other false
      // the admin's `ifup lte` and `ifup dial` (option auto '0'): autostart true until netifd
      // restarts; lte is up, dial still dialling
      for (const i of ['lte', 'dial']) expect(spawnSync('/bin/sh', [join(r, 'sbin/ifup'), i]).status).toBe(0);
      const ubus = (i: string): string => spawnSync('/bin/sh', [join(r, 'bin/ubus'), 'call', `network.interface.${i}`, 'status'], { encoding: 'utf8' }).stdout;
      expect(ubus('lte')).toMatch(/"up": true,\s*"pending": false,\s*"autostart": true/);
      expect(ubus('dial')).toMatch(/"up": false,\s*"pending": true,\s*"autostart": true/);
      const before = calls(r).length;
      const out = await runScriptAsync(sh, netifdUpScript([{ name: 'fresh', mode: 'ensure' }], 10, r));
      expect(out.stderr).toBe('');
      const [fresh] = parseTunnelsUpOutput(out.stdout);
      expect(fresh).toMatchObject({ exitCode: 0, netifdRestarted: 'done', netifdRestored: ['dial', 'lte'] });
      // netifd started fresh and wan itself (autostart): no ifup over them; spare was down before
      expect(calls(r).slice(before)).toEqual(['network restart', 'ifup dial', 'ifup lte']);
      expect(ubus('lte')).toMatch(/"up": true/);
      expect(ubus('spare')).toMatch(/"up": false,\s*"pending": false,\s*"autostart": false/);
    }, 30_000);

    it('down: ifdown, the pppd gone, its last lines reported', async () => {
      const r = netifdRoot({ office: 'ok' });
      const up = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'restart' }], 10, r))).stdout);
      const [down] = parseTunnelsDownOutput((await runScriptAsync(sh, tunnelsDownScript([], 5, { root: r, netifd: ['office'] }))).stdout);
      expect(down).toMatchObject({ name: 'office', wasRunning: true, stopped: true, pid: up[0]?.pid });
      expect(down?.log).toContain('Terminating on signal 15');
      expect(calls(r).at(-1)).toBe('ifdown office');
    }, 30_000);

    it('down of both managers\' tunnels is one program: hand-run ones by pid file, netifd\'s by ifdown (also one netifd is retrying)', async () => {
      const r = netifdRoot({ office: 'ok', lab: 'auth' });
      const up = parseTunnelsUpOutput((await runScriptAsync(sh, netifdUpScript([{ name: 'office', mode: 'restart' }, { name: 'lab', mode: 'restart' }], 10, r))).stdout);
      const before = calls(r).length; // (lab's failed attempt was taken down already: down again is harmless)
      const out = parseTunnelsDownOutput((await runScriptAsync(sh, tunnelsDownScript(['wr'], 5, { root: r, netifd: ['office', 'lab'] }))).stdout);
      expect(out.map((t) => t.name)).toEqual(['wr', 'office', 'lab']);
      expect(out[0]).toMatchObject({ wasRunning: false, stopped: true });
      expect(out[1]).toMatchObject({ wasRunning: true, stopped: true, pid: up[0]?.pid });
      expect(out[1]?.log).toContain('Terminating on signal 15');
      expect(out[2]).toMatchObject({ wasRunning: false, stopped: true });
      expect(calls(r).slice(before).sort()).toEqual(['ifdown lab', 'ifdown office']);
    }, 30_000);
  });
}
