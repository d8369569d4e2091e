// The firmware layer of a lab router: what makes a bare busybox rootfs look like a White Russian,
// OpenWrt 19.07, 23.05, 24.10 or 25.12 router. It writes the OpenWrt files (/etc/openwrt_release,
// /etc/modules or /etc/modules.d, init scripts, /etc/ppp, /rom), the simulated kernel and network
// state (/lab/state), the local package feed (/lab/feed) and the stand-in programs from
// packages/lab/standins (busybox sh + awk): insmod/rmmod/lsmod, route, ip, ifconfig, iptables,
// logread/logger, ipkg/opkg/apk, uci, netifd/ubus/ifup, pppd and pptp. The layout is described in the README, "The lab".
import { chmod, lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileDefaultFirewall, FIREWALL_CONFIG_FW3, FIREWALL_CONFIG_FW4, fw3Tables, networkConfig, whiteRussianTables } from './firewall-state.js';
import type { Firmware, Scenario } from './types.js';


/** Where the stand-in scripts live: `standins/` at the lab package's root, one level above both src/ and dist/. */
export function standinsDir(): string {
  return fileURLToPath(new URL('../standins', import.meta.url));
}

/** A file a feed package installs: a stand-in script, literal text, or an empty marker. */
export type FeedFile = { standin: string } | { text: string; mode?: number };

/** /lib/netifd/proto/ppp.sh in the lab: a marker; /sbin/netifd (standins/bin/netifd) acts for it. */
const NETIFD_PPP_SH = '#!/bin/sh\n# lab: the ppp package\'s netifd protocol handler (ppp, pptp once pptp.so is installed),\n# played by /sbin/netifd (the lab\'s netifd stand-in)\n';

/** Seconds from `lab reboot` until the WAN has its address and default route. */
export const WAN_DELAY_SEC = 3;

export interface FeedPackage {
  name: string;
  version: string;
  depends: string[];
  description: string;
  /** rootfs path → content */
  files: Record<string, FeedFile>;
}

/** A kernel module the simulated kernel knows: size, symbol dependencies, runtime needs. */
export interface ModuleInfo {
  name: string;
  size: number;
  /** Modules whose symbols it uses: insmod fails with "unknown symbol" unless they are loaded. */
  deps: string[];
  /** Modules its init needs registered (e.g. ppp_mppe needs a sha1): else "No such device". */
  needs: string[];
}

/** Which firewall the firmware runs (FIELD-FACTS.md, "Firewall"). */
export type FirewallKind = 'wr-iptables' | 'fw3' | 'fw4';

export interface FirmwareProfile {
  release: string;
  /** The kernel the feed's kmods are built for (and the router runs, but for `kernel_mismatch`). */
  kernel: string;
  /** Version of the `kernel` package: what every kmod of the feed depends on, exactly. */
  kernelPackage: string;
  pppVersion: '2.4.3' | '2.4.7' | '2.4.9' | '2.5.1' | '2.5.2';
  /** Version of the `ppp` and `ppp-mod-pptp` packages. */
  pppPackage: string;
  /** `mppc`: the MPPE-MPPC patch (`mppe required,stateless`); `upstream`: `require-mppe-128`. */
  mppeDialect: 'mppc' | 'upstream';
  packageManager: 'ipkg' | 'opkg' | 'apk';
  packageManagerPath: string;
  lockPath: string;
  arch: string;
  feedUrl: string;
  wan: string;
  lan: string;
  firewall: FirewallKind;
  /** Whether the shipped /etc/ppp/options has `debug` enabled (current trees) or `#debug`. */
  optionsDebug: boolean;
  dropbearVersion: string;
  /** Packages in the default image, installed at first boot. */
  preinstalled: string[];
  /** Modules loaded at boot. */
  bootModules: string[];
}

