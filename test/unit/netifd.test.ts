// netifd mode's pure parts: the UCI sections of a tunnel's interface and routes (uci batch via
// resources/uci.ts), its firewall zone by network, the sysupgrade.conf block.
import { describe, expect, it } from 'vitest';
import type { MppeDialect, UciSectionFact } from '../../src/facts/types.js';
import type { TunnelSpec } from '../../src/inventory/types.js';
import { uciShowLines } from '../../src/render/firewall.js';
import {
  NETWORK_CONFIG,
  NETWORK_RELOAD,
  netifdClash,
  netifdDevice,
  netifdFirewallSections,
  netifdInterface,
  netifdKeepalive,
  netifdPppdOptions,
  netifdProblems,
  netifdSections,
  netifdStaleSections,
} from '../../src/render/netifd.js';
import { keptByTool, renderSysupgradeConf, sysupgradeKeepPaths } from '../../src/render/sysupgrade.js';
import { uciChanges } from '../../src/resources/uci.js';
import { PASSWORD, tunnel } from '../fixtures/resources/firmware.js';

const show = (t: TunnelSpec, d: MppeDialect): string => uciShowLines(NETWORK_CONFIG, netifdSections(t, d));

describe('netifdSections', () => {
  it('office on ppp 2.5: interface with proto pptp, no password, pppd_options in the upstream dialect, route section', () => {
    expect(show(tunnel({ lcpEchoInterval: 30, lcpEchoFailure: 4 }), 'upstream')).toBe(
      [
        'network.office=interface',
        "network.office.proto='pptp'",
        "network.office.server='198.51.100.1'",
        "network.office.username='LAB\\fleet'",
        "network.office.keepalive='4 30'",
        "network.office.pppd_options='remotename office require-mppe-128 nomppe-stateful refuse-eap'",
        "network.office.defaultroute='0'",
        "network.office.peerdns='0'",
        "network.office.auto='1'",
        'network.pptp_fleet_rt_office_1=route',
        "network.pptp_fleet_rt_office_1.interface='office'",
        "network.pptp_fleet_rt_office_1.target='10.20.0.0'",
        "network.pptp_fleet_rt_office_1.netmask='255.255.0.0'",
        '',
      ].join('\n'),
    );
  });

  const cases: Array<{ what: string; t: Partial<TunnelSpec>; dialect: MppeDialect; has: string[]; hasNot?: string[] }> = [
    { what: 'MPPE-MPPC dialect (ppp <= 2.4.9)', t: {}, dialect: 'mppc', has: ["pppd_options='remotename office mppe required,no40,no56,stateless refuse-eap'"] },
    { what: 'no MPPE, no refuse-eap', t: { mppe: false, refuseEap: false }, dialect: 'upstream', has: ["pppd_options='remotename office'"] },
    { what: 'default route replaced', t: { defaultRoute: 'replace' }, dialect: 'upstream', has: ["defaultroute='1'"] },
    { what: 'not started at boot', t: { startOnBoot: false }, dialect: 'upstream', has: ["auto='0'"] },
    { what: 'demand with idle: netifd’s demand option', t: { demand: true, idle: 600 }, dialect: 'upstream', has: ["network.office.demand='600'"], hasNot: [' idle 600', "pppd_options='remotename office require-mppe-128 nomppe-stateful refuse-eap demand"] },
    { what: 'demand without idle: pppd’s demand word', t: { demand: true }, dialect: 'upstream', has: ['refuse-eap demand\''], hasNot: ['network.office.demand='] },
    { what: 'idle without demand', t: { idle: 300 }, dialect: 'upstream', has: ['refuse-eap idle 300\''] },
    { what: 'extra options appended word by word', t: { extraOptions: ['mtu 1400', 'debug'] }, dialect: 'upstream', has: ["refuse-eap mtu 1400 debug'"] },
    { what: 'no LCP echo settings: netifd’s default keepalive', t: {}, dialect: 'upstream', has: [], hasNot: ['keepalive'] },
    { what: 'two routes, one section each', t: { routes: ['10.20.0.0/16', '192.168.50.0/24'] }, dialect: 'upstream', has: ["network.pptp_fleet_rt_office_2.target='192.168.50.0'", "network.pptp_fleet_rt_office_2.netmask='255.255.255.0'"] },
    { what: 'no routes, no route sections', t: { routes: [] }, dialect: 'upstream', has: [], hasNot: ['=route'] },
    { what: 'a dash in the name: interface branch_2, routes on it', t: { name: 'branch-2' }, dialect: 'upstream', has: ['network.branch_2=interface', "network.pptp_fleet_rt_branch_2_1.interface='branch_2'", "pppd_options='remotename branch-2 "] },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const out = show(tunnel(c.t), c.dialect);
      for (const s of c.has) expect(out).toContain(s);
      for (const s of c.hasNot ?? []) expect(out).not.toContain(s);
      expect(out).not.toContain('password');
      expect(out).not.toContain(PASSWORD);
    });
  }
});

