// A tunnel as a netifd interface (OpenWrt >= 12.09, manager `netifd`): `config interface NAME`
// with `proto 'pptp'` in /etc/config/network, its static routes as `config route` sections, and
// its firewall zone listing the interface by name. netifd runs pppd itself with the command line
// ppp.sh builds (openwrt/openwrt package/network/services/ppp/files/ppp.sh, ppp_generic_setup and
// proto_pptp_setup):
//
//   pppd nodetach ipparam NAME ifname pptp-NAME [lcp-echo-interval I lcp-echo-failure F
//     lcp-echo-adaptive] nodefaultroute usepeerdns [precompiled-active-filter /etc/ppp/filter
//     demand idle N] maxfail 1 [user U password P] ip-up-script /lib/netifd/ppp-up
//     ip-down-script /lib/netifd/ppp-down plugin pptp.so pptp_server SERVER
//     file /etc/ppp/options.pptp $pppd_options
//
// so a UCI `password` would be on pppd's command line (/proc/PID/cmdline, readable by every
// process) and in the world-readable /etc/config/network. The tool writes none: ppp.sh then
// passes `password ''`, which pppd treats as unset, and pppd reads the secret from
// /etc/ppp/chap-secrets (mode 600) for the client `user` and the server `remotename`, which is
// why `remotename NAME` goes into pppd_options (the chap-secrets line's server field is NAME).
//
// Nothing here writes: these are the sections the planner compares with the router's and hands
// to resources/uci.ts (`uci batch`, commit, `/etc/init.d/network reload`, which restarts only
// interfaces whose config changed and brings up new ones).
import type { MppeDialect, UciSectionFact } from '../facts/types.js';
import type { TunnelSpec } from '../inventory/types.js';
import { firewallSections, MAX_IFNAME_TUNNEL } from './firewall.js';
import { cidrToNetmask } from './ip-scripts.js';
import { mppeLines } from './mppe.js';

export const NETWORK_CONFIG = 'network';
/** Applies a committed /etc/config/network: netifd restarts changed interfaces, starts new ones. */
export const NETWORK_RELOAD = '/etc/init.d/network reload';
/** UCI type of the tunnel's interface section and of its static routes. */
export const INTERFACE_TYPE = 'interface';
export const ROUTE_TYPE = 'route';
/** The keepalive ppp.sh uses when the interface sets none (failure threshold, then interval). */
export const NETIFD_DEFAULT_KEEPALIVE = '5 1';

const ROUTE_PREFIX = 'pptp_fleet_rt_';

/**
 * The interface (and UCI section) name of tunnel NAME: UCI names are [A-Za-z0-9_], so a `-`
 * becomes `_`. The planner refuses two tunnels that map to one name.
 * @example netifdInterface('branch-2') // 'branch_2'
 */
