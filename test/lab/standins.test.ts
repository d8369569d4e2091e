// The stand-in programs of the lab routers, run directly in a populated rootfs under bubblewrap
// (no dropbear): every stand-in's success and failure paths, and for every VPN scenario the
// pppd log lines that decide the verdict. Each scenario's log is saved to
// test/fixtures/pppd-logs/lab-<scenario>.log for the log parser's tests.
import { spawn } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusybox } from '../../packages/lab/src/deps.js';
import { endStdin } from '../fixtures/stdin.js';
import { run } from '../../packages/lab/src/exec.js';
import { populateRootfs } from '../../packages/lab/src/firmware.js';
import { lanClientCheck, routerNetState } from '../../packages/lab/src/lanclient.js';
import { FIRMWARES, type Firmware, type Scenario } from '../../packages/lab/src/types.js';
import { appletLinks, parseLdd } from '../../packages/lab/src/rootfs.js';

const PASSWORD = 's3cret "pass" #1';
const FIXTURES = fileURLToPath(new URL('../fixtures/pppd-logs/', import.meta.url));

interface Router {
  root: string;
  firmware: Firmware;
}
interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let work = '';
let busybox = '';
let libs: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'standins-'));
  busybox = await ensureBusybox();
  libs = parseLdd((await run('ldd', [busybox])).stdout);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

let seq = 0;
// A rootfs like rootfs.ts builds it (busybox, its applet links, /lab basics), then the firmware layer.
async function router(firmware: Firmware, scenario: Scenario = 'ok'): Promise<Router> {
  const root = join(work, `r${++seq}`);
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(busybox, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  for (const lib of libs) {
    await mkdir(dirname(join(root, lib)), { recursive: true });
    await copyFile(lib, join(root, lib));
  }
  for (const rel of appletLinks(firmware)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await symlink(relative(dirname(join(root, rel)), join(root, 'bin/busybox')), join(root, rel));
  }
  for (const d of ['dev', 'proc', 'tmp', 'lab/server', 'rom/etc/ppp', 'root', 'etc/ppp']) await mkdir(join(root, d), { recursive: true });
  await writeFile(join(root, 'lab/firmware'), `${firmware}\n`);
  await writeFile(join(root, 'lab/scenario'), `${scenario}\n`);
  await writeFile(join(root, 'lab/server/password'), PASSWORD, { mode: 0o600 });
  await populateRootfs(root, { name: 'r007', firmware, scenario });
  return { root, firmware };
}

// Runs a command line in the router's sandbox, the way a dropbear session would.
function sh(r: Router, cmd: string, stdin = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bwrap',
      [
        '--bind', r.root, '/',
        '--ro-bind', join(r.root, 'rom'), '/rom',
        '--dev', '/dev', '--proc', '/proc',
        '--unshare-pid', '--unshare-uts', '--unshare-ipc', '--die-with-parent',
        '--clearenv', '--setenv', 'PATH', '/usr/sbin:/usr/bin:/sbin:/bin', '--setenv', 'HOME', '/root',
        '/bin/sh', '-c', cmd,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    endStdin(child, stdin);
  });
}

async function file(r: Router, path: string): Promise<string> {
  return readFile(join(r.root, path), 'utf8');
}

// A peer file the way the project writes one, in the dialect of the flavour.
function peer(r: Router, extra: string[] = [], opts: { refuseEap?: boolean; mppe?: string } = {}): string {
  const plugin = r.firmware !== 'whiterussian';
  const upstream = r.firmware === 'openwrt-24' || r.firmware === 'openwrt-apk';
  const lines = [
    plugin ? 'plugin pptp.so' : 'pty "pptp 198.51.100.1 --nolaunchpppd"',
    ...(plugin ? ['pptp_server 198.51.100.1'] : []),
    'name LAB\\\\fleet',
    'remotename office',
    // openwrt-24's stock options.pptp carries the mppe line ppp 2.5 rejects: a working peer avoids it
    ...(opts.mppe !== undefined ? ['noauth', 'nobsdcomp', 'nodeflate', opts.mppe] : upstream ? ['noauth', 'nobsdcomp', 'nodeflate', 'require-mppe-128'] : ['file /etc/ppp/options.pptp']),
    'ipparam office',
    'linkname office',
    ...(opts.refuseEap === false ? [] : ['refuse-eap']),
    ...extra,
  ];
  return lines.join('\n') + '\n';
}

const SECRETS = `LAB\\\\fleet office "${PASSWORD.replace(/"/g, '\\"')}" *\n`;
const MODULES: Record<Firmware, string[]> = {
  whiterussian: ['slhc', 'ppp_generic', 'ppp_async', 'ppp_mppe_mppc', 'arc4', 'sha1'],
  'openwrt-19': ['arc4', 'sha1_generic', 'ppp_mppe', 'gre', 'pppox', 'pptp'],
  openwrt: ['libarc4', 'sha1_generic', 'ppp_mppe', 'gre', 'pppox', 'pptp'],
  'openwrt-24': ['libarc4', 'sha1_generic', 'ppp_mppe', 'gre', 'pppox', 'pptp'],
  'openwrt-apk': ['libarc4', 'sha1_generic', 'ppp_mppe', 'gre', 'pppox', 'pptp'],
};
const PACKAGES: Record<Firmware, string> = {
  whiterussian: 'ipkg update && ipkg install pptp kmod-mppe kmod-crypto',
  'openwrt-19': 'opkg update && opkg install ppp-mod-pptp kmod-mppe',
  openwrt: 'opkg update && opkg install ppp-mod-pptp kmod-mppe',
  'openwrt-24': 'opkg update && opkg install ppp-mod-pptp kmod-mppe',
  'openwrt-apk': 'apk add ppp-mod-pptp kmod-mppe',
};

// Installs, loads modules and writes the tunnel files (secrets replace the /rom link, as the seed says).
async function provision(r: Router, peerText: string, ipUp?: string): Promise<void> {
  const pm = await sh(r, `${PACKAGES[r.firmware]} >/dev/null`);
  expect(pm.stderr).toBe('');
  expect(pm.code).toBe(0);
  const mods = MODULES[r.firmware].filter((m) => !['slhc', 'ppp_generic', 'ppp_async'].includes(m) || r.firmware === 'whiterussian');
  // OpenWrt's kmods load themselves on install; load what is not loaded yet, as the tool does
  const ins = await sh(r, mods.map((m) => `{ lsmod | grep -q "^${m} " || insmod ${m}; }`).join(' && '));
  expect(ins.stderr).toBe('');
  await mkdir(join(r.root, 'etc/ppp/peers'), { recursive: true });
  await writeFile(join(r.root, 'etc/ppp/peers/office'), peerText, { mode: 0o600 });
  await rm(join(r.root, 'etc/ppp/chap-secrets'));
  await writeFile(join(r.root, 'etc/ppp/chap-secrets'), SECRETS, { mode: 0o600 });
  if (ipUp !== undefined) {
    await writeFile(join(r.root, 'etc/ppp/ip-up'), ipUp, { mode: 0o755 });
    const ipDown = ipUp.replace(/ -A /g, ' -D ').replace(/route add/g, 'route del').replace('ip-up.args', 'ip-down.args');
    await writeFile(join(r.root, 'etc/ppp/ip-down'), ipDown, { mode: 0o755 });
  }
}

// What varies from run to run: timestamps, pids, magic numbers and challenge bytes.
function normalizeLog(log: string): string {
  return log
    .replace(/^.*?(?= (?:daemon|user)\.)/gm, 'T')
    .replace(/\[\d+\]/g, '[N]')
    .replace(/pid \d+/g, 'pid N')
    .replace(/0x[0-9a-f]{8}/g, '0xM')
    .replace(/[0-9a-fA-F]{32,}/g, 'H')
    .replace(/Connect time [\d.]+ minutes\.|Sent \d+ bytes, received \d+ bytes\./g, 'STATS');
}

// pptp and pppd are two processes writing to one log: the order of each one's lines is the story,
// how the two interleave is scheduling. So each program's lines are compared in their own order.
function normalizeStory(log: string): string {
  const lines = normalizeLog(log).split('\n');
  const isPptp = (l: string): boolean => /\bpptp\[N\]:/.test(l);
  return [...lines.filter((l) => !isPptp(l)), ...lines.filter(isPptp)].join('\n');
}

// Saves the log as a parser fixture, leaving the file alone when only the run-to-run noise differs.
async function saveFixture(scenario: string, log: string): Promise<void> {
  await mkdir(FIXTURES, { recursive: true });
  const path = join(FIXTURES, `lab-${scenario}.log`);
  const old = await readFile(path, 'utf8').catch(() => '');
  if (normalizeStory(old) !== normalizeStory(log)) await writeFile(path, log);
}

