// What the router's firmware needs, told from its facts: packages, kernel modules,
// pppd's MPPE dialect, the PPTP transport and the firewall chains. Pure lookups.
import type { Facts, MppeDialect, PptpTransport } from '../facts/types.js';
import type { TunnelSpec } from '../inventory/types.js';
import { MAX_IFNAME_TUNNEL, tunnelDevice } from '../render/firewall.js';
import { ResourceError } from '../resources/problem.js';

/** Our own modules.d file on OpenWrt 10.03+ (a file per package, read in name order at boot). */
export const MODULES_D_FILE = '/etc/modules.d/60-pptp-fleet';
export const ETC_MODULES = '/etc/modules';

/** Compares dotted versions numerically: `compareVersions('2.4.9', '2.5')` < 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isNaN(pa[i] ?? 0) ? 0 : (pa[i] ?? 0);
    const y = Number.isNaN(pb[i] ?? 0) ? 0 : (pb[i] ?? 0);
    if (x !== y) return x - y;
  }
  return 0;
}

/**
 * pppd's MPPE option syntax: ppp < 2.5 (OpenWrt's MPPE-MPPC patch) reads
 * `mppe required,no40,no56,stateless`; ppp 2.5 (OpenWrt 24.10+) reads `require-mppe-128`.
 * Without a known pppd version: apk firmware (25.x) is upstream, anything else the old patch.
 */
export function mppeDialect(facts: Facts): MppeDialect {
  if (facts.pppdVersion) return compareVersions(facts.pppdVersion, '2.5') < 0 ? 'mppc' : 'upstream';
  return facts.packageManager === 'apk' ? 'upstream' : 'mppc';
}

/**
 * How pppd reaches the server: the `pptp` binary through `pty` when installed (White Russian),
 * else the `pptp.so` plugin (ppp-mod-pptp). Before either is installed (a --check run), the
 * one the package manager's feed would bring: ipkg → pty, opkg/apk → plugin.
 */
export function pptpTransport(facts: Facts): PptpTransport {
  if (facts.hasPptpBinary) return 'pty';
  if (facts.pptpPlugin) return 'plugin';
  return facts.packageManager === 'ipkg' ? 'pty' : 'plugin';
}

/** iptables chains the ip-up/ip-down rules go into. */
export interface FirewallChains {
  /** `legacy`: White Russian's user chains `forwarding_rule` / `postrouting_rule`. */
  style: 'legacy' | 'builtin';
  /** Filter rule for traffic into/out of the tunnel: `-A forwarding_rule` or `-I FORWARD`. */
  forwardAdd: string[];
  forwardDel: string[];
  natAdd: string[];
  natDel: string[];
}

/**
 * fw3 (19.07/21.02) and fw4 (22.03+) are configured through UCI: the tunnel gets a zone there
 * (render/firewall.ts), and ip-up has no iptables lines (22.03+ ships no iptables at all).
 */
export function usesUciFirewall(facts: Facts): boolean {
  return facts.firewall.kind === 'fw3' || facts.firewall.kind === 'fw4';
}

/**
 * iptables chains for ip-up/ip-down, or null when the firewall is not iptables run by hand: a
 * UCI firewall (fw3/fw4) or none. White Russian has the user chains its S45firewall sets up;
 * any other iptables router only the built-in ones.
 */
export function firewallChains(facts: Facts): FirewallChains | null {
  if (facts.firewall.kind !== 'iptables') return null;
  if (facts.packageManager === 'ipkg') {
    return {
      style: 'legacy',
      forwardAdd: ['-A', 'forwarding_rule'],
      forwardDel: ['-D', 'forwarding_rule'],
      natAdd: ['-t', 'nat', '-A', 'postrouting_rule'],
      natDel: ['-t', 'nat', '-D', 'postrouting_rule'],
    };
  }
  return {
    style: 'builtin',
    forwardAdd: ['-t', 'filter', '-I', 'FORWARD'],
    forwardDel: ['-t', 'filter', '-D', 'FORWARD'],
    natAdd: ['-t', 'nat', '-A', 'POSTROUTING'],
    natDel: ['-t', 'nat', '-D', 'POSTROUTING'],
  };
}

/**
 * Why this firmware cannot be a PPTP client, or null. Kamikaze (7.x, 8.09) and Backfire (10.03)
 * have neither White Russian's `pptp` package nor `ppp-mod-pptp`/`kmod-pptp` (FIELD-FACTS.md):
 * told from /etc/openwrt_release, /etc/openwrt_version or the /etc/banner line.
 * @example unsupportedFirmware({ ...facts, release: '10.03.1' })
 * // → 'unsupported firmware: OpenWrt Backfire 10.03.1 ...'
 */
