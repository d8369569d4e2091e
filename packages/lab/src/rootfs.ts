// Builds one router's root filesystem, DIR/routers/<name>/root, which bubblewrap makes the
// sandbox's `/`. This module lays the parts every flavour shares (busybox and its applet links,
// dropbear and the shared libraries both need, accounts, keys, the login shell that writes the
// audit log); `populateRootfs` from ./firmware.js then lays the firmware-specific files.
//
// Binaries and libraries are copied once into DIR/.template and hard-linked from there, so a
// 200-router lab costs 200 × a dozen links instead of 200 × 4 MB of copies. Only those
// read-only files are shared: everything a router writes (/etc, /root, /lab) is its own.
import { chmod, copyFile, link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { LabTools } from './deps.js';
import { run } from './exec.js';
import { populateRootfs } from './firmware.js';
import { generateHostKey } from './keys.js';
import { AUDIT_LOG_PATH, DROPBEAR_PATH, hostKeyPath, hostKeyType, LOGIN_SHELL_PATH } from './paths.js';
import type { Firmware, Scenario } from './types.js';

/**
 * The login shell (busybox ash). dropbear runs `login-shell -c CMD` for each exec request:
 * the command line goes to the audit log as one line (backslash → `\\`, newline → `\n`, so every
 * line maps back to exactly one command), the `slow` scenario waits 3 s, then CMD runs under
 * OpenWrt's PATH. The `.` appended before escaping keeps a trailing newline of CMD visible
 * (command substitution would eat it) and is cut off afterwards. Nothing here reads stdin:
 * it belongs to CMD (apply sends file contents over it).
 */
export const LOGIN_SHELL = `#!/bin/sh
# pptp-fleet lab: login shell of root (see src/lab/rootfs.ts)
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
if [ "$1" = "-c" ]; then
\tline=$(printf '%s.' "$2" | /bin/busybox sed -e 's/\\\\/\\\\\\\\/g' | /bin/busybox awk '{ s = (NR > 1) ? s "\\\\n" $0 : $0 } END { printf "%s", s }')
\tprintf '%s\\n' "\${line%.}" >> ${AUDIT_LOG_PATH}
\tscenario=
\tread -r scenario < /lab/scenario
\tif [ "$scenario" = slow ]; then sleep 3; fi
\texec /bin/sh -c "$2"
fi
exec /bin/sh -l
`;

/** Directories every router has before the firmware layer adds its own. */
const BASE_DIRS = [
  'bin',
  'sbin',
  'usr/bin',
  'usr/sbin',
  'usr/lib',
  'lib',
  'etc/dropbear',
  'etc/ppp',
  'root',
  'lab/bin',
  'lab/server',
  'lab/state',
  'tmp',
  'var/run',
  'var/log',
  'var/lock',
  'dev',
  'proc',
  'rom/etc/ppp',
];

/**
 * Harmless busybox applets, placed where OpenWrt places them. No ps (tests read /proc), no
 * networking applets, and nothing the stand-ins provide (insmod, route, logread, logger...).
 *
 * The lab runs Debian's full busybox, OpenWrt a trimmed one: only applets that OpenWrt's default
 * busybox config enables are linked (openwrt/openwrt package/utils/busybox/Config-defaults.in,
 * read at 012feaa6 and ed3da775: STAT, OD, USLEEP, TIMEOUT and HOSTNAME are `n`, so there is no
 * stat, od, usleep, timeout or hostname). Deviation, named: features that config turns off
 * inside an applet the lab's busybox has on. sleep, sort and tr are therefore not links but thin
 * wrappers laid by the firmware layer (standins/bin/sleep, sort, tr) that behave as OpenWrt's
 * applets: no fractional sleep (FLOAT_DURATION=n), sort without FEATURE_SORT_BIG (-o, -k, -t
 * ignored; -g, -M refused), tr without FEATURE_TR_CLASSES. Other trimmed features are not
 * modelled (DATE_NANO `date +%N`, FEATURE_SH_READ_FRAC `read -t 0.5`, FIND_DELETE/FIND_EXEC_PLUS,
 * XARGS_SUPPORT_REPL_STR/PARALLEL, CATN/CATV...): router programs must not use them. The stand-ins
 * time themselves with `/bin/busybox sleep`, so only the product's scripts meet OpenWrt's sleep.
 */
const APPLETS: Readonly<Record<'bin' | 'usr/bin', readonly string[]>> = {
  bin: ['sh', 'ash', 'cat', 'ls', 'mkdir', 'mv', 'rm', 'rmdir', 'chmod', 'chown', 'ln', 'grep', 'egrep', 'sed', 'kill', 'date', 'echo', 'touch', 'cp', 'uname', 'true', 'false', 'mktemp', 'sync', 'gzip', 'gunzip', 'zcat'],
  'usr/bin': ['readlink', 'md5sum', 'sha256sum', 'awk', 'head', 'tail', 'wc', 'cut', 'uniq', 'printf', 'test', '[', '[[', 'find', 'xargs', 'basename', 'dirname', 'env', 'id', 'expr', 'seq', 'tee', 'hexdump', 'which'],
};

/**
 * White Russian's busybox was built without these. Its gzip is assumed missing too (not
 * verified on a White Russian image): routers without gzip are where output goes uncompressed.
 */
const MISSING_ON: Readonly<Partial<Record<Firmware, readonly string[]>>> = {
  whiterussian: ['sha256sum', 'gzip', 'gunzip', 'zcat'],
};

/**
 * The busybox applet links for a firmware, as rootfs-relative paths.
 * @example appletLinks('whiterussian').includes('usr/bin/sha256sum') // false
 */
export function appletLinks(firmware: Firmware): string[] {
  const missing = MISSING_ON[firmware] ?? [];
  const out: string[] = [];
  for (const [dir, names] of Object.entries(APPLETS)) {
    for (const name of names) if (!missing.includes(name)) out.push(`${dir}/${name}`);
  }
  return out;
}

/** Absolute library paths from `ldd` output (the vdso has none and is skipped). */
export function parseLdd(output: string): string[] {
  const libs = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m?.[1]) libs.add(m[1]);
  }
  return [...libs];
}