describe('populateRootfs', () => {
  it('lays out an openwrt router with ppp preinstalled, opkg and a read-only chap-secrets link', async () => {
    const r = await router('openwrt');
    expect(await file(r, 'etc/openwrt_release')).toContain("DISTRIB_RELEASE='23.05.5'");
    expect(await readlink(join(r.root, 'etc/ppp/chap-secrets'))).toBe('/rom/etc/ppp/chap-secrets');
    expect(await file(r, 'usr/lib/opkg/status')).toMatch(/Package: ppp\nVersion: 2\.4\.9[^\n]*\nDepends: kmod-ppp\nStatus: install ok installed\nArchitecture: mipsel_24kc\n/);
    expect((await lstat(join(r.root, 'usr/sbin/pppd'))).isFile()).toBe(true);
    expect((await lstat(join(r.root, 'bin/busybox'))).size).toBeGreaterThan(100_000);
    const v = await sh(r, 'pppd --version');
    expect(v).toMatchObject({ code: 0, stderr: 'pppd version 2.4.9\n' });
  });

  it('gives white russian /etc/modules, ipkg and no pppd until the ppp package is installed', async () => {
    const r = await router('whiterussian');
    expect(await file(r, 'etc/modules')).toBe('switch-core\nswitch-robo\ndiag\nwl\n');
    expect(await file(r, 'etc/openwrt_version')).toBe('0.9\n');
    const res = await sh(r, 'pppd --version; echo rc=$?; ls /usr/bin/sha256sum');
    expect(res.stderr).toContain('pppd: not found');
    expect(res.stderr).toContain('No such file or directory');
    expect(res.stdout).toBe('rc=127\n');
  });

  it('reports the pppd version of every flavour', async () => {
    const want: Record<Firmware, string> = { whiterussian: '2.4.3', 'openwrt-19': '2.4.7', openwrt: '2.4.9', 'openwrt-24': '2.5.1', 'openwrt-apk': '2.5.2' };
    for (const fw of FIRMWARES) {
      const r = await router(fw);
      if (fw === 'whiterussian') expect((await sh(r, 'ipkg update >/dev/null && ipkg install ppp >/dev/null')).code).toBe(0);
      expect((await sh(r, 'pppd --version')).stderr).toBe(`pppd version ${want[fw]}\n`);
    }
  });
});

// OpenWrt's busybox config (package/utils/busybox/Config-defaults.in) leaves out applets and
// features Debian's busybox has: the lab's routers must fail where a real one fails.
describe('busybox as OpenWrt builds it', () => {
  it('has no stat, od, usleep, timeout or hostname applet', async () => {
    const r = await router('openwrt');
    const res = await sh(r, 'for a in stat od usleep timeout hostname md5sum sha256sum gzip hexdump; do command -v $a >/dev/null && echo "$a"; done; echo end');
    expect(res.stdout).toBe('md5sum\nsha256sum\ngzip\nhexdump\nend\n');
  });

  it('sleep takes whole seconds only (FLOAT_DURATION off): "sleep 0.2" fails with exit 1', async () => {
    for (const fw of ['openwrt-19', 'openwrt', 'openwrt-apk', 'whiterussian'] as const) {
      const r = await router(fw);
      const res = await sh(r, 'sleep 0.2; echo rc=$?; sleep 0 0s; echo rc=$?; sleep 1ms; echo rc=$?');
      expect(res.stdout, fw).toBe('rc=1\nrc=0\nrc=1\n');
      expect(res.stderr, fw).toBe("sleep: invalid number '0.2'\nsleep: invalid number '1ms'\n");
    }
  });

  it('sort without FEATURE_SORT_BIG: -o FILE prints to stdout and leaves FILE alone, -t/-k are ignored, -g is refused', async () => {
    const r = await router('openwrt');
    const res = await sh(
      r,
      "printf 'b\\na\\nb\\n' >/tmp/x; sort -u /tmp/x -o /tmp/x; echo rc=$?; cat /tmp/x; printf 'a:2\\nb:1\\n' | sort -t: -k2; printf '2\\n1\\n' | sort -g; echo rc=$?; printf '1\\n' | sort -g; printf 'c\\nb\\nb\\n' | sort -ru",
    );
    expect(res.stdout).toBe('a\nb\nrc=0\nb\na\nb\na:2\nb:1\nrc=2\n1\nc\nb\n');
    expect(res.stderr).toBe('sort: unknown sort type\n');
  });

  it('tr without FEATURE_TR_CLASSES takes "[:lower:]" for its characters', async () => {
    const r = await router('openwrt');
    expect((await sh(r, "echo lower | tr '[:lower:]' '[:upper:]'; echo ab | tr a-b A-B; printf 'x\\000y' | tr -d '\\000'")).stdout).toBe('upper\nAB\nxy');
  });
});

describe('package managers', () => {
  it('opkg refuses to install before "opkg update", like a fresh router with empty /var/opkg-lists', async () => {
    const r = await router('openwrt');
    const res = await sh(r, 'opkg install ppp-mod-pptp');
    expect(res.code).toBe(255);
    expect(res.stdout).toContain("Unknown package 'ppp-mod-pptp'.");
    expect(res.stderr).toContain(' * opkg_install_cmd: Cannot install package ppp-mod-pptp.');
  });

  it('opkg installs a package with its dependencies, and a second install is a no-op', async () => {
    const r = await router('openwrt');
    const res = await sh(r, 'opkg update && opkg install ppp-mod-pptp');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('Installing kmod-gre (5.15.167-1) to root...');
    expect(res.stdout.indexOf('Installing kmod-gre')).toBeLessThan(res.stdout.indexOf('Installing kmod-pptp'));
    expect(res.stdout).toContain('Configuring ppp-mod-pptp.');
    expect(res.stdout).not.toContain('Installing ppp ');
    expect(await file(r, 'etc/ppp/options.pptp')).toContain('mppe required,no40,no56,stateless');
    expect((await lstat(join(r.root, 'usr/lib/pppd/2.4.9/pptp.so'))).isFile()).toBe(true);
    expect(await file(r, 'etc/modules.d/pptp')).toBe('pptp\n');
    expect(await file(r, 'usr/lib/opkg/status')).toMatch(/Package: ppp-mod-pptp\nVersion: 2\.4\.9\.git-2021-01-04-4\nDepends: ppp, kmod-pptp, kmod-mppe, resolveip\nStatus: install ok installed\n/);
    const again = await sh(r, 'opkg install ppp-mod-pptp; opkg list-installed');
    expect(again.stdout).toContain('Package ppp-mod-pptp (2.4.9.git-2021-01-04-4) installed in root is up to date.');
    expect(again.stdout).toContain('kmod-pptp - 5.15.167-1\n');
    expect((await file(r, 'usr/lib/opkg/status')).match(/Package: ppp-mod-pptp\n/g)).toHaveLength(1);
  });

  it('opkg fails while another opkg holds /var/lock/opkg.lock, and works once it is released', async () => {
    const r = await router('openwrt-24');
    const res = await sh(r, '/lab/bin/hold-lock 5 & /bin/busybox sleep 0.3; opkg update; echo rc=$?; kill $!; wait; opkg update >/dev/null; echo rc=$?');
    expect(res.stderr).toContain('Could not lock /var/lock/opkg.lock: Resource temporarily unavailable.');
    expect(res.stdout).toContain('rc=255\n');
    expect(res.stdout).toMatch(/rc=0\n$/);
  });

  it('opkg and ipkg fail with the download errors when the feed is down', async () => {
    const r = await router('openwrt', 'feed_down');
    const res = await sh(r, 'opkg update; echo rc=$?; opkg install kmod-mppe; echo rc=$?');
    expect(res.stdout).toContain('*** Failed to download the package list from https://downloads.openwrt.org/releases/23.05.5/packages/mipsel_24kc/base/Packages.gz');
    expect(res.stdout).toContain('rc=1\n');
    expect(res.stdout).toContain('rc=255\n');
    const w = await router('whiterussian', 'feed_down');
    const wr = await sh(w, 'ipkg update; echo rc=$?');
    expect(wr.stdout).toContain('ipkg_download: ERROR: Failed to retrieve http://downloads.openwrt.org/whiterussian/packages/Packages, returning error');
    expect(wr.stdout).toContain('rc=1\n');
  });

  it('ipkg installs pptp with ppp and the kernel packages, as the seed describes', async () => {
    const r = await router('whiterussian');
    const res = await sh(r, 'ipkg update >/dev/null && ipkg install pptp kmod-mppe kmod-crypto && ipkg list_installed');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    for (const line of ['pptp - 1.6.0-1', 'ppp - 2.4.3-7', 'kmod-ppp - 2.4.30-brcm-5', 'kmod-gre - 2.4.30-brcm-5', 'kmod-mppe - 2.4.30-brcm-5', 'kmod-crypto - 2.4.30-brcm-5']) {
      expect(res.stdout).toContain(`${line}\n`);
    }
    expect((await lstat(join(r.root, 'usr/sbin/pptp'))).isFile()).toBe(true);
    expect((await lstat(join(r.root, 'lib/modules/2.4.30/ppp_mppe_mppc.ko'))).isFile()).toBe(true);
    expect(await file(r, 'usr/lib/ipkg/status')).toContain('Package: pptp\nVersion: 1.6.0-1\nDepends: ppp, kmod-gre\nStatus: install ok installed\nArchitecture: mipsel\n');
  });

  it('apk fetches its index on demand, records P:/V: entries, and fails on an unknown package', async () => {
    const r = await router('openwrt-apk');
    const res = await sh(r, 'apk add ppp-mod-pptp && apk info');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/\(1\/9\) Installing kmod-gre \(6\.12\.57-r1\)\n\(2\/9\) Installing kmod-pppox \(6\.12\.57-r1\)\n\(3\/9\) Installing kmod-pptp \(6\.12\.57-r1\)\n\(4\/9\) Installing kmod-crypto-arc4 /);
    expect(res.stdout).toContain('(9/9) Installing ppp-mod-pptp (2.5.2-r1)\n');
    expect(res.stdout).toContain('\nppp-mod-pptp\n');
    expect(await file(r, 'lib/apk/db/installed')).toMatch(/P:ppp-mod-pptp\nV:2\.5\.2-r1\n/);
    // 25.x ships the MPPE-MPPC line its ppp 2.5 rejects, as 24.10 does
    expect(await file(r, 'etc/ppp/options.pptp')).toContain('mppe required,no40,no56,stateless');
    const bad = await sh(r, 'apk add nonexistent');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERROR: unable to select packages:\n  nonexistent (no such package):\n');
    const locked = await sh(r, '/lab/bin/hold-lock 5 & /bin/busybox sleep 0.3; apk add kmod-mppe; echo rc=$?; kill $!');
    expect(locked.stderr).toContain('ERROR: Unable to lock database');
    expect(locked.stdout).toContain('rc=99\n');
    const down = await router('openwrt-apk', 'feed_down');
    const d = await sh(down, 'apk add kmod-mppe; echo rc=$?');
    expect(d.stderr).toContain('network error');
    expect(d.stdout).toBe('rc=1\n');
  });
});

