// The engine's decisions as tables: facts and pppd logs (fixtures) in, verdicts, tunnels to
// start, rollback decision and host status out. No shell, no transport.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  failureOf,
  hostStatus,
  netifdUps,
  planTunnelsUp,
  rollbackTunnels,
  runningTunnel,
  takesSnapshot,
  tunnelFromLog,
  tunnelStatus,
  tunnelTimedOut,
  withTakenDown,
  verifyTunnels,
  wasUp,
} from '../../src/engine/judge.js';
import { HostError } from '../../src/errors.js';
import type { Facts } from '../../src/facts/types.js';
import type { Change } from '../../src/plan/types.js';
import type { TunnelResult } from '../../src/report/types.js';
import { SshError } from '../../src/ssh/errors.js';
import { factsFor, netifdFactsFor, tunnel } from '../fixtures/resources/firmware.js';

const log = (name: string): string => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pppd-logs', `${name}.log`), 'utf8');
const UP = log('seed-sample-up');
const AUTH_FAILED = log('lab-wrong_password');
/** Up, then stopped by a SIGTERM: what the up script's own timeout leaves. */
const UP_THEN_TERM = log('lab-ok');

/** Facts with these pppd processes: [linkname, alive, log]. */
function withPppd(...procs: Array<[string, boolean, string]>): Facts {
  return { ...factsFor('openwrt'), pppd: procs.map(([linkname, alive, recentLog], i) => ({ linkname, pid: 100 + i, alive, recentLog })) };
}

const WRITE: Change = { kind: 'write-file', resource: 'file', target: '/etc/ppp/peers/a', content: 'x', maskedContent: 'x', maskedBefore: '', mode: '600', replaceSymlink: false, reason: 't' };
const NETWORK = (tunnels: string[]): Change => ({ kind: 'uci-batch', resource: 'uci', target: 'network', commands: [], sections: [], reload: '/etc/init.d/network reload', before: '', after: '', reason: 't', tunnels });
/** Facts with netifd's live pppd for tunnel NAME (pid file pptp-NAME.pid), its log up. */
function netifdUp(name: string): Facts {
  return { ...factsFor('openwrt'), pppd: [{ linkname: `pptp-${name}`, by: 'ifname', pid: 100, alive: true, recentLog: UP }] };
}
const INSTALL: Change = { kind: 'install', resource: 'package', target: 'kmod-gre', packages: ['kmod-gre'], manager: 'opkg', updateLists: false, reason: 't' };

describe('tunnel verdicts', () => {
  const CASES: Array<[string, () => TunnelResult, Partial<TunnelResult>]> = [
    ['an up log with its pppd alive is up', () => tunnelFromLog('a', UP, true), { verdict: 'up' }],
    ['an up log whose pppd died is not up', () => tunnelFromLog('a', UP, false), { verdict: 'other', hint: 'pppd is no longer running although its log shows the link came up' }],
    ['an auth failure is that, alive or not', () => tunnelFromLog('a', AUTH_FAILED, false), { verdict: 'auth_failed' }],
    ['a timed-out run whose log says nothing definite reads as timed out', () => tunnelTimedOut('a', UP_THEN_TERM, 7), { verdict: 'other' }],
    ['a timed-out run keeps a definite failure', () => tunnelTimedOut('a', AUTH_FAILED, 7), { verdict: 'auth_failed' }],
  ];
  for (const [what, judge, expected] of CASES) it(what, () => expect(judge()).toMatchObject(expected));

  it('a timed-out run names the timeout in its hint', () => {
    expect(tunnelTimedOut('a', '', 7).hint).toMatch(/no outcome within 7 s \(--tunnel-timeout\)/);
    // netifd's: no claim that netifd keeps trying (the up program takes a timed-out interface down)
    expect(tunnelTimedOut('a', '', 7, 'netifd').hint).toMatch(/no outcome within 7 s \(--tunnel-timeout\); netifd was still setting the interface up\./);
    expect(withTakenDown(tunnelTimedOut('a', '', 7, 'netifd').hint, 'a')).toMatch(/; interface taken down after the failed attempt, so netifd stops retrying it; `ifup a` \(or a rerun\) retries$/);
    expect(withTakenDown(null, 'branch-2')).toBe('interface taken down after the failed attempt, so netifd stops retrying it; `ifup branch_2` (or a rerun) retries');
  });

  it("names the configured server in the hint's commands when the log does not (pptp.so prints it only once connected)", () => {
    const refused = 'Plugin pptp.so loaded.\nconnect: Connection refused\nCall manager exited with error 256';
    expect(tunnelFromLog('a', refused, false, 'vpn.example.net').hint).toMatch(/`nc vpn\.example\.net 1723`/);
    expect(tunnelFromLog('a', refused, false).hint).toMatch(/`nc SERVER 1723`/);
    // the log's own server wins
    expect(tunnelFromLog('a', `${refused}\nCould not open control connection to 192.0.2.9`, false, 'vpn.example.net').hint).toMatch(/`nc 192\.0\.2\.9 1723`/);
  });

  it('a non-up verdict carries at most 8 evidence lines', () => {
    const t = tunnelFromLog('a', AUTH_FAILED, true);
    expect(t.evidence?.length).toBeGreaterThan(0);
    expect(t.evidence!.length).toBeLessThanOrEqual(8);
  });
});