export const FIRMWARE_PROFILES: Readonly<Record<Firmware, FirmwareProfile>> = {
  whiterussian: {
    release: '0.9',
    kernel: '2.4.30',
    kernelPackage: '2.4.30-brcm-5',
    pppVersion: '2.4.3',
    pppPackage: '2.4.3-7',
    mppeDialect: 'mppc',
    packageManager: 'ipkg',
    packageManagerPath: '/bin/ipkg',
    lockPath: '/var/lock/ipkg.lock',
    arch: 'mipsel',
    feedUrl: 'http://downloads.openwrt.org/whiterussian/packages',
    wan: 'vlan1',
    lan: 'br0',
    firewall: 'wr-iptables',
    optionsDebug: false,
    dropbearVersion: '0.45-3',
    preinstalled: [],
    bootModules: ['switch-core', 'switch-robo', 'diag', 'wl'],
  },
  'openwrt-19': {
    release: '19.07.10',
    kernel: '4.14.275',
    kernelPackage: '4.14.275-1-5b2b0a1f8e1e5e0a0c8bb6e6f6e6b0a3',
    pppVersion: '2.4.7',
    pppPackage: '2.4.7.git-2019-10-04-3',
    mppeDialect: 'mppc',
    packageManager: 'opkg',
    packageManagerPath: '/bin/opkg',
    lockPath: '/var/lock/opkg.lock',
    arch: 'mipsel_24kc',
    feedUrl: 'https://downloads.openwrt.org/releases/19.07.10/packages/mipsel_24kc/base',
    wan: 'eth1',
    lan: 'br-lan',
    firewall: 'fw3',
    optionsDebug: false,
    dropbearVersion: '2019.78-2',
    preinstalled: ['kmod-ppp', 'ppp'],
    bootModules: ['nf_conntrack', 'slhc', 'ppp_generic', 'ppp_async'],
  },
  openwrt: {
    release: '23.05.5',
    kernel: '5.15.167',
    kernelPackage: '5.15.167-1-0ff9d6d3e1c4d4b9b8d3b3b1e3f4e5a6',
    pppVersion: '2.4.9',
    pppPackage: '2.4.9.git-2021-01-04-4',
    mppeDialect: 'mppc',
    packageManager: 'opkg',
    packageManagerPath: '/bin/opkg',
    lockPath: '/var/lock/opkg.lock',
    arch: 'mipsel_24kc',
    feedUrl: 'https://downloads.openwrt.org/releases/23.05.5/packages/mipsel_24kc/base',
    wan: 'eth1',
    lan: 'br-lan',
    firewall: 'fw4',
    optionsDebug: false,
    dropbearVersion: '2022.82-6',
    preinstalled: ['kmod-ppp', 'ppp'],
    bootModules: ['nf_conntrack', 'slhc', 'ppp_generic', 'ppp_async'],
  },
  'openwrt-24': {
    release: '24.10.0',
    kernel: '6.6.73',
    kernelPackage: '6.6.73-1-8b4c5e6d7f8091a2b3c4d5e6f708192a',
    pppVersion: '2.5.1',
    pppPackage: '2.5.1-r1',
    mppeDialect: 'upstream',
    packageManager: 'opkg',
    packageManagerPath: '/bin/opkg',
    lockPath: '/var/lock/opkg.lock',
    arch: 'mipsel_24kc',
    feedUrl: 'https://downloads.openwrt.org/releases/24.10.0/packages/mipsel_24kc/base',
    wan: 'eth1',
    lan: 'br-lan',
    firewall: 'fw4',
    optionsDebug: false,
    dropbearVersion: '2024.86-r1',
    preinstalled: ['kmod-ppp', 'ppp'],
    bootModules: ['nf_conntrack', 'slhc', 'ppp_generic', 'ppp_async'],
  },
  'openwrt-apk': {
    release: '25.12.0',
    kernel: '6.12.57',
    kernelPackage: '6.12.57~4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a-r1',
    pppVersion: '2.5.2',
    pppPackage: '2.5.2-r1',
    mppeDialect: 'upstream',
    packageManager: 'apk',
    packageManagerPath: '/sbin/apk',
    lockPath: '/lib/apk/db/lock',
    arch: 'mipsel_24kc',
    feedUrl: 'https://downloads.openwrt.org/releases/25.12.0/packages/mipsel_24kc/base',
    wan: 'eth1',
    lan: 'br-lan',
    firewall: 'fw4',
    optionsDebug: true,
    dropbearVersion: '2025.88-r1',
    preinstalled: ['kmod-ppp', 'ppp'],
    bootModules: ['nf_conntrack', 'slhc', 'ppp_generic', 'ppp_async'],
  },
};

/**
 * The kernel a router runs: the profile's, except under `kernel_mismatch`, where it is an older
 * build of the same series (a router left on an older release or snapshot while the feed moved).
 * @example runningKernel('openwrt', 'kernel_mismatch') // '5.15.150'
 */
export function runningKernel(firmware: Firmware, scenario: Scenario): { kernel: string; kernelPackage: string } {
  const p = FIRMWARE_PROFILES[firmware];
  if (scenario !== 'kernel_mismatch' || firmware === 'whiterussian') return { kernel: p.kernel, kernelPackage: p.kernelPackage };
  const [maj, min, patch] = p.kernel.split('.');
  const kernel = `${maj}.${min}.${Math.max(1, Number(patch) - 17)}`;
  const kernelPackage = p.packageManager === 'apk' ? `${kernel}~0a1b2c3d4e5f60718293a4b5c6d7e8f9-r1` : `${kernel}-1-0a1b2c3d4e5f60718293a4b5c6d7e8f9`;
  return { kernel, kernelPackage };
}

// options.pptp as OpenWrt's ppp-mod-pptp ships it, every release from 12.09 on (ppp 2.5 included:
// 24.10 and 25.x still carry the MPPE-MPPC line ppp 2.5 rejects).
const OPTIONS_PPTP_OPENWRT = `noipdefault
noauth
nobsdcomp
nodeflate
idle 0
mppe required,no40,no56,stateless
maxfail 0
`;

// White Russian's pptp package.
const OPTIONS_PPTP_MPPC = `lock
noauth
nobsdcomp
nodeflate
idle 0
mppe required,no40,no56,stateless
`;