describe('netifd helpers', () => {
  it.each([
    [{}, null],
    [{ lcpEchoInterval: 30 }, '5 30'],
    [{ lcpEchoFailure: 3 }, '3 1'],
    [{ lcpEchoInterval: 10, lcpEchoFailure: 6 }, '6 10'],
  ])('keepalive of %j is %j (failures, then interval, as ppp.sh reads it)', (t, want) => {
    expect(netifdKeepalive(t)).toBe(want);
  });

  it('names: interface and device', () => {
    expect([netifdInterface('office'), netifdDevice('office'), netifdInterface('a-b-c'), netifdDevice('a-b-c')]).toEqual(['office', 'pptp-office', 'a_b_c', 'pptp-a_b_c']);
  });

  it('pppd_options words never hold blanks', () => {
    for (const w of netifdPppdOptions(tunnel({ extraOptions: ['  holdoff   10 '] }), 'mppc')) expect(w).toMatch(/^\S+$/);
  });

  it.each([
    [{ extraOptions: ['remotename "a b"'] }, /extra_options\[0\].*no quoting/],
    [{ extraOptions: ['ipparam x#y'] }, /extra_options\[0\]/],
    [{ name: 'averylongname' }, /longer than 10/],
  ])('problems for %j', (t, re) => {
    expect(netifdProblems(tunnel(t)).join('\n')).toMatch(re);
  });
  it('no problems for the plain tunnel', () => {
    expect(netifdProblems(tunnel())).toEqual([]);
  });

  it('a non-PPTP section with the tunnel’s name is a clash; a PPTP one is ours to update', () => {
    const lan: Record<string, UciSectionFact> = { office: { type: 'interface', options: [['proto', ['static']]] } };
    expect(netifdClash(tunnel(), lan)).toMatch(/proto static/);
    expect(netifdClash(tunnel(), { office: { type: 'interface', options: [['proto', ['pptp']]] } })).toBeNull();
    expect(netifdClash(tunnel(), {})).toBeNull();
  });

  it('stale sections: extra route sections, and the interface once the tunnel is gone; never a foreign one', () => {
    const current: Record<string, UciSectionFact> = {
      office: { type: 'interface', options: [['proto', ['pptp']]] },
      pptp_fleet_rt_office_1: { type: 'route', options: [] },
      pptp_fleet_rt_office_2: { type: 'route', options: [] },
      pptp_fleet_rt_office2_1: { type: 'route', options: [] },
      lan: { type: 'interface', options: [['proto', ['static']]] },
    };
    expect(netifdStaleSections('office', current, netifdSections(tunnel(), 'upstream'))).toEqual(['pptp_fleet_rt_office_2']);
    expect(netifdStaleSections('office', current, {})).toEqual(['office', 'pptp_fleet_rt_office_1', 'pptp_fleet_rt_office_2']);
    expect(netifdStaleSections('lan', current, {})).toEqual([]);
  });

  it('firewall zone names the network, not the device', () => {
    const s = netifdFirewallSections(tunnel());
    expect(s['pptp_fleet_zone_office']?.options).toContainEqual(['network', ['office']]);
    expect(s['pptp_fleet_zone_office']?.options.some(([o]) => o === 'device')).toBe(false);
    expect(uciShowLines('firewall', s)).toContain("firewall.pptp_fleet_zone_office.network='office'");
  });
});

