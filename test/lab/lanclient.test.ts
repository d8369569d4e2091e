// The LAN client check on hand-written router states: for each firewall kind (White Russian's
// iptables, firewall3's rendered zones, firewall4's compiled zones), a tunnel set up right passes
// and each missing piece fails with its reason.
import { describe, expect, it } from 'vitest';
import { compileDefaultFirewall, fw3Tables, whiteRussianTables } from '../../packages/lab/src/firewall-state.js';
import { FIRMWARE_PROFILES } from '../../packages/lab/src/firmware.js';
import { lanClientCheck, routeDevice, type RouterNetState } from '../../packages/lab/src/lanclient.js';

const WR = FIRMWARE_PROFILES.whiterussian;
const O19 = FIRMWARE_PROFILES['openwrt-19'];
const O23 = FIRMWARE_PROFILES.openwrt;

const IFACES = (lan: string, wan: string, tun = 'ppp0', flags = 'UP,POINTOPOINT,RUNNING,NOARP,MULTICAST'): string =>
  `lo Local - 127.0.0.1 - 255.0.0.0 UP,LOOPBACK,RUNNING 65536\n${lan} Ethernet 02:00:00:00:01:01 192.168.1.1 192.168.1.255 255.255.255.0 UP,BROADCAST,RUNNING,MULTICAST 1500\n` +
  `${wan} Ethernet 02:00:00:00:01:02 192.0.2.10 192.0.2.255 255.255.255.0 UP,BROADCAST,RUNNING,MULTICAST 1500\n` +
  `${tun} PPP - 192.168.255.8 192.168.0.1 255.255.255.255 ${flags} 1400\n`;
const ROUTES = (lan: string, wan: string, tun = 'ppp0'): string =>
  `0.0.0.0 192.0.2.254 0.0.0.0 UG 0 ${wan}\n192.0.2.0 0.0.0.0 255.255.255.0 U 0 ${wan}\n192.168.1.0 0.0.0.0 255.255.255.0 U 0 ${lan}\n` +
  `192.168.0.1 0.0.0.0 255.255.255.255 UH 0 ${tun}\n10.20.0.0 0.0.0.0 255.255.0.0 U 0 ${tun}\n`;

function iptablesState(p: typeof WR, t: Record<string, string>, extra: { filter?: string; nat?: string } = {}): RouterNetState {
  return {
    firewall: p.firewall,
    lan: p.lan,
    routes: ROUTES(p.lan, p.wan),
    ifaces: IFACES(p.lan, p.wan),
    iptables: {
      filterChains: t['filter.chains'] ?? '',
      filterRules: (t['filter.rules'] ?? '') + (extra.filter ?? ''),
      natChains: t['nat.chains'] ?? '',
      natRules: (t['nat.rules'] ?? '') + (extra.nat ?? ''),
    },
  };
}

describe('routeDevice', () => {
  it('takes the longest prefix, and no route is null', () => {
    const routes = ROUTES('br-lan', 'eth1');
    expect(routeDevice(routes, '10.20.3.4')).toBe('ppp0');
    expect(routeDevice(routes, '10.21.3.4')).toBe('eth1');
    expect(routeDevice(routes, '192.168.1.7')).toBe('br-lan');
    expect(routeDevice('192.168.1.0 0.0.0.0 255.255.255.0 U 0 br-lan\n', '8.8.8.8')).toBeNull();
    expect(routeDevice(routes, 'not-an-ip')).toBeNull();
  });
});

