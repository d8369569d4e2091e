// The tunnels' place in the firmware's own firewall (fw3 on 19.07/21.02, fw4 on 22.03+): per
// tunnel a UCI zone named after it holding its device `pptp-NAME` (fixed by pppd's `ifname`),
// masquerading when asked, and forwardings from/to `lan`. Written with `uci batch`, then `uci
// commit firewall` and a reload. Only pptp-fleet's own named sections (`pptp_fleet_*`) are ever
// written or deleted: the user's zones, rules and forwardings are never touched.
//
// White Russian has no UCI firewall: there ip-up/ip-down keep their iptables lines (ip-scripts.ts).
import type { UciSectionFact } from '../facts/types.js';
import type { TunnelSpec } from '../inventory/types.js';

export const FIREWALL_CONFIG = 'firewall';
export const FIREWALL_RELOAD = '/etc/init.d/firewall reload';
/** The zone the forwardings connect a tunnel with. */
export const LAN_ZONE = 'lan';
/** Linux interface names hold 15 characters (IFNAMSIZ 16): `pptp-` leaves 10 for the tunnel. */
export const MAX_IFNAME_TUNNEL = 10;
/** Options written as `list` (uci show prints one-value lists like options). */
export const LIST_OPTIONS: ReadonlySet<string> = new Set(['device', 'network']);

/** The tunnel's interface, fixed with pppd's `ifname` (as netifd names its PPTP interfaces). */
export const tunnelDevice = (name: string): string => `pptp-${name}`;

// UCI section names are [A-Za-z0-9_]; the planner refuses two tunnels that map to one name.
const sec = (what: 'zone' | 'out' | 'in', name: string): string => `pptp_fleet_${what}_${name.replace(/-/g, '_')}`;

/** Names of the three sections a tunnel may own: its zone, LAN→tunnel and tunnel→LAN forwardings. */
export function tunnelSections(name: string): { zone: string; out: string; in: string } {
  return { zone: sec('zone', name), out: sec('out', name), in: sec('in', name) };
}

/**
 * The sections a present tunnel wants, in write order. For `office` with masquerade and
 * outbound forwarding:
 *
 *     firewall.pptp_fleet_zone_office=zone
 *     firewall.pptp_fleet_zone_office.name='office'
 *     firewall.pptp_fleet_zone_office.device='pptp-office'
 *     firewall.pptp_fleet_zone_office.input='REJECT'
 *     firewall.pptp_fleet_zone_office.output='ACCEPT'
 *     firewall.pptp_fleet_zone_office.forward='REJECT'
 *     firewall.pptp_fleet_zone_office.masq='1'
 *     firewall.pptp_fleet_zone_office.mtu_fix='1'
 *     firewall.pptp_fleet_out_office=forwarding
 *     firewall.pptp_fleet_out_office.src='lan'
 *     firewall.pptp_fleet_out_office.dest='office'
 *
 * The zone's own policies are a WAN's (nothing from the tunnel reaches the router or is
 * forwarded unless a forwarding says so); `mtu_fix` clamps TCP MSS to the tunnel's smaller MTU.
 */
export function firewallSections(t: TunnelSpec): Record<string, UciSectionFact> {
  const names = tunnelSections(t.name);
  const zone: Array<[string, string[]]> = [
    ['name', [t.name]],
    ['device', [tunnelDevice(t.name)]],
    ['input', ['REJECT']],
    ['output', ['ACCEPT']],
    ['forward', ['REJECT']],
  ];
  if (t.masquerade) zone.push(['masq', ['1']]);
  zone.push(['mtu_fix', ['1']]);
  const out: Record<string, UciSectionFact> = { [names.zone]: { type: 'zone', options: zone } };
  if (t.forward.outbound) out[names.out] = { type: 'forwarding', options: [['src', [LAN_ZONE]], ['dest', [t.name]]] };
  if (t.forward.inbound) out[names.in] = { type: 'forwarding', options: [['src', [t.name]], ['dest', [LAN_ZONE]]] };
  return out;
}

/** A value as uci prints and reads it: single-quoted, `'` as `'\''`. */
export function uciQuote(v: string): string {
  return `'${v.replace(/'/g, "'\\''")}'`;
}

/** `uci show`-style lines of sections (what --diff shows). */
export function uciShowLines(config: string, sections: Record<string, UciSectionFact>): string {
  let out = '';
  for (const [name, s] of Object.entries(sections)) {
    out += `${config}.${name}=${s.type}\n`;
    for (const [o, vs] of s.options) out += `${config}.${name}.${o}=${vs.map(uciQuote).join(' ')}\n`;
  }
  return out;
}

/** Same type and the same values per option (uci keeps options in write order; order is no difference). */
export function sameSection(a: UciSectionFact | undefined, b: UciSectionFact | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.type !== b.type || a.options.length !== b.options.length) return false;
  const key = (s: UciSectionFact): string => JSON.stringify([...s.options].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return key(a) === key(b);
}

/**
 * `uci batch` lines that create `name` as `s`: `set CONFIG.NAME=TYPE`, then `set` per option and
 * `add_list` per list value.
 */
export function uciCreate(config: string, name: string, s: UciSectionFact): string[] {
  const lines = [`set ${config}.${name}=${s.type}`];
  for (const [o, vs] of s.options) {
    if (LIST_OPTIONS.has(o)) for (const v of vs) lines.push(`add_list ${config}.${name}.${o}=${uciQuote(v)}`);
    else lines.push(`set ${config}.${name}.${o}=${uciQuote(vs.join(' '))}`);
  }
  return lines;
}