describe('kernel modules', () => {
  it('insmod loads from /lib/modules/<kver> only when the dependencies are loaded; lsmod shows users', async () => {
    const r = await router('openwrt');
    // installing loads them (kmod postinst); unload them to load them by hand
    const auto = await sh(r, 'opkg update >/dev/null && opkg install kmod-mppe ppp-mod-pptp >/dev/null; lsmod | cut -d" " -f1 | sort | tr "\\n" " "; for m in pptp pppox gre ppp_mppe ecb arc4 libarc4 sha1_generic; do rmmod $m; done');
    expect(auto).toMatchObject({ stdout: 'Module arc4 ecb gre libarc4 nf_conntrack ppp_async ppp_generic ppp_mppe pppox pptp sha1_generic slhc ', stderr: '' });
    const res = await sh(r, 'insmod ppp_mppe; echo rc=$?; insmod libarc4; insmod ppp_mppe; echo rc=$?; insmod sha1_generic; insmod ppp_mppe; echo rc=$?; insmod ppp_mppe; echo rc=$?; lsmod');
    expect(res.stderr).toContain("insmod: can't insert 'ppp_mppe.ko': unknown symbol in module, or unknown parameter\n");
    expect(res.stderr).toContain("insmod: can't insert 'ppp_mppe.ko': No such device\n");
    expect(res.stderr).toContain("insmod: can't insert 'ppp_mppe.ko': File exists\n");
    expect(res.stdout).toMatch(/^rc=1\nrc=1\nrc=0\nrc=1\nModule {18}Size {2}Used by\n/);
    expect(res.stdout).toMatch(/\nppp_generic +23872 +2 ppp_async,ppp_mppe\n/);
    const missing = await sh(r, 'insmod nosuch');
    expect(missing).toMatchObject({ code: 1, stderr: "insmod: can't insert 'nosuch': No such file or directory\n" });
    const busy = await sh(r, 'rmmod ppp_generic; echo rc=$?; rmmod ppp_mppe && lsmod | grep -c ppp_mppe');
    expect(busy.stderr).toContain("rmmod: can't unload module 'ppp_generic'");
    expect(busy.stdout).toBe('rc=1\n0\n');
  });

  it('white russian insmod knows nothing of kmod-ppp until it is installed, then loads in the seed order', async () => {
    const r = await router('whiterussian');
    const before = await sh(r, 'insmod slhc');
    expect(before).toMatchObject({ code: 1, stderr: 'insmod: slhc: no module by that name found\n' });
    await sh(r, 'ipkg update >/dev/null; ipkg install pptp kmod-mppe kmod-crypto >/dev/null');
    const wrongOrder = await sh(r, 'insmod ppp_generic');
    expect(wrongOrder.code).toBe(1);
    const seed = await sh(r, 'insmod slhc && insmod ppp_generic && insmod ppp_async && insmod ppp_mppe_mppc && insmod arc4 && insmod sha1 && lsmod');
    expect(seed).toMatchObject({ code: 0, stderr: '' });
    expect(seed.stdout).toMatch(/^Module {18}Size {2}Used by {4}Not tainted\nsha1 /);
    expect(seed.stdout).toContain('(unused)');
  });
});

describe('route, ip and ifconfig', () => {
  it('route -n prints the WAN default route and fails on missing, duplicate and impossible routes', async () => {
    const r = await router('whiterussian');
    const res = await sh(r, 'route -n');
    expect(res.stdout).toBe(
      'Kernel IP routing table\n' +
        'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n' +
        '0.0.0.0         192.0.2.254     0.0.0.0         UG    0      0        0 vlan1\n' +
        '192.0.2.0       0.0.0.0         255.255.255.0   U     0      0        0 vlan1\n' +
        '192.168.1.0     0.0.0.0         255.255.255.0   U     0      0        0 br0\n',
    );
    const del = await sh(r, 'route del -net 10.0.0.0 netmask 255.0.0.0');
    expect(del).toMatchObject({ code: 1, stderr: 'route: SIOCDELRT: No such process\n' });
    const noDev = await sh(r, 'route add -net 10.0.0.0 netmask 255.0.0.0 ppp0');
    expect(noDev).toMatchObject({ code: 1, stderr: 'route: SIOCADDRT: No such device\n' });
    const ok = await sh(r, 'route add -host 198.51.100.1 gw 192.0.2.254 dev vlan1 && route add -host 198.51.100.1 gw 192.0.2.254 dev vlan1; echo rc=$?; route');
    expect(ok.stderr).toBe('route: SIOCADDRT: File exists\n');
    expect(ok.stdout).toContain('rc=1\n');
    expect(ok.stdout).toContain('198.51.100.1    192.0.2.254     255.255.255.255 UGH   0      0        0 vlan1\n');
    expect(ok.stdout).toContain('default         192.0.2.254     0.0.0.0         UG    0      0        0 vlan1\n');
    const unreach = await sh(r, 'route add -net 10.0.0.0 netmask 255.0.0.0 gw 10.9.9.9');
    expect(unreach).toMatchObject({ code: 1, stderr: 'route: SIOCADDRT: Network is unreachable\n' });
    const gone = await sh(r, 'route del -host 198.51.100.1 && route -n | grep -c 198.51.100.1');
    expect(gone.stdout).toBe('0\n');
  });

  it('ip route show default and ifconfig show the openwrt WAN on eth1', async () => {
    const r = await router('openwrt');
    expect((await sh(r, 'ip route show default')).stdout).toBe('default via 192.0.2.254 dev eth1 \n');
    expect((await sh(r, 'ip route')).stdout).toContain('192.168.1.0/24 dev br-lan scope link  src 192.168.1.1 \n');
    const ifc = await sh(r, 'ifconfig');
    expect(ifc.stdout).toContain('eth1      Link encap:Ethernet  HWaddr 02:00:00:00:01:02  \n          inet addr:192.0.2.10  Bcast:192.0.2.255  Mask:255.255.255.0\n');
    expect(await sh(r, 'ifconfig ppp0')).toMatchObject({ code: 1, stderr: 'ifconfig: ppp0: error fetching interface information: Device not found\n' });
  });
});

describe('iptables', () => {
  it('adds and deletes rules in the legacy user chains of white russian, matching regardless of option order', async () => {
    const r = await router('whiterussian');
    const res = await sh(r, 'iptables -A forwarding_rule -o ppp0 -j ACCEPT && iptables -t nat -A postrouting_rule -o ppp0 -j MASQUERADE && iptables -S forwarding_rule && iptables -t nat -S postrouting_rule');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toBe('-N forwarding_rule\n-A forwarding_rule -o ppp0 -j ACCEPT\n-N postrouting_rule\n-A postrouting_rule -o ppp0 -j MASQUERADE\n');
    const del = await sh(r, 'iptables -D forwarding_rule -j ACCEPT -o ppp0 && iptables -D forwarding_rule -o ppp0 -j ACCEPT');
    expect(del).toMatchObject({ code: 1, stderr: 'iptables: Bad rule (does a matching rule exist in that chain?).\n' });
    const ins = await sh(r, 'iptables -t filter -I FORWARD -i br0 -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT && iptables -S FORWARD | head -n 2');
    // S45firewall: the FORWARD policy is DROP
    expect(ins.stdout).toBe('-P FORWARD DROP\n-A FORWARD -i br0 -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT\n');
    const masq = await sh(r, 'iptables -A FORWARD -o ppp0 -j MASQUERADE');
    expect(masq.code).toBe(1);
  });

  for (const fw of ['openwrt', 'openwrt-24', 'openwrt-apk'] as const) {
    it(`${fw} (firewall4 on nftables) has no iptables anywhere: "not found", 127 under pppd's PATH`, async () => {
      const r = await router(fw);
      const res = await sh(r, 'iptables -A FORWARD -o ppp0 -j ACCEPT; echo rc=$?; env -i PATH=/sbin:/usr/sbin:/bin:/usr/bin /bin/sh -c "iptables -L"; echo rc=$?; ls /usr/sbin/iptables /sbin/iptables /usr/sbin/iptables-nft /usr/sbin/ip6tables 2>&1 | grep -c "No such file"');
      expect(res.stdout).toBe('rc=127\nrc=127\n4\n');
      expect(res.stderr).toContain('iptables: not found');
      expect(await file(r, 'usr/lib/opkg/status').catch(() => file(r, 'lib/apk/db/installed'))).not.toMatch(/iptables/);
    });
  }

  it('openwrt: iptables-nft installs an iptables, but firewall4 still rejects LAN traffic to a device in no zone', async () => {
    const r = await router('openwrt');
    await provision(r, peer(r, ['debug']), '#!/bin/sh\n/sbin/route add -net 10.20.0.0 netmask 255.255.0.0 $1\n/usr/sbin/iptables -I FORWARD -o $1 -j ACCEPT\n/usr/sbin/iptables -t nat -A POSTROUTING -o $1 -j MASQUERADE\n');
    expect((await sh(r, 'opkg install iptables-nft >/dev/null; echo rc=$?')).stdout).toBe('rc=0\n');
    await sh(r, `pppd call office updetach; ${WAIT_IP_UP}`);
    expect(await pppLog(r)).toMatch(/ip-up finished \(pid \d+\), status = 0x0\n/);
    expect((await sh(r, 'iptables -S FORWARD')).stdout).toContain('-A FORWARD -o ppp0 -j ACCEPT\n');
    expect(lanClientCheck(await routerNetState(r.root, r.firmware), '10.20.0.5')).toMatchObject({ tunnel: true, forwarded: false, ok: false });
  });

  it('openwrt-19 (firewall3) has iptables with the user chains, and the zones rendered as fw3 does', async () => {
    const r = await router('openwrt-19');
    const res = await sh(r, 'iptables -A forwarding_rule -o ppp0 -j ACCEPT && iptables -t nat -A postrouting_rule -o ppp0 -j MASQUERADE && iptables -S FORWARD && iptables -t nat -S POSTROUTING');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('-P FORWARD DROP\n-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -j forwarding_rule\n-A FORWARD -i br-lan -j zone_lan_forward\n-A FORWARD -i eth1 -j zone_wan_forward\n-A FORWARD -j reject\n');
    expect(res.stdout).toContain('-A POSTROUTING -j postrouting_rule\n-A POSTROUTING -o br-lan -j zone_lan_postrouting\n-A POSTROUTING -o eth1 -j zone_wan_postrouting\n');
  });
});

