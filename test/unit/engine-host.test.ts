// The host pipeline end to end without a lab: runHost over the local-shell transport runs the
// real facts, apply, tunnel and rollback scripts in a fake root of each firmware flavour,
// under dash and (when one is around) busybox ash. What a lab run shows, minus SSH.
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandName, RunContext } from '../../src/engine/context.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { runHost } from '../../src/engine/host.js';
import { HostError } from '../../src/errors.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import type { Playbook } from '../../src/playbook/types.js';
import type { HostResult } from '../../src/report/types.js';
import { connectTo, LocalShellTransport } from '../fixtures/engine/local-transport.js';
import { makeRouterRoot } from '../fixtures/engine/router-root.js';
import { shells, type Shell } from '../fixtures/facts/fakeroot.js';
import { FIRMWARES, host, PASSWORD, tunnel, type Firmware } from '../fixtures/resources/firmware.js';

const PLAYBOOK: Playbook = await loadPlaybook(new URL('../../playbooks/pptp-client.yaml', import.meta.url).pathname);

/** The first apply on a ppp 2.4 OpenWrt fake root (19.07, 23.05): its options.pptp is kept. */
const OPKG_FIRST_APPLY = [
  'install kmod-pptp,kmod-gre,kmod-mppe',
  'write-file /etc/modules.d/60-pptp-fleet',
  'write-file /etc/ppp/peers/office',
  'write-file /etc/ppp/chap-secrets',
  'write-file /etc/ppp/ip-up',
  'write-file /etc/ppp/ip-down',
  'write-file /etc/sysupgrade.conf',
];

/** The first apply on a ppp 2.5 fake root (24.10, 25.x): options.pptp's `mppe` line is rewritten. */
const PPP25_FIRST_APPLY = [
  'install kmod-pptp,kmod-gre,kmod-mppe',
  'write-file /etc/modules.d/60-pptp-fleet',
  'write-file /etc/ppp/peers/office',
  'write-file /etc/ppp/chap-secrets',
  'write-file /etc/ppp/options.pptp',
  'write-file /etc/ppp/ip-up',
  'write-file /etc/ppp/ip-down',
  'write-file /etc/sysupgrade.conf',
];

/** What the first apply changes on each fresh fake root (a fixture per flavour, not the planner's code). */
const FIRST_APPLY: Record<Firmware, string[]> = {
  whiterussian: [
    'install kmod-mppe,kmod-crypto,kmod-gre',
    'write-file /etc/modules',
    'write-file /etc/ppp/peers/office',
    'write-file /etc/ppp/chap-secrets',
    'write-file /etc/ppp/ip-up',
    'write-file /etc/ppp/ip-down',
    'write-file /etc/init.d/S70pptp-office',
  ],
  'openwrt-19': OPKG_FIRST_APPLY,
  openwrt: OPKG_FIRST_APPLY,
  'openwrt-24': PPP25_FIRST_APPLY,
  'openwrt-apk': PPP25_FIRST_APPLY,
};

const roots: string[] = [];

