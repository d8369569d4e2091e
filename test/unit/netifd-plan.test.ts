// Tunnel managers (netifd | pppd): who runs a tunnel, what the planner writes for each, and
// the switch between them. Tables of inventory + facts → changes, applied with the simulator
// (test/fixtures/resources/simulate.ts) to show a rerun plans nothing.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostError, InputError } from '../../src/errors.js';
import type { Facts, PppdProcess } from '../../src/facts/types.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { TunnelManager } from '../../src/inventory/types.js';
import { tunnelManager, tunnelPppd } from '../../src/plan/manager.js';
import { planStep, tunnelsToRestart } from '../../src/plan/plan.js';
import type { Change } from '../../src/plan/types.js';
import { keptByTool } from '../../src/render/sysupgrade.js';
import { factsFor, host, netifdFactsFor, PASSWORD, tunnel, type Firmware } from '../fixtures/resources/firmware.js';
import { planAndApply } from '../fixtures/resources/simulate.js';

const NETIFD_FW: Array<Exclude<Firmware, 'whiterussian'>> = ['openwrt-19', 'openwrt', 'openwrt-24', 'openwrt-apk'];

const run = planAndApply;

const kinds = (cs: Change[]): string[] => cs.map((c) => `${c.kind} ${c.target}`);
const uci = (cs: Change[], config: string): Extract<Change, { kind: 'uci-batch' }> | undefined =>
  cs.find((c): c is Extract<Change, { kind: 'uci-batch' }> => c.kind === 'uci-batch' && c.target === config);
const proc = (linkname: string, pid: number, by?: 'ifname'): PppdProcess => ({ linkname, pid, alive: true, ...(by ? { by } : {}), recentLog: '' });

describe('tunnelManager: who runs a tunnel', () => {
  const CASES: Array<[string, TunnelManager | undefined, boolean, TunnelManager | 'error']> = [
    ['unset on a netifd router: netifd', undefined, true, 'netifd'],
    ['unset without netifd (White Russian): pppd', undefined, false, 'pppd'],
    ['pppd asked on a netifd router: pppd', 'pppd', true, 'pppd'],
    ['netifd asked on a netifd router: netifd', 'netifd', true, 'netifd'],
    ['netifd asked without netifd: an error naming the tunnel', 'netifd', false, 'error'],
  ];
  for (const [what, manager, netifd, want] of CASES) {
    it(what, () => {
      const t = tunnel(manager ? { manager } : {});
      if (want === 'error') expect(() => tunnelManager(t, { netifd })).toThrow(/tunnel office: manager netifd .* use manager: pppd/);
      else expect(tunnelManager(t, { netifd })).toBe(want);
    });
  }

  it('the planner reports netifd asked on White Russian as the host failing, before any change', () => {
    expect(() => planStep({ kind: 'pppd-files' }, host([tunnel({ manager: 'netifd' })]), factsFor('whiterussian'))).toThrow(HostError);
  });

  it("finds each manager's pppd: ppp-NAME.pid for a hand-run one, pptp-IFACE.pid for netifd's", () => {
    const facts: Facts = { ...netifdFactsFor('openwrt'), pppd: [proc('office', 10), proc('pptp-office', 10, 'ifname'), proc('pptp-lab', 20, 'ifname')] };
    // a hand-run pppd with `ifname pptp-office` has both pid files: it is not netifd's
    expect(tunnelPppd(tunnel(), facts)).toBeUndefined();
    expect(tunnelPppd(tunnel({ manager: 'pppd' }), facts)?.pid).toBe(10);
    expect(tunnelPppd(tunnel({ name: 'lab' }), facts)?.pid).toBe(20);
    expect(tunnelPppd(tunnel({ name: 'lab', manager: 'pppd' }), facts)).toBeUndefined();
  });
});

describe('inventory: manager', () => {
  async function write(yaml: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'pf-mgr-'));
    const file = join(dir, 'inv.yaml');
    await writeFile(file, yaml);
    return file;
  }
  const inv = (vars: string, tunnelVars = ''): string =>
    `all:\n  hosts:\n    r1:\n      ansible_host: 127.0.0.1\n${vars}      tunnels:\n        - name: office\n          server: 198.51.100.1\n          username: u\n          password: {env: PW}\n${tunnelVars}        - name: lab\n          server: 198.51.100.2\n          username: u\n          password: {env: PW}\n`;

  it('a host variable applies to tunnels that set none; a tunnel may override it', async () => {
    const i = await loadInventory(await write(inv('      manager: pppd\n', '          manager: netifd\n')));
    const h = i.hosts[0]!;
    expect(h.manager).toBe('pppd');
    expect(h.tunnels.map((t) => [t.name, t.manager])).toEqual([['office', 'netifd'], ['lab', 'pppd']]);
  });

  it('unset: left to the facts', async () => {
    const i = await loadInventory(await write(inv('')));
    expect(i.hosts[0]!.tunnels.map((t) => t.manager)).toEqual([undefined, undefined]);
  });

  it.each([
    ['host', inv('      manager: systemd\n'), 'all.hosts.r1.manager'],
    ['tunnel', inv('', '          manager: true\n'), 'all.hosts.r1.tunnels[0].manager'],
  ])('a bad %s value is an input error naming the file and the dot-path', async (_, yaml, path) => {
    const file = await write(yaml);
    const err = await loadInventory(file).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const problems = (err as InputError).problems;
    expect(problems).toEqual([expect.objectContaining({ file, path, message: expect.stringMatching(/^expected netifd or pppd, got/) as unknown as string })]);
  });
});