describe('logread and logger', () => {
  it('logger appends in the OpenWrt logd format; logread -e filters', async () => {
    const r = await router('openwrt');
    const res = await sh(r, 'logger -t fleet "hello world" && logread -e fleet');
    expect(res.stdout).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} user\.notice fleet: hello world\n$/);
  });

  it('logread shows only the ring: the newest 64 KB (16 KB on white russian); older pppd lines are gone', async () => {
    for (const [fw, ring] of [['openwrt', 65536], ['whiterussian', 16384]] as const) {
      const r = await router(fw);
      // each in its firmware's format: on OpenWrt a line without logd's ctime stamp continues the entry before it
      const stamp = (s: string): string => (fw === 'whiterussian' ? `Jan  1 00:00:0${s} (none)` : `Thu Jan  1 00:00:0${s} 1970`);
      const filler = Array.from({ length: 1200 }, (_, i) => `${stamp('2')} user.notice noise: filler line ${i} of the log ring\n`).join('');
      await writeFile(join(r.root, 'lab/state/syslog'), `${stamp('1')} daemon.err pppd[9]: MS-CHAP authentication failed: E=691\n${filler}`);
      const res = await sh(r, 'logger -t fleet last; logread | wc -c; logread | grep -c E=691; logread | tail -n 1 | grep -c "fleet: last"');
      const [size, found, newest] = res.stdout.trim().split('\n');
      expect(newest, fw).toBe('1');
      expect(Number(size), fw).toBeLessThanOrEqual(ring);
      expect(Number(size), fw).toBeGreaterThan(ring - 200);
      expect(found, fw).toBe('0');
    }
  });

  it('openwrt: a multi-line message is one logd entry, its prefix on the first line only; a per-pid grep keeps that line', async () => {
    const r = await router('openwrt');
    const res = await sh(
      r,
      "sed -i '/^ppp_generic$/d' /lab/state/modules; pppd nodetach 2>/dev/null; echo rc=$?; logread -l 1 | wc -l; logread -e README | wc -l; logread | grep -c 'pppd\\['; logread | grep 'pppd\\['",
    );
    const [rc, entry, matched, prefixed, line] = res.stdout.split('\n');
    expect(rc).toBe('rc=4');
    expect(entry?.trim()).toBe('6');
    expect(matched?.trim()).toBe('6');
    expect(prefixed).toBe('1');
    expect(line).toMatch(/ daemon\.err pppd\[\d+\]: This system lacks kernel support for PPP\. {2}This could be because$/);
    expect(await file(r, 'lab/state/syslog')).toMatch(/could be because\nthe PPP kernel module could not be loaded, or because PPP was not\n/);
  });

  it('white russian logread uses the busybox syslogd format and has no -e', async () => {
    const r = await router('whiterussian');
    const res = await sh(r, 'logger -t fleet hi && logread | tail -n 1; logread -e x; echo rc=$?');
    expect(res.stdout).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \(none\) user\.notice fleet: hi\nrc=1\n$/);
  });
});

// The pppd lines of the syslog (what `logread` shows), for assertions and fixtures.
async function pppLog(r: Router): Promise<string> {
  const log = await file(r, 'lab/state/syslog');
  return log
    .split('\n')
    .filter((l) => / (pppd|pptp)\[\d+\]: /.test(l))
    .map((l) => `${l}\n`)
    .join('');
}

// Where pppd keeps its pid files: ppp 2.5 (24.10, 25.x) in /var/run/pppd, older ones in /var/run.
const pidDir = (fw: Firmware): string => (fw === 'openwrt-24' || fw === 'openwrt-apk' ? '/var/run/pppd' : '/var/run');
const isFw4 = (fw: Firmware): boolean => fw === 'openwrt' || fw === 'openwrt-24' || fw === 'openwrt-apk';

// Shell snippets that wait (up to 10 s) instead of sleeping a fixed time.
const WAIT_IP_UP = 'i=0; until grep -q "ip-up finished" /lab/state/syslog || [ $i -ge 100 ]; do /bin/busybox sleep 0.1; i=$((i+1)); done; ';
const killAndWait = (fw: Firmware): string =>
  `kill $(head -n 1 ${pidDir(fw)}/ppp-office.pid); i=0; until grep -q "Exit\\.$" /lab/state/syslog || [ $i -ge 100 ]; do /bin/busybox sleep 0.1; i=$((i+1)); done; /bin/busybox sleep 0.1; `;
const KILL_AND_WAIT = killAndWait('openwrt');

const IP_UP_FULL = `#!/bin/sh
/usr/sbin/iptables -A forwarding_rule -o $1 -j ACCEPT
/sbin/route add -net 10.20.0.0 netmask 255.255.0.0 $1
echo "$1 $2 $3 $4 $5 $6 PATH=$PATH" >> /tmp/ip-up.args
`;
// firewall4 releases have no iptables: their ip-up only routes
const ipUpFor = (fw: Firmware): string => (isFw4(fw) ? IP_UP_FULL.replace(/^\/usr\/sbin\/iptables.*\n/m, '') : IP_UP_FULL);

