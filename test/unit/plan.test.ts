import { describe, expect, it } from 'vitest';
import { HostError } from '../../src/errors.js';
import type { Facts } from '../../src/facts/types.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { lastWanOfIpUp, planStep, plannerPaths, tunnelsToRestart } from '../../src/plan/plan.js';
import type { Change } from '../../src/plan/types.js';
import { Secret } from '../../src/secret.js';
import { FIRMWARES, PASSWORD, ROM_CHAP, factsFor, host, tunnel } from '../fixtures/resources/firmware.js';
import { applyToFacts, planAndApply } from '../fixtures/resources/simulate.js';


const run = planAndApply;

describe('planStep: a fresh router of every firmware', () => {
  for (const fw of FIRMWARES) {
    it(`${fw}: converges and a second run plans nothing`, () => {
      const h = host([tunnel({ defaultRoute: 'replace' }), tunnel({ name: 'lab', mppe: false, startOnBoot: false })], { pppOptions: { lcpEchoInterval: 20 } });
      const first = run(h, factsFor(fw));
      const kinds = first.changes.map((c) => `${c.kind} ${c.target}`);
      expect(kinds).toContain('write-file /etc/ppp/peers/office');
      expect(kinds).toContain('write-file /etc/ppp/chap-secrets');
      expect(kinds).toContain('write-file /etc/ppp/ip-up');
      expect(kinds).toContain('write-file /etc/ppp/ip-down');
      expect(kinds).toContain('write-file /etc/ppp/options.pptp');
      expect(first.changes.every((c) => 'reason' in c && typeof c.reason === 'string' && c.reason.length > 0)).toBe(true);
      expect(run(h, first.facts).changes).toEqual([]);
    });
  }
});

describe('routing when a tunnel has replaced the WAN default route', () => {
  // `default_route: replace` up: pppd swapped the WAN default for one via ppp0, so the facts show
  // no WAN default route. The server's host route must survive the next run (was planned away).
  for (const fw of FIRMWARES) {
    it(`${fw}: the next run keeps ip-up's server route through the last known WAN gateway`, () => {
      const h = host([tunnel({ defaultRoute: 'replace' }), tunnel({ name: 'lab', server: 'vpn.example.net', routes: ['10.30.0.0/16'] })]);
      const first = run(h, factsFor(fw));
      const upNow = { ...first.facts, wan: { gateway: null, device: null } };
      expect(run(h, upNow).changes).toEqual([]);
      const ipUp = upNow.files['/etc/ppp/ip-up']?.content;
      expect(ipUp).toContain(`pf_wan='192.0.2.254 ${fw === 'whiterussian' ? 'vlan1' : 'eth1'}'`);
      expect(lastWanOfIpUp(ipUp)).toEqual({ gateway: '192.0.2.254', device: fw === 'whiterussian' ? 'vlan1' : 'eth1' });
    });
  }

  it('reads nothing from an ip-up without our server route', () => {
    expect(lastWanOfIpUp(null)).toBeNull();
    expect(lastWanOfIpUp('#!/bin/sh\n/sbin/route add -host 10.0.0.1 gw 10.0.0.254\n')).toBeNull();
    expect(lastWanOfIpUp('  # host route to the VPN server through the WAN, so...\n  pf_run /sbin/route add -host "$pf_srv" gw \'192.0.2.1\'\n')).toEqual({ gateway: '192.0.2.1', device: null });
  });
});

