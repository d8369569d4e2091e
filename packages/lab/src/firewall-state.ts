// The firewall of a lab router as the firmware ships it: the UCI configs of firewall3 (19.07,
// 21.02) and firewall4 (22.03+), the lab's compiled form of a UCI firewall config (what the
// fw3/fw4 stand-in writes to /lab/state/fw/compiled on reload), firewall3's iptables rendering of
// it, and White Russian's S45firewall rules. The shell stand-in (standins/bin/fw) and these
// functions produce the same state: test/lab/standins.test.ts checks that a reload of an
// untouched router changes nothing.
import type { FirmwareProfile } from './firmware.js';

/** openwrt/firewall4 root/etc/config/firewall (the zones, forwarding and default rules). */
export const FIREWALL_CONFIG_FW4 = `config defaults
	option syn_flood	1
	option input		REJECT
	option output		ACCEPT
	option forward		REJECT
# Uncomment this line to disable ipv6 rules
#	option disable_ipv6	1

config zone
	option name		lan
	list   network		'lan'
	option input		ACCEPT
	option output		ACCEPT
	option forward		ACCEPT

config zone
	option name		wan
	list   network		'wan'
	list   network		'wan6'
	option input		REJECT
	option output		ACCEPT
	option forward		DROP
	option masq		1
	option mtu_fix		1

config forwarding
	option src		lan
	option dest		wan

# We need to accept udp packets on port 68,
# see https://dev.openwrt.org/ticket/4108
config rule
	option name		Allow-DHCP-Renew
	option src		wan
	option proto		udp
	option dest_port	68
	option target		ACCEPT
	option family		ipv4

# Allow IPv4 ping
config rule
	option name		Allow-Ping
	option src		wan
	option proto		icmp
	option icmp_type	echo-request
	option family		ipv4
	option target		ACCEPT

config rule
	option name		Allow-IGMP
	option src		wan
	option proto		igmp
	option family		ipv4
	option target		ACCEPT
`;

/** firewall3's firewall.config as 19.07 ships it (defaults input ACCEPT, wan forward REJECT). */
export const FIREWALL_CONFIG_FW3 = `config defaults
	option syn_flood	1
	option input		ACCEPT
	option output		ACCEPT
	option forward		REJECT
# Uncomment this line to disable ipv6 rules
#	option disable_ipv6	1

config zone
	option name		lan
	list   network		'lan'
	option input		ACCEPT
	option output		ACCEPT
	option forward		ACCEPT

config zone
	option name		wan
	list   network		'wan'
	list   network		'wan6'
	option input		REJECT
	option output		ACCEPT
	option forward		REJECT
	option masq		1
	option mtu_fix		1

config forwarding
	option src		lan
	option dest		wan

# Allow IPv4 ping
config rule
	option name		Allow-Ping
	option src		wan
	option proto		icmp
	option icmp_type	echo-request
	option family		ipv4
	option target		ACCEPT

# include a file with users custom iptables rules
config include
	option path /etc/firewall.user
`;

/** /etc/config/network: lan a bridge (br-lan), wan and wan6 on the WAN port. */
export function networkConfig(p: FirmwareProfile): string {
  const dev = p.firewall === 'fw3' ? 'ifname' : 'device';
  const lan = p.firewall === 'fw3' ? `\toption type 'bridge'\n\toption ifname 'eth0'\n` : `\toption device '${p.lan}'\n`;
  return (
    `\nconfig interface 'loopback'\n\toption ${dev} 'lo'\n\toption proto 'static'\n\toption ipaddr '127.0.0.1'\n\toption netmask '255.0.0.0'\n` +
    (p.firewall === 'fw3' ? '' : `\nconfig device\n\toption name '${p.lan}'\n\toption type 'bridge'\n\tlist ports 'lan1'\n`) +
    `\nconfig interface 'lan'\n${lan}\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n\toption netmask '255.255.255.0'\n` +
    `\nconfig interface 'wan'\n\toption ${dev} '${p.wan}'\n\toption proto 'dhcp'\n` +
    `\nconfig interface 'wan6'\n\toption ${dev} '${p.wan}'\n\toption proto 'dhcpv6'\n`
  );
}

