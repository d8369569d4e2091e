// The host programs a lab needs: dropbear (the SSH server OpenWrt ships), bubblewrap (the
// sandbox), OpenSSH's ssh-keygen (admin key in OpenSSH format, which ssh2 reads), and a
// *dynamic* busybox. busybox-static is useless here: its shell runs builtin applets before
// PATH, so it would shadow the stand-in programs (insmod, route, logread...).
import { access, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';

export interface LabTools {
  /** Dynamic busybox binary from the Debian `busybox` package, unpacked in the cache. */
  busybox: string;
  dropbear: string;
  dropbearkey: string;
  bwrap: string;
  sshKeygen: string;
}

/** Debian package → the binary that proves it is installed. */
const REQUIRED: ReadonlyArray<{ pkg: string; bin: string; key: Exclude<keyof LabTools, 'busybox'> }> = [
  { pkg: 'dropbear-bin', bin: '/usr/sbin/dropbear', key: 'dropbear' },
  { pkg: 'dropbear-bin', bin: '/usr/bin/dropbearkey', key: 'dropbearkey' },
  { pkg: 'bubblewrap', bin: '/usr/bin/bwrap', key: 'bwrap' },
  { pkg: 'openssh-client', bin: '/usr/bin/ssh-keygen', key: 'sshKeygen' },
];

/**
 * Where downloaded artefacts are kept between labs: `$PPTP_FLEET_CACHE` or `~/.cache/pptp-fleet`.
 * @example cacheDir() // '/root/.cache/pptp-fleet'
 */
export function cacheDir(): string {
  return process.env['PPTP_FLEET_CACHE'] || join(homedir(), '.cache', 'pptp-fleet');
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

// apt-get's package lists are empty on a fresh machine; refresh them at most once per process.
let aptUpdated = false;
async function aptUpdateOnce(): Promise<void> {
  if (aptUpdated) return;
  await run('apt-get', ['update'], { timeoutMs: 600_000 });
  aptUpdated = true;
}

/**
 * Makes sure the Debian packages behind the lab are installed: as root it installs the missing
 * ones with apt-get, otherwise it throws an error naming the exact install command.
 * @example const tools = await ensureLabDeps(); tools.bwrap // '/usr/bin/bwrap'
 */
export async function ensureLabDeps(): Promise<LabTools> {
  const missing: string[] = [];
  for (const r of REQUIRED) {
    if (!(await exists(r.bin, constants.X_OK)) && !missing.includes(r.pkg)) missing.push(r.pkg);
  }
  if (missing.length > 0) {
    if (!isRoot()) {
      throw new Error(
        `the lab needs Debian packages that are not installed: run \`sudo apt-get install -y ${missing.join(' ')}\` ` +
          `(and never \`apt-get install busybox\`: the lab downloads it without installing it)`,
      );
    }
    await aptUpdateOnce();
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { timeoutMs: 600_000 });
  }
  const tools = { busybox: await ensureBusybox() } as LabTools;
  for (const r of REQUIRED) tools[r.key] = r.bin;
  return tools;
}

/**
 * Returns the path of a dynamic busybox unpacked from Debian's `busybox` package into the cache,
 * downloading it once (`apt-get download` + `dpkg-deb -x`; never installed: it conflicts with
 * busybox-static).
 * @example await ensureBusybox() // '/root/.cache/pptp-fleet/busybox/root/bin/busybox'
 */
export async function ensureBusybox(): Promise<string> {
  const base = join(cacheDir(), 'busybox');
  const binary = join(base, 'root', 'bin', 'busybox');
  if (await exists(binary, constants.X_OK)) return binary;

  await mkdir(base, { recursive: true });
  // Download and unpack in a private temp dir, then rename into place: two labs starting at
  // once (parallel test files) must not see a half-unpacked busybox.
  const work = await mkdtemp(join(base, 'dl-'));
  try {
    try {
      await run('apt-get', ['download', 'busybox'], { cwd: work, timeoutMs: 300_000 });
    } catch (err) {
      if (!isRoot()) throw err;
      await aptUpdateOnce();
      await run('apt-get', ['download', 'busybox'], { cwd: work, timeoutMs: 300_000 });
    }
    const deb = (await readdir(work)).find((f) => f.startsWith('busybox_') && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download busybox left no busybox_*.deb in ${work}`);
    await run('dpkg-deb', ['-x', join(work, deb), join(work, 'root')]);
    try {
      await rename(join(work, 'root'), join(base, 'root'));
    } catch (err) {
      // Another process won the race; its copy is as good as ours.
      if (!(await exists(binary, constants.X_OK))) throw err;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  if (!(await exists(binary, constants.X_OK))) throw new Error(`busybox package unpacked but ${binary} is missing`);
  return binary;
}
