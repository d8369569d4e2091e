// Pure parsers: the facts script's output (see gather.ts for the format) and the raw outputs of
// the router tools it relies on. Each sub-parser is table-tested on fixtures of real outputs in
// test/fixtures/facts/<parser>/.

import { createHash } from 'node:crypto';
import type { Facts, FileFact, FirewallFacts, FirewallKind, PackageManager, PppdProcess, UciSectionFact } from './types.js';
import { FactsParseError, redactedExcerpt, splitSections, type Section } from '../remote/frame.js';

// The framed-output protocol lives in src/remote/frame.ts; re-exported for existing importers.
export { FactsParseError, redactedExcerpt, splitSections, type Section };

// ---------------------------------------------------------------------------------------------
// Sub-parsers of raw tool outputs

const MODULE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Loaded module names from `lsmod` in any of its dialects: busybox on 2.4 kernels (header with
 * "Not tainted", `(unused)` markers), busybox pretty 2.6 output, OpenWrt's ubox lsmod (no
 * header), or just the first column. Example: "slhc 4208 1 ppp_generic" → ['slhc'].
 */
export function parseLsmod(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    if (first === '' || first === 'Module') continue;
    if (MODULE_NAME.test(first) && !names.includes(first)) names.push(first);
  }
  return names;
}

/**
 * Host routes to a tunnel's peer, interface → peer address, from `route -n` (destination, mask
 * 255.255.255.255, flags with H) and `ip route` lines (`192.0.2.1 dev ppp0 proto kernel scope
 * link src 10.0.0.2`).
 * @example parsePeerRoutes('192.168.0.1 0.0.0.0 255.255.255.255 UH 0 0 0 ppp0', '') // { ppp0: '192.168.0.1' }
 */
export function parsePeerRoutes(routeN: string, ipRoute: string): Record<string, string> {
  const out: Record<string, string> = {};
  const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
  for (const line of routeN.split('\n')) {
    const f = line.trim().split(/\s+/);
    const iface = f[f.length - 1] ?? '';
    if (f.length < 8 || !ipv4.test(f[0] ?? '') || f[2] !== '255.255.255.255' || !f[3]?.includes('H') || !TUNNEL_IFACE.test(iface)) continue;
    out[iface] ??= f[0] ?? '';
  }
  for (const line of ipRoute.split('\n')) {
    const f = line.trim().split(/\s+/);
    const dev = f.indexOf('dev');
    const iface = dev > 0 ? (f[dev + 1] ?? '') : '';
    if (!ipv4.test(f[0] ?? '') || !TUNNEL_IFACE.test(iface)) continue;
    out[iface] ??= f[0] ?? '';
  }
  return out;
}

export interface DefaultRoute {
  gateway: string | null;
  device: string | null;
}

// pppd names its own interfaces pppN; PPTP tunnels get those. OpenWrt's netifd PPPoE WAN is
// `pppoe-wan`, so it is kept. (A White Russian PPPoE WAN on ppp0 is not told apart: no WAN found.)
// With `ifname` (fw3/fw4 routers) a tunnel is `pptp-NAME`, as netifd names its PPTP interfaces.
const TUNNEL_IFACE = /^(ppp\d+|pptp-.+)$/;

function pickDefault(cands: Array<{ gateway: string; device: string; metric: number }>): DefaultRoute | null {
  const best = cands.filter((c) => !TUNNEL_IFACE.test(c.device)).sort((a, b) => a.metric - b.metric)[0];
  if (!best) return null;
  return { gateway: best.gateway === '0.0.0.0' || best.gateway === '*' ? null : best.gateway, device: best.device };
}

/**
 * The WAN default route from `route -n` (busybox or net-tools): the 0.0.0.0/0.0.0.0 route with
 * the lowest metric that is not via a pppN interface (a tunnel). Null when there is none.
 */
