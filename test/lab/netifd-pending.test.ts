// Pending (uncommitted) UCI changes on a netifd router, kept by uci as deltas in /tmp/.uci:
// an admin's half-done `uci set` must never be committed by our `uci commit network` (the host
// fails before anything is written, naming the change; another router in the same run is
// unaffected), and our own deltas left by a run cut between its batch and its commit are
// reverted by the next run, which then converges (and stays at one exec after that); on a router
// that is otherwise converged, such leftovers are found in the delta files and reverted alone.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, LabRouter } from '../../packages/lab/src/index.js';
import { applyWith, hostOf, routerExec } from './fault-helpers.js';
import { routerPath, startLab, stopLab } from './helpers.js';

let lab: Lab;

const router = (name: string): LabRouter => {
  const r = lab.routers.find((x) => x.name === name);
  if (!r) throw new Error(`no router ${name}`);
  return r;
};
const sh = async (name: string, command: string, stdin = ''): Promise<string> => {
  const r = await routerExec(lab, router(name), command, stdin);
  if (r.exitCode !== 0) throw new Error(`${command}: exit ${String(r.exitCode)}: ${r.stderr}`);
  return r.stdout;
};
const network = (name: string): Promise<string> => readFile(routerPath(lab, name, 'etc/config/network'), 'utf8');

beforeAll(async () => {
  lab = await startLab({ routers: 2, firmware: [['openwrt-24', 2]], manager: 'netifd' });
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('netifd apply with pending uci changes', () => {
  it("fails a router with someone else's uncommitted change, writes nothing there, commits nothing of it; the other router converges", async () => {
    await sh('r001', 'uci set network.lan.ipaddr=10.0.0.1');
    const before = await network('r001');
    const run = await applyWith(lab, { reportName: 'pending-foreign', args: ['--forks', '2'] });
    expect(run.report, run.stdout + run.stderr).not.toBeNull();
    const r1 = hostOf(run.report, 'r001');
    expect(r1.status, JSON.stringify(r1)).toBe('failed');
    expect(r1.error).toContain("network.lan.ipaddr='10.0.0.1'");
    expect(r1.error).toContain("'uci changes network', then 'uci commit network' or 'uci revert network'");
    expect(await network('r001')).toBe(before);
    expect(await sh('r001', 'uci changes network')).toBe("network.lan.ipaddr='10.0.0.1'\n");
    const r2 = hostOf(run.report, 'r002');
    expect(r2.status, JSON.stringify(r2)).toBe('changed');
    expect(r2.tunnels.map((t) => t.verdict)).toEqual(r2.tunnels.map(() => 'up'));
  }, 600_000);

  it('reverts our own deltas left by a cut between batch and commit, converges, and reruns in one exec', async () => {
    await sh('r001', 'uci revert network');
    // r001 has none of our sections committed (the first test failed it before any write; this
    // makes it so whatever that test found)
    await sh('r001', "for s in $(uci show network | sed -n 's/^network[.]\\(office\\|pptp_fleet_[a-z0-9_]*\\)=.*/\\1/p'); do uci delete network.$s; done; uci commit network");
    // The cut: the batch the plan makes ran, its commit did not. Its lines are what r002 (the
    // same inventory and firmware) committed in the first run: to facts that replay deltas, r001
    // then looks converged and the batch would stay uncommitted forever.
    const ours = (await sh('r002', 'uci show network'))
      .split('\n')
      .filter((l) => /^network\.(office|pptp_fleet_[a-z0-9_]+)[.=]/.test(l))
      .map((l) => `set ${l}`);
    expect(ours.length).toBeGreaterThan(3);
    await sh('r001', 'uci batch', ours.join('\n') + '\n');
    expect(await sh('r001', 'uci changes network')).toContain('network.office.proto=');
    expect(await network('r001')).not.toContain("'office'");
    const run = await applyWith(lab, { reportName: 'pending-own', args: ['--forks', '2'] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r1 = hostOf(run.report, 'r001');
    expect(r1.status, JSON.stringify(r1)).toBe('changed');
    expect(r1.changes).toContainEqual(expect.objectContaining({ resource: 'uci', target: 'network', action: 'uci-batch' }));
    expect(r1.tunnels.map((t) => t.verdict)).toEqual(r1.tunnels.map(() => 'up'));
    expect(await sh('r001', 'uci changes network')).toBe('');
    expect(await network('r001')).toContain("config interface 'office'");
    const again = await applyWith(lab, { reportName: 'pending-again', args: ['--forks', '2'] });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    for (const h of ['r001', 'r002']) expect(hostOf(again.report, h), h).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
  }, 600_000);

  it('on a converged router, reverts our stale deltas (network and firewall) without leaking their values, keeps an admin\'s, and converges', async () => {
    // A cut run whose plan matched what is committed now (a later run committed it): its deltas
    // stay in /tmp/.uci, invisible to the plan, until someone's `uci commit` applies them.
    const zone = (await sh('r001', 'uci show firewall')).match(/^firewall\.(pptp_fleet_[a-z0-9_]+)=zone$/m)?.[1];
    expect(zone).toBeDefined();
    await sh('r001', `uci set network.office.password='stale-Secret-9f3'; uci set firewall.${zone ?? ''}.mtu_fix=0; uci set network.lan.mtu=1400`);
    const run = await applyWith(lab, { reportName: 'pending-stale', args: ['--forks', '2'] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r1 = hostOf(run.report, 'r001');
    expect(r1.status, JSON.stringify(r1)).toBe('changed');
    expect(r1.changes).toEqual(
      expect.arrayContaining([
        { resource: 'uci', target: 'network', action: 'uci-revert', reason: expect.stringMatching(/^uncommitted changes of .* left by an interrupted run$/) as unknown as string },
        { resource: 'uci', target: 'firewall', action: 'uci-revert', reason: expect.stringMatching(/^uncommitted changes of .* left by an interrupted run$/) as unknown as string },
      ]),
    );
    expect(r1.changes).toHaveLength(2);
    expect(r1.sshExecs).toBe(2);
    expect(r1.tunnels.map((t) => t.verdict)).toEqual(r1.tunnels.map(() => 'up'));
    expect(hostOf(run.report, 'r002')).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
    expect(run.stdout + run.stderr + JSON.stringify(run.report)).not.toContain('stale-Secret-9f3');
    // The admin's pending change is theirs: still pending, not committed.
    expect(await sh('r001', 'uci changes network')).toBe("network.lan.mtu='1400'\n");
    expect(await sh('r001', 'uci changes firewall')).toBe('');
    expect(await network('r001')).not.toContain('stale-Secret-9f3');
    const again = await applyWith(lab, { reportName: 'pending-stale-again', args: ['--forks', '2'] });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    for (const h of ['r001', 'r002']) expect(hostOf(again.report, h), h).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
    await sh('r001', 'uci revert network');
  }, 600_000);
});