describe('White Russian (iptables, FORWARD policy DROP)', () => {
  const base = whiteRussianTables(WR);
  it("passes with the seed's forwarding_rule and postrouting_rule lines", () => {
    const v = lanClientCheck(iptablesState(WR, base, { filter: 'forwarding_rule -o ppp0 -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5');
    expect(v).toMatchObject({ device: 'ppp0', tunnel: true, forwarded: true, masqueraded: true, ok: true, reason: '' });
  });
  it('fails without the forward rule (policy DROP), without masquerading, or with the rule for another device', () => {
    expect(lanClientCheck(iptablesState(WR, base, { nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5')).toMatchObject({ ok: false, forwarded: false, reason: 'the FORWARD chain drops LAN traffic to ppp0' });
    expect(lanClientCheck(iptablesState(WR, base, { filter: 'forwarding_rule -o ppp0 -j ACCEPT\n' }), '10.20.0.5')).toMatchObject({ ok: false, forwarded: true, masqueraded: false });
    expect(lanClientCheck(iptablesState(WR, base, { filter: 'forwarding_rule -o ppp1 -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5').forwarded).toBe(false);
    // a DROP earlier in the chain wins; an interface wildcard matches
    expect(lanClientCheck(iptablesState(WR, base, { filter: 'forwarding_rule -o ppp+ -j DROP\nforwarding_rule -o ppp0 -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5').forwarded).toBe(false);
    expect(lanClientCheck(iptablesState(WR, base, { filter: 'forwarding_rule -o ppp+ -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5').ok).toBe(true);
  });
  it('fails when the destination is not routed into the tunnel, or the tunnel is down', () => {
    const s = iptablesState(WR, base, { filter: 'forwarding_rule -o ppp0 -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' });
    expect(lanClientCheck(s, '172.16.0.1')).toMatchObject({ ok: false, device: 'vlan1', tunnel: false });
    expect(lanClientCheck({ ...s, ifaces: IFACES(WR.lan, WR.wan, 'ppp0', 'POINTOPOINT,NOARP') }, '10.20.0.5')).toMatchObject({ ok: false, tunnel: false });
  });
  it('a rule it cannot read does not match (unforgiving)', () => {
    const v = lanClientCheck(iptablesState(WR, base, { filter: 'forwarding_rule -o ppp0 -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5');
    expect(v.forwarded).toBe(false);
  });
});

describe('firewall3 (19.07/21.02: UCI zones rendered into iptables)', () => {
  it('passes with a zone for the tunnel device (masq) and a forwarding from lan, rendered by fw3', () => {
    const compiled = `${compileDefaultFirewall(O19)}zone vpn input=REJECT output=ACCEPT forward=REJECT masq=1 devices=ppp0\nforwarding lan vpn\n`;
    expect(lanClientCheck(iptablesState(O19, fw3Tables(compiled, O19)), '10.20.0.5')).toMatchObject({ ok: true });
  });
  it('fails with the default zones only, without the forwarding, or without masq', () => {
    expect(lanClientCheck(iptablesState(O19, fw3Tables(compileDefaultFirewall(O19), O19)), '10.20.0.5')).toMatchObject({ ok: false, forwarded: false });
    const noFwd = `${compileDefaultFirewall(O19)}zone vpn input=REJECT output=ACCEPT forward=REJECT masq=1 devices=ppp0\n`;
    expect(lanClientCheck(iptablesState(O19, fw3Tables(noFwd, O19)), '10.20.0.5')).toMatchObject({ ok: false, forwarded: false, masqueraded: true });
    const noMasq = `${compileDefaultFirewall(O19)}zone vpn input=REJECT output=ACCEPT forward=REJECT masq=0 devices=ppp0\nforwarding lan vpn\n`;
    expect(lanClientCheck(iptablesState(O19, fw3Tables(noMasq, O19)), '10.20.0.5')).toMatchObject({ ok: false, forwarded: true, masqueraded: false });
  });
  it("also passes with the user chains' rules (forwarding_rule, postrouting_rule) as on White Russian", () => {
    const t = fw3Tables(compileDefaultFirewall(O19), O19);
    expect(lanClientCheck(iptablesState(O19, t, { filter: 'forwarding_rule -o ppp0 -j ACCEPT\n', nat: 'postrouting_rule -o ppp0 -j MASQUERADE\n' }), '10.20.0.5').ok).toBe(true);
  });
});

describe('firewall4 (22.03+: the zones compiled on the last reload)', () => {
  const fw4 = (compiled: string, tun = 'pptp-office'): RouterNetState => ({
    firewall: 'fw4',
    lan: O23.lan,
    routes: ROUTES(O23.lan, O23.wan, tun),
    ifaces: IFACES(O23.lan, O23.wan, tun),
    compiled,
  });
  const vpn = 'zone office input=REJECT output=ACCEPT forward=REJECT masq=1 devices=pptp-office\n';
  it('passes with a zone for the tunnel device, masq, and a forwarding from lan', () => {
    expect(lanClientCheck(fw4(`${compileDefaultFirewall(O23)}${vpn}forwarding lan office\n`), '10.20.0.5')).toMatchObject({ ok: true, device: 'pptp-office' });
  });
  it('fails for a device in no zone (the forward chain rejects), without the forwarding, without masq', () => {
    expect(lanClientCheck(fw4(compileDefaultFirewall(O23)), '10.20.0.5')).toMatchObject({ ok: false, forwarded: false, reason: 'pptp-office is in no firewall zone: the forward chain rejects it' });
    expect(lanClientCheck(fw4(`${compileDefaultFirewall(O23)}${vpn}`), '10.20.0.5')).toMatchObject({ ok: false, forwarded: false, reason: 'no forwarding from lan to zone office' });
    expect(lanClientCheck(fw4(`${compileDefaultFirewall(O23)}${vpn.replace('masq=1', 'masq=0')}forwarding lan office\n`), '10.20.0.5')).toMatchObject({ ok: false, forwarded: true, masqueraded: false });
    // the zone names another device: ppp0 is in no zone
    expect(lanClientCheck(fw4(`${compileDefaultFirewall(O23)}${vpn}forwarding lan office\n`, 'ppp0'), '10.20.0.5')).toMatchObject({ ok: false, forwarded: false });
  });
  it('forwards within one zone only by that zone\'s forward policy, and by the defaults otherwise', () => {
    const sameZone = compileDefaultFirewall(O23).replace('devices=br-lan', 'devices=br-lan,pptp-office');
    expect(lanClientCheck(fw4(sameZone), '10.20.0.5')).toMatchObject({ forwarded: true, masqueraded: false });
    const permissive = compileDefaultFirewall(O23).replace('defaults input=REJECT output=ACCEPT forward=REJECT', 'defaults input=REJECT output=ACCEPT forward=ACCEPT');
    expect(lanClientCheck(fw4(permissive), '10.20.0.5')).toMatchObject({ forwarded: true, masqueraded: false, ok: false });
  });
});