export function parseRouteN(text: string): DefaultRoute | null {
  const cands: Array<{ gateway: string; device: string; metric: number }> = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [dest, gw, mask, flags, metric] = f;
    const iface = f[f.length - 1];
    if (dest !== '0.0.0.0' && dest !== 'default') continue;
    if (mask !== '0.0.0.0' || !flags?.includes('U') || !gw || !iface) continue;
    cands.push({ gateway: gw, device: iface, metric: Number(metric) || 0 });
  }
  return pickDefault(cands);
}

/**
 * The WAN default route from `ip route show` lines starting with `default` (iproute2 or busybox
 * ip). Example: "default via 192.0.2.254 dev eth1  proto static" → {192.0.2.254, eth1}.
 */
export function parseIpRouteDefault(text: string): DefaultRoute | null {
  const cands: Array<{ gateway: string; device: string; metric: number }> = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== 'default') continue;
    const at = (k: string): string | undefined => {
      const i = f.indexOf(k);
      return i >= 0 ? f[i + 1] : undefined;
    };
    const dev = at('dev');
    if (!dev) continue;
    cands.push({ gateway: at('via') ?? '0.0.0.0', device: dev, metric: Number(at('metric') ?? 0) || 0 });
  }
  return pickDefault(cands);
}

/**
 * Installed package names from an ipkg/opkg status file (Debian-control paragraphs): a package
 * counts when its `Status:` state word is `installed` (`install ok installed`,
 * `install user installed`), not `not-installed`/`half-installed`/`config-files`.
 */
export function parseIpkgStatus(text: string): string[] {
  const names: string[] = [];
  let pkg: string | null = null;
  let installed = false;
  const flush = (): void => {
    if (pkg !== null && installed && !names.includes(pkg)) names.push(pkg);
    pkg = null;
    installed = false;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'Package') {
      flush();
      pkg = (m[2] ?? '').trim();
    } else if (m[1] === 'Status') {
      installed = (m[2] ?? '').trim().split(/\s+/)[2] === 'installed';
    }
  }
  flush();
  return names;
}

/** Installed package names from apk's `/lib/apk/db/installed` (`P:name` lines). */
export function parseApkInstalled(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('P:')) continue;
    const name = line.slice(2).trim();
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

export interface LsLn {
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Octal permission bits: `644`, or 4 digits with setuid/setgid/sticky (`4755`). */
  mode: string;
  uid: number;
  gid: number;
  /** Byte size (absent for device nodes, which show major, minor). */
  size?: number;
}

/**
 * One `ls -ln`/`ls -ldn` line (busybox or coreutils). Example:
 * "-rw-------    1 0        0              58 Jan  1 00:00 /etc/ppp/chap-secrets"
 * → { type: 'file', mode: '600', uid: 0, gid: 0, size: 58 }. Null when not an ls line.
 */
export function parseLsLn(line: string): LsLn | null {
  const f = line.trim().split(/\s+/);
  const [perm, , uid, gid, size] = f;
  if (!perm || !/^[-dlcbps][-rwxsStT]{9}[.+@]?$/.test(perm) || !uid || !gid) return null;
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return null;
  const t = perm[0];
  const type = t === '-' ? 'file' : t === 'd' ? 'dir' : t === 'l' ? 'symlink' : 'other';
  const triplet = (s: string, special: string): [number, boolean] => {
    const r = s[0] === 'r' ? 4 : 0;
    const w = s[1] === 'w' ? 2 : 0;
    const x = s[2] === 'x' || s[2] === special ? 1 : 0;
    return [r + w + x, s[2] === special || s[2] === special.toUpperCase()];
  };
  const [u, suid] = triplet(perm.slice(1, 4), 's');
  const [g, sgid] = triplet(perm.slice(4, 7), 's');
  const [o, sticky] = triplet(perm.slice(7, 10), 't');
  const extra = (suid ? 4 : 0) + (sgid ? 2 : 0) + (sticky ? 1 : 0);
  const mode = `${extra ? extra : ''}${u}${g}${o}`;
  const out: LsLn = { type, mode, uid: Number(uid), gid: Number(gid) };
  if (size && /^\d+$/.test(size)) out.size = Number(size);
  return out;
}