describe('pppd-files', () => {
  it('replaces the /rom symlink with a regular file holding the template and our block', () => {
    const c = planStep({ kind: 'pppd-files' }, host(), factsFor('openwrt'));
    const chap = c.find((x) => x.target === '/etc/ppp/chap-secrets');
    expect(chap?.kind).toBe('write-file');
    if (chap?.kind !== 'write-file') return;
    expect(chap.replaceSymlink).toBe(true);
    expect(chap.mode).toBe('600');
    expect(chap.content.startsWith(ROM_CHAP)).toBe(true);
    expect(chap.content).toContain('LAB\\\\fleet office "pa ss\\"w\\\\o#rd\'" *\n');
    expect(chap.maskedContent).not.toContain('rd\'');
    expect(chap.maskedContent).toContain('LAB\\\\fleet office *** *');
    expect(chap.tunnels).toEqual(['office']);
  });
  it('never leaks the password into a masked diff, whatever file', () => {
    const h = host([tunnel({ extraOptions: [`password ${PASSWORD}`] })]);
    const { changes } = run(h, factsFor('openwrt-24'));
    for (const c of changes) {
      if (c.kind === 'write-file') {
        expect(c.maskedContent).not.toContain(PASSWORD);
        expect(c.maskedBefore).not.toContain(PASSWORD);
      }
    }
    expect(JSON.stringify(changes.map((c) => ({ ...c, content: undefined })))).not.toContain('w\\\\o#rd');
  });
  it('corrects a shipped mppe line on ppp 2.5 with its own reason', () => {
    const c = planStep({ kind: 'pppd-files' }, host(), factsFor('openwrt-24'));
    const opt = c.find((x) => x.target === '/etc/ppp/options.pptp');
    expect(opt?.kind).toBe('write-file');
    if (opt?.kind !== 'write-file') return;
    expect(opt.reason).toMatch(/MPPE-MPPC syntax that this pppd \(ppp 2\.5\) rejects/);
    expect(opt.content).toContain('require-mppe-128\n');
    // ppp 2.4 firmware with the package file and no global options: untouched.
    expect(planStep({ kind: 'pppd-files' }, host(), factsFor('openwrt')).some((x) => x.target === '/etc/ppp/options.pptp')).toBe(false);
  });
  it('only fixes the mode when content already matches', () => {
    const done = run(host(), factsFor('openwrt')).facts;
    const f = structuredClone(done);
    const peer = f.files['/etc/ppp/peers/office'];
    if (peer) peer.mode = '644';
    expect(planStep({ kind: 'pppd-files' }, host(), f)).toEqual([{ kind: 'chmod', resource: 'file', target: '/etc/ppp/peers/office', mode: '600', reason: 'mode 644 → 600' }]);
  });
  it('stops and removes a tunnel marked absent', () => {
    const done = run(host([tunnel(), tunnel({ name: 'lab' })]), factsFor('openwrt'));
    const f = { ...done.facts, pppd: [{ linkname: 'lab', pid: 42, alive: true }] };
    const c = planStep({ kind: 'pppd-files' }, host([tunnel(), tunnel({ name: 'lab', state: 'absent' })]), f);
    expect(c.map((x) => `${x.kind} ${x.target}`)).toEqual(['tunnel-stop lab', 'delete-file /etc/ppp/peers/lab', 'write-file /etc/ppp/chap-secrets']);
    const chap = c[2];
    expect(chap?.kind === 'write-file' && chap.content.includes('pptp-fleet lab')).toBe(false);
  });
  it('refuses a password pppd cannot read, as a HostError for the host and step', () => {
    const h = host([tunnel({ password: new Secret('@/etc/x', 't') })]);
    expect(() => planStep({ kind: 'pppd-files' }, h, factsFor('openwrt'))).toThrow(HostError);
  });
});

