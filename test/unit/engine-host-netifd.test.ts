// The host pipeline on a netifd OpenWrt fake root (the default manager there): runHost over the
// local-shell transport, the tunnel a `proto 'pptp'` interface written with the lab's uci and
// brought up by the fake netifd (test/fixtures/tunnels/fake-netifd.sh).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandName, RunContext } from '../../src/engine/context.js';
import { runHost } from '../../src/engine/host.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import type { HostResult } from '../../src/report/types.js';
import { makeNetifdRouter } from '../fixtures/engine/netifd-router.js';
import { connectTo, LocalShellTransport } from '../fixtures/engine/local-transport.js';
import { shells, type Shell } from '../fixtures/facts/fakeroot.js';
import { host, tunnel } from '../fixtures/resources/firmware.js';
import { removeNetifdRoots } from '../fixtures/tunnels/fake-netifd.js';

const PLAYBOOK = await loadPlaybook(new URL('../../playbooks/pptp-client.yaml', import.meta.url).pathname);
const roots: string[] = [];
afterAll(() => removeNetifdRoots(roots));

async function run(sh: Shell, root: string, spec: HostSpec, over: Partial<RunContext> & { command?: CommandName } = {}): Promise<{ result: HostResult; commands: string[] }> {
  const transport = new LocalShellTransport(root, sh);
  const result = await runHost(spec, 1, {
    command: 'apply', playbook: PLAYBOOK, check: false, diff: false, connect: connectTo(transport), commandTimeoutMs: 60_000,
    tunnelTimeoutSec: 10, rollback: true, emit: () => undefined, signal: new AbortController().signal, ...over,
  });
  return { result, commands: transport.commands.map((c) => c.replace('/bin/sh -s -- pptp-fleet:', '')) };
}
const file = (root: string, p: string): string => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : '');

// Busybox ash only (the routers' shell): under dash, facts.sh's final `echo "$O@@end"` turns the
// `\f` of the fixture's username LAB\fleet into a form feed, so the rerun sees a changed interface
// (dash's echo interprets backslashes, busybox's does not; routers run busybox).
for (const base of shells().filter((s) => s.name === 'busybox')) {
  describe.concurrent(`host pipeline on a netifd fake root under ${base.name}`, () => {
    it('first apply writes the interface with uci and ifups it; the rerun is one exec, ok, no changes', async () => {
      const root = makeNetifdRouter('openwrt');
      roots.push(root);
      const shell = base;
      const spec = host([tunnel({ startOnBoot: false })]);
      const first = await run(shell, root, spec);
      expect(first.result, JSON.stringify(first.result)).toMatchObject({ status: 'changed' });
      expect(first.result.tunnels).toMatchObject([{ name: 'office', verdict: 'up' }]);
      expect(file(root, 'etc/config/network')).toMatch(/proto 'pptp'/);
      expect(file(root, 'etc/config/network')).toMatch(/^config interface 'office'$/m);
      expect(file(root, 'fake/calls').split('\n')).toContain('ifup office');
      // the process the fake netifd ran for the interface, alive
      expect(file(root, 'var/run/pptp-office.pid').trim()).toBe(file(root, 'fake/office.handler').trim());
      const second = await run(shell, root, spec);
      expect(second.result, JSON.stringify(second.result)).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
      expect(second.commands).toEqual(['facts']);
      expect(second.result.tunnels).toMatchObject([{ name: 'office', verdict: 'up' }]);
    }, 60_000);
    it('a refused password: the verdict comes from the pppd log, the host fails at verify', async () => {
      const root = makeNetifdRouter('openwrt');
      roots.push(root);
      // the fake netifd's pppd logs a CHAP failure and exits (netifd records AUTH_TOPEER_FAILED)
      writeFileSync(join(root, 'fake/office.netifd-mode'), 'auth');
      const r = await run(base, root, host([tunnel({ startOnBoot: false })]));
      expect(r.result, JSON.stringify(r.result)).toMatchObject({ status: 'failed', step: 'verify' });
      expect(r.result.tunnels).toMatchObject([{ name: 'office', verdict: 'auth_failed' }]);
    }, 60_000);

    it('down, then status: the interface is taken down by ifdown and reported not running', async () => {
      const root = makeNetifdRouter('openwrt');
      roots.push(root);
      const spec = host([tunnel({ startOnBoot: false })]);
      expect((await run(base, root, spec)).result.status).toBe('changed');
      const down = await run(base, root, spec, { command: 'down', playbook: { file: '<down>', name: 'down', steps: [{ kind: 'tunnels-down' }] } });
      expect(down.result, JSON.stringify(down.result)).toMatchObject({ status: 'changed' });
      expect(file(root, 'fake/calls').split('\n')).toContain('ifdown office');
      expect(existsSync(join(root, 'var/run/pptp-office.pid'))).toBe(false);
      const after = await run(base, root, spec, { command: 'status', playbook: { file: '<status>', name: 'status', steps: [] } });
      expect(after.result.tunnels).toMatchObject([{ name: 'office', running: false }]);
      expect(after.result.tunnels[0]!.verdict).not.toBe('up');
    }, 60_000);
  });
}