/**
 * pppd's version from `pppd --version` (stderr before ppp 2.4.8, stdout after), e.g.
 * "pppd version 2.4.3" → '2.4.3'. Null when the output does not say (e.g. pppd refused
 * /etc/ppp/options before printing it).
 */
export function parsePppdVersion(text: string): string | null {
  const m = /pppd version (\d+\.\d+(?:\.\d+)?[^\s]*)/.exec(text);
  return m?.[1] ?? null;
}

/**
 * The upstream version in a package version: `2.4.3-7` → `2.4.3`, `2.4.9.git-2021-01-04-r5` →
 * `2.4.9`, `2.5.1-r1` → `2.5.1`; null for anything without a leading dotted number.
 */
export function packageUpstreamVersion(version: string | undefined): string | null {
  return /^(\d+\.\d+(?:\.\d+)?)(?![\d])/.exec(version?.trim() ?? '')?.[1] ?? null;
}

/** DISTRIB_RELEASE from /etc/openwrt_release text (quotes removed), or null. */
export function parseOpenwrtRelease(text: string): string | null {
  for (const line of text.split('\n')) {
    const m = /^DISTRIB_RELEASE=(.*)$/.exec(line.trim());
    if (m) return unquote(m[1] ?? '') || null;
  }
  return null;
}

/**
 * The values of one `uci show` line's right-hand side: `'lan'` → ['lan'], `'a' 'b'` → ['a', 'b']
 * (a list), `'it'\''s'` → ["it's"] (uci's escaped quote). Null when it is not that syntax.
 */
export function parseUciValues(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") return null;
    let v = '';
    i++;
    for (;;) {
      const end = text.indexOf("'", i);
      if (end < 0) return null;
      v += text.slice(i, end);
      i = end + 1;
      // 'it'\''s': a closing quote, an escaped quote, an opening quote
      if (text.startsWith("\\''", i)) {
        v += "'";
        i += 3;
        continue;
      }
      break;
    }
    out.push(v);
    if (i < text.length) {
      if (text[i] !== ' ') return null;
      i++;
    }
  }
  return out;
}

/**
 * Sections from `uci show CONFIG` lines (`firewall.lan=zone`, `firewall.lan.name='lan'`,
 * `firewall.@zone[0].name='lan'`), keyed by section name as shown. Lines it cannot read are
 * skipped: the caller compares what it manages and would rewrite a section it cannot read.
 * @example parseUciShow(["firewall.x=zone", "firewall.x.name='office'"], 'firewall')
 * // → { x: { type: 'zone', options: [['name', ['office']]] } }
 */
export function parseUciShow(lines: string[], config: string): Record<string, UciSectionFact> {
  const sections: Record<string, UciSectionFact> = {};
  const prefix = `${config}.`;
  for (const line of lines) {
    if (!line.startsWith(prefix)) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(prefix.length, eq);
    const value = line.slice(eq + 1);
    const dot = key.indexOf('.');
    if (dot < 0) {
      if (/^[A-Za-z0-9_@[\]-]+$/.test(key) && /^[!-~]+$/.test(value)) sections[key] = { type: value, options: [] };
      continue;
    }
    const sec = sections[key.slice(0, dot)];
    const values = parseUciValues(value);
    if (sec && values) sec.options.push([key.slice(dot + 1), values]);
  }
  return sections;
}

/** The prefix of every UCI section pptp-fleet owns (in /etc/config/firewall). */
export const OUR_UCI_PREFIX = 'pptp_fleet_';

const FIREWALL_KINDS: readonly FirewallKind[] = ['fw4', 'fw3', 'iptables', 'none'];

/**
 * The firewall facts from `@@firmware firewall=` and the `@@uci-firewall` lines (filtered
 * `uci show firewall`). Output without them (an older facts script) is told from the firmware:
 * ipkg → iptables, a release before 22.03 → fw3, else fw4.
 */