describe('status of a tunnel', () => {
  const base = { name: 'a', manager: 'pppd' as const, pid: 1, iface: null, since: null, now: null, fromAttempt: false, stdout: '', syslog: '' };
  const CASES: Array<[string, Parameters<typeof tunnelStatus>[0], Partial<TunnelResult>]> = [
    ['running and up', { ...base, pidFile: true, alive: true, iface: 'ppp0', since: 1_700_000_000, log: UP }, { verdict: 'up', running: true, iface: 'ppp0', since: '2023-11-14T22:13:20.000Z' }],
    ['stale pid file, no log', { ...base, pidFile: true, alive: false, log: '' }, { verdict: 'other', running: false, hint: 'not running (a stale pid file) and no log lines of it are left' }],
    ['never started', { ...base, pidFile: false, alive: false, log: '' }, { running: false, hint: expect.stringMatching(/^not running, and no log lines of it/) as unknown as string }],
    ['dead with an up log', { ...base, pidFile: false, alive: false, log: UP }, { verdict: 'other', running: false }],
    ['running, its log rotated out, the peer route there', { ...base, pidFile: true, alive: true, iface: 'ppp0', peer: '192.168.0.1', log: '' }, { verdict: 'up', running: true, remoteIp: '192.168.0.1' }],
    ['running, its log rotated out, no peer route', { ...base, pidFile: true, alive: true, iface: 'ppp0', peer: null, log: '' }, { verdict: 'other', running: true }],
  ];
  for (const [what, s, expected] of CASES) it(what, () => expect(tunnelStatus(s)).toMatchObject(expected));
});

describe('which tunnels the up step starts', () => {
  const a = tunnel({ name: 'a' });
  const b = tunnel({ name: 'b' });
  const CASES: Array<[string, Facts, string[], Array<{ name: string; restart: boolean; manager: 'pppd' | 'netifd' }>, string[]]> = [
    ['none running: start both', withPppd(), [], [{ name: 'a', restart: false, manager: 'pppd' }, { name: 'b', restart: false, manager: 'pppd' }], []],
    ['both up, nothing changed: keep both', withPppd(['a', true, UP], ['b', true, UP]), [], [], ['a', 'b']],
    ['a changed: restart a, keep b', withPppd(['a', true, UP], ['b', true, UP]), ['a'], [{ name: 'a', restart: true, manager: 'pppd' }], ['b']],
    ['a dead pid file: start it (not a restart)', withPppd(['a', false, ''], ['b', true, UP]), ['a'], [{ name: 'a', restart: false, manager: 'pppd' }], ['b']],
  ];
  for (const [what, facts, restart, start, kept] of CASES) {
    it(what, () => {
      const plan = planTunnelsUp([a, b], facts, new Set(restart));
      expect(plan.start).toEqual(start);
      expect(plan.kept.map((t) => t.name)).toEqual(kept);
    });
  }

  describe('netifd tunnels: restart by ifup, or left to the reload, with the pppd not to keep', () => {
    // netifd's pppds of a (pid 300) and b (pid 301), by their pid files by interface
    const facts: Facts = {
      ...netifdFactsFor('openwrt'),
      pppd: [
        { linkname: 'pptp-a', pid: 300, alive: true, by: 'ifname', recentLog: UP },
        { linkname: 'pptp-b', pid: 301, alive: true, by: 'ifname', recentLog: UP },
      ],
    };
    const marked = (f: Facts, n: string): Facts => ({ ...f, files: { ...f.files, [`/var/run/pptp-fleet/restart-${n}`]: { path: `/var/run/pptp-fleet/restart-${n}`, type: 'file', mode: '644' } } });
    const net = (tunnels: string[]): Change => ({ kind: 'uci-batch', resource: 'uci', target: 'network', commands: [], sections: [], reload: '/sbin/reload', before: '', after: '', reason: 't', tunnels });
    const chap = (tunnels: string[]): Change => ({ ...WRITE, target: '/etc/ppp/chap-secrets', tunnels });
    const both = [{ name: 'a', restart: true }, { name: 'b', restart: true }];
    const CASES: Array<[string, Facts, Change[], ReturnType<typeof netifdUps>]> = [
      ['files changed, no reload: ifup both', facts, [chap(['a', 'b'])], [{ name: 'a', mode: 'restart' }, { name: 'b', mode: 'restart' }]],
      ['reloaded, no file of theirs: left to netifd', facts, [net(['a', 'b'])], [{ name: 'a', mode: 'ensure' }, { name: 'b', mode: 'ensure' }]],
      ['reloaded and a\'s files written: its old pppd not kept', facts, [chap(['a']), net(['a', 'b'])], [{ name: 'a', mode: 'ensure', stalePid: 300 }, { name: 'b', mode: 'ensure' }]],
      ['reloaded, b marked by an earlier apply: its old pppd not kept', marked(facts, 'b'), [net(['a', 'b'])], [{ name: 'a', mode: 'ensure' }, { name: 'b', mode: 'ensure', stalePid: 301 }]],
      ['reloaded, marked, no pppd running: plain ensure', { ...marked(facts, 'b'), pppd: [] }, [net(['b'])], [{ name: 'a', mode: 'restart' }, { name: 'b', mode: 'ensure' }]],
    ];
    for (const [what, f, changes, expected] of CASES) it(what, () => expect(netifdUps(both, f, changes)).toEqual(expected));
  });

  it('verify judges only tunnels not judged yet, from the running pppd or as not running', () => {
    const judged = new Map([['a', tunnelFromLog('a', AUTH_FAILED, false)]]);
    expect(verifyTunnels([a, b, tunnel({ name: 'c' })], judged, withPppd(['b', true, UP]))).toMatchObject([
      { name: 'b', verdict: 'up' },
      { name: 'c', verdict: 'other', hint: 'tunnel is not running (no live pppd for it)' },
    ]);
  });
});

