// The up/down/status scripts, run for real (dash, and busybox ash when available) against a fake
// root whose usr/sbin/pppd is test/fixtures/tunnels/fake-pppd.sh; parsers on fixtures too.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TUNNELS_DOWN_COMMAND,
  TUNNELS_STATUS_COMMAND,
  TUNNELS_UP_COMMAND,
  parseTunnelsDownOutput,
  parseTunnelsStatusOutput,
  parseTunnelsUpOutput,
  tunnelsDownScript,
  tunnelsStatusScript,
  tunnelsUpScript,
} from '../../src/pptp/scripts.js';
import { FactsParseError } from '../../src/facts/parse.js';
import { makeRoot, runScriptAsync, shells, startFakeDaemon } from '../fixtures/facts/fakeroot.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/tunnels/', import.meta.url));
const roots: string[] = [];
const pids = new Set<number>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s*Z/m.test(st);
  } catch {
    return false;
  }
}

afterAll(() => {
  for (const r of roots) {
    // Kill every fake pppd left in this root, by its pid file only.
    for (const dir of ['var/run', 'var/run/pppd']) {
      if (!existsSync(join(r, dir))) continue;
      for (const f of readdirSync(join(r, dir)).filter((x) => x.endsWith('.pid'))) {
        const pid = Number(readFileSync(join(r, dir, f), 'utf8').split('\n')[0]);
        if (pid > 0) pids.add(pid);
      }
    }
    rmSync(r, { recursive: true, force: true });
  }
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

function root(): string {
  const r = makeRoot('openwrt');
  roots.push(r);
  return r;
}

function mode(r: string, name: string, m: string): void {
  writeFileSync(join(r, 'fake', `${name}.mode`), m);
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((res) => setTimeout(res, 50));
  }
}

const pidOf = (r: string, name: string): number => Number(readFileSync(join(r, 'var/run', `ppp-${name}.pid`), 'utf8').split('\n')[0]);

describe('tunnel script generation', () => {
  it('uses fixed command lines (the scripts travel on stdin)', () => {
    expect(TUNNELS_UP_COMMAND).toBe('/bin/sh -s -- pptp-fleet:tunnels-up');
    expect(TUNNELS_DOWN_COMMAND).toBe('/bin/sh -s -- pptp-fleet:tunnels-down');
    expect(TUNNELS_STATUS_COMMAND).toBe('/bin/sh -s -- pptp-fleet:tunnels-status');
  });

  it('rejects names outside [A-Za-z0-9_-] and bad timeouts', () => {
    expect(() => tunnelsUpScript([{ name: 'a b', restart: false }], 10)).toThrow(RangeError);
    expect(() => tunnelsDownScript(['x;reboot'], 10)).toThrow(RangeError);
    expect(() => tunnelsUpScript([{ name: 'a', restart: false }], 0)).toThrow(RangeError);
    expect(() => tunnelsStatusScript(['a', 'a'])).toThrow(RangeError);
  });

  it('never uses killall and quotes every name', () => {
    const s = tunnelsUpScript([{ name: 'office', restart: true }], 30) + tunnelsDownScript(['office'], 10) + tunnelsStatusScript(['office']);
    expect(s).not.toMatch(/killall|pkill/);
    // Names and restart flags travel in the generated header, each value shell-quoted.
    expect(s).toContain('\nTUNNELS=office:1\n');
    expect(tunnelsDownScript(['a-b_1', 'c'], 5)).toContain("\nNAMES='a-b_1 c'\n");
  });

  for (const sh of shells()) {
    it(`all three pass sh -n under ${sh.name}`, () => {
      for (const s of [tunnelsUpScript([{ name: 'a', restart: true }, { name: 'b', restart: false }], 5), tunnelsDownScript(['a', 'b'], 5), tunnelsStatusScript(['a'])]) {
        expect(spawnSync(sh.cmd, ['-n'], { input: s, env: { PATH: sh.path } }).status).toBe(0);
      }
    });
  }
});

describe('tunnel output parsers on fixtures', () => {
  it('parses an up run with a marker-laden log', () => {
    const runs = parseTunnelsUpOutput(readFileSync(join(FIXTURES, 'up-markers.txt'), 'utf8'));
    expect(runs).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'up-markers.json'), 'utf8')));
  });

  it('rejects foreign and cut-off output', () => {
    expect(() => parseTunnelsUpOutput('Connection closed\n')).toThrow(FactsParseError);
    const cut = readFileSync(join(FIXTURES, 'up-markers.txt'), 'utf8').replace(/@@end\n$/, '');
    expect(() => parseTunnelsUpOutput(cut)).toThrow(/tunnels-up output not understood/);
    expect(() => parseTunnelsDownOutput('@@pptp-fleet-tunnels-down 1\n@@syslog\n@@end\n')).toThrow(/unexpected section/);
  });
});