describe('packages and modules', () => {
  it('installs only what is missing, lists updated first', () => {
    const f = { ...factsFor('whiterussian'), packages: ['kmod-crypto'] };
    expect(planStep({ kind: 'packages' }, host(), f)).toEqual([
      { kind: 'install', resource: 'package', target: 'pptp,kmod-mppe,kmod-gre,kmod-ppp,ppp', packages: ['pptp', 'kmod-mppe', 'kmod-gre', 'kmod-ppp', 'ppp'], manager: 'ipkg', updateLists: true, reason: 'not installed: pptp kmod-mppe kmod-gre kmod-ppp ppp' },
    ]);
    expect(planStep({ kind: 'packages' }, host(), factsFor('openwrt-apk'))).toEqual([]);
  });
  it('fails clearly without a package manager', () => {
    const f = { ...factsFor('openwrt'), packageManager: null, packages: [] };
    expect(() => planStep({ kind: 'packages' }, host(), f)).toThrow('no package manager found (ipkg/opkg/apk)');
  });
  it('White Russian: /etc/modules gets the seed lines in order, then insmod each', () => {
    const c = planStep({ kind: 'modules', encryption: true }, host(), factsFor('whiterussian'));
    const w = c[0];
    expect(w?.kind === 'write-file' && w.content).toBe('wl\nswitch-core\n# BEGIN pptp-fleet modules\nslhc\nppp_generic\nppp_async\nppp_mppe_mppc\narc4\nsha1\n# END pptp-fleet modules\n');
    expect(c.slice(1).map((x) => x.target)).toEqual(['slhc', 'ppp_generic', 'ppp_async', 'ppp_mppe_mppc', 'arc4', 'sha1']);
  });
  it('newer firmware: our modules.d file, only unloaded modules loaded', () => {
    const c = planStep({ kind: 'modules', encryption: true }, host(), factsFor('openwrt-24'));
    expect(c[0]?.target).toBe('/etc/modules.d/60-pptp-fleet');
    expect(c[0]?.kind === 'write-file' && c[0].content).toBe('slhc\nppp_generic\nppp_async\ngre\npptp\nlibarc4\nsha1_generic\nppp_mppe\n');
    expect(c.slice(1).map((x) => x.target)).toEqual(['gre', 'pptp', 'libarc4', 'sha1_generic', 'ppp_mppe']);
  });
});

describe('boot', () => {
  it('procd: writes the rc.common script and enables it once, and lists it for sysupgrade', () => {
    const c = planStep({ kind: 'boot' }, host(), factsFor('openwrt'));
    expect(c.map((x) => `${x.kind} ${x.target}`)).toEqual(['write-file /etc/init.d/pptp-office', 'enable-service /etc/init.d/pptp-office', 'write-file /etc/sysupgrade.conf']);
  });
  it('White Russian: an S70 sysv script, nothing to enable', () => {
    const c = planStep({ kind: 'boot' }, host(), factsFor('whiterussian'));
    expect(c.map((x) => `${x.kind} ${x.target}`)).toEqual(['write-file /etc/init.d/S70pptp-office']);
  });
});

describe('remove', () => {
  for (const fw of FIRMWARES) {
    it(`${fw}: takes out everything of ours and keeps what others wrote`, () => {
      const h = host([tunnel(), tunnel({ name: 'lab' })], { pppOptions: { lcpEchoInterval: 20 } });
      const start = factsFor(fw);
      const userIpUp = '#!/bin/sh\ncase "$6" in\n home)\n  /sbin/route add -net 192.168.9.0 netmask 255.255.255.0 $1\n  ;;\nesac\n';
      start.files['/etc/ppp/ip-up'] = { path: '/etc/ppp/ip-up', type: 'file', mode: '755', content: userIpUp };
      const installed = run(h, start).facts;
      const removed = run(h, { ...installed, pppd: [{ linkname: 'office', pid: 7, alive: true }] }, [{ kind: 'remove' }]);
      const kinds = removed.changes.map((c) => `${c.kind} ${c.target}`);
      expect(kinds[0]).toBe('tunnel-stop office');
      expect(kinds).toContain('delete-file /etc/ppp/peers/office');
      expect(kinds).toContain('delete-file /etc/ppp/ip-down');
      const f = removed.facts.files;
      expect(f['/etc/ppp/ip-up']?.content).toBe(userIpUp);
      expect(f['/etc/ppp/chap-secrets']?.content).toBe(ROM_CHAP);
      expect(f['/etc/ppp/options.pptp']?.content).not.toContain('pptp-fleet options');
      if (fw === 'whiterussian') expect(f['/etc/modules']?.content).toBe('wl\nswitch-core\n');
      else expect(f['/etc/modules.d/60-pptp-fleet']?.type).toBe('missing');
      expect(Object.keys(f).filter((p) => p.includes('init.d') && f[p]?.type !== 'missing')).toEqual([]);
      // And again: nothing left to do.
      expect(run(h, removed.facts, [{ kind: 'remove' }]).changes).toEqual([]);
    });
  }
});