describe('planner, netifd mode', () => {
  for (const fw of NETIFD_FW) {
    it(`${fw}: an interface with routes and a zone by network, chap-secrets and options.pptp, no peer/boot/ip-up; rerun plans nothing`, () => {
      const h = host([tunnel({ lcpEchoInterval: 30, lcpEchoFailure: 4 })]);
      const first = run(h, netifdFactsFor(fw));
      const k = kinds(first.changes);
      expect(k).toContain('write-file /etc/ppp/chap-secrets');
      expect(k.filter((x) => /peers|init\.d|rc\.d|ip-up|ip-down/.test(x))).toEqual([]);
      const net = uci(first.changes, 'network')!;
      expect(net.reload).toBe('/etc/init.d/network reload');
      expect(net.tunnels).toEqual(['office']);
      expect(net.commands).toEqual(expect.arrayContaining(["set network.office=interface", "set network.office.proto='pptp'", "set network.office.keepalive='4 30'", "set network.pptp_fleet_rt_office_1.target='10.20.0.0'"]));
      // the password goes to chap-secrets only: never into the world-readable /etc/config/network
      expect(net.commands.join('\n')).not.toMatch(/password/);
      expect(net.commands.join('\n')).not.toContain(PASSWORD);
      expect(uci(first.changes, 'firewall')!.commands).toContain("add_list firewall.pptp_fleet_zone_office.network='office'");
      const sys = first.changes.find((c) => c.target === '/etc/sysupgrade.conf');
      expect(sys?.kind).toBe('write-file');
      expect(keptByTool(sys?.kind === 'write-file' ? sys.content : '')).toEqual(['/etc/modules.d/60-pptp-fleet', '/etc/ppp/chap-secrets', '/etc/ppp/options.pptp']);
      expect(run(h, first.facts).changes).toEqual([]);
    });
  }

  it("a converged router with our stale uncommitted sections (a cut run's) reverts them, once, and plans nothing else; rerun plans nothing", () => {
    const h = host([tunnel()]);
    const converged = run(h, netifdFactsFor('openwrt-24')).facts;
    const stale: Facts = { ...converged, uciPending: { network: ['office'], firewall: ['pptp_fleet_zone_office'] } };
    const again = run(h, stale, [{ kind: 'routing' }]);
    expect(again.changes).toEqual([
      { kind: 'uci-revert', resource: 'uci', target: 'network', sections: ['office'], reason: 'uncommitted changes of office left by an interrupted run' },
      { kind: 'uci-revert', resource: 'uci', target: 'firewall', sections: ['pptp_fleet_zone_office'], reason: 'uncommitted changes of pptp_fleet_zone_office left by an interrupted run' },
    ]);
    expect(run(h, again.facts).changes).toEqual([]);
    // the remove playbook reverts them too (the apply script runs reverts before anything else)
    expect(kinds(planStep({ kind: 'remove' }, h, stale))).toEqual(expect.arrayContaining(['uci-revert network', 'uci-revert firewall', 'uci-batch network']));
  });

  it('the up step restarts a tunnel whose interface changed and starts one netifd does not run', () => {
    const h = host([tunnel(), tunnel({ name: 'lab', routes: [] })]);
    const first = run(h, netifdFactsFor('openwrt-24'));
    const up: Facts = { ...first.facts, pppd: [proc('pptp-office', 30, 'ifname')] };
    expect(tunnelsToRestart(h, up, [])).toEqual(['lab']);
    const changed = host([tunnel({ routes: ['10.30.0.0/16'] }), tunnel({ name: 'lab', routes: [] })]);
    const c = planStep({ kind: 'routing' }, changed, up);
    expect(uci(c, 'network')?.tunnels).toEqual(['office']);
    expect(tunnelsToRestart(changed, up, c)).toEqual(['office', 'lab']);
  });

  it('refuses an interface name /etc/config/network already uses for something else', () => {
    const facts: Facts = { ...netifdFactsFor('openwrt'), network: { office: { type: 'interface', options: [['proto', ['static']]] } } };
    expect(() => planStep({ kind: 'routing' }, host(), facts)).toThrow(/already has a interface section "office" \(proto static\)/);
  });

  it('White Russian keeps pppd mode: peer file, ip-up, S70 boot script, no UCI, no sysupgrade.conf', () => {
    const first = run(host(), factsFor('whiterussian'));
    const k = kinds(first.changes);
    expect(k).toEqual(expect.arrayContaining(['write-file /etc/ppp/peers/office', 'write-file /etc/ppp/ip-up', 'write-file /etc/init.d/S70pptp-office']));
    expect(first.changes.some((c) => c.kind === 'uci-batch' || c.target === '/etc/sysupgrade.conf')).toBe(false);
  });

  it('pppd mode on OpenWrt lists its peer, ip-up/ip-down, boot script and rc.d link for sysupgrade', () => {
    const first = run(host([tunnel({ manager: 'pppd' })]), netifdFactsFor('openwrt'));
    const sys = first.changes.find((c) => c.target === '/etc/sysupgrade.conf');
    expect(keptByTool(sys?.kind === 'write-file' ? sys.content : '')).toEqual([
      '/etc/init.d/pptp-office', '/etc/modules.d/60-pptp-fleet', '/etc/ppp/chap-secrets', '/etc/ppp/ip-down', '/etc/ppp/ip-up', '/etc/ppp/options.pptp', '/etc/ppp/peers/office', '/etc/rc.d/S70pptp-office',
    ]);
  });
});