/** The compiled form of the shipped firewall config (what `fw3 reload` / `fw4 reload` write). */
export function compileDefaultFirewall(p: FirmwareProfile): string {
  const fw3 = p.firewall === 'fw3';
  return (
    `defaults input=${fw3 ? 'ACCEPT' : 'REJECT'} output=ACCEPT forward=REJECT\n` +
    `zone lan input=ACCEPT output=ACCEPT forward=ACCEPT masq=0 devices=${p.lan}\n` +
    `zone wan input=REJECT output=ACCEPT forward=${fw3 ? 'REJECT' : 'DROP'} masq=1 devices=${p.wan}\n` +
    'forwarding lan wan\n'
  );
}

interface Compiled {
  defaults: Record<string, string>;
  zones: Array<{ name: string; input: string; output: string; forward: string; masq: boolean; devices: string[] }>;
  forwardings: Array<{ src: string; dest: string }>;
}

/**
 * Parses /lab/state/fw/compiled.
 * @example parseCompiled('zone lan input=ACCEPT output=ACCEPT forward=ACCEPT masq=0 devices=br-lan\n').zones[0].devices // ['br-lan']
 */
export function parseCompiled(text: string): Compiled {
  const out: Compiled = { defaults: {}, zones: [], forwardings: [] };
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    const kv = (i: number): Record<string, string> =>
      Object.fromEntries(w.slice(i).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
    if (w[0] === 'defaults') out.defaults = kv(1);
    else if (w[0] === 'zone' && w[1]) {
      const v = kv(2);
      out.zones.push({
        name: w[1],
        input: v['input'] ?? 'REJECT',
        output: v['output'] ?? 'ACCEPT',
        forward: v['forward'] ?? 'REJECT',
        masq: v['masq'] === '1',
        devices: (v['devices'] ?? '').split(',').filter((d) => d !== ''),
      });
    } else if (w[0] === 'forwarding' && w[1] && w[2]) out.forwardings.push({ src: w[1], dest: w[2] });
  }
  return out;
}

/**
 * firewall3's iptables state for a compiled config, in the iptables stand-in's files
 * (`TABLE.chains`: "CHAIN POLICY" or "CHAIN -"; `TABLE.rules`: "CHAIN rule"). Same output as
 * standins/bin/fw's render_iptables for a router with empty user chains.
 */
