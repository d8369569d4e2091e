// What the router's firmware needs, told from its facts: packages, kernel modules,
// pppd's MPPE dialect, the PPTP transport and the firewall chains. Pure lookups.
import type { Facts, MppeDialect, PptpTransport } from '../facts/types.js';

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
  /** `legacy`: the user chains `forwarding_rule` / `postrouting_rule` of White Russian and fw3 (≤ 21.02). */
  style: 'legacy' | 'builtin';
  /** Filter rule for traffic into/out of the tunnel: `-A forwarding_rule` or `-I FORWARD`. */
  forwardAdd: string[];
  forwardDel: string[];
  natAdd: string[];
  natDel: string[];
}

/** White Russian and fw3-era OpenWrt (≤ 21.02) have user chains; fw4 (22.03+) only the built-in ones. */
export function firewallChains(facts: Facts): FirewallChains {
  const release = facts.release?.match(/^(\d+)\.(\d+)/);
  const fw3 = release !== null && release !== undefined && compareVersions(`${release[1]}.${release[2]}`, '22.03') < 0;
  if (facts.packageManager === 'ipkg' || fw3) {
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
 * Packages a PPTP client needs. White Russian: the seed's `pptp kmod-mppe kmod-crypto` plus
 * what its RC5 note says ipkg pulls in (`kmod-gre kmod-ppp ppp`), listed so a partial install
 * is completed; newer OpenWrt: pppd, the pptp.so plugin and the kernel's PPTP, GRE and MPPE.
 */
export function requiredPackages(facts: Facts): string[] {
  if (facts.packageManager === 'ipkg') return ['pptp', 'kmod-mppe', 'kmod-crypto', 'kmod-gre', 'kmod-ppp', 'ppp'];
  return ['ppp', 'ppp-mod-pptp', 'kmod-pptp', 'kmod-gre', 'kmod-mppe'];
}

/**
 * Kernel modules to list and load, in dependency order (slhc before ppp_generic before
 * ppp_async and the MPPE module). White Russian: the seed's lists, in the seed's order.
 * Newer kernels: PPP, then GRE and PPTP for the pptp.so plugin, then the MPPE ciphers
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
  if (pptpTransport(facts) === 'plugin') mods.push('gre', 'pptp');
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