describe('a running tunnel whose start has rotated out of logread', () => {
  const proc = (recentLog: string, extra: object = {}): Facts['pppd'][number] => ({ linkname: 'a', pid: 7, alive: true, iface: 'ppp0', recentLog, ...extra });
  const routes = { peerRoutes: { ppp0: '192.168.0.1', 'pptp-b': '10.9.0.1' } };
  const CASES: Array<[string, () => TunnelResult, Partial<TunnelResult>]> = [
    ['no lines, the kernel\'s peer route via its interface: up, peer from the route', () => runningTunnel('a', proc(''), routes), { verdict: 'up', localIp: null, remoteIp: '192.168.0.1' }],
    ['no lines, no peer route (IPCP not done): other', () => runningTunnel('a', proc(''), { peerRoutes: {} }), { verdict: 'other' }],
    ['no lines, a peer route via another interface: other', () => runningTunnel('a', proc('', { iface: 'ppp1' }), routes), { verdict: 'other' }],
    ['netifd\'s pppd (pid file by interface, no iface line): the route via pptp-NAME', () => runningTunnel('b', proc('', { linkname: 'pptp-b', by: 'ifname', iface: undefined }), routes), { verdict: 'up', remoteIp: '10.9.0.1' }],
    ['a definite verdict in its lines stays', () => runningTunnel('a', proc(AUTH_FAILED), routes), { verdict: 'auth_failed' }],
    ['an up log keeps its own addresses', () => runningTunnel('a', proc(UP), routes), { verdict: 'up', remoteIp: tunnelFromLog('a', UP, true).remoteIp }],
  ];
  for (const [what, judge, expected] of CASES) it(what, () => expect(judge()).toMatchObject(expected));

  it('counts as up before a run, so a failing change to it is rolled back', () => {
    const facts = { ...withPppd(['a', true, '']), peerRoutes: { ppp0: '192.168.0.1' } };
    facts.pppd[0]!.iface = 'ppp0';
    expect(wasUp(facts, 'a')).toBe(true);
    expect(wasUp({ ...facts, peerRoutes: {} }, 'a')).toBe(false);
    expect(rollbackTunnels({ bad: ['a'], initialFacts: facts, changes: [WRITE], snapshot: takesSnapshot(true, facts) })).toEqual(['a']);
  });

  it('the no-change run keeps such a tunnel up instead of failing the router', () => {
    const facts = { ...withPppd(['a', true, '']), peerRoutes: { ppp0: '192.168.0.1' } };
    facts.pppd[0]!.iface = 'ppp0';
    expect(planTunnelsUp([tunnel({ name: 'a' })], facts, new Set()).kept).toMatchObject([{ name: 'a', verdict: 'up' }]);
    expect(verifyTunnels([tunnel({ name: 'a' })], new Map(), facts)).toMatchObject([{ name: 'a', verdict: 'up' }]);
  });
});