for (const sh of shells()) {
  describe(`tunnel scripts run under ${sh.name}`, () => {
    it('brings two tunnels up concurrently and reports exit 0, pid, iface and the ip-up log', async () => {
      const r = root();
      writeFileSync(join(r, 'fake', 'b.unit'), '1');
      const t0 = Date.now();
      const out = await runScriptAsync(sh, tunnelsUpScript([{ name: 'a', restart: false }, { name: 'b', restart: false }], 20, { root: r }));
      const runs = parseTunnelsUpOutput(out.stdout);
      for (const run of runs) if (run.pid) pids.add(run.pid);
      expect(runs.map((x) => [x.name, x.action, x.exitCode, x.timedOut, x.alive])).toEqual([
        ['a', 'started', 0, false, true],
        ['b', 'started', 0, false, true],
      ]);
      expect(runs[1]?.iface).toBe('ppp1');
      expect(runs[0]?.stdout).toContain('rcvd [CHAP Success');
      expect(runs[0]?.syslog).toMatch(/pppd\[\d+\]: Script \/etc\/ppp\/ip-up finished/);
      expect(runs[0]?.log).toContain('Script /etc/ppp/ip-up finished (pid 8), status = 0x0');
      expect(runs[0]?.log).not.toMatch(/pppd\[/);
      expect(Date.now() - t0).toBeLessThan(8000); // concurrent, not 2 × (up + ip-up wait)
    });

    it('restart stops only that tunnel\'s pid; another pppd (e.g. a PPPoE WAN) stays alive', async () => {
      const r = root();
      const wan = startFakeDaemon(r, 'wan', 0);
      const office = startFakeDaemon(r, 'office', 1);
      pids.add(wan);
      pids.add(office);
      await waitFor(() => isAlive(wan) && isAlive(office));
      await waitFor(() => {
        try {
          return pidOf(r, 'office') === office && pidOf(r, 'wan') === wan;
        } catch {
          return false;
        }
      });
      const out = await runScriptAsync(sh, tunnelsUpScript([{ name: 'office', restart: true }], 20, { root: r }));
      const [run] = parseTunnelsUpOutput(out.stdout);
      if (run?.pid) pids.add(run.pid);
      expect(run).toMatchObject({ name: 'office', action: 'started', exitCode: 0, alive: true });
      expect(run?.pid).not.toBe(office);
      expect(isAlive(office)).toBe(false);
      expect(isAlive(wan)).toBe(true);
      expect(readFileSync(join(r, 'var/log/messages'), 'utf8')).toContain(`pppd[${office}]: Terminating on signal 15`);
    });

    it('leaves an alive tunnel alone when restart is false', async () => {
      const r = root();
      const office = startFakeDaemon(r, 'office', 0);
      pids.add(office);
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').includes('ip-up finished'));
      const [run] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'office', restart: false }], 5, { root: r }))).stdout);
      expect(run).toMatchObject({ action: 'kept', exitCode: null, timedOut: false, pid: office, alive: true, iface: 'ppp0' });
      expect(run?.log).toContain('ip-up finished');
    });

    it('reports a failing pppd\'s exit code and output', async () => {
      const r = root();
      mode(r, 'office', 'fail');
      const [run] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'office', restart: false }], 5, { root: r }))).stdout);
      expect(run).toMatchObject({ action: 'started', exitCode: 16, timedOut: false, pid: null, alive: false });
      expect(run?.log).toContain('LCP: timeout sending Config-Requests');
    });

    it('stops a tunnel that does not come up within the timeout, and only that one', async () => {
      const r = root();
      mode(r, 'slow', 'hang');
      const other = startFakeDaemon(r, 'other', 2);
      pids.add(other);
      await waitFor(() => isAlive(other));
      const t0 = Date.now();
      const [run] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'slow', restart: false }], 2, { root: r }))).stdout);
      expect(run).toMatchObject({ name: 'slow', action: 'started', exitCode: null, timedOut: true, alive: false });
      expect(run?.stdout).toContain('sent [LCP ConfReq');
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(isAlive(other)).toBe(true);
    });

    it('keeps framing when pppd output and syslog contain frame markers', async () => {
      const r = root();
      mode(r, 'office', 'markers');
      const out = await runScriptAsync(sh, tunnelsUpScript([{ name: 'office', restart: false }], 10, { root: r }));
      const runs = parseTunnelsUpOutput(out.stdout);
      if (runs[0]?.pid) pids.add(runs[0].pid);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ name: 'office', exitCode: 0, alive: true });
      expect(runs[0]?.stdout).toContain('@@end\n@@tunnel evil\n|not a frame\nexit=99');
      expect(runs[0]?.syslog).toContain(': @@tunnel evil');
    });

    it('down stops by pid file only and reports the ip-down log; status reports before and after', async () => {
      const r = root();
      const a = startFakeDaemon(r, 'a', 0);
      const wan = startFakeDaemon(r, 'wan', 5);
      pids.add(a);
      pids.add(wan);
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').split('ip-up finished').length > 2);
      const before = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['a', 'gone'], { root: r }))).stdout);
      expect(before[0]).toMatchObject({ name: 'a', pidFile: true, pid: a, alive: true, iface: 'ppp0' });
      expect(before[0]?.since).toBeGreaterThan(1_600_000_000);
      expect(before[0]?.now).toBeGreaterThanOrEqual(before[0]?.since ?? 0);
      expect(before[0]?.log).toContain('remote IP address 192.168.0.1');
      // an idle link under `debug` logs two LCP echo lines per interval: status leaves them out
      appendFileSync(join(r, 'var/log/messages'), `Jan  1 01:00:00 OpenWrt daemon.debug pppd[${a}]: sent [LCP EchoReq id=0x1 magic=0x1a2b3c4d]\n`.repeat(100));
      const idle = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['a'], { root: r }))).stdout);
      expect(idle[0]?.log).toContain('remote IP address 192.168.0.1');
      expect(idle[0]?.log).not.toContain('LCP Echo');
      expect(before[1]).toMatchObject({ name: 'gone', pidFile: false, pid: null, alive: false, iface: null, since: null, log: '' });

      const down = parseTunnelsDownOutput((await runScriptAsync(sh, tunnelsDownScript(['a', 'gone'], 10, { root: r }))).stdout);
      expect(down[0]).toMatchObject({ name: 'a', wasRunning: true, stopped: true, pid: a });
      expect(down[0]?.log).toContain('Script /etc/ppp/ip-down finished');
      expect(down[0]?.log).not.toContain('ip-up'); // only the lines logged during the stop
      expect(down[1]).toEqual({ name: 'gone', wasRunning: false, stopped: true, pid: null, log: '' });
      expect(isAlive(a)).toBe(false);
      expect(isAlive(wan)).toBe(true);

      const after = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['a'], { root: r }))).stdout);
      expect(after[0]).toMatchObject({ pidFile: false, alive: false });
    });

    it('pppd 2.5: up, status and down find the tunnel by its pid file in /var/run/pppd', async () => {
      const r = root();
      writeFileSync(join(r, 'fake', 'piddir'), '/var/run/pppd');
      const v25 = { root: r, pppdVersion: '2.5.1' };
      const [up] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'office', restart: false }], 10, v25))).stdout);
      if (up?.pid) pids.add(up.pid);
      expect(up).toMatchObject({ action: 'started', exitCode: 0, alive: true, iface: 'ppp0' });
      expect(readFileSync(join(r, 'var/run/pppd/ppp-office.pid'), 'utf8').split('\n')[0]).toBe(String(up?.pid));
      // A second up keeps it (no second pppd beside it); told 2.4.9, the scripts would not see it.
      const [again] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'office', restart: false }], 10, v25))).stdout);
      expect(again).toMatchObject({ action: 'kept', pid: up?.pid, alive: true });
      const [as24] = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['office'], { root: r, pppdVersion: '2.4.9' }))).stdout);
      expect(as24).toMatchObject({ pidFile: false, alive: false });
      const [st] = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['office'], v25))).stdout);
      expect(st).toMatchObject({ pidFile: true, pid: up?.pid, alive: true, iface: 'ppp0', fromAttempt: true });
      // `status` reads no facts: without a version it finds the pid file in either dir.
      const [unknown] = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['office'], { root: r }))).stdout);
      expect(unknown).toMatchObject({ pidFile: true, pid: up?.pid, alive: true, iface: 'ppp0' });
      const [down] = parseTunnelsDownOutput((await runScriptAsync(sh, tunnelsDownScript(['office'], 10, v25))).stdout);
      expect(down).toMatchObject({ wasRunning: true, stopped: true, pid: up?.pid });
      expect(isAlive(up?.pid ?? 0)).toBe(false);
    });

    it('captures a failed attempt under `logfile /dev/null` by `logfd 1` (with no syslog to read)', async () => {
      const r = root();
      mode(r, 'quiet', 'fail');
      writeFileSync(join(r, 'fake', 'quiet.log'), 'logfile');
      writeFileSync(join(r, 'sbin/logread'), '#!/bin/sh\nexit 0\n'); // a syslog that shows nothing
      const [run] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'quiet', restart: false }], 10, { root: r }))).stdout);
      expect(run).toMatchObject({ action: 'started', exitCode: 16, alive: false });
      expect(run?.log).toContain('LCP: timeout sending Config-Requests');
    });

    it('captures a failed attempt of a pppd that ignores `logfd` from its foreground pid\'s syslog', async () => {
      const r = root();
      mode(r, 'deaf', 'fail');
      writeFileSync(join(r, 'fake', 'deaf.log'), 'deaf');
      const [run] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'deaf', restart: false }], 10, { root: r }))).stdout);
      expect(run).toMatchObject({ action: 'started', exitCode: 16, alive: false });
      expect(run?.stdout).toContain('LCP: timeout sending Config-Requests');
      expect(run?.log).not.toMatch(/pppd\[/);
      // The status of that attempt reads the same capture.
      const [st] = parseTunnelsStatusOutput((await runScriptAsync(sh, tunnelsStatusScript(['deaf'], { root: r }))).stdout);
      expect(st).toMatchObject({ alive: false, fromAttempt: true });
      expect(st?.log).toContain('LCP: timeout sending Config-Requests');
    });

    it('down reports a pppd that will not exit within the timeout', async () => {
      const r = root();
      mode(r, 'stuck', 'stubborn');
      const [up] = parseTunnelsUpOutput((await runScriptAsync(sh, tunnelsUpScript([{ name: 'stuck', restart: false }], 10, { root: r }))).stdout);
      if (up?.pid) pids.add(up.pid);
      expect(up?.alive).toBe(true);
      const [down] = parseTunnelsDownOutput((await runScriptAsync(sh, tunnelsDownScript(['stuck'], 1, { root: r }))).stdout);
      expect(down).toMatchObject({ wasRunning: true, stopped: false });
    });
  });
}
