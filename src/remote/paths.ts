// Every path on the router that the tool's programs read, write or signal, defined once. The
// programs in ./programs receive them through their generated header (./program.ts); the
// renderers and the planner import them from here.

/** pppd on every supported firmware. */
export const PPPD = '/usr/sbin/pppd';

/**
 * Where pppd keeps `ppp-LINKNAME.pid` (pid, then the interface once up), by pppd version:
 * up to 2.4.9 in /var/run; 2.5 in its runtime dir, /var/run/pppd (ppp-project/ppp
 * pppd/pathnames.h: PPP_PATH_VARRUN = PPPD_RUNTIME_DIR, by default ${localstatedir}/run/pppd;
 * OpenWrt's patch 102 makes pppd create that dir before its pid files). Facts read both.
 */
export const PPP_PID_DIR_24 = '/var/run';
export const PPP_PID_DIR_25 = '/var/run/pppd';
export const PPP_PID_DIRS: readonly string[] = [PPP_PID_DIR_24, PPP_PID_DIR_25];

/**
 * The pid file dir of a router's pppd from its version in the facts (`2.4.9`, `2.5.1`); an
 * unknown version (pppd not installed yet, or not told) counts as 2.4.
 * @example pppdPidDir('2.5.1') // '/var/run/pppd'
 */
export function pppdPidDir(pppdVersion: string | null | undefined): string {
  const m = /^(\d+)\.(\d+)/.exec(pppdVersion ?? '');
  if (!m) return PPP_PID_DIR_24;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 2 || (major === 2 && minor >= 5) ? PPP_PID_DIR_25 : PPP_PID_DIR_24;
}

/** Tunnel NAME's pid file on a router whose pppd is PPPDVERSION (its peer sets `linkname NAME`). */
export function pidFile(name: string, pppdVersion?: string | null): string {
  return `${pppdPidDir(pppdVersion)}/ppp-${name}.pid`;
}

/**
 * Prefix of the tool's per-tunnel state files: `/tmp/pptp-fleet-NAME.out` (the foreground
 * output of the tool's last attempt) and `/tmp/pptp-fleet-NAME.daemon` (the pid it left).
 */
export const TUNNEL_STATE_PREFIX = '/tmp/pptp-fleet-';

/** Prefix of a tunnel program's private work dir (`/tmp/pptp-fleet.PID`). */
export const WORK_DIR_PREFIX = '/tmp/pptp-fleet.';

/**
 * Prefix of the restart markers: `/var/run/pptp-fleet/restart-NAME`, left by the apply script
 * before a tunnel's file changes, removed by tunnels-up when it starts the tunnel. /var/run is
 * tmpfs on OpenWrt: a reboot restarts every tunnel anyway.
 */
export const RESTART_MARKER_PREFIX = '/var/run/pptp-fleet/restart-';
export const restartMarkerPath = (name: string): string => `${RESTART_MARKER_PREFIX}${name}`;

/** The snapshot of the files the last apply replaced (outside /rom), for a rollback. */
export const PREV_DIR = '/etc/pptp-fleet/prev';

/** Lock files of ipkg/opkg/apk; held when locked in /proc/locks or naming a live pid. */
export const PACKAGE_LOCK_FILES: readonly string[] = ['/var/lock/opkg.lock', '/var/lock/ipkg.lock', '/usr/lib/ipkg/lock', '/lib/apk/db/lock'];
