// The facts round trip: one busybox-ash program (src/remote/programs/facts.sh with its two awk
// programs), sent over stdin, that prints everything the planner needs in the framed format
// (src/remote/frame.ts) that `parse.ts` reads back. No I/O here: the engine runs FACTS_COMMAND
// with factsScript(paths) on stdin and hands stdout to parseFacts().
//
// Sections, in the order printed: @@hostname, @@release, @@pkgmgr, @@packages (ppp=VERSION),
// @@pppd-version, @@pppd-libdirs, @@lsmod, @@modules-available, @@flags, @@pptp-plugin,
// @@file PATH (type, ls, target, tls, md5, content, nl, then the content lines) per managed
// path, @@pppd LINK (pid, iface, alive, then its log lines) per pid file (in /var/run and,
// for pppd 2.5, /var/run/pppd), @@route-n,
// @@ip-route-default, @@lock.
//
// Size: a lab router with one tunnel up prints 7-8 KB, ~4.5 KB more per tunnel (measured in
// test/lab/faults.test.ts); from two tunnels on the engine has it gzip-compressed on routers
// with gzip (shell/compress.ts). Content is sent only for files under 8 KiB, and only installed
// package NAMES are sent (never the status file).
//
// Cost: forks are what a facts run pays for on a router (milliseconds each on a MIPS box), so
// the program tests files with builtins, reads small files with `read`, lists directories with
// globs and handles all managed files, the package database and the running pppds' syslog
// lines with a fixed handful of processes (ls, md5sum, logread, one awk) whatever their number:
// 6 programs in all with lsmod and route (one more `ls` for links' targets, `uci show` twice on
// fw3/fw4 routers), against ~120 when every file had its own.

import { PACKAGE_LOCK_FILES, TUNNEL_STATE_PREFIX } from '../remote/paths.js';
import { PROGRAMS, commonVars, program } from '../remote/program.js';

/** What the router's audit log shows: the script itself arrives on stdin. */
export const FACTS_COMMAND = '/bin/sh -s -- pptp-fleet:facts';

/**
 * Files larger than this are reported (type, mode, md5) without content, and the planner cannot
 * edit them: 8 KB for a router with one tunnel, whose output is plain text (dropbear's ~14 KB,
 * see shell/compress.ts); from two tunnels on (output compressed where the router has gzip) 64 KB
 * a file and 48 KB for all files together, about 5-7 KB compressed: ip-up and ip-down grow by an
 * arm of ~1 KB per hand-run tunnel, and 8 of them passed 8 KB.
 */
export const MAX_CONTENT_BYTES = 8192;
export const MAX_CONTENT_BYTES_COMPRESSED = 65536;
export const MAX_TOTAL_CONTENT_BYTES_COMPRESSED = 49152;

/** The content limits for facts whose output goes out COMPRESSED or as plain text. */
export function contentLimits(compressed: boolean): Pick<FactsScriptOptions, 'maxContentBytes' | 'maxTotalContentBytes'> {
  return compressed ? { maxContentBytes: MAX_CONTENT_BYTES_COMPRESSED, maxTotalContentBytes: MAX_TOTAL_CONTENT_BYTES_COMPRESSED } : { maxContentBytes: MAX_CONTENT_BYTES };
}

export interface FactsScriptOptions {
  /**
   * Tests only: a directory prefixed to every absolute path the script reads (a fake router
   * root). Tools (lsmod, route, ip, logread, pppd) are looked up under it too.
   */
  root?: string;
  /** Syslog lines kept per alive pppd (default 40). */
  logLines?: number;
  /** netifd interface names whose /etc/config/network sections are reported (render/netifd.ts netifdInterface). */
  interfaces?: string[];
  /** Files larger than this are reported without content (default MAX_CONTENT_BYTES). */
  maxContentBytes?: number;
  /** Files whose content would take all files' content past this are reported without it (default: no limit). */
  maxTotalContentBytes?: number;
}

/**
 * The shell helpers every router program shares (src/remote/programs/common.sh): tool, findtool,
 * pfx, syslog, link_pid, link_iface; then pppd-pid.sh: alive, wait_gone, stop_pid. They expect R, CR and PIDDIR
 * from a header (src/remote/program.ts commonVars).
 */
export const SH_HELPERS = PROGRAMS['common.sh'] + PROGRAMS['pppd-pid.sh'];

/**
 * The facts script for busybox ash. `paths` are absolute paths whose state (type, link target,
 * mode, owner, md5, small content) is reported. Example:
 * `factsScript(managedPaths(['office']))` → script text to pipe into FACTS_COMMAND.
 */
export function factsScript(paths: string[], options: FactsScriptOptions = {}): string {
  const root = options.root ?? '';
  const logLines = options.logLines ?? 40;
  if (!Number.isInteger(logLines) || logLines < 1) throw new RangeError('logLines must be a positive integer');
  for (const p of paths) {
    if (!p.startsWith('/') || /[\n\r]/.test(p)) throw new RangeError(`not an absolute one-line path: ${JSON.stringify(p)}`);
  }
  const interfaces = options.interfaces ?? [];
  for (const i of interfaces) if (!/^[A-Za-z0-9_]+$/.test(i)) throw new RangeError(`not a netifd interface name: ${JSON.stringify(i)}`);
  return program(
    'facts',
    {
      ...commonVars(root),
      LOGN: logLines,
      MAXC: options.maxContentBytes ?? MAX_CONTENT_BYTES,
      MAXT: options.maxTotalContentBytes ?? 0,
      PATHS: paths.join('\n'),
      LOCKS: PACKAGE_LOCK_FILES.join('\n'),
      ST: TUNNEL_STATE_PREFIX,
      FILES_AWK: PROGRAMS['facts-files.awk'],
      LOG_AWK: PROGRAMS['facts-log.awk'],
      NETIFS: interfaces.join('\n'),
    },
    'common.sh',
    'pppd-pid.sh',
    'facts.sh',
  );
}
