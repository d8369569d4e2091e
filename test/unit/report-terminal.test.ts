import { describe, expect, it } from 'vitest';
import { DiffGroups, hostDoneLine, useColor } from '../../src/cli/ui.js';
import { buildReport } from '../../src/report/json.js';
import { pingTable } from '../../src/report/summary.js';
import type { HostResult } from '../../src/report/types.js';

const DIFF = '===================================================================\n--- /etc/ppp/options.pptp\trouter\n+++ /etc/ppp/options.pptp\tplanned\n@@ -1,1 +1,1 @@\n-lcp-echo-interval 10\n+lcp-echo-interval 30\n';

describe('DiffGroups', () => {
  it('prints a diff identical on several hosts once, with the hosts', () => {
    const d = new DiffGroups();
    for (const h of ['r010', 'r002', 'r001']) d.add(h, '/etc/ppp/options.pptp', DIFF);
    d.add('r004', '/etc/ppp/options.pptp', DIFF.replace('30', '45'));
    const out = d.render(false);
    expect(out.split('\n').filter((l) => l.startsWith('### '))).toEqual([
      '### /etc/ppp/options.pptp on 3 hosts: r001, r002, r010',
      '### /etc/ppp/options.pptp on r004',
    ]);
    expect(out.match(/\+lcp-echo-interval 30/g)).toHaveLength(1);
    expect(out.match(/\+lcp-echo-interval 45/g)).toHaveLength(1);
  });

  it('colours only when asked, and never lets router text carry its own escapes', () => {
    const d = new DiffGroups();
    d.add('r001', '/etc/ppp/ip-up', DIFF.replace('+lcp-echo-interval 30', '+echo \u001b]0;pwned\u0007'));
    const plain = d.render(false);
    expect(plain).not.toContain('\u001b');
    expect(plain).toContain('+echo \\x1b]0;pwned\\x07');
    const coloured = d.render(true);
    expect(coloured).toContain('\u001b[32m+echo \\x1b]0;pwned\\x07\u001b[0m');
    expect(coloured).toContain('\u001b[31m-lcp-echo-interval 10\u001b[0m');
    // the only escapes are ours: SGR colour codes
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain('\u001b');
  });
});

describe('useColor', () => {
  it.each([
    ['a TTY', true, {}, true],
    ['not a TTY', false, {}, false],
    ['a TTY with NO_COLOR=1', true, { NO_COLOR: '1' }, false],
    ['a TTY with NO_COLOR empty (unset per no-color.org)', true, { NO_COLOR: '' }, true],
    ['a dumb terminal', true, { TERM: 'dumb' }, false],
  ])('%s', (_name, isTTY, env, expected) => {
    expect(useColor({ isTTY }, env as NodeJS.ProcessEnv)).toBe(expected);
  });
});

const host = (over: Partial<HostResult>): HostResult => ({ name: 'r001', status: 'ok', changes: [], tunnels: [], sshExecs: 1, durationMs: 12, ...over });
const tunnel = (verdict: 'up' | 'auth_failed' | 'other', running?: boolean) => ({ name: 'office', verdict, localIp: null, remoteIp: null, hint: null, ...(running === undefined ? {} : { running }) });

describe('hostDoneLine', () => {
  it.each([
    ['status, tunnel up', 'status', host({ tunnels: [tunnel('up', true)] }), ' r001 ok '],
    ['status, tunnel not running', 'status', host({ tunnels: [tunnel('other', false)] }), ' r001 tunnel down '],
    ['status, last verdict auth_failed', 'status', host({ tunnels: [tunnel('auth_failed', false)] }), ' r001 tunnel down '],
    ['apply: ok stays ok', 'apply', host({ tunnels: [tunnel('other')] }), ' r001 ok '],
    ['failed host', 'status', host({ status: 'failed', step: 'status', error: 'boom' }), ' r001 failed '],
  ])('%s', (_name, command, r, want) => {
    expect(hostDoneLine(r, command)).toContain(want);
  });

  it('keeps an error with escapes and line breaks on one inert line', () => {
    const line = hostDoneLine(host({ status: 'failed', step: 'packages', error: 'x\n\u001b]0;t\u0007y' }));
    expect(line).toMatch(/ packages: x \\x1b\]0;t\\x07y$/);
  });
});

describe('pingTable', () => {
  it('has its own columns: reachable, time, error', () => {
    const r = buildReport({
      command: 'ping',
      check: false,
      startedAt: new Date(0),
      durationMs: 100,
      hosts: [host({ durationMs: 212.4 }), host({ name: 'r002', status: 'unreachable', step: 'connect', error: 'connect ECONNREFUSED 127.0.0.1:2203' })],
    });
    expect(pingTable(r)).toBe(
      ['HOST  REACHABLE  MS   ERROR', 'r001  yes        212  -', 'r002  no         -    connect: connect ECONNREFUSED 127.0.0.1:2203', '', '1 of 2 hosts reachable', ''].join('\n'),
    );
  });
});