function firewallFacts(kind: string | undefined, uciLines: string[], fallback: { packageManager: PackageManager | null; release: string | undefined }): FirewallFacts {
  let k: FirewallKind;
  if (kind !== undefined && (FIREWALL_KINDS as readonly string[]).includes(kind)) k = kind as FirewallKind;
  else if (fallback.packageManager === 'ipkg') k = 'iptables';
  else {
    const m = /^(\d+)\.(\d+)/.exec(fallback.release ?? '');
    k = m && (Number(m[1]) < 22 || (Number(m[1]) === 22 && Number(m[2]) < 3)) ? 'fw3' : 'fw4';
  }
  const all = parseUciShow(uciLines, 'firewall');
  const sections: Record<string, UciSectionFact> = {};
  const otherZones: string[] = [];
  for (const [name, sec] of Object.entries(all)) {
    if (name.startsWith(OUR_UCI_PREFIX)) sections[name] = sec;
    else if (sec.type === 'zone') {
      const zn = sec.options.find(([o]) => o === 'name')?.[1][0];
      if (zn !== undefined) otherZones.push(zn);
    }
  }
  return { kind: k, sections, otherZones };
}

function unquote(v: string): string {
  const s = v.trim();
  if (s.length >= 2 && (s[0] === "'" || s[0] === '"') && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

// ---------------------------------------------------------------------------------------------
// The whole facts output

const SECTION_KEYS: Record<string, readonly string[] | 'any'> = {
  hostname: [],
  release: ['distrib_release', 'openwrt_version'],
  pkgmgr: [],
  packages: ['ppp'],
  'pppd-version': ['pppd'],
  'pppd-libdirs': [],
  lsmod: [],
  'modules-available': [],
  flags: ['modules.d', 'procd', 'pptp', 'sha256sum', 'netifd'],
  'pptp-plugin': [],
  file: ['type', 'ls', 'target', 'tls', 'md5', 'content', 'nl'],
  pppd: ['pid', 'iface', 'alive', 'by'],
  'route-n': [],
  'ip-route-default': [],
  lock: ['lock'],
  firmware: ['firewall', 'banner'],
  'uci-firewall': [],
  'uci-network': [],
  'uci-pending': [],
};
const ONCE = ['hostname', 'release', 'pkgmgr', 'packages', 'pppd-version', 'pppd-libdirs', 'lsmod', 'modules-available', 'flags', 'pptp-plugin', 'route-n', 'ip-route-default', 'lock'];

function get(s: Section, key: string): string | undefined {
  return s.kv.find(([k]) => k === key)?.[1];
}

/**
 * Parses the facts script's output into Facts. Throws FactsParseError (never quoting file
 * contents) when the output is foreign, garbled or cut short.
 */
export function parseFacts(stdout: string): Facts {
  const sections = splitSections(stdout);
  const fail = (reason: string, s: Section | null): never => {
    throw new FactsParseError(reason, s ? `${s.name}${s.arg ? ` ${s.arg}` : ''}` : null, s?.line ?? null, redactedExcerpt(stdout));
  };
  for (const s of sections) {
    const allowed = SECTION_KEYS[s.name];
    if (allowed === undefined) fail(`unknown section "${s.name}"`, s);
    else if (allowed !== 'any') {
      for (const [k] of s.kv) if (!allowed.includes(k)) fail(`unknown key "${k}"`, s);
    }
  }
  const one = (name: string): Section => {
    const found = sections.filter((s) => s.name === name);
    if (found.length !== 1) return fail(`expected one "${name}" section, found ${found.length}`, null);
    return found[0] as Section;
  };
  for (const name of ONCE) one(name);

  const release = one('release');
  const rel = get(release, 'distrib_release');
  const ver = get(release, 'openwrt_version');
  const releaseValue = (rel !== undefined ? unquote(rel) : '') || (ver !== undefined ? ver.trim() : '') || undefined;

  const pmRaw = one('pkgmgr').data[0];
  let packageManager: PackageManager | null = null;
  if (pmRaw !== undefined) {
    if (pmRaw !== 'ipkg' && pmRaw !== 'opkg' && pmRaw !== 'apk') return fail(`unknown package manager "${pmRaw.slice(0, 20)}"`, one('pkgmgr'));
    packageManager = pmRaw;
  }

  const pv = one('pppd-version');
  const hasPppd = get(pv, 'pppd') === '1';
  let pppdVersion: string | null = null;
  if (hasPppd) {
    // The version of the package that installed pppd (ppp, ppp-multilink) is pppd's own; the
    // script asks pppd itself only when no package tells it.
    pppdVersion = packageUpstreamVersion(get(one('packages'), 'ppp')) ?? parsePppdVersion(pv.data.join('\n'));
    // pppd parses /etc/ppp/options before --version: a bad option there hides the version, but
    // the plugin directory (/usr/lib/pppd/<version>/) still tells it.
    if (pppdVersion === null) pppdVersion = one('pppd-libdirs').data.find((d) => /^\d+\.\d+\.\d+$/.test(d.trim()))?.trim() ?? null;
  }

  const flags = one('flags');
  const flag = (k: string): boolean => {
    const v = get(flags, k);
    if (v !== '0' && v !== '1') return fail(`flag "${k}" missing or not 0/1`, flags);
    return v === '1';
  };

  const files: Record<string, FileFact> = {};
  for (const s of sections.filter((x) => x.name === 'file')) {
    if (!s.arg.startsWith('/')) fail('file section without an absolute path', s);
    files[s.arg] = fileFact(s, (r) => fail(r, s));
  }

  const pppd: PppdProcess[] = [];
  for (const s of sections.filter((x) => x.name === 'pppd')) {
    const pidRaw = get(s, 'pid') ?? '';
    if (!/^\d+$/.test(pidRaw)) continue; // an empty or corrupt pid file: no process to speak of
    const proc: PppdProcess = { linkname: s.arg, pid: Number(pidRaw), alive: get(s, 'alive') === '1' };
    if (get(s, 'by') === 'ifname') proc.by = 'ifname';
    const iface = get(s, 'iface');
    if (iface) proc.iface = iface;
    if (proc.alive) proc.recentLog = s.data.join('\n');
    pppd.push(proc);
  }

  const wan = parseRouteN(one('route-n').data.join('\n')) ?? parseIpRouteDefault(one('ip-route-default').data.join('\n')) ?? { gateway: null, device: null };
  const peerRoutes = parsePeerRoutes(one('route-n').data.join('\n'), one('ip-route-default').data.join('\n'));

  const packageLockHeld = one('lock').kv.some(([k, v]) => k === 'lock' && v.startsWith('1 '));

  // Optional sections (facts scripts before issue 15 print neither).
  const firmware = sections.filter((s) => s.name === 'firmware');
  const uciFirewall = sections.filter((s) => s.name === 'uci-firewall');
  if (firmware.length > 1 || uciFirewall.length > 1) fail('expected at most one "firmware" and one "uci-firewall" section', null);
  const fwKind = firmware[0] ? get(firmware[0], 'firewall') : undefined;
  const uciNetwork = sections.filter((s) => s.name === 'uci-network');
  if (uciNetwork.length > 1) fail('expected at most one "uci-network" section', null);
  const banner = firmware[0] ? get(firmware[0], 'banner')?.trim() : undefined;
  const uciPending = parseUciPending(sections.filter((s) => s.name === 'uci-pending'), fail);

  const facts: Facts = {
    hostname: (one('hostname').data[0] ?? '').trim(),
    packageManager,
    pppdVersion,
    hasPppd,
    packages: one('packages').data.map((p) => p.trim()).filter((p) => p !== ''),
    loadedModules: parseLsmod(one('lsmod').data.join('\n')),
    availableModules: [...new Set(one('modules-available').data.map((m) => m.trim()).filter((m) => MODULE_NAME.test(m)))],
    modulesConfig: flag('modules.d') ? 'modules.d' : 'etc-modules',
    initStyle: flag('procd') ? 'procd' : 'sysv',
    hasPptpBinary: flag('pptp'),
    pptpPlugin: one('pptp-plugin').data[0]?.trim() || null,
    hasSha256sum: flag('sha256sum'),
    files,
    pppd,
    wan,
    packageLockHeld,
    firewall: firewallFacts(fwKind, uciFirewall[0]?.data ?? [], { packageManager, release: releaseValue }),
    // Facts scripts before issue 12 print no netifd flag: no netifd known.
    netifd: get(flags, 'netifd') === '1',
    network: parseUciShow(uciNetwork[0]?.data ?? [], 'network'),
  };
  if (releaseValue !== undefined) facts.release = releaseValue;
  if (banner) facts.banner = banner;
  if (Object.keys(peerRoutes).length > 0) facts.peerRoutes = peerRoutes;
  if (Object.keys(uciPending).length > 0) facts.uciPending = uciPending;
  return facts;
}

/**
 * The `@@uci-pending` lines (`CONFIG SECTION`, one per delta line of ours, so repeated): our
 * sections with uncommitted changes, by config. Facts scripts before it print no such section.
 */
function parseUciPending(sections: Section[], fail: (msg: string, s: Section | null) => never): Record<string, string[]> {
  if (sections.length > 1) fail('expected at most one "uci-pending" section', null);
  const out: Record<string, string[]> = {};
  for (const line of sections[0]?.data ?? []) {
    const m = /^(firewall|network) ([A-Za-z0-9_]+)$/.exec(line.trim());
    if (!m) return fail('expected "CONFIG SECTION" lines', sections[0] ?? null);
    const [, config = '', section = ''] = m;
    const list = (out[config] ??= []);
    if (!list.includes(section)) list.push(section);
  }
  return out;
}

/**
 * Content read line by line on the router is kept only when it hashes to the file's md5 (awk
 * may have cut a line at a NUL, or read through a file that changed meanwhile) and holds no NUL
 * (a file the tool could not write back through the shell). Without an md5 the script counted
 * the file's NULs itself before sending it.
 */
function trustworthyContent(content: string, md5: string | undefined): boolean {
  if (content.includes('\0')) return false;
  return md5 === undefined || createHash('md5').update(content, 'utf8').digest('hex') === md5;
}

// One @@file section → FileFact. For a symlink, mode/owner/md5/content are the target's (what
// pppd sees when it opens the path); the link's own `ls` line only proves it is a link.
function fileFact(s: Section, fail: (reason: string) => never): FileFact {
  const path = s.arg;
  const type = get(s, 'type');
  if (type === 'missing') return { path, type: 'missing' };
  const ls = parseLsLn(get(s, 'ls') ?? '');
  if (!ls) return fail('file section without a readable ls line');
  if (type === 'dir') return { path, type: 'dir', mode: ls.mode, uid: ls.uid, gid: ls.gid };
  if (type === 'other') return { path, type: 'file', mode: ls.mode, uid: ls.uid, gid: ls.gid };
  if (type !== 'file' && type !== 'symlink') return fail(`unknown file type "${String(type).slice(0, 20)}"`);
  const fact: FileFact = { path, type };
  let meta: LsLn = ls;
  if (type === 'symlink') {
    fact.linkTarget = get(s, 'target') ?? '';
    const tls = get(s, 'tls');
    const t = tls !== undefined ? parseLsLn(tls) : null;
    if (!t) return fact; // dangling link (or to a directory): nothing more to say
    meta = t;
  }
  fact.mode = meta.mode;
  fact.uid = meta.uid;
  fact.gid = meta.gid;
  const md5 = get(s, 'md5');
  if (md5 && /^[0-9a-f]{32}$/.test(md5)) fact.md5 = md5;
  if (get(s, 'content') === 'text') {
    const nl = get(s, 'nl') !== '0';
    const content = s.data.length === 0 ? '' : s.data.join('\n') + (nl ? '\n' : '');
    if (trustworthyContent(content, fact.md5)) fact.content = content;
  }
  return fact;
}