afterAll(() => {
  // Stop the fake pppd daemons the runs left up, by the pids in their own pid files (ppp 2.4's
  // /var/run, ppp 2.5's /var/run/pppd: FIELD-FACTS), then remove the fake roots.
  for (const root of roots) {
    for (const run of [join(root, 'var/run'), join(root, 'var/run/pppd')]) {
      for (const f of existsSync(run) ? readdirSync(run).filter((n) => /\.pid$/.test(n)) : []) {
        const pid = Number(readFileSync(join(run, f), 'utf8').split('\n')[0]);
        if (pid > 1) {
          try {
            process.kill(pid);
          } catch {
            // already gone
          }
        }
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
});

/** A fresh fake root; procd's `enable` runs /etc/rc.common, outside the root: boot scripts only on White Russian. */
function fakeRouter(fw: Firmware): { root: string; spec: HostSpec } {
  const root = makeRouterRoot(fw);
  roots.push(root);
  return { root, spec: host([tunnel({ startOnBoot: fw === 'whiterussian' })]) };
}

interface Run {
  result: HostResult;
  events: EngineEvent[];
  commands: string[];
}

async function run(sh: Shell, root: string, spec: HostSpec, over: Partial<RunContext> & { command?: CommandName } = {}): Promise<Run> {
  const transport = new LocalShellTransport(root, sh);
  const events: EngineEvent[] = [];
  const ctx: RunContext = {
    command: 'apply',
    playbook: PLAYBOOK,
    check: false,
    diff: false,
    connect: connectTo(transport),
    commandTimeoutMs: 60_000,
    tunnelTimeoutSec: 10,
    rollback: true,
    emit: (e) => events.push(e),
    signal: new AbortController().signal,
    ...over,
  };
  const result = await runHost(spec, 1, ctx);
  expect(transport.closed, 'the transport is closed after the run').toBe(true);
  return { result, events, commands: transport.commands.map((c) => c.replace('/bin/sh -s -- pptp-fleet:', '')) };
}

const changesOf = (r: HostResult): string[] => r.changes.map((c) => `${c.action} ${c.target}`);
const file = (root: string, p: string): string => readFileSync(join(root, p), 'utf8');

for (const sh of shells()) {
  // Each test has its own fake root: they run at once (most of their time is pppd's waits).
  describe.concurrent(`host pipeline on a fake root under ${sh.name}`, () => {
    for (const fw of FIRMWARES) {
      it(`${fw}: the first apply installs, writes and starts the tunnel; the second is one exec and changes nothing`, async () => {
        const { root, spec } = fakeRouter(fw);
        const first = await run(sh, root, spec);
        expect(first.result, JSON.stringify(first.result)).toMatchObject({ status: 'changed', sshExecs: 4 });
        expect(first.result.error).toBeUndefined();
        expect(changesOf(first.result)).toEqual(FIRST_APPLY[fw]);
        expect(first.commands).toEqual(['facts', 'packages', 'apply', 'tunnels-up']);
        expect(first.result.tunnels).toMatchObject([{ name: 'office', verdict: 'up', localIp: '192.168.255.10' }]);
        // What the router now holds: the package database, the peer, a private chap-secrets.
        expect(file(root, 'fake/installs').trim().split('\n')).toEqual(FIRST_APPLY[fw][0]!.replace('install ', '').split(','));
        expect(file(root, 'etc/ppp/peers/office')).toMatch(/^linkname office$/m);
        expect(lstatSync(join(root, 'etc/ppp/chap-secrets')).isSymbolicLink()).toBe(false);
        expect(lstatSync(join(root, 'etc/ppp/chap-secrets')).mode & 0o777).toBe(0o600);
        expect(file(root, 'etc/ppp/chap-secrets')).toContain('office');

        const second = await run(sh, root, spec);
        expect(second.result, JSON.stringify(second.result)).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
        expect(second.commands).toEqual(['facts']);
        expect(second.result.tunnels).toMatchObject([{ name: 'office', verdict: 'up' }]);
      });

      it(`${fw}: --check --diff gathers facts in one exec, writes nothing and shows masked diffs`, async () => {
        const { root, spec } = fakeRouter(fw);
        const peerBefore = file(root, 'etc/ppp/peers/office');
        const r = await run(sh, root, spec, { check: true, diff: true });
        expect(r.result).toMatchObject({ status: 'changed', sshExecs: 1 });
        expect(changesOf(r.result)).toEqual(FIRST_APPLY[fw]);
        expect(r.result.tunnels).toMatchObject([{ name: 'office', verdict: 'not_checked' }]);
        expect(file(root, 'etc/ppp/peers/office')).toBe(peerBefore);
        expect(lstatSync(join(root, 'etc/ppp/chap-secrets')).isSymbolicLink()).toBe(true);
        const planned = r.events.flatMap((e) => (e.type === 'planned-files' ? e.files.map((f) => f.target) : []));
        expect(planned).toEqual(FIRST_APPLY[fw].filter((c) => c.startsWith('write-file')).map((c) => c.replace('write-file ', '')));
        expect(JSON.stringify(r.events)).not.toContain(PASSWORD);
      });
    }

    it('a new config whose tunnel does not come up is rolled back: previous files restored, tunnel up again, host failed', async () => {
      const { root, spec } = fakeRouter('openwrt');
      expect((await run(sh, root, spec)).result.status).toBe('changed');
      const peer = file(root, 'etc/ppp/peers/office');
      // The fake pppd fails any peer file naming this server.
      writeFileSync(join(root, 'fake/office.fail-if'), '203.0.113.9');
      const moved = host([tunnel({ server: '203.0.113.9', startOnBoot: false })]);
      const r = await run(sh, root, moved);
      expect(r.result, JSON.stringify(r.result)).toMatchObject({ status: 'failed', step: 'verify', rolledBack: true, sshExecs: 5 });
      expect(r.commands).toEqual(['facts', 'apply', 'tunnels-up', 'rollback', 'tunnels-up']);
      const [t] = r.result.tunnels;
      expect(t).toMatchObject({ name: 'office', verdict: 'up' });
      expect(t!.previousVerdict).toBeDefined();
      expect(t!.previousVerdict).not.toBe('up');
      expect(r.result.error).toMatch(/^rolled back: office: new config \w+, restored config up$/);
      expect(file(root, 'etc/ppp/peers/office')).toBe(peer);
    });

    it('without rollback the failing config stays and the host fails at verify', async () => {
      const { root, spec } = fakeRouter('openwrt-apk');
      await run(sh, root, spec);
      writeFileSync(join(root, 'fake/office.fail-if'), '203.0.113.9');
      const r = await run(sh, root, host([tunnel({ server: '203.0.113.9', startOnBoot: false })]), { rollback: false });
      expect(r.result).toMatchObject({ status: 'failed', step: 'verify', sshExecs: 3 });
      expect(r.result.rolledBack).toBeUndefined();
      expect(r.result.tunnels[0]!.verdict).not.toBe('up');
      expect(file(root, 'etc/ppp/peers/office')).toContain('203.0.113.9');
    });

    it('a tunnel that never came up is not rolled back (nothing that worked to go back to)', async () => {
      const { root } = fakeRouter('whiterussian');
      writeFileSync(join(root, 'fake/office.mode'), 'fail');
      const r = await run(sh, root, host([tunnel({ startOnBoot: false })]));
      expect(r.result).toMatchObject({ status: 'failed', step: 'verify' });
      expect(r.result.rolledBack).toBeUndefined();
      expect(r.commands).not.toContain('rollback');
      expect(existsSync(join(root, 'etc/pptp-fleet/prev'))).toBe(false);
    });

    it('status, then down, then status: running and up, stopped by its pid, then not running', async () => {
      const { root, spec } = fakeRouter('openwrt-24');
      await run(sh, root, spec);
      const up = await run(sh, root, spec, { command: 'status', playbook: { file: '<status>', name: 'status', steps: [] } });
      expect(up.result).toMatchObject({ status: 'ok', sshExecs: 1, tunnels: [{ name: 'office', verdict: 'up', running: true, iface: 'ppp0' }] });
      const down = await run(sh, root, spec, { command: 'down', playbook: { file: '<down>', name: 'down', steps: [{ kind: 'tunnels-down' }] } });
      expect(down.result).toMatchObject({ status: 'changed', sshExecs: 2 });
      expect(down.commands).toEqual(['facts', 'tunnels-down']);
      const after = await run(sh, root, spec, { command: 'status', playbook: { file: '<status>', name: 'status', steps: [] } });
      expect(after.result.tunnels).toMatchObject([{ name: 'office', running: false }]);
      expect(after.result.tunnels[0]!.verdict).not.toBe('up');
    });

    it('a transport that cannot connect makes the host unreachable at connect, with no exec', async () => {
      const { spec } = fakeRouter('openwrt');
      const r = await runHost(spec, 1, {
        command: 'apply', playbook: PLAYBOOK, check: false, diff: false, commandTimeoutMs: 1000, tunnelTimeoutSec: 5, rollback: true,
        connect: () => Promise.reject(new HostError('r001', 'connect', 'connection refused', 'unreachable')),
        emit: () => undefined, signal: new AbortController().signal,
      });
      expect(r).toMatchObject({ status: 'unreachable', step: 'connect', sshExecs: 0, error: 'connection refused' });
    });
  });
}
