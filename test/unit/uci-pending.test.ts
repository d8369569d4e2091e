// The apply script against the lab's uci stand-in (uci's delta files, `uci changes`, `revert`),
// under dash and busybox ash: pending (uncommitted) changes of someone else fail the change
// before anything is written; our own, left by a run cut between batch and commit, are reverted
// and the batch then commits only what was planned.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLY_COMMAND, applyScript, parseApplyOutput } from '../../src/apply/script.js';
import type { Change } from '../../src/plan/types.js';
import { shells, type Shell } from '../fixtures/facts/fakeroot.js';

const STANDIN = new URL('../../packages/lab/standins/bin/uci', import.meta.url).pathname;
const UCI_AWK = new URL('../../packages/lab/standins/lib/uci.awk', import.meta.url).pathname;

const FIREWALL = `
config defaults
	option input 'ACCEPT'

config zone 'lan'
	option name 'lan'
	option input 'ACCEPT'
`;

const CHANGE: Change = {
  kind: 'uci-batch', resource: 'uci', target: 'firewall', reason: 't', reload: '/etc/init.d/firewall reload', before: '', after: '',
  sections: ['pptp_fleet_zone_office'],
  commands: ['set firewall.pptp_fleet_zone_office=zone', "set firewall.pptp_fleet_zone_office.name='office'", "add_list firewall.pptp_fleet_zone_office.device='pptp-office'"],
};

/** A file written earlier in the same script. */
const BEFORE: Change = { kind: 'write-file', resource: 'file', target: '/etc/before', content: 'x\n', maskedContent: 'x\n', maskedBefore: '', mode: '600', replaceSymlink: false, reason: 't' };

/** A root with /etc/config/firewall, the lab's uci (deltas in ROOT/tmp/.uci) and a logging firewall reload. */
function root(): { root: string; bin: string; uci: (args: string[], input?: string) => string; log: () => string } {
  const r = mkdtempSync(join(tmpdir(), 'pf-uci-pending-'));
  const bin = join(r, 'bin');
  mkdirSync(bin);
  mkdirSync(join(r, 'etc/config'), { recursive: true });
  mkdirSync(join(r, 'etc/init.d'), { recursive: true });
  writeFileSync(join(r, 'etc/config/firewall'), FIREWALL);
  writeFileSync(join(r, 'log'), '');
  const standin = readFileSync(STANDIN, 'utf8').replace('/lab/lib/uci.awk', UCI_AWK).replace('SAVEDIR=/tmp/.uci', `SAVEDIR=${r}/tmp/.uci`);
  writeFileSync(join(bin, 'uci'), standin, { mode: 0o755 });
  writeFileSync(join(r, 'etc/init.d/firewall'), `#!/bin/sh\necho "firewall $*" >> ${r}/log\n`, { mode: 0o755 });
  const uci = (args: string[], input = ''): string => {
    const p = spawnSync(join(bin, 'uci'), ['-c', join(r, 'etc/config'), ...args], { input, encoding: 'utf8' });
    return p.stdout + p.stderr;
  };
  return { root: r, bin, uci, log: () => readFileSync(join(r, 'log'), 'utf8') };
}

function apply(sh: Shell, r: { root: string; bin: string }, changes: Change[]): ReturnType<typeof parseApplyOutput> {
  const script = applyScript(changes, { hasSha256sum: false, root: r.root }).replace('export PATH', `PATH=${r.bin}:${sh.path}; export PATH`);
  const [, ...args] = APPLY_COMMAND.split(' ');
  const p = spawnSync(sh.cmd, args, { input: script, encoding: 'utf8', env: { PATH: sh.path } });
  expect(p.stderr).toBe('');
  return parseApplyOutput(p.stdout);
}

for (const sh of shells()) {
  describe(`uci-batch with pending changes (${sh.name})`, () => {
    it("fails on someone else's uncommitted change before any change, names it, writes and commits nothing", () => {
      const r = root();
      r.uci(['set', 'firewall.lan.input=REJECT']);
      r.uci(['set', 'firewall.lan.key=hunter2']);
      const out = apply(sh, r, [BEFORE, CHANGE]);
      expect(out.complete).toBe(false);
      expect(out.done).toEqual([]);
      expect(existsSync(join(r.root, 'etc/before'))).toBe(false);
      expect(out.failed).toMatchObject({ kind: 'uci-batch', target: 'firewall', exitCode: 1 });
      expect(out.failed?.message).toContain("firewall.lan.input='REJECT'");
      expect(out.failed?.message).toContain("firewall.lan.key='***'");
      expect(out.failed?.message).not.toContain('hunter2');
      expect(out.failed?.message).toContain("'uci changes firewall', then 'uci commit firewall' or 'uci revert firewall'");
      expect(readFileSync(join(r.root, 'etc/config/firewall'), 'utf8')).toBe(FIREWALL);
      expect(r.uci(['changes', 'firewall'])).toBe("firewall.lan.input='REJECT'\nfirewall.lan.key='hunter2'\n");
      expect(r.log()).toBe('');
    });

    it('reverts our own leftover uncommitted changes, then commits exactly the planned batch', () => {
      const r = root();
      // a run cut after its batch: a stale value and an option the plan does not write
      r.uci(['batch'], "set firewall.pptp_fleet_zone_office=zone\nset firewall.pptp_fleet_zone_office.name='old'\nset firewall.pptp_fleet_zone_office.masq='1'\n");
      const out = apply(sh, r, [CHANGE]);
      expect(out.failed).toBeUndefined();
      expect(out.complete).toBe(true);
      expect(r.uci(['changes', 'firewall'])).toBe('');
      expect(r.uci(['show', 'firewall.pptp_fleet_zone_office'])).toBe("firewall.pptp_fleet_zone_office=zone\nfirewall.pptp_fleet_zone_office.name='office'\nfirewall.pptp_fleet_zone_office.device='pptp-office'\n");
      expect(r.log()).toBe('firewall reload\n');
    });

    it("reverts our stale sections on their own (no batch), before any other change, and keeps anyone else's pending changes", () => {
      const r = root();
      r.uci(['batch'], "set firewall.pptp_fleet_zone_office=zone\nset firewall.pptp_fleet_zone_office.name='old'\nset firewall.lan.input=REJECT\n");
      const revert: Change = { kind: 'uci-revert', resource: 'uci', target: 'firewall', sections: ['pptp_fleet_zone_office'], reason: 't' };
      const out = apply(sh, r, [BEFORE, revert]);
      expect(out.failed).toBeUndefined();
      expect(out.done).toEqual([{ kind: 'uci-revert', target: 'firewall' }, { kind: 'write-file', target: '/etc/before' }]);
      expect(r.uci(['changes', 'firewall'])).toBe("firewall.lan.input='REJECT'\n");
      expect(readFileSync(join(r.root, 'etc/config/firewall'), 'utf8')).toBe(FIREWALL);
      expect(r.log()).toBe('');
    });

    it('reads the committed file with `uci show /etc/config/CONFIG`, pending changes left out', () => {
      const r = root();
      r.uci(['set', 'firewall.lan.input=REJECT']);
      expect(r.uci(['show', 'firewall.lan.input'])).toBe("firewall.lan.input='REJECT'\n");
      expect(r.uci(['show', join(r.root, 'etc/config/firewall')])).toContain("firewall.lan.input='ACCEPT'\n");
      expect(existsSync(join(r.root, 'tmp/.uci/firewall'))).toBe(true);
    });
  });
}