describe('tunnelsToRestart', () => {
  it('restarts tunnels whose own files changed, or that are not running', () => {
    const h = host([tunnel(), tunnel({ name: 'lab' })]);
    const installed = run(h, factsFor('openwrt')).facts;
    const running = { ...installed, pppd: [{ linkname: 'office', pid: 1, alive: true }, { linkname: 'lab', pid: 2, alive: true }] };
    expect(tunnelsToRestart(h, running, [])).toEqual([]);
    const h2 = host([tunnel({ password: new Secret('changed', 't') }), tunnel({ name: 'lab' })]);
    const c = planStep({ kind: 'pppd-files' }, h2, running);
    expect(c.map((x) => x.target)).toEqual(['/etc/ppp/chap-secrets']);
    expect(tunnelsToRestart(h2, applyToFacts(running, c), c)).toEqual(['office']);
    expect(tunnelsToRestart(h, { ...running, pppd: [{ linkname: 'office', pid: 1, alive: false }] }, [])).toEqual(['office', 'lab']);
  });
  it('options.pptp concerns every tunnel', () => {
    const h = host([tunnel(), tunnel({ name: 'lab' })], { pppOptions: { idle: 60 } });
    const c = planStep({ kind: 'pppd-files' }, h, factsFor('openwrt'));
    const running = { ...factsFor('openwrt'), pppd: [{ linkname: 'office', pid: 1, alive: true }, { linkname: 'lab', pid: 2, alive: true }] };
    expect(tunnelsToRestart(h, running, c.filter((x) => x.target === '/etc/ppp/options.pptp'))).toEqual(['office', 'lab']);
  });
});

it('plannerPaths lists every file the planner reads', () => {
  expect(plannerPaths(['office'])).toEqual(expect.arrayContaining(['/etc/ppp/peers/office', '/etc/rc.d/S70pptp-office', '/etc/init.d/S70pptp-office', '/etc/ppp/chap-secrets']));
});