function ko(kernel: string, ...names: string[]): Record<string, FeedFile> {
  const files: Record<string, FeedFile> = {};
  for (const n of names) files[`/lib/modules/${kernel}/${n}.ko`] = { text: `lab kernel module ${n}\n`, mode: 0o644 };
  return files;
}

function modulesD(name: string, modules: string[]): Record<string, FeedFile> {
  return { [`/etc/modules.d/${name}`]: { text: modules.map((m) => `${m}\n`).join(''), mode: 0o644 } };
}

/** Kernel ≥ 5.4: ARC4 is a library (libarc4.ko) that ppp_mppe links against. */
function hasLibArc4(kernel: string): boolean {
  const [maj, min] = kernel.split('.').map(Number);
  return (maj ?? 0) > 5 || ((maj ?? 0) === 5 && (min ?? 0) >= 4);
}

/** The local package feed of a firmware flavour, built for the profile's kernel. */
export function feedPackages(firmware: Firmware): FeedPackage[] {
  const p = FIRMWARE_PROFILES[firmware];
  const k = p.kernel;
  if (firmware === 'whiterussian') {
    const kv = p.kernelPackage;
    return [
      { name: 'kmod-ppp', version: kv, depends: [], description: 'PPP support', files: ko(k, 'slhc', 'ppp_generic', 'ppp_async') },
      { name: 'kmod-crypto', version: kv, depends: [], description: 'CryptoAPI modules', files: ko(k, 'arc4', 'sha1') },
      {
        name: 'kmod-mppe',
        version: kv,
        depends: ['kmod-crypto', 'kmod-ppp'],
        description: 'Microsoft PPP compression/encryption',
        files: ko(k, 'ppp_mppe_mppc'),
      },
      { name: 'kmod-gre', version: kv, depends: [], description: 'GRE support', files: ko(k, 'ip_gre') },
      {
        name: 'ppp',
        version: p.pppPackage,
        depends: ['kmod-ppp'],
        description: 'a PPP (Point-to-Point Protocol) daemon (with MPPE/MPPC support)',
        files: { '/usr/sbin/pppd': { standin: 'bin/pppd' } },
      },
      {
        name: 'pptp',
        version: '1.6.0-1',
        depends: ['ppp', 'kmod-gre'],
        description: 'a Point-to-Point Tunneling Protocol (PPTP) client',
        files: { '/usr/sbin/pptp': { standin: 'bin/pptp' }, '/etc/ppp/options.pptp': { text: OPTIONS_PPTP_MPPC, mode: 0o644 } },
      },
    ];
  }
  const apk = p.packageManager === 'apk';
  const kv = apk ? `${k}-r1` : `${k}-1`;
  // every kmod depends on the exact kernel it was built for
  const kdep = apk ? `kernel=${p.kernelPackage}` : `kernel (= ${p.kernelPackage})`;
  const kmod = (name: string, depends: string[], description: string, files: Record<string, FeedFile>): FeedPackage => ({
    name,
    version: kv,
    depends: [kdep, ...depends],
    description,
    files,
  });
  const libarc4 = hasLibArc4(k);
  return [
    kmod('kmod-ppp', [], 'Kernel modules for PPP support', { ...ko(k, 'slhc', 'ppp_generic', 'ppp_async'), ...modulesD('ppp', ['ppp_async']) }),
    kmod('kmod-crypto-arc4', [], 'ARC4 cipher CryptoAPI module', {
      ...ko(k, 'arc4', ...(libarc4 ? ['libarc4'] : [])),
      ...modulesD('09-crypto-arc4', ['arc4']),
    }),
    kmod('kmod-crypto-sha1', [], 'SHA1 digest CryptoAPI module', { ...ko(k, 'sha1_generic'), ...modulesD('09-crypto-sha1', ['sha1_generic']) }),
    kmod('kmod-crypto-ecb', [], 'ECB digest CryptoAPI module', { ...ko(k, 'ecb'), ...modulesD('09-crypto-ecb', ['ecb']) }),
    kmod('kmod-mppe', ['kmod-ppp', 'kmod-crypto-arc4', 'kmod-crypto-sha1', 'kmod-crypto-ecb'], 'Microsoft PPP compression/encryption', {
      ...ko(k, 'ppp_mppe'),
      ...modulesD('mppe', ['ppp_mppe']),
    }),
    kmod('kmod-gre', [], 'GRE support', { ...ko(k, 'gre'), ...modulesD('39-gre', ['gre']) }),
    kmod('kmod-pppox', ['kmod-ppp'], 'PPPoX helper', { ...ko(k, 'pppox'), ...modulesD('pppox', ['pppox']) }),
    kmod('kmod-pptp', ['kmod-ppp', 'kmod-gre', 'kmod-pppox'], 'PPtP support', { ...ko(k, 'pptp'), ...modulesD('pptp', ['pptp']) }),
    { name: 'resolveip', version: apk ? '2-r10' : '2-10', depends: [], description: 'Simple DNS resolver with configurable timeout', files: {} },
    // 22.03+: iptables only as the nftables-backed compatibility tool, in its own table that
    // firewall4's forward chain never consults (the LAN client check ignores it there)
    ...(p.firewall === 'fw4'
      ? [
          {
            name: 'iptables-nft',
            version: apk ? '1.8.10-r1' : '1.8.8-7',
            depends: [],
            description: 'IP firewall administration tool nft',
            files: {
              '/usr/sbin/iptables': { standin: 'bin/iptables' },
              '/lab/state/iptables/filter.chains': { text: 'INPUT ACCEPT\nFORWARD ACCEPT\nOUTPUT ACCEPT\n' },
              '/lab/state/iptables/filter.rules': { text: '' },
              '/lab/state/iptables/nat.chains': { text: 'PREROUTING ACCEPT\nINPUT ACCEPT\nOUTPUT ACCEPT\nPOSTROUTING ACCEPT\n' },
              '/lab/state/iptables/nat.rules': { text: '' },
            },
          },
        ]
      : []),
    {
      name: 'ppp',
      version: p.pppPackage,
      depends: ['kmod-ppp'],
      description: 'PPP daemon',
      // ppp's netifd protocol handler, which registers pptp once pptp.so is there (the lab's
      // /sbin/netifd plays what it does); the tool tells netifd routers by this file.
      files: { '/usr/sbin/pppd': { standin: 'bin/pppd' }, '/lib/netifd/proto/ppp.sh': { text: NETIFD_PPP_SH, mode: 0o755 } },
    },
    {
      name: 'ppp-mod-pptp',
      version: p.pppPackage,
      depends: ['ppp', 'kmod-pptp', 'kmod-mppe', 'resolveip'],
      description: 'PPtP plugin for pppd',
      files: {
        [`/usr/lib/pppd/${p.pppVersion}/pptp.so`]: { text: 'lab pppd plugin pptp.so\n', mode: 0o755 },
        '/etc/ppp/options.pptp': { text: OPTIONS_PPTP_OPENWRT, mode: 0o644 },
      },
    },
  ];
}