export function netifdInterface(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * The interface's device: ppp.sh's `ifname ${proto}-${interface}`.
 * @example netifdDevice('branch-2') // 'pptp-branch_2'
 */
export function netifdDevice(name: string): string {
  return `pptp-${netifdInterface(name)}`;
}

/** Names of the static-route sections a tunnel may own, by position: pptp_fleet_rt_office_1, ... */
export function routeSectionName(name: string, index: number): string {
  return `${ROUTE_PREFIX}${netifdInterface(name)}_${index + 1}`;
}

/** True for a route section name this tool gave tunnel NAME (any position). */
export function isOwnRouteSection(name: string, section: string): boolean {
  return new RegExp(`^${ROUTE_PREFIX}${netifdInterface(name)}_[1-9][0-9]*$`).test(section);
}

/**
 * `keepalive` from the tunnel's LCP echo settings, as ppp.sh reads it: "FAILURES INTERVAL"
 * (`${keepalive%%[, ]*}` is the failure threshold, `${keepalive##*[, ]}` the interval). A missing
 * half takes netifd's default (5 failures, interval 1 s); none set: null (netifd's default).
 * @example netifdKeepalive({ lcpEchoInterval: 30, lcpEchoFailure: 4 }) // '4 30'
 */
export function netifdKeepalive(t: Pick<TunnelSpec, 'lcpEchoInterval' | 'lcpEchoFailure'>): string | null {
  if (t.lcpEchoInterval === undefined && t.lcpEchoFailure === undefined) return null;
  const [defFailure, defInterval] = NETIFD_DEFAULT_KEEPALIVE.split(' ');
  return `${t.lcpEchoFailure ?? defFailure} ${t.lcpEchoInterval ?? defInterval}`;
}

/**
 * The words of `pppd_options`: what the peer file carries in pppd mode and netifd has no option
 * for. ppp.sh splits pppd_options on blanks without any quoting, so every word must be plain.
 * @example netifdPppdOptions(office, 'upstream') // ['remotename', 'office', 'require-mppe-128', 'nomppe-stateful', 'refuse-eap']
 */
export function netifdPppdOptions(t: TunnelSpec, dialect: MppeDialect): string[] {
  const lines = [`remotename ${t.name}`];
  if (t.mppe) lines.push(...mppeLines(t.mppe, dialect));
  if (t.refuseEap) lines.push('refuse-eap');
  // demand with an idle time is netifd's own `demand` option (below); these are the rest
  if (t.demand && t.idle === undefined) lines.push('demand');
  if (!t.demand && t.idle !== undefined) lines.push(`idle ${t.idle}`);
  lines.push(...t.extraOptions);
  return lines.flatMap((l) => l.trim().split(/\s+/)).filter((w) => w !== '');
}

/**
 * Why tunnel T cannot be a netifd interface, one message per problem (empty: it can):
 * pppd_options has no quoting (an extra option with quotes, a backslash or `#` would be
 * mangled), and the interface name `pptp-NAME` holds 15 characters at most.
 * @example netifdProblems({ ...office, extraOptions: ['remotename "a b"'] })[0] // 'extra_options[0] …'
 */
export function netifdProblems(t: TunnelSpec): string[] {
  const out: string[] = [];
  t.extraOptions.forEach((line, i) => {
    if (/["'\\#]/.test(line)) {
      out.push(`extra_options[${i}]: ${JSON.stringify(line)} cannot go through netifd's pppd_options, which ppp.sh splits on blanks with no quoting (use manager: pppd)`);
    }
  });
  if (netifdInterface(t.name).length > MAX_IFNAME_TUNNEL) {
    out.push(`name: ${JSON.stringify(t.name)} is longer than ${MAX_IFNAME_TUNNEL} characters: netifd names its device pptp-NAME and Linux allows 15`);
  }
  return out;
}

/**
 * The /etc/config/network sections of tunnel T: its interface and one `config route` per route.
 * For `office` (server 198.51.100.1, MPPE required+stateless on ppp 2.5, refuse-eap, LCP echo
 * 30 s × 4, route 10.20.0.0/16, no default route):
 *
 *     network.office=interface
 *     network.office.proto='pptp'
 *     network.office.server='198.51.100.1'
 *     network.office.username='LAB\fleet'
 *     network.office.keepalive='4 30'
 *     network.office.pppd_options='remotename office require-mppe-128 nomppe-stateful refuse-eap'
 *     network.office.defaultroute='0'
 *     network.office.peerdns='0'
 *     network.office.auto='1'
 *     network.pptp_fleet_rt_office_1=route
 *     network.pptp_fleet_rt_office_1.interface='office'
 *     network.pptp_fleet_rt_office_1.target='10.20.0.0'
 *     network.pptp_fleet_rt_office_1.netmask='255.255.0.0'
 *
 * No `password`: see the file comment. `peerdns '0'`: ppp.sh always passes `usepeerdns`, and
 * netifd would otherwise hand the VPN server's DNS servers to the whole router.
 */
export function netifdSections(t: TunnelSpec, dialect: MppeDialect): Record<string, UciSectionFact> {
  const iface = netifdInterface(t.name);
  const options: Array<[string, string[]]> = [
    ['proto', ['pptp']],
    ['server', [t.server]],
    ['username', [t.username]],
  ];
  const keepalive = netifdKeepalive(t);
  if (keepalive !== null) options.push(['keepalive', [keepalive]]);
  if (t.demand && t.idle !== undefined) options.push(['demand', [String(t.idle)]]);
  const words = netifdPppdOptions(t, dialect);
  if (words.length > 0) options.push(['pppd_options', [words.join(' ')]]);
  options.push(['defaultroute', [t.defaultRoute === 'replace' ? '1' : '0']]);
  options.push(['peerdns', ['0']]);
  options.push(['auto', [t.startOnBoot ? '1' : '0']]);
  const out: Record<string, UciSectionFact> = { [iface]: { type: INTERFACE_TYPE, options } };
  t.routes.forEach((cidr, i) => {
    const [target, netmask] = cidrToNetmask(cidr);
    out[routeSectionName(t.name, i)] = {
      type: ROUTE_TYPE,
      options: [
        ['interface', [iface]],
        ['target', [target]],
        ['netmask', [netmask]],
      ],
    };
  });
  return out;
}

/**
 * Sections of CURRENT (the router's /etc/config/network, by name) that tunnel NAME owns and
 * WANT no longer has: route sections beyond its route count, and its interface when the tunnel
 * is gone (only a `proto 'pptp'` interface: one of another protocol is someone else's).
 * @example netifdStaleSections('office', current, {}) // ['office', 'pptp_fleet_rt_office_1']
 */
export function netifdStaleSections(name: string, current: Record<string, UciSectionFact>, want: Record<string, UciSectionFact>): string[] {
  const iface = netifdInterface(name);
  const out: string[] = [];
  const cur = current[iface];
  if (!(iface in want) && cur && isPptpInterface(cur)) out.push(iface);
  for (const s of Object.keys(current)) if (isOwnRouteSection(name, s) && !(s in want)) out.push(s);
  return out;
}

/** A `config interface` whose proto is pptp. */
export function isPptpInterface(s: UciSectionFact): boolean {
  return s.type === INTERFACE_TYPE && s.options.some(([o, v]) => o === 'proto' && v[0] === 'pptp');
}

/**
 * A problem when /etc/config/network already has a section named like the tunnel's interface
 * that is not a PPTP interface (the LAN, a WAN, someone's VPN): the tool must not take it over.
 * @example netifdClash(office, { office: { type: 'interface', options: [['proto', ['static']]] } }) // 'name: …'
 */
export function netifdClash(t: TunnelSpec, current: Record<string, UciSectionFact>): string | null {
  const iface = netifdInterface(t.name);
  const cur = current[iface];
  if (!cur || isPptpInterface(cur)) return null;
  const proto = cur.options.find(([o]) => o === 'proto')?.[1][0] ?? 'none';
  return `name: /etc/config/network already has a ${cur.type} section ${JSON.stringify(iface)} (proto ${proto}) that is not a PPTP tunnel; rename the tunnel`;
}

/**
 * The firewall sections of T in netifd mode: firewall.ts's zone and forwardings, the zone
 * naming the interface (`list network 'office'`) instead of the device, as zones reference
 * netifd interfaces.
 * @example netifdFirewallSections(office).pptp_fleet_zone_office.options // [['name', ['office']], ['network', ['office']], ...]
 */
export function netifdFirewallSections(t: TunnelSpec): Record<string, UciSectionFact> {
  const sections = firewallSections(t);
  for (const s of Object.values(sections)) {
    if (s.type !== 'zone') continue;
    s.options = s.options.map(([o, v]) => (o === 'device' ? ['network', [netifdInterface(t.name)]] : [o, v]));
  }
  return sections;
}