describe('netifd sections through uciChanges', () => {
  const want = netifdSections(tunnel(), 'upstream');
  it('a fresh router: one uci-batch change creating the interface and its route, then network reload', () => {
    const [c, ...rest] = uciChanges({ config: NETWORK_CONFIG, sections: want, remove: [], reload: NETWORK_RELOAD, what: 'netifd interface of office' }, {});
    expect(rest).toEqual([]);
    expect(c?.kind).toBe('uci-batch');
    if (c?.kind !== 'uci-batch') return;
    expect(c.commands).toEqual([
      'set network.office=interface',
      "set network.office.proto='pptp'",
      "set network.office.server='198.51.100.1'",
      "set network.office.username='LAB\\fleet'",
      "set network.office.pppd_options='remotename office require-mppe-128 nomppe-stateful refuse-eap'",
      "set network.office.defaultroute='0'",
      "set network.office.peerdns='0'",
      "set network.office.auto='1'",
      'set network.pptp_fleet_rt_office_1=route',
      "set network.pptp_fleet_rt_office_1.interface='office'",
      "set network.pptp_fleet_rt_office_1.target='10.20.0.0'",
      "set network.pptp_fleet_rt_office_1.netmask='255.255.0.0'",
    ]);
    expect(c.reload).toBe('/etc/init.d/network reload');
    expect(JSON.stringify(c)).not.toContain(PASSWORD);
  });
  it('a converged router: no change (no UCI write, no reload)', () => {
    expect(uciChanges({ config: NETWORK_CONFIG, sections: want, remove: [], reload: NETWORK_RELOAD, what: 'x' }, structuredClone(want))).toEqual([]);
  });
  it('a password someone put in UCI makes the section out of date: rewritten whole, without it', () => {
    const current = structuredClone(want);
    current['office']?.options.push(['password', ['hunter2']]);
    const [c] = uciChanges({ config: NETWORK_CONFIG, sections: want, remove: [], reload: NETWORK_RELOAD, what: 'x' }, current);
    if (c?.kind !== 'uci-batch') throw new Error('expected a uci-batch change');
    expect(c.commands[0]).toBe('delete network.office');
    expect(c.commands.join('\n')).not.toContain('hunter2');
  });
});

describe('sysupgrade.conf block', () => {
  const stock = '## This file contains files and directories that should\n## be preserved during an upgrade.\n\n# /etc/example.conf\n# /etc/openvpn/\n';
  it('lists what the tool writes outside /etc/config, once, sorted, in its block at the end', () => {
    const out = renderSysupgradeConf(stock, ['/etc/ppp/options.pptp', '/etc/config/network', '/etc/ppp/chap-secrets', '/etc/ppp/chap-secrets']);
    expect(out).toBe(`${stock}# BEGIN pptp-fleet sysupgrade\n/etc/ppp/chap-secrets\n/etc/ppp/options.pptp\n# END pptp-fleet sysupgrade\n`);
    expect(keptByTool(out)).toEqual(['/etc/ppp/chap-secrets', '/etc/ppp/options.pptp']);
    // a rerun changes nothing
    expect(renderSysupgradeConf(out, ['/etc/ppp/chap-secrets', '/etc/ppp/options.pptp'])).toBe(out);
  });
  it('keeps the admin’s lines and replaces the block in place; no files left: no block', () => {
    const mine = `/etc/mine\n# BEGIN pptp-fleet sysupgrade\n/etc/ppp/peers/old\n# END pptp-fleet sysupgrade\n/etc/after\n`;
    expect(renderSysupgradeConf(mine, ['/etc/ppp/peers/new'])).toBe(`/etc/mine\n# BEGIN pptp-fleet sysupgrade\n/etc/ppp/peers/new\n# END pptp-fleet sysupgrade\n/etc/after\n`);
    expect(renderSysupgradeConf(mine, [])).toBe('/etc/mine\n/etc/after\n');
    expect(renderSysupgradeConf('', [])).toBe('');
  });
  it('refuses what is not an absolute path sysupgrade can read', () => {
    expect(() => sysupgradeKeepPaths(['etc/x'])).toThrow(/not a path/);
    expect(() => sysupgradeKeepPaths(['/etc/a b'])).toThrow(/not a path/);
  });
});