describe('firewall: a UCI zone per tunnel on fw3/fw4, iptables in ip-up only on White Russian', () => {
  const uciOf = (changes: Change[]): Extract<Change, { kind: 'uci-batch' }> | undefined => changes.find((c): c is Extract<Change, { kind: 'uci-batch' }> => c.kind === 'uci-batch');
  for (const fw of ['openwrt-19', 'openwrt', 'openwrt-24', 'openwrt-apk'] as const) {
    it(`${fw}: zone office (device pptp-office, masq) and lan→office; peer file fixes the device with ifname; rerun sends nothing`, () => {
      const h = host([tunnel({ forward: { outbound: true, inbound: true } })]);
      const first = run(h, factsFor(fw));
      const uci = uciOf(first.changes);
      expect(uci?.reload).toBe('/etc/init.d/firewall reload');
      expect(uci?.after).toContain("firewall.pptp_fleet_zone_office.device='pptp-office'\n");
      expect(uci?.after).toContain("firewall.pptp_fleet_zone_office.masq='1'\n");
      expect(uci?.after).toContain("firewall.pptp_fleet_out_office.src='lan'\nfirewall.pptp_fleet_out_office.dest='office'\n");
      expect(uci?.after).toContain("firewall.pptp_fleet_in_office.src='office'\nfirewall.pptp_fleet_in_office.dest='lan'\n");
      expect(first.facts.files['/etc/ppp/peers/office']?.content).toContain('\nifname pptp-office\n');
      expect(first.facts.files['/etc/ppp/ip-up']?.content).not.toContain('iptables');
      expect(run(h, first.facts).changes).toEqual([]);
      // forward.inbound off, masquerade off: the reverse forwarding goes, the zone is rewritten
      const h2 = host([tunnel({ masquerade: false })]);
      const second = planStep({ kind: 'routing' }, h2, first.facts);
      expect(uciOf(second)?.commands).toEqual(expect.arrayContaining(['delete firewall.pptp_fleet_in_office', 'delete firewall.pptp_fleet_zone_office']));
      expect(uciOf(second)?.after).not.toContain('masq');
    });
  }
  it('White Russian: no UCI batch, iptables lines in ip-up, no ifname (its pppd 2.4.3 has none)', () => {
    const first = run(host(), factsFor('whiterussian'));
    expect(uciOf(first.changes)).toBeUndefined();
    expect(first.facts.files['/etc/ppp/ip-up']?.content).toContain('/usr/sbin/iptables -A forwarding_rule -o "$1" -j ACCEPT');
    expect(first.facts.files['/etc/ppp/peers/office']?.content).not.toContain('ifname');
  });
  it('state: absent and pptp-remove delete only our sections', () => {
    const first = run(host(), factsFor('openwrt'));
    expect(Object.keys(first.facts.firewall.sections).sort()).toEqual(['pptp_fleet_out_office', 'pptp_fleet_zone_office']);
    const gone = run(host([tunnel({ state: 'absent' })]), first.facts);
    expect(uciOf(gone.changes)?.commands).toEqual(['delete firewall.pptp_fleet_zone_office', 'delete firewall.pptp_fleet_out_office']);
    expect(gone.facts.firewall.sections).toEqual({});
    const removed = planStep({ kind: 'remove' }, host(), first.facts);
    expect(uciOf(removed)?.commands).toEqual(['delete firewall.pptp_fleet_zone_office', 'delete firewall.pptp_fleet_out_office']);
    expect(uciOf(planStep({ kind: 'remove' }, host(), gone.facts))).toBeUndefined();
  });
  it('refuses, before writing anything: a zone name the user has, no lan zone to forward from, a name too long for pptp-NAME', () => {
    const f = factsFor('openwrt');
    const err = (h: HostSpec, facts: Facts): string => {
      try {
        planStep({ kind: 'routing' }, h, facts);
      } catch (e) {
        expect(e).toBeInstanceOf(HostError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(host(), { ...f, firewall: { ...f.firewall, otherZones: ['lan', 'wan', 'office'] } })).toMatch(/already has a zone named "office" that pptp-fleet does not manage/);
    expect(err(host(), { ...f, firewall: { ...f.firewall, otherZones: ['wan'] } })).toMatch(/no zone named lan/);
    expect(err(host([tunnel({ name: 'headquarters' })]), f)).toMatch(/pptp-headquarters would be longer than Linux's 15 characters/);
    expect(err(host([tunnel({ name: 'a-b' }), tunnel({ name: 'a_b' })]), f)).toMatch(/another tunnel's too/);
    expect(() => planStep({ kind: 'routing' }, host([tunnel({ name: 'headquarters' })]), factsFor('whiterussian'))).not.toThrow();
  });
});

describe('unsupported firmware: Kamikaze and Backfire fail the host at its first step', () => {
  const cases: Array<[string, Partial<Facts>, RegExp | null]> = [
    ['Backfire by release', { release: '10.03.1' }, /unsupported firmware: OpenWrt Backfire 10\.03\.1 has no PPTP client packages/],
    ['Kamikaze by release', { release: '8.09' }, /unsupported firmware: OpenWrt Kamikaze 8\.09/],
    ['Kamikaze by banner', { release: undefined, banner: 'KAMIKAZE (8.09.2, r18961) -------------------------' }, /OpenWrt Kamikaze 8\.09\.2/],
    ['Backfire by banner', { release: undefined, banner: 'Backfire (10.03, r20728) --------------------------' }, /OpenWrt Backfire 10\.03/],
    ['12.09 is fine', { release: '12.09' }, null],
    ['White Russian is fine', { release: 'whiterussian-rc5' }, null],
    ['10.3 is not 10.03', { release: '10.30' }, null],
  ];
  for (const [name, over, want] of cases) {
    it(name, () => {
      const f = { ...factsFor('openwrt'), ...over };
      if (over.release === undefined && 'release' in over) delete f.release;
      const go = (): Change[] => planStep({ kind: 'packages' }, host(), f);
      if (want === null) expect(go).not.toThrow();
      else expect(go).toThrow(want);
    });
  }
});