describe('pppd', () => {
  for (const fw of FIRMWARES) {
    it(`${fw}: comes up under updetach, runs ip-up with six arguments, and tears down on SIGTERM`, async () => {
      const r = await router(fw);
      await provision(r, peer(r, ['debug']), ipUpFor(fw));
      const res = await sh(
        r,
        `pppd call office updetach; echo rc=$?; ${WAIT_IP_UP}cat ${pidDir(fw)}/ppp-office.pid; ifconfig ppp0 | head -n 2; route -n | grep ppp0; ` +
          `${killAndWait(fw)}ls ${pidDir(fw)}; ifconfig ppp0; route -n | grep -c ppp0`,
      );
      // /etc/ppp/options says "logfile /dev/null": not one line on stdout, even under updetach
      expect(res.stdout).toMatch(/^rc=0\n\d+\nppp0\nppp0 {6}Link encap:Point-to-Point Protocol {2}\n {10}inet addr:192\.168\.255\.8 {2}P-t-P:192\.168\.0\.1 {2}Mask:255\.255\.255\.255\n/);
      expect(res.stdout).toContain('192.168.0.1     0.0.0.0         255.255.255.255 UH    0      0        0 ppp0\n');
      expect(res.stdout).toContain('10.20.0.0       0.0.0.0         255.255.0.0     U     0      0        0 ppp0\n');
      // ip-up runs after the detach: its lines are only in syslog
      expect(res.stdout).not.toContain('Script /etc/ppp/ip-up');
      expect(res.stdout).not.toContain('ppp-office.pid');
      expect(res.stderr).toContain('ifconfig: ppp0: error fetching interface information: Device not found');
      expect(res.stdout).toMatch(/\n0\n$/);
      const tty = fw === 'whiterussian' ? '/dev/pts/0' : 'pptp';
      expect(await file(r, 'tmp/ip-up.args')).toBe(
        `ppp0 ${tty} 0 192.168.255.8 192.168.0.1 office PATH=${fw === 'whiterussian' ? '/usr/local/bin:/usr/bin:/sbin:/bin' : '/sbin:/usr/sbin:/bin:/usr/bin'}\n`,
      );
      expect(await file(r, 'tmp/ip-down.args')).toMatch(/^ppp0 \S+ 0 192\.168\.255\.8 192\.168\.0\.1 office /);
      const log = await pppLog(r);
      for (const line of [
        'CHAP authentication succeeded',
        'MPPE 128-bit stateless compression enabled',
        'local  IP address 192.168.255.8',
        'Script /etc/ppp/ip-up finished (pid',
        'status = 0x0',
        'Terminating on signal 15',
        'Connection terminated.',
        'Exit.',
      ]) expect(log).toContain(line);
      if (!isFw4(fw)) expect((await sh(r, 'iptables -S forwarding_rule | grep -c ppp0')).stdout).toBe('0\n');
      if (fw === 'openwrt') await saveFixture('ok', log);
    });
  }

  it('nodetach debug prints the negotiation like the seed sample, and exits 5 on SIGTERM', async () => {
    const r = await router('whiterussian');
    await provision(r, peer(r), IP_UP_FULL);
    const res = await sh(r, `( pppd call office debug nodetach logfd 1 & echo $! > /tmp/p; wait $!; echo rc=$? ) & ${WAIT_IP_UP}cat /var/run/ppp-office.pid; kill $(cat /tmp/p); wait`);
    expect(res.stdout).toMatch(/^using channel 1\nUsing interface ppp0\nConnect: ppp0 <--> \/dev\/pts\/0\nsent \[LCP ConfReq id=0x1 <asyncmap 0x0> <magic 0x[0-9a-f]{8}>\]\n/);
    expect(res.stdout).toContain('rcvd [LCP ConfReq id=0x1 <mru 1400> <auth chap MS-v2> <magic 0x');
    expect(res.stdout).toContain('name = "LAB\\\\fleet"]\n');
    expect(res.stdout).toMatch(/Script \/etc\/ppp\/ip-up started \(pid \d+\)\nScript \/etc\/ppp\/ip-up finished \(pid \d+\), status = 0x0\n\d+\nppp0\n/);
    expect(res.stdout).toMatch(/Terminating on signal 15\n[\s\S]*Connection terminated\.\n[\s\S]*Exit\.\nrc=5\n$/);
  });

  it('ip-up commands without a full path fail with 127 on white russian (pppd passes no PATH), not on 19.07', async () => {
    const r = await router('whiterussian');
    await provision(r, peer(r, ['debug']), '#!/bin/sh\niptables -A forwarding_rule -o $1 -j ACCEPT\n');
    const res = await sh(r, `pppd call office updetach; ${WAIT_IP_UP}iptables -S forwarding_rule; ${KILL_AND_WAIT}`);
    expect(res.stdout).not.toContain('-o ppp0');
    const log = await pppLog(r);
    expect(log).toMatch(/Script \/etc\/ppp\/ip-up finished \(pid \d+\), status = 0x7f00\n/);
    await saveFixture('ip_script_failed', log);
    const o = await router('openwrt-19');
    await provision(o, peer(o, ['debug']), '#!/bin/sh\niptables -A forwarding_rule -o $1 -j ACCEPT\n');
    await sh(o, `pppd call office updetach; ${WAIT_IP_UP}${KILL_AND_WAIT}`);
    expect(await pppLog(o)).toMatch(/ip-up finished \(pid \d+\), status = 0x0\n/);
  });

  it('wrong_password: MS-CHAP E=691, exit 19', async () => {
    const r = await router('whiterussian', 'wrong_password');
    await provision(r, peer(r, ['debug']));
    const res = await sh(r, 'pppd call office nodetach logfd 1; echo rc=$?; ls /var/run');
    expect(res.stdout).toContain('rcvd [CHAP Failure id=0x0 "E=691 R=1 C=');
    expect(res.stdout).toContain('MS-CHAP authentication failed: E=691 Authentication failure\nCHAP authentication failed\n');
    expect(res.stdout).toContain('sent [LCP TermReq id=0x2 "Failed to authenticate ourselves to peer"]');
    expect(res.stdout).toMatch(/Exit\.\nrc=19\n$/);
    await saveFixture('wrong_password', await pppLog(r));
  });

  it('a wrong secret, a missing secret or a single-backslash name fail authentication on a good server', async () => {
    const r = await router('openwrt');
    await provision(r, peer(r));
    await writeFile(join(r.root, 'etc/ppp/chap-secrets'), 'LAB\\\\fleet office wrong *\n');
    expect((await sh(r, 'pppd call office nodetach logfd 1')).code).toBe(19);
    await writeFile(join(r.root, 'etc/ppp/chap-secrets'), '# nothing\n');
    const none = await sh(r, 'pppd call office nodetach logfd 1');
    expect(none.stdout).toContain('No CHAP secret found for authenticating us to office\n');
    expect(none.code).toBe(19);
    await writeFile(join(r.root, 'etc/ppp/chap-secrets'), SECRETS);
    await writeFile(join(r.root, 'etc/ppp/peers/office'), peer(r, ['debug']).replace('LAB\\\\fleet', 'LAB\\fleet'));
    const ff = await sh(r, 'pppd call office nodetach logfd 1');
    expect(ff.stdout).toContain('name = "LAB^Lleet"]');
    expect(ff.code).toBe(19);
  });

  it('requires_stateless: the seed troubleshooting sequence without "stateless", up with it', async () => {
    const r = await router('whiterussian', 'requires_stateless');
    await provision(r, peer(r, ['debug'], { mppe: 'mppe required,no40,no56' }));
    const res = await sh(r, 'pppd call office nodetach logfd 1; echo rc=$?');
    expect(res.stdout).toContain(
      'rcvd [CCP ConfReq id=0x1 <mppe +H -M +S -L -D -C>]\n' +
        'sent [CCP ConfNak id=0x1 <mppe -H -M +S -L -D -C>]\n' +
        'rcvd [LCP TermReq id=0x3 "MPPE required but peer negotiation failed"]\n' +
        'LCP terminated by peer (MPPE required but peer negotiation failed)\n',
    );
    expect(res.stdout).toMatch(/Modem hangup\nConnection terminated\.\nExit\.\nrc=16\n$/);
    await saveFixture('requires_stateless', await pppLog(r));
    await writeFile(join(r.root, 'etc/ppp/peers/office'), peer(r, [], { mppe: 'mppe required,no40,no56,stateless' }));
    const ok = await sh(r, 'pppd call office updetach logfd 1; echo rc=$?');
    expect(ok.stdout).toContain('MPPE 128-bit stateless compression enabled\nlocal  IP address');
    // ppp 2.5 always offers stateless first
    const apk = await router('openwrt-apk', 'requires_stateless');
    await provision(apk, peer(apk));
    expect((await sh(apk, 'pppd call office updetach logfd 1')).stdout).toContain('MPPE 128-bit stateless compression enabled');
  });

  it('eap_first: without refuse-eap pppd answers EAP and fails; with it, it Naks to MS-CHAPv2', async () => {
    const r = await router('openwrt', 'eap_first');
    await provision(r, peer(r, ['debug'], { refuseEap: false }));
    const res = await sh(r, 'pppd call office nodetach logfd 1; echo rc=$?');
    expect(res.stdout).toContain('<auth eap>');
    expect(res.stdout).toContain('EAP: peer reports authentication failure\n');
    expect(res.stdout).toMatch(/rc=19\n$/);
    await saveFixture('eap_first', await pppLog(r));
    await writeFile(join(r.root, 'etc/ppp/peers/office'), peer(r, ['debug']));
    const ok = await sh(r, 'pppd call office updetach logfd 1; echo rc=$?');
    expect(ok.stdout).toContain('sent [LCP ConfNak id=0x1 <auth chap MS-v2>]\n');
    expect(ok.stdout).toContain('CHAP authentication succeeded\n');
    expect(ok.stdout).toMatch(/rc=0\n$/);
  });

  it('gre_blocked: LCP ConfReqs go unanswered until "LCP: timeout sending Config-Requests", exit 10', async () => {
    const r = await router('openwrt', 'gre_blocked');
    await provision(r, peer(r, ['debug']));
    const res = await sh(r, 'pppd call office nodetach logfd 1; echo rc=$?');
    expect(res.stdout.match(/sent \[LCP ConfReq id=0x1 /g)).toHaveLength(10);
    expect(res.stdout).toContain('LCP: timeout sending Config-Requests\n');
    expect(res.stdout).toMatch(/rc=10\n$/);
    await saveFixture('gre_blocked', await pppLog(r));
  });

  it('control_refused: the pptp binary cannot open the control connection and pppd sees a hangup', async () => {
    const r = await router('whiterussian', 'control_refused');
    await provision(r, peer(r));
    const res = await sh(r, 'pppd call office updetach logfd 1; echo rc=$?');
    expect(res.stdout).toMatch(/Modem hangup\nConnection terminated\.\nExit\.\nrc=16\n$/);
    const log = await pppLog(r);
    expect(log).toMatch(/pptp\[\d+\]: anon fatal\[callmgr_main:pptp_callmgr\.c:127\]: Could not open control connection to 198\.51\.100\.1\n/);
    await saveFixture('control_refused', log);
    const o = await router('openwrt', 'control_refused');
    await provision(o, peer(o));
    const p = await sh(o, 'pppd call office updetach logfd 1; echo rc=$?');
    expect(p.stdout).toMatch(/rc=8\n$/);
    expect(await pppLog(o)).toContain('connect: Connection refused');
  });

  it('persist retries after holdoff until maxfail', async () => {
    const r = await router('openwrt', 'wrong_password');
    await provision(r, peer(r, ['persist', 'maxfail 2', 'holdoff 1']));
    const t0 = Date.now();
    const res = await sh(r, 'pppd call office nodetach logfd 1; echo rc=$?');
    expect(res.stdout.match(/CHAP authentication failed\n/g)).toHaveLength(2);
    expect(res.stdout).toMatch(/rc=19\n$/);
    expect(Date.now() - t0).toBeGreaterThan(1000);
  });

  it('rejects the MPPE-MPPC "mppe" line of the stock openwrt-24 options.pptp', async () => {
    const r = await router('openwrt-24');
    await provision(r, peer(r).replace(/noauth\nnobsdcomp\nnodeflate\nrequire-mppe-128\n/, 'file /etc/ppp/options.pptp\n'));
    const res = await sh(r, 'pppd call office updetach');
    expect(res).toMatchObject({ code: 2, stderr: "pppd: In file /etc/ppp/options.pptp: unrecognized option 'mppe'\n" });
    await saveFixture('config_error', await pppLog(r));
    const o = await router('openwrt');
    await provision(o, peer(o, ['require-mppe-128']));
    expect((await sh(o, 'pppd call office updetach')).stderr).toBe("pppd: In file /etc/ppp/peers/office: unrecognized option 'require-mppe-128'\n");
  });

  it('fails without kernel PPP, without MPPE support, without the pptp module, or without a peer file', async () => {
    const r = await router('whiterussian');
    await sh(r, 'ipkg update >/dev/null; ipkg install pptp >/dev/null');
    await mkdir(join(r.root, 'etc/ppp/peers'), { recursive: true });
    await writeFile(join(r.root, 'etc/ppp/peers/office'), peer(r));
    const nok = await sh(r, 'pppd call office updetach');
    expect(nok.code).toBe(4);
    expect(nok.stderr).toMatch(/^pppd: This system lacks kernel support for PPP\. {2}This could be because\n/);
    // one syslog message with newlines, one line on White Russian: busybox 1.00's syslogd makes each newline a space
    expect(await pppLog(r)).toMatch(/ daemon\.err pppd\[2\]: This system lacks kernel support for PPP\. {2}This could be because the PPP kernel module .* See README\.linux file in the ppp distribution for more details\.\n$/);
    await saveFixture('no_kernel_support', await pppLog(r));
    expect(await sh(r, 'pppd call nope')).toMatchObject({ code: 2, stderr: "pppd: Can't open options file /etc/ppp/peers/nope: No such file or directory\n" });
    const o = await router('openwrt');
    await sh(o, 'opkg update >/dev/null; opkg install ppp-mod-pptp >/dev/null; rmmod ppp_mppe');
    await mkdir(join(o.root, 'etc/ppp/peers'), { recursive: true });
    await writeFile(join(o.root, 'etc/ppp/peers/office'), peer(o));
    await rm(join(o.root, 'etc/ppp/chap-secrets'));
    await writeFile(join(o.root, 'etc/ppp/chap-secrets'), SECRETS);
    const mppe = await sh(o, 'pppd call office nodetach logfd 1; echo rc=$?');
    expect(mppe.stdout).toContain('MPPE required, but kernel has no support.\n');
    expect(mppe.stdout).toMatch(/rc=10\n$/);
    await sh(o, 'rmmod pptp');
    const sock = await sh(o, 'pppd call office nodetach logfd 1; echo rc=$?');
    expect(sock.stdout).toContain('PPTP: failed to create PPTP socket');
    expect(sock.stdout).toMatch(/rc=8\n$/);
  });

  it('replacedefaultroute moves the default route to ppp0 and restores it on exit', async () => {
    const r = await router('openwrt');
    await provision(r, peer(r, ['defaultroute', 'replacedefaultroute']));
    const res = await sh(r, `pppd call office updetach >/dev/null; ip route show default; ${KILL_AND_WAIT}ip route show default`);
    expect(res.stdout).toBe('default dev ppp0 \ndefault via 192.0.2.254 dev eth1 \n');
  });

  it('without nodetach/updetach detaches at once and keeps running in the background', async () => {
    const r = await router('openwrt-apk');
    await provision(r, peer(r));
    const res = await sh(r, `pppd call office; echo rc=$?; ${WAIT_IP_UP}ifconfig ppp0 >/dev/null && echo up; ${killAndWait('openwrt-apk')}ls /var/run/pppd`);
    // logfile /dev/null: not even the plugin line (logged before the detach) reaches the terminal
    expect(res.stdout).toBe('rc=0\nup\n');
    const log = await pppLog(r);
    expect(log).toContain('Terminating on signal 15');
    expect(log).toMatch(/Exit\.\n$/);
  });
});

describe('init scripts', () => {
  it('openwrt /etc/rc.common enables a procd-style script through an /etc/rc.d link', async () => {
    const r = await router('openwrt-24');
    await writeFile(join(r.root, 'etc/init.d/pptp-office'), '#!/bin/sh /etc/rc.common\nSTART=99\nstart() {\n\techo starting\n}\n', { mode: 0o755 });
    const res = await sh(r, '/etc/init.d/pptp-office enabled; echo rc=$?; /etc/init.d/pptp-office enable && /etc/init.d/pptp-office enabled && echo yes; /etc/init.d/pptp-office start');
    expect(res.stdout).toBe('rc=1\nyes\nstarting\n');
    expect(await readlink(join(r.root, 'etc/rc.d/S99pptp-office'))).toBe('../init.d/pptp-office');
    expect(await readlink(join(r.root, 'etc/rc.d/S19dropbear'))).toBe('../init.d/dropbear');
  });

  it('pppd dump lists the options in effect and where they came from', async () => {
    const r = await router('openwrt');
    await provision(r, peer(r));
    const res = await sh(r, 'pppd call office dump dryrun logfd 1');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pppd options in effect:\n');
    expect(res.stdout).toContain('pptp_server 198.51.100.1\t\t# (from /etc/ppp/peers/office)\n');
    expect(res.stdout).toContain('mppe required,no40,no56,stateless\t\t# (from /etc/ppp/options.pptp)\n');
    expect(res.stdout).toContain('dump\t\t# (from command line)\n');
  });
});

// ---- Field facts (../shared/FIELD-FACTS.md): each a test of the lab itself ----

describe('field facts: pppd logging as OpenWrt ships it', () => {
  it('every OpenWrt /etc/ppp/options says "logfile /dev/null"; only current trees (25.x) enable debug', async () => {
    const want: Record<Firmware, string> = {
      whiterussian: '#debug\nlogfile /dev/null\nnoaccomp\nnopcomp\nnocrtscts\nlock\nmaxfail 0\n',
      'openwrt-19': '#debug\nlogfile /dev/null\nnoipdefault\nnoaccomp\nnopcomp\nnocrtscts\nlock\nmaxfail 0\n',
      openwrt: '#debug\nlogfile /dev/null\nnoipdefault\nnoaccomp\nnopcomp\nnocrtscts\nlock\nmaxfail 0\n',
      'openwrt-24': '#debug\nlogfile /dev/null\nnoipdefault\nnoaccomp\nnopcomp\nnocrtscts\nlock\nmaxfail 0\n',
      'openwrt-apk': 'debug\nlogfile /dev/null\nnoipdefault\nnoaccomp\nnopcomp\nnocrtscts\nlock\nmaxfail 0\n',
    };
    for (const fw of FIRMWARES) expect(await file(await router(fw), 'etc/ppp/options'), fw).toBe(want[fw]);
  });

  for (const fw of FIRMWARES) {
    it(`${fw}: with logfile /dev/null nothing reaches stdout (nodetach or updetach), syslog has it all; logfd N sends it to fd N`, async () => {
      const r = await router(fw, 'wrong_password');
      await provision(r, peer(r));
      const quiet = await sh(r, 'pppd call office nodetach; echo rc=$?; pppd call office updetach; echo rc=$?');
      expect(quiet).toMatchObject({ stdout: 'rc=19\nrc=19\n', stderr: '' });
      expect((await pppLog(r)).match(/MS-CHAP authentication failed: E=691 Authentication failure\n/g)).toHaveLength(2);
      const fd1 = await sh(r, 'pppd call office nodetach logfd 1; echo rc=$?');
      expect(fd1.stdout).toMatch(/Using interface ppp0\n[\s\S]*MS-CHAP authentication failed: E=691 Authentication failure\n[\s\S]*Exit\.\nrc=19\n$/);
      const fd2 = await sh(r, 'pppd call office updetach logfd 2 2>/tmp/log2; echo rc=$?; cat /tmp/log2');
      expect(fd2.stdout).toMatch(/^rc=19\n[\s\S]*CHAP authentication failed\n/);
      const fd3 = await sh(r, 'pppd call office nodetach logfd 3 3>/tmp/log3 >/tmp/out; echo rc=$?; wc -c </tmp/out; grep -c "^CHAP authentication failed" /tmp/log3');
      expect(fd3.stdout).toBe('rc=19\n0\n1\n');
      const file2 = await sh(r, 'pppd call office nodetach logfile /tmp/ppp.log; echo rc=$?; grep -c "^CHAP authentication failed" /tmp/ppp.log');
      expect(file2.stdout).toBe('rc=19\n1\n');
      // debug lines go to syslog only with debug (25.x's /etc/ppp/options has it)
      const debugLines = (await pppLog(r)).includes('sent [LCP ConfReq');
      expect(debugLines).toBe(fw === 'openwrt-apk');
    });
  }

  it('without the logfile line pppd logs to stdout until it detaches (pppd default: log fd 1)', async () => {
    const r = await router('openwrt');
    await provision(r, peer(r, [], {}), ipUpFor('openwrt'));
    await writeFile(join(r.root, 'etc/ppp/options'), 'noipdefault\nlock\n');
    const res = await sh(r, `pppd call office updetach; echo rc=$?; ${WAIT_IP_UP}${KILL_AND_WAIT}`);
    expect(res.stdout).toMatch(/CHAP authentication succeeded\n[\s\S]*local {2}IP address 192\.168\.255\.8\nremote IP address 192\.168\.0\.1\nrc=0\n$/);
    expect(res.stdout).not.toContain('Terminating on signal');
  });

  it('option errors go to stderr whatever the log fd says, and a bad logfd value is an option error', async () => {
    const r = await router('openwrt');
    await provision(r, peer(r));
    expect(await sh(r, 'pppd call office nosuchoption')).toMatchObject({ code: 2, stdout: '', stderr: "pppd: unrecognized option 'nosuchoption'\n" });
    expect(await sh(r, 'pppd call office logfd x')).toMatchObject({ code: 2, stderr: "pppd: invalid numeric parameter 'x' for logfd option\n" });
  });
});

describe('field facts: pid files and interface names', () => {
  for (const fw of ['openwrt-19', 'openwrt', 'openwrt-24', 'openwrt-apk'] as const) {
    it(`${fw}: pid files in ${pidDir(fw)} (IFNAME.pid; ppp-LINK.pid holds pid then interface), ifname renames the interface`, async () => {
      const r = await router(fw);
      await provision(r, peer(r, ['ifname pptp-office', 'debug']), '#!/bin/sh\necho "$1 $IFNAME" > /tmp/ip-up.args\n');
      const d = pidDir(fw);
      const before = await sh(r, 'ls -d /var/run/pppd 2>/dev/null; echo .');
      expect(before.stdout).toBe('.\n');
      // one sandbox session: the router's processes end with it
      const res = await sh(
        r,
        `pppd call office updetach; echo rc=$?; ${WAIT_IP_UP}cat ${d}/ppp-office.pid ${d}/pptp-office.pid; ls /var/run | grep -c "ppp-office.pid\\|pptp-office.pid"; ` +
          'ifconfig pptp-office | head -n 1; route -n | grep -c pptp-office; ' +
          // a second pppd for the same ifname cannot rename its unit
          // (it wrote the linkname pid file at start and removes it as it dies, as pppd's main() does)
          `pppd call office updetach logfd 1 | grep rename; echo rc=$?; ls ${d}; kill $(cat ${d}/pptp-office.pid); ` +
          `i=0; while [ -e ${d}/pptp-office.pid ] && [ $i -lt 100 ]; do /bin/busybox sleep 0.1; i=$((i+1)); done; ls ${d}; echo end`,
      );
      const [rc, pid, ifn, pid2, inVarRun, ifc, routes, rename, rc2, left, ...rest] = res.stdout.split('\n');
      expect(rc).toBe('rc=0');
      expect(pid).toMatch(/^\d+$/);
      expect(ifn).toBe('pptp-office');
      expect(pid2).toBe(pid);
      // 2.5 keeps nothing in /var/run itself
      expect(inVarRun).toBe(d === '/var/run' ? '2' : '0');
      expect(ifc).toMatch(/^pptp-office Link encap:Point-to-Point Protocol/);
      expect(routes).toBe('1');
      expect(rename).toBe("Couldn't rename interface ppp1 to pptp-office: File exists");
      expect(rc2).toBe('rc=0');
      expect(left).toBe('pptp-office.pid');
      // after SIGTERM no pid file is left
      expect(rest.join('\n')).toBe('end\n');
      expect(await file(r, 'tmp/ip-up.args')).toBe('pptp-office pptp-office\n');
    });
  }

  it("white russian's pppd 2.4.3 rejects ifname", async () => {
    const r = await router('whiterussian');
    await provision(r, peer(r, ['ifname pptp-office']));
    expect(await sh(r, 'pppd call office updetach')).toMatchObject({ code: 2, stderr: "pppd: In file /etc/ppp/peers/office: unrecognized option 'ifname'\n" });
  });
});

describe('field facts: UCI and the firmware firewall', () => {
  it('uci shows the shipped lan/wan zones with @zone[n] names, gets lists unquoted, errors like uci', async () => {
    const r = await router('openwrt');
    const show = await sh(r, 'uci show firewall');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("firewall.@zone[0]=zone\nfirewall.@zone[0].name='lan'\nfirewall.@zone[0].network='lan'\n");
    expect(show.stdout).toContain("firewall.@zone[1].network='wan' 'wan6'\n");
    expect(show.stdout).toContain("firewall.@forwarding[0]=forwarding\nfirewall.@forwarding[0].src='lan'\nfirewall.@forwarding[0].dest='wan'\n");
    expect((await sh(r, 'uci get firewall.@zone[1].network; uci get firewall.@zone[-1].name; uci get firewall.@zone[0]')).stdout).toBe('wan wan6\nwan\nzone\n');
    expect(await sh(r, 'uci get firewall.@zone[7].name')).toMatchObject({ code: 1, stdout: '', stderr: 'uci: Entry not found\n' });
    expect(await sh(r, 'uci get firewall.nosuch')).toMatchObject({ code: 1, stderr: 'uci: Entry not found\n' });
    expect(await sh(r, 'uci -q get firewall.nosuch')).toMatchObject({ code: 1, stderr: '' });
    expect(await sh(r, 'uci get nosuchconfig.x')).toMatchObject({ code: 1, stderr: 'uci: Entry not found\n' });
    // section and option names are [A-Za-z0-9_]: a "-" is an invalid argument
    expect(await sh(r, 'uci set firewall.pptp-office=zone')).toMatchObject({ code: 1, stderr: 'uci: Invalid argument\n' });
    expect(await sh(r, 'uci set firewall.nosuch.name=x')).toMatchObject({ code: 1, stderr: 'uci: Invalid argument\n' });
    const usage = await sh(r, 'uci get');
    expect(usage.code).toBe(255);
    expect(usage.stderr).toMatch(/^Usage: uci \[<options>\] <command> \[<arguments>\]\n/);
    expect((await sh(r, 'uci changes')).stdout).toBe('');
  });

  it('uci set/add/add_list keep changes pending until commit; an unchanged option records nothing, a section type always does', async () => {
    const r = await router('openwrt-24');
    const res = await sh(
      r,
      'uci set firewall.vpn_office=zone && uci set firewall.vpn_office.name=vpn_office && uci add_list firewall.vpn_office.device=pptp-office && ' +
        'uci set firewall.vpn_office.masq=1 && uci add firewall forwarding >/tmp/id && uci set firewall.@forwarding[-1].src=lan && ' +
        'uci set firewall.@forwarding[-1].dest=vpn_office && uci changes firewall',
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^firewall\.vpn_office='zone'\nfirewall\.vpn_office\.name='vpn_office'\nfirewall\.vpn_office\.device\+='pptp-office'\nfirewall\.vpn_office\.masq='1'\nfirewall\.(cfg[0-9a-f]{6})='forwarding'\nfirewall\.\1\.src='lan'\nfirewall\.\1\.dest='vpn_office'\n$/,
    );
    expect(await file(r, 'tmp/id')).toMatch(/^cfg[0-9a-f]{6}\n$/);
    expect(await file(r, 'etc/config/firewall')).not.toContain('vpn_office');
    const commit = await sh(r, 'uci commit firewall && uci changes; uci set firewall.vpn_office.masq=1; uci changes; uci set firewall.vpn_office=zone; uci changes');
    expect(commit.stdout).toBe("firewall.vpn_office='zone'\n");
    const cfg = await file(r, 'etc/config/firewall');
    expect(cfg).toContain("\nconfig zone 'vpn_office'\n\toption name 'vpn_office'\n\tlist device 'pptp-office'\n\toption masq '1'\n");
    expect(cfg).toContain("\nconfig forwarding\n\toption src 'lan'\n\toption dest 'vpn_office'\n");
    const revert = await sh(r, 'uci revert firewall; uci changes; uci delete firewall.vpn_office; uci changes; uci commit firewall; uci -q get firewall.vpn_office; echo rc=$?');
    expect(revert.stdout).toBe('-firewall.vpn_office\nrc=1\n');
  });

  it('uci batch runs each line (quotes, comments), reports errors and goes on, and exits 0', async () => {
    const r = await router('openwrt-apk');
    const batch = "set firewall.t1=zone\nset firewall.t1.name='t 1' # comment\nbogus cmd\nset firewall.a-b=zone\nadd_list firewall.t1.network=\"lan\"\ncommit firewall\n";
    const res = await sh(r, 'uci batch; echo rc=$?; uci get firewall.t1.name; uci get firewall.t1.network', batch);
    expect(res.stdout).toBe('rc=0\nt 1\nlan\n');
    expect(res.stderr).toBe('Unknown command\nuci: Invalid argument\n');
  });

  it('uci reports a syntax error in a config file with its line', async () => {
    const r = await router('openwrt');
    await writeFile(join(r.root, 'etc/config/firewall'), "config zone\n\toption name 'lan\n");
    expect(await sh(r, 'uci show firewall')).toMatchObject({ code: 1, stderr: 'uci: Parse error (unterminated quote) at line 2, byte 1\n' });
    expect(await sh(r, 'fw4 reload')).toMatchObject({ code: 1, stderr: 'uci: Parse error (unterminated quote) at line 2, byte 1\n' });
  });

  for (const fw of ['openwrt', 'openwrt-24', 'openwrt-apk', 'openwrt-19'] as const) {
    const tool = fw === 'openwrt-19' ? 'fw3' : 'fw4';
    it(`${fw}: /etc/init.d/firewall reload and ${tool} reload compile the UCI zones into the running firewall; an untouched reload changes nothing`, async () => {
      const r = await router(fw);
      const before = await file(r, 'lab/state/fw/compiled');
      const tablesBefore = fw === 'openwrt-19' ? await sh(r, 'iptables -S | sort; iptables -t nat -S | sort') : null;
      expect(await sh(r, `/etc/init.d/firewall reload && ${tool} reload`)).toMatchObject({ code: 0 });
      expect(await file(r, 'lab/state/fw/compiled')).toBe(before);
      if (tablesBefore) expect((await sh(r, 'iptables -S | sort; iptables -t nat -S | sort')).stdout).toBe(tablesBefore.stdout);
      expect(before).toContain('zone lan input=ACCEPT output=ACCEPT forward=ACCEPT masq=0 devices=br-lan\n');
      expect(before).toMatch(/zone wan input=REJECT output=ACCEPT forward=(DROP|REJECT) masq=1 devices=eth1\n/);
      expect(before).toContain('forwarding lan wan\n');
      await sh(r, 'uci set firewall.vpn=zone; uci set firewall.vpn.name=vpn; uci add_list firewall.vpn.device=pptp-vpn; uci set firewall.vpn.masq=1; uci add firewall forwarding >/dev/null; uci set firewall.@forwarding[-1].src=lan; uci set firewall.@forwarding[-1].dest=vpn; uci commit firewall');
      // committed but not reloaded: the running firewall does not know it yet
      expect(await file(r, 'lab/state/fw/compiled')).toBe(before);
      const reload = await sh(r, '/etc/init.d/firewall reload; echo rc=$?');
      expect(reload.stdout).toBe('rc=0\n');
      const after = await file(r, 'lab/state/fw/compiled');
      // unset policies come from the defaults section (fw3's defaults: input ACCEPT)
      expect(after).toMatch(/zone vpn input=(REJECT|ACCEPT) output=ACCEPT forward=REJECT masq=1 devices=pptp-vpn\n/);
      expect(after).toContain('forwarding lan vpn\n');
      if (fw === 'openwrt-19') {
        const t = await sh(r, 'iptables -S zone_lan_forward; iptables -t nat -S zone_vpn_postrouting');
        expect(t.stdout).toContain('-j zone_vpn_dest_ACCEPT\n');
        expect(t.stdout).toContain('-A zone_vpn_postrouting -j MASQUERADE\n');
      }
      // a forwarding to a zone that does not exist is skipped with a warning
      const bad = await sh(r, `uci add firewall forwarding >/dev/null; uci set firewall.@forwarding[-1].src=lan; uci set firewall.@forwarding[-1].dest=nowhere; ${tool} reload; echo rc=$?`);
      expect(bad.stdout).toBe('rc=0\n');
      expect(bad.stderr).toContain("specifies unknown destination zone 'nowhere'");
    });
  }

  it('fw3 reload keeps the rules in the user chains (forwarding_rule, postrouting_rule)', async () => {
    const r = await router('openwrt-19');
    const res = await sh(r, 'iptables -A forwarding_rule -o ppp0 -j ACCEPT && iptables -t nat -A postrouting_rule -o ppp0 -j MASQUERADE && fw3 reload 2>/dev/null && iptables -S forwarding_rule && iptables -t nat -S postrouting_rule');
    expect(res.stdout).toBe('-N forwarding_rule\n-A forwarding_rule -o ppp0 -j ACCEPT\n-N postrouting_rule\n-A postrouting_rule -o ppp0 -j MASQUERADE\n');
  });
});

describe('field facts: feeds and kernels', () => {
  it('kmod-pptp brings kmod-gre and kmod-pppox; kmod-mppe brings kmod-crypto-arc4 (arc4.ko, and libarc4.ko on kernels >= 5.4)', async () => {
    for (const [fw, libarc4] of [['openwrt', true], ['openwrt-19', false]] as const) {
      const r = await router(fw);
      const res = await sh(r, 'opkg update >/dev/null && opkg install kmod-pptp kmod-mppe && opkg files kmod-crypto-arc4');
      expect(res).toMatchObject({ code: 0, stderr: '' });
      for (const p of ['kmod-gre', 'kmod-pppox', 'kmod-pptp', 'kmod-crypto-arc4', 'kmod-crypto-sha1', 'kmod-mppe']) expect(res.stdout, fw).toContain(`Installing ${p} (`);
      expect(res.stdout).toContain(`/lib/modules/${fw === 'openwrt' ? '5.15.167' : '4.14.275'}/arc4.ko`);
      expect(res.stdout.includes('libarc4.ko')).toBe(libarc4);
      expect(await file(r, 'usr/lib/opkg/status')).toMatch(/Package: kmod-pptp\nVersion: [^\n]+\nDepends: kernel \(= [^)]+\), kmod-ppp, kmod-gre, kmod-pppox\n/);
      // installed kmods are loaded at once (postinst), pptp after gre and pppox; by hand pptp needs pppox first
      expect((await sh(r, 'lsmod | grep -c "^gre \\|^pppox \\|^pptp "')).stdout).toBe('3\n');
      expect((await sh(r, 'rmmod pptp; rmmod pppox; insmod pptp')).stderr).toContain("insmod: can't insert 'pptp.ko': unknown symbol in module");
    }
  });

  it('kernel_mismatch: kmods are built for the feed kernel, so opkg and apk refuse them on a router running another kernel', async () => {
    const o = await router('openwrt', 'kernel_mismatch');
    expect((await sh(o, 'uname -r; ls /lib/modules')).stdout).toBe('5.15.150\n5.15.150\n');
    const res = await sh(o, 'opkg update >/dev/null; opkg install ppp-mod-pptp; echo rc=$?; opkg list-installed | grep -c "kmod-pptp\\|ppp-mod-pptp"');
    expect(res.stderr).toBe(
      'Collected errors:\n * satisfy_dependencies_for: Cannot satisfy the following dependencies for ppp-mod-pptp:\n' +
        ' * \tkernel (= 5.15.167-1-0ff9d6d3e1c4d4b9b8d3b3b1e3f4e5a6) *\n * opkg_install_cmd: Cannot install package ppp-mod-pptp.\n',
    );
    expect(res.stdout).toBe('rc=255\n0\n');
    const a = await router('openwrt-apk', 'kernel_mismatch');
    const apk = await sh(a, 'apk add kmod-mppe; echo rc=$?');
    expect(apk.stdout).toBe('rc=1\n');
    expect(apk.stderr).toMatch(/^ERROR: unable to select packages:\n {2}kernel-6\.12\.40~[0-9a-f]+-r1:\n {4}breaks: kernel=6\.12\.57~4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a-r1\n$/);
    // the same feed installs on a router running its kernel
    expect((await sh(await router('openwrt-apk'), 'apk add kmod-mppe >/dev/null; echo rc=$?')).stdout).toBe('rc=0\n');
  });
});