describe('rollback decision', () => {
  const CASES: Array<[string, { bad: string[]; initialFacts: Facts; changes: Change[]; enabled: boolean }, string[]]> = [
    ['was up, files written: roll back', { bad: ['a'], initialFacts: withPppd(['a', true, UP]), changes: [WRITE], enabled: true }, ['a']],
    ['--no-rollback', { bad: ['a'], initialFacts: withPppd(['a', true, UP]), changes: [WRITE], enabled: false }, []],
    ['no file written (only packages)', { bad: ['a'], initialFacts: withPppd(['a', true, UP]), changes: [INSTALL], enabled: true }, []],
    ['was not running before', { bad: ['a'], initialFacts: withPppd(), changes: [WRITE], enabled: true }, []],
    ['was running but failing before', { bad: ['a'], initialFacts: withPppd(['a', true, AUTH_FAILED]), changes: [WRITE], enabled: true }, []],
    ['only the tunnels that worked', { bad: ['a', 'b'], initialFacts: withPppd(['a', true, UP], ['b', true, AUTH_FAILED]), changes: [WRITE], enabled: true }, ['a']],
    ['a netifd tunnel that was up (pid file by interface): roll back', { bad: ['a'], initialFacts: netifdUp('a'), changes: [WRITE], enabled: true }, ['a']],
    ['a netifd interface this run added, failing, over a live tunnel: roll back', { bad: ['b'], initialFacts: netifdUp('a'), changes: [NETWORK(['b'])], enabled: true }, ['b']],
    ['the same with --no-rollback', { bad: ['b'], initialFacts: netifdUp('a'), changes: [NETWORK(['b'])], enabled: false }, []],
    ['a netifd interface added with nothing live before (no snapshot): no rollback', { bad: ['b'], initialFacts: withPppd(), changes: [NETWORK(['b'])], enabled: true }, []],
    ['a failing tunnel the UCI batch did not touch, not up before: no rollback', { bad: ['c'], initialFacts: netifdUp('a'), changes: [NETWORK(['b'])], enabled: true }, []],
  ];
  // As host.ts decides: the apply's snapshot (takesSnapshot) is what rollbackTunnels is given.
  for (const [what, { enabled, ...input }, expected] of CASES) it(what, () => expect(rollbackTunnels({ ...input, snapshot: takesSnapshot(enabled, input.initialFacts) })).toEqual(expected));

  it('snapshots files only over a setup with a live pppd, and only with rollback on', () => {
    expect([takesSnapshot(true, withPppd(['a', true, UP])), takesSnapshot(false, withPppd(['a', true, UP])), takesSnapshot(true, withPppd(['a', false, UP]))]).toEqual([true, false, false]);
  });
});

describe('host status and failures', () => {
  const sshExec = new SshError('r1', 'exec', { reason: 'closed', address: '127.0.0.1', port: 22, detail: 'reset' });
  const CASES: Array<[string, unknown, { status: string; step: string }]> = [
    ['a HostError keeps its own step', new HostError('r1', 'packages', 'x'), { status: 'failed', step: 'packages' }],
    ['unreachable stays unreachable', new HostError('r1', 'connect', 'x', 'unreachable'), { status: 'unreachable', step: 'connect' }],
    ["an SSH error's generic exec step gives way to the run's", sshExec, { status: 'unreachable', step: 'tunnels-up' }],
    ['any other error fails at the current step', new Error('boom'), { status: 'failed', step: 'tunnels-up' }],
  ];
  for (const [what, err, expected] of CASES) it(what, () => expect(failureOf(err, 'tunnels-up')).toMatchObject(expected));

  const STATUS: Array<[string, Parameters<typeof hostStatus>[0], string]> = [
    ['nothing to do', { changes: 0, tunnelsActed: false }, 'ok'],
    ['changes planned (also in check mode)', { changes: 2, tunnelsActed: false }, 'changed'],
    ['a tunnel started or stopped', { changes: 0, tunnelsActed: true }, 'changed'],
    ['a failure wins', { changes: 3, tunnelsActed: true, failure: { status: 'failed', step: 'verify', error: 'x' } }, 'failed'],
  ];
  for (const [what, input, expected] of STATUS) it(`status: ${what}`, () => expect(hostStatus(input)).toBe(expected));
});