/** The modules the simulated kernel of a flavour knows about. */
export function moduleTable(firmware: Firmware): ModuleInfo[] {
  const m = (name: string, size: number, deps: string[] = [], needs: string[] = []): ModuleInfo => ({ name, size, deps, needs });
  if (firmware === 'whiterussian') {
    return [
      m('switch-core', 5456),
      m('switch-robo', 5204, ['switch-core']),
      m('diag', 5512),
      m('wl', 424740),
      m('slhc', 4640),
      m('ppp_generic', 19804, ['slhc']),
      m('ppp_async', 6944, ['ppp_generic']),
      m('arc4', 1024),
      m('sha1', 6400),
      m('ppp_mppe_mppc', 14336, ['ppp_generic']),
      m('ip_gre', 9216),
    ];
  }
  const libarc4 = hasLibArc4(FIRMWARE_PROFILES[firmware].kernel);
  return [
    m('nf_conntrack', 92176),
    m('slhc', 4480),
    m('ppp_generic', 23872, ['slhc']),
    m('ppp_async', 8720, ['ppp_generic']),
    ...(libarc4 ? [m('libarc4', 1872), m('arc4', 1120, ['libarc4'])] : [m('arc4', 1856)]),
    m('sha1_generic', 2272),
    m('ecb', 1536),
    // kernel < 5.4: ppp_mppe finds ARC4 through the crypto API at init; later it links libarc4
    libarc4 ? m('ppp_mppe', 5280, ['ppp_generic', 'libarc4'], ['sha1_generic']) : m('ppp_mppe', 7344, ['ppp_generic'], ['sha1_generic', 'arc4']),
    m('gre', 1728),
    m('pppox', 1392, ['ppp_generic']),
    m('pptp', 11104, ['gre', 'ppp_generic', 'pppox']),
  ];
}

/** Rootfs path → stand-in script (relative to standinsDir()) placed for every router. */
function standinPlacements(firmware: Firmware): Record<string, string> {
  const p = FIRMWARE_PROFILES[firmware];
  const out: Record<string, string> = {
    '/lab/lib/common.sh': 'lib/common.sh',
    '/lab/lib/pppd-opts.awk': 'lib/pppd-opts.awk',
    '/lab/lib/secrets.awk': 'lib/secrets.awk',
    '/lab/lib/logread.awk': 'lib/logread.awk',
    '/lab/bin/hold-lock': 'bin/hold-lock',
    '/lab/bin/init': 'bin/init',
    '/lab/bin/boot': 'bin/boot',
    '/lab/bin/lcp-echo': 'bin/lcp-echo',
    '/sbin/insmod': 'bin/insmod',
    '/sbin/rmmod': 'bin/rmmod',
    '/sbin/lsmod': 'bin/lsmod',
    '/sbin/route': 'bin/route',
    '/sbin/ifconfig': 'bin/ifconfig',
    '/sbin/logread': 'bin/logread',
    '/usr/bin/logger': 'bin/logger',
    '/bin/uname': 'bin/uname',
    // busybox applets as OpenWrt's config builds them (see APPLETS in rootfs.ts)
    '/bin/sleep': 'bin/sleep',
    '/usr/bin/sort': 'bin/sort',
    '/usr/bin/tr': 'bin/tr',
    [p.packageManagerPath]: 'bin/pkg',
  };
  // 22.03+ (firewall4 on nftables) ship no iptables at all
  if (p.firewall !== 'fw4') out['/usr/sbin/iptables'] = 'bin/iptables';
  if (firmware !== 'whiterussian') {
    out['/sbin/ip'] = 'bin/ip';
    out['/etc/rc.common'] = 'bin/rc.common';
    out['/sbin/uci'] = 'bin/uci';
    out['/lab/lib/uci.awk'] = 'lib/uci.awk';
    out[p.firewall === 'fw3' ? '/sbin/fw3' : '/sbin/fw4'] = 'bin/fw';
    // netifd and its command-line tools, and ppp's netifd hooks: one stand-in acting by its name
    for (const path of ['/sbin/netifd', '/bin/ubus', '/sbin/ifup', '/sbin/ifdown', '/sbin/ifstatus', '/lib/netifd/ppp-up', '/lib/netifd/ppp-down']) {
      out[path] = 'bin/netifd';
    }
  }
  return out;
}

