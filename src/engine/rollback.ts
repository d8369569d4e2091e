// Keep the previous version of every file an apply replaces, on the router (outside /rom),
// so a config that does not verify can be put back even if the workstation is gone.
// The backup is a snapshot taken right before the apply that changes things: the first
// thing the apply script does, in the same exec, so it costs no round trip.
// The programs are src/remote/programs/backup.sh and restore.sh.
import type { Change } from '../plan/types.js';
import { PREV_DIR } from '../remote/paths.js';
import { program } from '../remote/program.js';

/** The command line a router's audit log shows for a restore. */
export const ROLLBACK_COMMAND = '/bin/sh -s -- pptp-fleet:rollback';

/**
 * Shell that snapshots the files `changes` will touch into /etc/pptp-fleet/prev, with a
 * manifest line per file: `file INDEX PATH` (copy kept, symlinks as symlinks) or
 * `absent INDEX PATH`. Example line of the manifest: `file 0 /etc/ppp/peers/office`.
 * ROOT (tests only) prefixes every path.
 */
export function backupScript(changes: Change[], root = ''): string {
  const targets = [...new Set([...changes.filter((c) => c.kind === 'write-file' || c.kind === 'delete-file').map((c) => root + c.target), ...uciConfigs(changes).map((u) => root + u.file)])];
  if (targets.length === 0) return '';
  for (const t of targets) if (/[\n\s]/.test(t)) throw new RangeError(`not a one-word path: ${JSON.stringify(t)}`);
  return program('backup', { PREV: root + PREV_DIR, TARGETS: targets.join('\n'), NL: '\n' }, 'backup.sh');
}

/** The UCI configs CHANGES commit (/etc/config/NAME), each with the reload the apply ran after its commit. */
export function uciConfigs(changes: Change[]): Array<{ file: string; reload: string }> {
  const seen = new Map<string, string>();
  for (const c of changes) if (c.kind === 'uci-batch' && !seen.has(c.target)) seen.set(c.target, c.reload);
  return [...seen].map(([config, reload]) => ({ file: `/etc/config/${config}`, reload }));
}

export interface RestoreOptions {
  /** netifd interfaces the failed apply added or changed: `ifdown` first, so their pppd stops and netifd stops retrying. */
  ifdown?: string[];
  /** Run after the files are back, as the apply ran them after `uci commit` (network, firewall reload). */
  reloads?: string[];
}

/**
 * Shell that takes the interfaces OPTS.ifdown down (while netifd still has them), puts every
 * file of the last snapshot back, each by an atomic rename, then runs OPTS.reloads so netifd
 * and the firewall follow the restored /etc/config. ROOT (tests only) prefixes the snapshot's
 * directory; the manifest already holds prefixed paths.
 */
export function restoreScript(root = '', opts: RestoreOptions = {}): string {
  const ifdown = opts.ifdown ?? [];
  for (const n of ifdown) if (!/^[A-Za-z0-9_]+$/.test(n)) throw new RangeError(`not an interface name: ${JSON.stringify(n)}`);
  return program('rollback', { PREV: root + PREV_DIR, IFDOWN: ifdown.join(' '), RELOADS: (opts.reloads ?? []).join('\n'), NL: '\n' }, 'restore.sh');
}
