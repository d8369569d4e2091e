// The router programs' shared modules: paths by pppd version, the generated header, and the
// embedded programs (shipped in the build, so dist/ and an installed package carry them).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pidFile, pppdPidDir } from '../../src/remote/paths.js';
import { PROGRAMS, header } from '../../src/remote/program.js';
import { renderInitScript } from '../../src/render/init-script.js';
import type { TunnelSpec } from '../../src/inventory/types.js';

describe('pppdPidDir: where pppd keeps ppp-LINK.pid, by the version in the facts', () => {
  const table: Array<[string | null | undefined, string]> = [
    ['2.4.3', '/var/run'], // White Russian
    ['2.4.7', '/var/run'],
    ['2.4.9', '/var/run'], // 22.03, 23.05
    ['2.5.0', '/var/run/pppd'],
    ['2.5.1', '/var/run/pppd'], // 24.10
    ['2.5.2-r1', '/var/run/pppd'],
    ['2.10.0', '/var/run/pppd'],
    ['3.0', '/var/run/pppd'],
    [null, '/var/run'], // unknown: counted as 2.4
    [undefined, '/var/run'],
    ['garbage', '/var/run'],
  ];
  for (const [version, dir] of table) {
    it(`${String(version)} → ${dir}`, () => {
      expect(pppdPidDir(version)).toBe(dir);
      expect(pidFile('office', version)).toBe(`${dir}/ppp-office.pid`);
    });
  }
});

describe('header', () => {
  it('quotes every value so the header is data only', () => {
    const h = header({ R: "/tmp/a'b", T: 30, P: '$(reboot)\n`x`' });
    const res = spawnSync('/bin/sh', ['-c', `${h}printf '%s|%s|%s' "$R" "$T" "$P"`], { encoding: 'utf8' });
    expect(res.stdout).toBe("/tmp/a'b|30|$(reboot)\n`x`");
  });
  it('refuses a variable name that is not one', () => {
    expect(() => header({ 'A;B': 'x' })).toThrow(RangeError);
  });
});

describe('embedded programs', () => {
  it('are in router form: no comment lines, no indentation', () => {
    for (const [name, text] of Object.entries(PROGRAMS)) {
      expect(text, name).not.toMatch(/^[ \t]*#/m);
      expect(text, name).not.toMatch(/^[ \t]/m);
    }
  });
});

describe('after MARK (common.sh): the log lines after the last one that contains MARK', () => {
  const after = (mark: string, input: string): string => {
    const res = spawnSync('/bin/sh', ['-c', `${PROGRAMS['common.sh']}\nafter "$1"`, 'sh', mark], { input, encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    return res.stdout;
  };
  it('takes MARK as it is, backslashes included (a user name LAB\\fleet in a pppd line)', () => {
    expect(after('sent name = "LAB\\fleet"', 'a\nsent name = "LAB\\fleet"\nb\nc\n')).toBe('b\nc\n');
  });
  it('finds the mark tunnels-up logs inside logd\'s line (stamp, priority, tag before it)', () => {
    const log = 'Mon Dec  7 12:00:01 2026 daemon.err pppd[100]: See README.linux\nMon Dec  7 12:00:02 2026 user.notice pptp-fleet: tunnels-up 4242: attempts begin\nSee README.linux\nz\n';
    expect(after('tunnels-up 4242: attempts begin', log)).toBe('See README.linux\nz\n');
  });
  it('after the last copy of MARK; every line where the ring dropped it or MARK is empty', () => {
    expect(after('x', 'x\na\nx\nb\n')).toBe('b\n');
    expect(after('gone', 'a\nb\n')).toBe('a\nb\n');
    expect(after('', 'a\nb\n')).toBe('a\nb\n');
  });
});

describe('boot script pid files', () => {
  const t = { name: 'office', demand: true, routes: ['10.20.0.0/16'] } as unknown as TunnelSpec;
  for (const [version, dir] of [['2.4.9', '/var/run'], ['2.5.1', '/var/run/pppd']] as const) {
    for (const style of ['sysv', 'procd'] as const) {
      it(`${style}, pppd ${version}: stops and reads the interface from ${dir}/ppp-office.pid`, () => {
        const out = renderInitScript(t, style, version);
        expect(out).toContain(`stop_pid "$(head -n 1 ${dir}/ppp-office.pid 2>/dev/null)" 10`);
        expect(out).toContain(`iface=$(sed -n 2p ${dir}/ppp-office.pid 2>/dev/null)`);
        expect(out.match(/\/var\/run\S*ppp-office\.pid/g)?.every((p) => p === `${dir}/ppp-office.pid`)).toBe(true);
        expect(spawnSync('/bin/sh', ['-n'], { input: out }).status).toBe(0);
      });
    }
  }
});
