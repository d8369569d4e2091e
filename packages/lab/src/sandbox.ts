// The command line that runs one router: dropbear inside bubblewrap, with the router's rootfs
// as `/`, /rom read-only on top, and the host-side audit log bind-mounted at /lab/audit.log.
import { AUDIT_LOG_PATH, DROPBEAR_PATH, hostKeyPath, INIT_PATH } from './paths.js';
import type { Firmware } from './types.js';

export interface SandboxSpec {
  name: string;
  port: number;
  /** Decides the host key dropbear serves (RSA on White Russian and 19.07). */
  firmware: Firmware;
  rootfs: string;
  auditLog: string;
  bwrap: string;
  /** Running as root: false makes bwrap map the caller to root in a user namespace instead. */
  asRoot: boolean;
}

/**
 * argv for spawning a router (argv[0] is bwrap). `--die-with-parent` ties the router to the
 * supervisor; `--unshare-pid` makes bwrap's init the namespace's pid 1, so killing bwrap takes
 * every process of the router with it, sessions and stand-in daemons included.
 * @example sandboxArgv({ name: 'r001', port: 40123, firmware: 'openwrt', rootfs, auditLog, bwrap: '/usr/bin/bwrap', asRoot: true })
 */
export function sandboxArgv(s: SandboxSpec): string[] {
  return [
    s.bwrap,
    '--bind', s.rootfs, '/',
    '--ro-bind', `${s.rootfs}/rom`, '/rom',
    '--bind', s.auditLog, AUDIT_LOG_PATH,
    '--dev', '/dev',
    '--proc', '/proc',
    '--unshare-pid',
    '--unshare-uts',
    '--unshare-ipc',
    '--hostname', s.name,
    '--die-with-parent',
    // Not root: a user namespace maps the caller to uid 0 (untested here; the machine runs as root).
    ...(s.asRoot ? [] : ['--unshare-user', '--uid', '0', '--gid', '0']),
    '--cap-drop', 'ALL',
    '--cap-add', 'CAP_SETUID',
    '--cap-add', 'CAP_SETGID',
    '--cap-add', 'CAP_CHOWN',
    '--chdir', '/',
    // /lab/bin/init starts the boot sequence when `lab reboot` asked for one, then execs dropbear
    '/bin/sh', INIT_PATH,
    DROPBEAR_PATH,
    '-F', // foreground: the supervisor owns it
    '-E', // log to stderr, i.e. DIR/routers/<name>/dropbear.log
    '-s', // no password logins: the admin key only
    '-p', `127.0.0.1:${s.port}`,
    '-r', hostKeyPath(s.firmware),
  ];
}