function statusEntry(pm: FirmwareProfile['packageManager'], pkg: { name: string; version: string; depends: string[] }, arch: string, files: string[]): string {
  const time = 1_700_000_000;
  if (pm === 'apk') {
    const lines = [`P:${pkg.name}`, `V:${pkg.version}`, `A:${arch}`, `T:${pkg.name}`, 'U:https://openwrt.org/', 'L:GPL-2.0', `o:${pkg.name}`, `t:${time}`];
    if (pkg.depends.length > 0) lines.push(`D:${pkg.depends.join(' ')}`);
    let lastDir = '';
    for (const f of [...files].sort()) {
      const dir = dirname(f).slice(1);
      if (dir !== lastDir) {
        lines.push(`F:${dir}`);
        lastDir = dir;
      }
      lines.push(`R:${f.slice(f.lastIndexOf('/') + 1)}`);
    }
    return `${lines.join('\n')}\n\n`;
  }
  const lines = [`Package: ${pkg.name}`, `Version: ${pkg.version}`];
  if (pkg.depends.length > 0) lines.push(`Depends: ${pkg.depends.join(', ')}`);
  lines.push('Status: install ok installed', `Architecture: ${arch}`, `Installed-Time: ${time}`);
  return `${lines.join('\n')}\n\n`;
}

/** Base-image packages that exist only as status entries (their files are the rootfs itself). */
function basePackages(firmware: Firmware, kernelPackage: string): Array<{ name: string; version: string; depends: string[] }> {
  if (firmware === 'whiterussian') {
    return [
      { name: 'base-files', version: '7', depends: [] },
      { name: 'busybox', version: '1.00-5', depends: [] },
      { name: 'dropbear', version: '0.45-3', depends: [] },
      { name: 'iptables', version: '1.3.3-1', depends: [] },
      { name: 'wificonf', version: '1', depends: [] },
    ];
  }
  const p = FIRMWARE_PROFILES[firmware];
  const apk = p.packageManager === 'apk';
  const r = apk ? '-r1' : '-1';
  const base = [
    { name: 'base-files', version: `${{ 'openwrt-19': '204.2', openwrt: '1532', 'openwrt-24': '1628', 'openwrt-apk': '1720' }[firmware]}${r}`, depends: [] },
    { name: 'busybox', version: `${firmware === 'openwrt-19' ? '1.30.1' : '1.36.1'}${r}`, depends: [] },
    { name: 'dropbear', version: p.dropbearVersion, depends: [] },
    { name: apk ? 'apk-mbedtls' : 'opkg', version: apk ? '3.0.0-r1' : `2022-02-24${r}`, depends: [] },
    // the kmods of the feed depend on this exact version (see runningKernel for kernel_mismatch)
    { name: 'kernel', version: kernelPackage, depends: [] },
    { name: 'netifd', version: `${p.release}${r}`, depends: [] },
    { name: 'uci', version: `2019-09-01${r}`, depends: [] },
  ];
  if (p.firewall === 'fw3') {
    return [...base, { name: 'firewall', version: '2019-11-22-8174814a-3', depends: [] }, { name: 'iptables', version: '1.8.3-1', depends: [] }, { name: 'ip6tables', version: '1.8.3-1', depends: [] }];
  }
  // 22.03+: firewall4 on nftables, no iptables (include/target.mk DEFAULT_PACKAGES.router)
  return [...base, { name: 'firewall4', version: `2023-09-01${r}`, depends: [] }, { name: 'nftables-json', version: `1.0.8${r}`, depends: [] }, { name: 'kmod-nft-offload', version: kernelPackage, depends: [] }];
}

// Replace whatever is at path (the base layer may have put a busybox link there: writing
// through it would overwrite busybox itself).
async function put(path: string, content: string | Buffer, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true });
  await writeFile(path, content, { mode });
  await chmod(path, mode);
}

async function putLink(path: string, target: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true });
  await symlink(target, path);
}