describe('tunnels-up: the network restart netifd needs for a pptp protocol installed after it started', () => {
  const up = { kind: 'tunnels-up', timeoutSec: 30 } as const;
  const without = (f: Facts): Facts => ({ ...f, packages: f.packages.filter((p) => p !== 'ppp-mod-pptp') });
  for (const fw of NETIFD_FW) {
    it(`${fw}: planned when this run installs ppp-mod-pptp for a netifd tunnel, not once it is there`, () => {
      expect(kinds(planStep({ kind: 'packages' }, host(), without(netifdFactsFor(fw))))).toContain('install ppp-mod-pptp');
      const [restart, ...rest] = planStep(up, host(), without(netifdFactsFor(fw)));
      expect(rest).toEqual([]);
      expect(restart).toMatchObject({ kind: 'network-restart', resource: 'service', target: 'network' });
      expect(restart?.reason).toMatch(/ppp-mod-pptp is installed after netifd started: .*every interface goes down/);
      expect(planStep(up, host(), netifdFactsFor(fw))).toEqual([]);
    });
  }
  it('none for tunnels the tool runs with pppd, for absent tunnels, or without netifd', () => {
    expect(planStep(up, host([tunnel({ manager: 'pppd' })]), without(netifdFactsFor('openwrt')))).toEqual([]);
    expect(planStep(up, host([tunnel({ state: 'absent' })]), without(netifdFactsFor('openwrt')))).toEqual([]);
    expect(planStep(up, host(), without(factsFor('openwrt')))).toEqual([]);
  });
});

describe('migration between managers', () => {
  it('pppd → netifd: the hand-run pppd stops before anything starts netifd\'s; peer, boot script and arms go', () => {
    const old = run(host([tunnel({ manager: 'pppd' })]), netifdFactsFor('openwrt-24'));
    const running: Facts = { ...old.facts, pppd: [proc('office', 40), proc('pptp-office', 40, 'ifname')] };
    const mig = run(host([tunnel()]), running);
    const k = kinds(mig.changes);
    const stop = k.indexOf('tunnel-stop office');
    const net = k.indexOf('uci-batch network');
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(net).toBeGreaterThan(stop);
    expect(k).toEqual(expect.arrayContaining(['delete-file /etc/ppp/peers/office', 'disable-service /etc/init.d/pptp-office', 'delete-file /etc/init.d/pptp-office', 'write-file /etc/ppp/ip-up']));
    expect(mig.facts.files['/etc/ppp/ip-up']?.content ?? '').not.toContain('office');
    expect(run(host([tunnel()]), mig.facts).changes).toEqual([]);
  });

  it('netifd → pppd: ifdown first, then its sections go and the peer file comes back; rerun plans nothing', () => {
    const old = run(host([tunnel()]), netifdFactsFor('openwrt'));
    const running: Facts = { ...old.facts, pppd: [proc('pptp-office', 50, 'ifname')] };
    const mig = run(host([tunnel({ manager: 'pppd' })]), running);
    const k = kinds(mig.changes);
    expect(k[k.indexOf('interface-down office') + 1]).toBe('write-file /etc/ppp/peers/office');
    expect(uci(mig.changes, 'network')?.commands).toEqual(['delete network.office', 'delete network.pptp_fleet_rt_office_1']);
    expect(k).toContain('write-file /etc/init.d/pptp-office');
    expect(run(host([tunnel({ manager: 'pppd' })]), mig.facts).changes).toEqual([]);
  });

  it('remove: ifdown, the interface and routes deleted, the sysupgrade block gone', () => {
    const old = run(host([tunnel()]), netifdFactsFor('openwrt-apk'));
    const c = planStep({ kind: 'remove' }, host([tunnel()]), old.facts);
    const k = kinds(c);
    expect(k[0]).toBe('interface-down office');
    expect(uci(c, 'network')?.commands).toEqual(['delete network.office', 'delete network.pptp_fleet_rt_office_1']);
    const sys = c.find((x) => x.target === '/etc/sysupgrade.conf');
    expect(sys?.kind === 'write-file' ? keptByTool(sys.content) : null).toEqual([]);
  });
});