export function fw3Tables(compiled: string, p: Pick<FirmwareProfile, 'lan' | 'wan'>): Record<string, string> {
  const c = parseCompiled(compiled);
  const fc: string[] = [];
  const fr: string[] = [];
  const nc: string[] = [];
  const nr: string[] = [];
  const def = c.defaults;
  fc.push(`INPUT ${def['input'] === 'ACCEPT' ? 'ACCEPT' : 'DROP'}`, `FORWARD ${def['forward'] === 'ACCEPT' ? 'ACCEPT' : 'DROP'}`, 'OUTPUT ACCEPT');
  fc.push('input_rule -', 'output_rule -', 'forwarding_rule -', 'reject -');
  fr.push('reject -j REJECT', 'INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'INPUT -j input_rule', 'OUTPUT -j output_rule');
  fr.push('FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'FORWARD -j forwarding_rule');
  for (const z of c.zones) {
    fc.push(`zone_${z.name}_forward -`, `forwarding_${z.name}_rule -`, `zone_${z.name}_dest_ACCEPT -`, `zone_${z.name}_dest_DROP -`, `zone_${z.name}_dest_REJECT -`);
    for (const d of z.devices) fr.push(`FORWARD -i ${d} -j zone_${z.name}_forward`);
  }
  if (def['forward'] === 'REJECT') fr.push('FORWARD -j reject');
  for (const z of c.zones) {
    fr.push(`zone_${z.name}_forward -j forwarding_${z.name}_rule`);
    for (const f of c.forwardings) {
      if (f.src === z.name) fr.push(`zone_${z.name}_forward -m comment --comment !fw3:_Zone_${z.name}_to_${f.dest}_forwarding_policy -j zone_${f.dest}_dest_ACCEPT`);
    }
    fr.push(`zone_${z.name}_forward -j zone_${z.name}_dest_${z.forward}`);
    for (const d of z.devices) fr.push(`zone_${z.name}_dest_ACCEPT -o ${d} -j ACCEPT`, `zone_${z.name}_dest_DROP -o ${d} -j DROP`, `zone_${z.name}_dest_REJECT -o ${d} -j reject`);
  }
  nc.push('PREROUTING ACCEPT', 'INPUT ACCEPT', 'OUTPUT ACCEPT', 'POSTROUTING ACCEPT', 'prerouting_rule -', 'postrouting_rule -');
  nr.push('PREROUTING -j prerouting_rule', 'POSTROUTING -j postrouting_rule');
  for (const z of c.zones) {
    nc.push(`zone_${z.name}_postrouting -`);
    for (const d of z.devices) nr.push(`POSTROUTING -o ${d} -j zone_${z.name}_postrouting`);
    if (z.masq) nr.push(`zone_${z.name}_postrouting -j MASQUERADE`);
  }
  void p;
  const text = (l: string[]): string => l.map((x) => `${x}\n`).join('');
  return {
    'filter.chains': text(fc),
    'filter.rules': text(fr),
    'nat.chains': text(nc),
    'nat.rules': text(nr),
    'mangle.chains': text(['PREROUTING ACCEPT', 'INPUT ACCEPT', 'FORWARD ACCEPT', 'OUTPUT ACCEPT', 'POSTROUTING ACCEPT']),
    'mangle.rules': '',
  };
}

/**
 * White Russian's /etc/init.d/S45firewall: INPUT and FORWARD drop by default, the user chains
 * (input_rule, forwarding_rule, postrouting_rule...), LAN to WAN forwarded and masqueraded.
 */
export function whiteRussianTables(p: Pick<FirmwareProfile, 'lan' | 'wan'>): Record<string, string> {
  const text = (l: string[]): string => l.map((x) => `${x}\n`).join('');
  return {
    'filter.chains': text(['INPUT DROP', 'FORWARD DROP', 'OUTPUT ACCEPT', 'input_rule -', 'output_rule -', 'forwarding_rule -']),
    'filter.rules': text([
      'INPUT -m state --state INVALID -j DROP',
      'INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT',
      'INPUT -j input_rule',
      `INPUT -i ${p.lan} -j ACCEPT`,
      'OUTPUT -j output_rule',
      'FORWARD -m state --state INVALID -j DROP',
      'FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT',
      'FORWARD -j forwarding_rule',
      `FORWARD -i ${p.lan} -o ${p.lan} -j ACCEPT`,
      `FORWARD -i ${p.lan} -o ${p.wan} -j ACCEPT`,
    ]),
    'nat.chains': text(['PREROUTING ACCEPT', 'POSTROUTING ACCEPT', 'OUTPUT ACCEPT', 'prerouting_rule -', 'postrouting_rule -']),
    'nat.rules': text(['PREROUTING -j prerouting_rule', 'POSTROUTING -j postrouting_rule', `POSTROUTING -o ${p.wan} -j MASQUERADE`]),
    'mangle.chains': text(['PREROUTING ACCEPT', 'INPUT ACCEPT', 'FORWARD ACCEPT', 'OUTPUT ACCEPT', 'POSTROUTING ACCEPT']),
    'mangle.rules': '',
  };
}
