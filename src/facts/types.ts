// What one SSH exec learns about a router (see gather.ts for the script, parse.ts for parsers).
// Everything the planner needs, nothing it does not.

export type PackageManager = 'ipkg' | 'opkg' | 'apk';

/**
 * MPPE option syntax pppd understands:
 * - `mppc`: OpenWrt's MPPE-MPPC patch (`mppe required,no40,no56,stateless`), White Russian .. 23.05 (ppp < 2.5)
 * - `upstream`: ppp 2.5 (`require-mppe-128`, `nomppe-stateful`), OpenWrt 24.10 and later
 */
export type MppeDialect = 'mppc' | 'upstream';

/** How pppd reaches the PPTP server: the `pptp` binary via `pty`, or the `pptp.so` plugin. */
export type PptpTransport = 'pty' | 'plugin';

export type InitStyle = 'sysv' | 'procd';

/**
 * The router's firewall: `fw4` (22.03+, nftables, UCI), `fw3` (19.07/21.02, iptables, UCI),
 * `iptables` (no UCI firewall: White Russian's S45firewall, or a build without fw3/fw4),
 * `none` (neither). Told from /sbin/fw4, /sbin/fw3 and an iptables binary.
 */
export type FirewallKind = 'fw4' | 'fw3' | 'iptables' | 'none';

/** One UCI section as `uci show` prints it: its type and option lines (`name='office'`). */
export interface UciSectionFact {
  type: string;
  /** Options in `uci show` order: option name → values (one for an option, several for a list). */
  options: Array<[string, string[]]>;
}

export interface FirewallFacts {
  kind: FirewallKind;
  /** pptp-fleet's own sections of /etc/config/firewall (named `pptp_fleet_*`), keyed by section name. */
  sections: Record<string, UciSectionFact>;
  /** Names (`option name`) of the other zones, e.g. lan, wan: ours must not clash, forwardings need `lan`. */
  otherZones: string[];
}

export interface FileFact {
  path: string;
  type: 'file' | 'symlink' | 'dir' | 'missing';
  /** For symlinks: the link target as read by readlink. */
  linkTarget?: string;
  /** Octal permission bits, e.g. `600`. */
  mode?: string;
  uid?: number;
  gid?: number;
  md5?: string;
  /** Content, for the small files the planner manages in blocks or diffs (text). */
  content?: string;
}

export interface PppdProcess {
  /** linkname from ppp-<linkname>.pid (in /var/run, or /var/run/pppd for pppd 2.5) */
  linkname: string;
  pid: number;
  /** true when the pid in the pid file is alive. */
  alive: boolean;
  /**
   * `ifname`: from IFNAME.pid (pptp-NAME.pid), pppd's pid file by interface and the only one a
   * pppd run by netifd has (linkname is then the interface, e.g. `pptp-office`). Absent: from
   * ppp-LINKNAME.pid, a pppd the tool (or its boot script) started with `linkname`.
   */
  by?: 'ifname';
  /** Interface from the pid file's second line (pppd writes it once the link is up), e.g. ppp0. */
  iface?: string;
  /** Last syslog lines of this pid (alive processes only), as logread prints them. */
  recentLog?: string;
}

export interface Facts {
  /** Raw `uname -n`-ish hostname, informational. */
  hostname: string;
  /** /etc/openwrt_release DISTRIB_RELEASE or /etc/openwrt_version, informational. */
  release?: string;
  packageManager: PackageManager | null;
  /** e.g. `2.4.3`, `2.5.1`; null when pppd is not installed (or its version could not be told). */
  pppdVersion: string | null;
  /** `/usr/sbin/pppd` exists (its version may still be unknown: see pppdVersion). */
  hasPppd: boolean;
  /** Installed package names. */
  packages: string[];
  /** Modules listed by lsmod. */
  loadedModules: string[];
  /** Module names `insmod` can load (from /lib/modules/<ver>/ *.ko). */
  availableModules: string[];
  /** Where module lists live: `/etc/modules` (White Russian) or `/etc/modules.d/` (newer). */
  modulesConfig: 'etc-modules' | 'modules.d';
  initStyle: InitStyle;
  /** `/usr/sbin/pptp` present. */
  hasPptpBinary: boolean;
  /** `pptp.so` plugin path if present, e.g. /usr/lib/pppd/2.4.9/pptp.so */
  pptpPlugin: string | null;
  /** Busybox has sha256sum (White Russian does not: md5sum only). */
  hasSha256sum: boolean;
  /** State of each managed path, keyed by absolute path. */
  files: Record<string, FileFact>;
  /** pppd processes found by pid file. */
  pppd: PppdProcess[];
  /**
   * The kernel's host route to the peer of each tunnel interface (pppN, pptp-NAME): interface →
   * peer address. pppd sets the point-to-point addresses once IPCP completed and removes them
   * when the link goes down, so such a route is the link's own proof of being up, when its
   * log lines have rotated out of logread's ring buffer.
   */
  peerRoutes?: Record<string, string>;
  /** Default route: gateway and device, from the routing table (not via a tunnel). */
  wan: { gateway: string | null; device: string | null };
  /** Package manager lock held by another run right now. */
  packageLockHeld: boolean;
  /** The firewall and the UCI state of our firewall sections. */
  firewall: FirewallFacts;
  /**
   * netifd with the ppp package's protocol handler (/sbin/netifd, /lib/netifd/proto/ppp.sh): the
   * router can run a tunnel as a `proto 'pptp'` interface (OpenWrt >= 12.09; not White Russian).
   */
  netifd: boolean;
  /**
   * Sections of /etc/config/network the tool may own or must not clash with: the interfaces
   * named like the host's tunnels and the `pptp_fleet_*` route sections. Empty without netifd.
   */
  network: Record<string, UciSectionFact>;
  /**
   * Our sections (`pptp_fleet_*`, and in `network` the interfaces named like the host's tunnels)
   * with pending (uncommitted) changes in uci's save directory, by config: what an apply cut
   * between its `uci batch` and its commit left. Absent when there are none.
   */
  uciPending?: Record<string, string[]>;
  /**
   * The release line of /etc/banner when it names an old release (`KAMIKAZE (8.09, r14127)`,
   * `Backfire (10.03, r20728)`): those firmwares have no PPTP client packages.
   */
  banner?: string;
}