/** The read-only files shared by every router of a lab, by rootfs-relative path. */
export interface Template {
  dir: string;
  files: string[];
}

/**
 * Copies busybox, dropbear and the shared libraries they need into DIR/.template, keeping each
 * library at the path the dynamic loader looks for it.
 * @example const t = await buildTemplate('/tmp/lab/.template', tools); t.files.includes('bin/busybox')
 */
export async function buildTemplate(dir: string, tools: LabTools): Promise<Template> {
  const sources = new Map<string, string>([
    ['bin/busybox', tools.busybox],
    [DROPBEAR_PATH.slice(1), tools.dropbear],
  ]);
  for (const binary of [tools.busybox, tools.dropbear]) {
    const { stdout } = await run('ldd', [binary]);
    for (const lib of parseLdd(stdout)) sources.set(lib.slice(1), lib);
  }
  for (const [rel, src] of sources) {
    const dest = join(dir, rel);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(src, dest);
    await chmod(dest, 0o755);
  }
  return { dir, files: [...sources.keys()] };
}

export interface RouterRootfsOptions {
  template: Template;
  /** Host path of the rootfs to create (DIR/routers/<name>/root). */
  rootfs: string;
  name: string;
  firmware: Firmware;
  scenario: Scenario;
  /** The admin's public key line, for root's authorized_keys. */
  adminPublicKey: string;
  /** The VPN password the simulated server expects (/lab/server/password). */
  serverPassword: string;
  dropbearkey: string;
}

async function writeMode(path: string, content: string, mode: number): Promise<void> {
  await writeFile(path, content, { mode });
  // writeFile's mode is filtered by the umask; the modes here are part of the contract.
  await chmod(path, mode);
}

/**
 * Creates the router's rootfs and returns its host public key (`ssh-ed25519 AAAA…`, `ssh-rsa
 * AAAA…` on White Russian and 19.07).
 * @example
 * const { hostPublicKey } = await buildRouterRootfs({ template, rootfs: `${dir}/routers/r001/root`,
 *   name: 'r001', firmware: 'openwrt', scenario: 'ok', adminPublicKey, serverPassword, dropbearkey });
 */
export async function buildRouterRootfs(o: RouterRootfsOptions): Promise<{ hostPublicKey: string }> {
  const r = (p: string): string => join(o.rootfs, p);
  for (const d of BASE_DIRS) await mkdir(r(d), { recursive: true });
  await chmod(r('tmp'), 0o1777);

  for (const rel of o.template.files) {
    await mkdir(dirname(r(rel)), { recursive: true });
    await link(join(o.template.dir, rel), r(rel));
  }
  for (const rel of appletLinks(o.firmware)) {
    await symlink(relative(dirname(r(rel)), r('bin/busybox')), r(rel));
  }

  await writeFile(
    r('etc/passwd'),
    `root:x:0:0:root:/root:${LOGIN_SHELL_PATH}\n` +
      'daemon:*:1:1:daemon:/var:/bin/false\n' +
      'network:*:101:101:network:/var:/bin/false\n' +
      'nobody:*:65534:65534:nobody:/var:/bin/false\n',
  );
  await writeFile(r('etc/group'), 'root:x:0:\ndaemon:x:1:\nnetwork:x:101:\nnogroup:x:65534:\n');
  // dropbear refuses logins whose shell is not listed here.
  await writeFile(r('etc/shells'), `/bin/ash\n/bin/sh\n${LOGIN_SHELL_PATH}\n`);

  await chmod(r('root'), 0o700);
  await mkdir(r('root/.ssh'), { recursive: true, mode: 0o700 });
  await chmod(r('root/.ssh'), 0o700);
  await writeMode(r('root/.ssh/authorized_keys'), `${o.adminPublicKey.trim()}\n`, 0o600);

  await writeMode(r(LOGIN_SHELL_PATH.slice(1)), LOGIN_SHELL, 0o755);
  await writeFile(r('lab/firmware'), `${o.firmware}\n`);
  await writeFile(r('lab/scenario'), `${o.scenario}\n`);
  await writeMode(r('lab/server/password'), o.serverPassword, 0o600);
  // Mount point for the host-side audit log (bwrap --bind needs an existing file).
  await writeFile(r(AUDIT_LOG_PATH.slice(1)), '');

  await populateRootfs(o.rootfs, { name: o.name, firmware: o.firmware, scenario: o.scenario });

  const hostPublicKey = await generateHostKey(r(hostKeyPath(o.firmware).slice(1)), o.dropbearkey, hostKeyType(o.firmware));
  return { hostPublicKey };
}