describe('field facts: a LAN client through the tunnel, on the stand-ins', () => {
  const ROUTE_UP = '#!/bin/sh\n/sbin/route add -net 10.20.0.0 netmask 255.255.0.0 $1\n';
  const check = async (r: Router): Promise<ReturnType<typeof lanClientCheck>> => lanClientCheck(await routerNetState(r.root, r.firmware), '10.20.0.5');

  it('white russian: the seed\'s ip-up iptables lines make it pass; the forward rule alone does not', async () => {
    const r = await router('whiterussian');
    await provision(r, peer(r, ['debug']), `${ROUTE_UP}/usr/sbin/iptables -A forwarding_rule -o $1 -j ACCEPT\n`);
    // the sandbox session ends with the tunnel still up in the kernel state
    await sh(r, `pppd call office updetach; ${WAIT_IP_UP}`);
    expect(await check(r)).toMatchObject({ device: 'ppp0', tunnel: true, forwarded: true, masqueraded: false, ok: false });
    await sh(r, 'iptables -t nat -A postrouting_rule -o ppp0 -j MASQUERADE');
    expect((await check(r)).ok).toBe(true);
  });

  for (const fw of ['openwrt-19', 'openwrt', 'openwrt-24', 'openwrt-apk'] as const) {
    const tool = fw === 'openwrt-19' ? 'fw3' : 'fw4';
    it(`${fw}: a UCI zone for pptp-office with masq and a forwarding from lan pass once the firewall reloads`, async () => {
      const r = await router(fw);
      await provision(r, peer(r, ['debug', 'ifname pptp-office']), ROUTE_UP);
      await sh(r, `pppd call office updetach; ${WAIT_IP_UP}`);
      const before = await check(r);
      expect(before).toMatchObject({ device: 'pptp-office', tunnel: true, forwarded: false, ok: false });
      await sh(r, 'uci set firewall.office=zone; uci set firewall.office.name=office; uci add_list firewall.office.device=pptp-office; uci set firewall.office.masq=1; uci set firewall.office_fwd=forwarding; uci set firewall.office_fwd.src=lan; uci set firewall.office_fwd.dest=office; uci commit firewall');
      // committed, not reloaded: the running firewall still rejects it
      expect((await check(r)).ok).toBe(false);
      await sh(r, `${tool} reload`);
      expect(await check(r)).toMatchObject({ ok: true, forwarded: true, masqueraded: true });
    });
  }
});