async function isPresent(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

// /etc/init.d/firewall: start, restart and reload compile the UCI config (the fw3/fw4 stand-in).
function firewallInit(fw: 'fw3' | 'fw4'): string {
  return `#!/bin/sh /etc/rc.common\n# ${fw === 'fw4' ? 'firewall4' : 'firewall3'}\nSTART=19\nUSE_PROCD=1\n\nstart_service() {\n\t${fw} start\n}\n\nreload_service() {\n\t${fw} reload\n}\n\nstop_service() {\n\t${fw} flush\n}\n`;
}

// /etc/init.d/network as netifd's package ships it, less the switch and wifi parts: start runs
// netifd (which brings up every autostart interface), reload is `ubus call network reload`.
// procd starts the service after the init script returned: netifd comes a moment later.
const NETWORK_INIT = `#!/bin/sh /etc/rc.common
# netifd
START=20
STOP=90
USE_PROCD=1

start_service() {
\t( sleep 1; exec /sbin/netifd ) </dev/null >/dev/null 2>&1 &
}

reload_service() {
\tubus call network reload
}

stop_service() {
\tifdown -a
}
`;

function initScripts(firmware: Firmware): { files: Record<string, string>; enabled: string[] } {
  if (firmware === 'whiterussian') {
    const s = (what: string): string => `#!/bin/sh\n# ${what}\nexit 0\n`;
    return {
      files: {
        rcS: '#!/bin/sh\n# run the S* scripts in order\nfor i in /etc/init.d/S*; do\n\t$i start 2>&1\ndone | logger -s -p 6 -t \'\' &\n',
        S10boot: s('mount filesystems, load /etc/modules, apply nvram settings'),
        S40network: s('bring up lan and wan from nvram'),
        S45firewall: s('iptables rules incl. forwarding_rule / postrouting_rule user chains'),
        S50dropbear: s('dropbear ssh server'),
        S50httpd: s('httpd on the lan'),
        S60cron: s('crond'),
      },
      enabled: [],
    };
  }
  const procd = (start: number, what: string, stop?: number): string =>
    `#!/bin/sh /etc/rc.common\n# ${what}\nSTART=${start}\n${stop === undefined ? '' : `STOP=${stop}\n`}USE_PROCD=1\n\nstart_service() {\n\treturn 0\n}\n`;
  const files: Record<string, string> = {
    boot: procd(10, 'boot: mounts, /etc/modules.d, sysctl'),
    log: procd(12, 'logd', 89),
    network: NETWORK_INIT,
    firewall: firewallInit(FIRMWARE_PROFILES[firmware].firewall === 'fw3' ? 'fw3' : 'fw4'),
    dropbear: procd(19, 'dropbear ssh server', 50),
    cron: procd(50, 'crond'),
    sysntpd: procd(98, 'ntpd'),
    done: procd(95, 'rc.local'),
  };
  return { files, enabled: Object.keys(files) };
}

function startOf(script: string): string {
  return /START=(\d+)/.exec(script)?.[1] ?? '50';
}

// A feed package rebuilt for another kernel: its module paths and its kernel dependency.
function forKernel(pkg: FeedPackage, p: FirmwareProfile, running: { kernel: string; kernelPackage: string }): FeedPackage {
  const files: Record<string, FeedFile> = {};
  for (const [path, f] of Object.entries(pkg.files)) files[path.replace(`/lib/modules/${p.kernel}/`, `/lib/modules/${running.kernel}/`)] = f;
  return {
    ...pkg,
    version: pkg.version.replace(p.kernel, running.kernel),
    depends: pkg.depends.map((d) => d.replace(p.kernelPackage, running.kernelPackage)),
    files,
  };
}

/**
 * Lays the firmware-specific files of one router into a rootfs that already has busybox at
 * /bin/busybox with its harmless applet links, /lab/firmware, /lab/scenario and
 * /lab/server/password (see rootfs.ts). Stand-ins replace anything at their paths.
 * @example await populateRootfs('/tmp/lab/routers/r001/root', { name: 'r001', firmware: 'openwrt', scenario: 'ok' });
 */
export async function populateRootfs(rootfs: string, opts: { name: string; firmware: Firmware; scenario: Scenario }): Promise<void> {
  const { firmware, scenario } = opts;
  const p = FIRMWARE_PROFILES[firmware];
  const r = (path: string): string => join(rootfs, path);
  const src = standinsDir();
  const isWr = firmware === 'whiterussian';
  const running = runningKernel(firmware, scenario);

  for (const d of ['tmp', 'var/run', 'var/lock', 'var/log', 'etc/ppp', 'lab/state/fw', 'lab/feed', 'lab/server', 'usr/lib', `lib/modules/${running.kernel}`]) {
    await mkdir(r(d), { recursive: true });
  }
  await chmod(r('tmp'), 0o1777);

  // -- lab metadata read by the stand-ins --
  const meta: Record<string, string> = {
    firmware,
    scenario,
    name: opts.name,
    kver: running.kernel,
    pppver: p.pppVersion,
    'mppe-dialect': p.mppeDialect,
    // the WAN device and how long it takes to come up after `lab reboot` (see standins/bin/boot)
    wan: p.wan,
    'wan-delay': String(WAN_DELAY_SEC),
    arch: p.arch,
    'feed-url': p.feedUrl,
    'pkg-lock': p.lockPath,
    modinfo: moduleTable(firmware)
      .map((m) => `${m.name} ${m.size} ${m.deps.join(',') || '-'} ${m.needs.join(',') || '-'}\n`)
      .join(''),
  };
  for (const [k, v] of Object.entries(meta)) await put(r(`lab/${k}`), v.endsWith('\n') ? v : `${v}\n`, 0o644);

  // -- stand-ins --
  for (const [dest, from] of Object.entries(standinPlacements(firmware))) {
    await put(r(dest), await readFile(join(src, from)), from.startsWith('lib/') ? 0o644 : 0o755);
  }

  // -- release files --
  if (isWr) {
    await put(r('etc/openwrt_version'), `${p.release}\n`, 0o644);
    await put(r('etc/banner'), ' WHITE RUSSIAN (0.9) -------------------------------\n  * 2 oz Vodka   Mix the Vodka and Kahlua together\n  * 1 oz Kahlua  over ice, then float the cream or\n  * 1/2oz cream  milk on the top.\n ---------------------------------------------------\n', 0o644);
  } else {
    const rev = { 'openwrt-19': 'r11427-9ce6aa9d8d', openwrt: 'r24106-10cc5fcd00', 'openwrt-24': 'r28427-6df0e3d02a', 'openwrt-apk': 'r31455-1f9c0e2b7a' }[firmware];
    await put(
      r('etc/openwrt_release'),
      `DISTRIB_ID='OpenWrt'\nDISTRIB_RELEASE='${p.release}'\nDISTRIB_REVISION='${rev}'\nDISTRIB_TARGET='ramips/mt7621'\n` +
        `DISTRIB_ARCH='${p.arch}'\nDISTRIB_DESCRIPTION='OpenWrt ${p.release} ${rev}'\nDISTRIB_TAINTS=''\n`,
      0o644,
    );
  }

  // -- ppp configuration: options, and chap-secrets as a link into read-only /rom --
  await put(
    r('etc/ppp/options'),
    // package/network/services/ppp/files/etc/ppp/options: `debug` is enabled on current trees only
    `${p.optionsDebug ? 'debug' : '#debug'}\nlogfile /dev/null\n${isWr ? '' : 'noipdefault\n'}noaccomp\nnopcomp\nnocrtscts\nlock\nmaxfail 0\n`,
    0o644,
  );
  await put(
    r('rom/etc/ppp/chap-secrets'),
    '#USERNAME  PROVIDER  PASSWORD  IPADDRESS\n#\n# Secrets for authentication using CHAP\n# client\tserver\tsecret\t\t\tIP addresses\n',
    0o600,
  );
  await putLink(r('etc/ppp/chap-secrets'), '/rom/etc/ppp/chap-secrets');

  // -- init system and module autoload lists --
  const init = initScripts(firmware);
  for (const [n, content] of Object.entries(init.files)) await put(r(`etc/init.d/${n}`), content, 0o755);
  if (isWr) {
    await put(r('etc/modules'), 'switch-core\nswitch-robo\ndiag\nwl\n', 0o644);
  } else {
    await mkdir(r('etc/rc.d'), { recursive: true });
    for (const n of init.enabled) await putLink(r(`etc/rc.d/S${startOf(init.files[n] ?? '')}${n}`), `../init.d/${n}`);
    await put(r('etc/modules.d/nf-conntrack'), 'nf_conntrack\n', 0o644);
  }

  // -- the feed --
  const feed = feedPackages(firmware);
  for (const pkg of feed) {
    const dir = r(`lab/feed/${pkg.name}`);
    await mkdir(join(dir, 'root'), { recursive: true });
    const control =
      `Package: ${pkg.name}\nVersion: ${pkg.version}\n` +
      (pkg.depends.length > 0 ? `Depends: ${pkg.depends.join(', ')}\n` : '') +
      `Architecture: ${p.arch}\nDescription: ${pkg.description}\n`;
    await put(join(dir, 'control'), control, 0o644);
    for (const [path, f] of Object.entries(pkg.files)) {
      const dest = join(dir, 'root', path);
      if ('standin' in f) await put(dest, await readFile(join(src, f.standin)), 0o755);
      else await put(dest, f.text, f.mode ?? 0o644);
    }
  }

  // -- installed packages: the base image, then the preinstalled feed packages with their files --
  const statusPath = { ipkg: 'usr/lib/ipkg/status', opkg: 'usr/lib/opkg/status', apk: 'lib/apk/db/installed' }[p.packageManager];
  let status = basePackages(firmware, running.kernelPackage)
    .map((b) => statusEntry(p.packageManager, b, p.arch, []))
    .join('');
  for (const name of p.preinstalled) {
    const fromFeed = feed.find((f) => f.name === name);
    if (!fromFeed) throw new Error(`internal error: preinstalled package ${name} is not in the ${firmware} feed`);
    // the image's own kmods were built for the kernel it runs
    const pkg = running.kernel === p.kernel ? fromFeed : forKernel(fromFeed, p, running);
    for (const [path, f] of Object.entries(pkg.files)) {
      if ('standin' in f) await put(r(path.slice(1)), await readFile(join(src, f.standin)), 0o755);
      else await put(r(path.slice(1)), f.text, f.mode ?? 0o644);
    }
    status += statusEntry(p.packageManager, pkg, p.arch, Object.keys(pkg.files));
    if (p.packageManager !== 'apk') {
      const info = r(`usr/lib/${p.packageManager}/info`);
      await mkdir(info, { recursive: true });
      await put(join(info, `${name}.list`), Object.keys(pkg.files).map((f) => `${f}\n`).join(''), 0o644);
    }
  }
  await put(r(statusPath), status, 0o644);
  if (p.packageManager === 'apk') {
    await put(r('etc/apk/world'), [...basePackages(firmware, running.kernelPackage).map((b) => b.name), ...p.preinstalled].map((n) => `${n}\n`).join(''), 0o644);
    await put(r('etc/apk/repositories.d/distfeeds.list'), `${p.feedUrl}/packages.adb\n`, 0o644);
  } else if (p.packageManager === 'opkg') {
    await mkdir(r('var/opkg-lists'), { recursive: true });
    await put(r('etc/opkg/distfeeds.conf'), `src/gz openwrt_base ${p.feedUrl}\n`, 0o644);
  } else {
    await mkdir(r('usr/lib/ipkg/lists'), { recursive: true });
    await put(r('etc/ipkg.conf'), `src whiterussian ${p.feedUrl}\ndest root /\ndest ram /tmp\n`, 0o644);
  }
  for (const m of moduleTable(firmware)) {
    if (!feed.some((f) => Object.keys(f.files).some((path) => path.endsWith(`/${m.name}.ko`)))) {
      await put(r(`lib/modules/${running.kernel}/${m.name}.ko`), `lab kernel module ${m.name}\n`, 0o644);
    }
  }

  // -- simulated kernel and network state --
  const lanAddr = '192.168.1.1';
  const wanAddr = '192.0.2.10';
  await put(r('lab/state/modules'), p.bootModules.map((m) => `${m}\n`).join(''), 0o644);
  await put(
    r('lab/state/ifaces'),
    'lo Local - 127.0.0.1 - 255.0.0.0 UP,LOOPBACK,RUNNING 65536\n' +
      `${p.lan} Ethernet 02:00:00:00:01:01 ${lanAddr} 192.168.1.255 255.255.255.0 UP,BROADCAST,RUNNING,MULTICAST 1500\n` +
      `${p.wan} Ethernet 02:00:00:00:01:02 ${wanAddr} 192.0.2.255 255.255.255.0 UP,BROADCAST,RUNNING,MULTICAST 1500\n`,
    0o644,
  );
  await put(
    r('lab/state/routes'),
    `0.0.0.0 192.0.2.254 0.0.0.0 UG 0 ${p.wan}\n192.0.2.0 0.0.0.0 255.255.255.0 U 0 ${p.wan}\n192.168.1.0 0.0.0.0 255.255.255.0 U 0 ${p.lan}\n`,
    0o644,
  );
  if (p.firewall !== 'fw4') {
    const t = p.firewall === 'fw3' ? fw3Tables(compileDefaultFirewall(p), p) : whiteRussianTables(p);
    await mkdir(r('lab/state/iptables'), { recursive: true });
    for (const [file, text] of Object.entries(t)) await put(r(`lab/state/iptables/${file}`), text, 0o644);
  }
  if (!isWr) {
    await put(r('etc/config/firewall'), p.firewall === 'fw3' ? FIREWALL_CONFIG_FW3 : FIREWALL_CONFIG_FW4, 0o644);
    await put(r('etc/config/network'), networkConfig(p), 0o644);
    await put(r('lab/state/fw/compiled'), compileDefaultFirewall(p), 0o644);
  }
  const boot = isWr
    ? `Jan  1 00:00:12 (none) syslog.info syslogd started: BusyBox v1.00 (2007.01.30-11:42+0000)\nJan  1 00:00:13 (none) kern.notice kernel: Linux version 2.4.30\n`
    : `Thu Jan  1 00:00:12 1970 kern.notice kernel: [    0.000000] Linux version ${running.kernel}\nThu Jan  1 00:00:20 1970 daemon.info procd: - init complete -\n`;
  if (!(await isPresent(r('lab/state/syslog')))) await put(r('lab/state/syslog'), boot, 0o644);

  // -- the kernel state at power-on, which `lab reboot` restores (standins/bin/boot) --
  for (const f of ['modules', 'ifaces', 'routes']) await put(r(`lab/boot-state/${f}`), await readFile(r(`lab/state/${f}`)), 0o644);
  await put(r('lab/boot-state/syslog'), `${boot.split('\n')[0] ?? ''}\n`, 0o644);
  if (p.firewall !== 'fw4') {
    const t = p.firewall === 'fw3' ? fw3Tables(compileDefaultFirewall(p), p) : whiteRussianTables(p);
    for (const [file, text] of Object.entries(t)) await put(r(`lab/boot-state/iptables/${file}`), text, 0o644);
  }
}