export function unsupportedFirmware(facts: Pick<Facts, 'release' | 'banner'>): string | null {
  const rel = facts.release ?? '';
  const banner = facts.banner ?? '';
  const bannerVersion = /\(\s*([0-9][0-9.]*)/.exec(banner)?.[1];
  let name: string | null = null;
  if (/kamikaze/i.test(banner) || /kamikaze/i.test(rel) || /^(7\.0[0-9]|8\.09)(\.|$|\s|-)/.test(rel)) name = 'Kamikaze';
  else if (/backfire/i.test(banner) || /backfire/i.test(rel) || /^10\.03(\.|$|\s|-)/.test(rel)) name = 'Backfire';
  if (name === null) return null;
  const version = /^[0-9]/.test(rel) ? rel : (bannerVersion ?? '');
  return (
    `unsupported firmware: OpenWrt ${name}${version ? ` ${version}` : ''} has no PPTP client packages ` +
    '(neither White Russian\'s pptp nor ppp-mod-pptp/kmod-pptp, which start with 12.09); ' +
    'upgrade the router to OpenWrt 12.09 or later (19.07+ recommended)'
  );
}

/** The package of pppd's pptp.so plugin (OpenWrt >= 12.09), whose netifd protocol ppp.sh adds. */
export const PPTP_PLUGIN_PACKAGE = 'ppp-mod-pptp';

/**
 * Packages a PPTP client needs. White Russian: the seed's `pptp kmod-mppe kmod-crypto` plus
 * what its RC5 note says ipkg pulls in (`kmod-gre kmod-ppp ppp`), listed so a partial install
 * is completed; newer OpenWrt: pppd, the pptp.so plugin and the kernel's PPTP, GRE and MPPE.
 */
export function requiredPackages(facts: Facts): string[] {
  if (facts.packageManager === 'ipkg') return ['pptp', 'kmod-mppe', 'kmod-crypto', 'kmod-gre', 'kmod-ppp', 'ppp'];
  return ['ppp', PPTP_PLUGIN_PACKAGE, 'kmod-pptp', 'kmod-gre', 'kmod-mppe'];
}

/**
 * Kernel modules to list and load, in dependency order (slhc before ppp_generic before
 * ppp_async and the MPPE module). White Russian: the seed's lists, in the seed's order.
 * Newer kernels: PPP, then GRE, PPPoX and PPTP for the pptp.so plugin, then the MPPE ciphers
 * (whichever of `libarc4`/`arc4`, `sha1_generic`/`sha1` the kernel has as a module:
 * built-in ones need no loading) and `ppp_mppe`.
 */
export function requiredModules(facts: Facts, encryption: boolean): string[] {
  if (facts.modulesConfig === 'etc-modules') {
    return ['slhc', 'ppp_generic', 'ppp_async', ...(encryption ? ['ppp_mppe_mppc', 'arc4', 'sha1'] : [])];
  }
  const known = new Set([...facts.availableModules, ...facts.loadedModules]);
  const pick = (candidates: string[]): string[] => {
    const found = candidates.find((c) => known.has(c));
    return found ? [found] : [];
  };
  const mods = ['slhc', 'ppp_generic', 'ppp_async'];
  // kmod-pptp's pptp.ko links against gre.ko and kmod-pppox's pppox.ko (when those are modules).
  if (pptpTransport(facts) === 'plugin') mods.push('gre', ...pick(['pppox']), 'pptp');
  if (encryption) mods.push(...pick(['libarc4', 'arc4']), ...pick(['sha1_generic', 'sha1']), 'ppp_mppe');
  return mods;
}

/** Boot script of a tunnel: sysv `S70pptp-NAME` on White Russian, rc.common `pptp-NAME` on procd. */
export function initScriptPath(facts: Facts, tunnel: string): string {
  return facts.initStyle === 'sysv' ? `/etc/init.d/S70pptp-${tunnel}` : `/etc/init.d/pptp-${tunnel}`;
}

/** The /etc/rc.d link `/etc/init.d/pptp-NAME enable` creates on procd firmware (START=70). */
export function rcdLinkPath(tunnel: string): string {
  return `/etc/rc.d/S70pptp-${tunnel}`;
}

/**
 * The fixed interface name `pptp-NAME` on routers whose firewall zone needs it (fw3/fw4), else
 * null (White Russian's pppd has no `ifname`). Throws when it would not fit Linux's 15 characters.
 */
export function tunnelIfname(t: TunnelSpec, facts: Facts): string | null {
  if (!usesUciFirewall(facts)) return null;
  if (t.name.length > MAX_IFNAME_TUNNEL) {
    throw new ResourceError(
      `tunnel ${t.name}: its interface pptp-${t.name} would be longer than Linux's 15 characters; on this firmware a tunnel name has at most ${MAX_IFNAME_TUNNEL} (its firewall zone is bound to that interface)`,
    );
  }
  return tunnelDevice(t.name);
}
