// Every path on the router that the tool's programs read, write or signal, defined once. The
// programs in ./programs receive them through their generated header (./program.ts); the
// renderers and the planner import them from here.

/** pppd on every supported firmware. */
export const PPPD = '/usr/sbin/pppd';

/** Where pppd keeps `ppp-LINKNAME.pid` (pid, then the interface once up). */
export const PPP_PID_DIR = '/var/run';

/** Tunnel NAME's pid file: its peer file sets `linkname NAME`. */
export function pidFile(name: string): string {
  return `${PPP_PID_DIR}/ppp-${name}.pid`;
}

/** The system log where syslogd writes to a file (logread is tried first). */
export const SYSLOG_FILE = '/var/log/messages';

/**
 * Prefix of the tool's per-tunnel state files: `/tmp/pptp-fleet-NAME.out` (the foreground
 * output of the tool's last attempt) and `/tmp/pptp-fleet-NAME.daemon` (the pid it left).
 */
export const TUNNEL_STATE_PREFIX = '/tmp/pptp-fleet-';
export const attemptOutputPath = (name: string): string => `${TUNNEL_STATE_PREFIX}${name}.out`;
export const attemptDaemonPath = (name: string): string => `${TUNNEL_STATE_PREFIX}${name}.daemon`;

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
