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
  const targets = [...new Set(changes.filter((c) => c.kind === 'write-file' || c.kind === 'delete-file').map((c) => root + c.target))];
  if (targets.length === 0) return '';
  for (const t of targets) if (/[\n\s]/.test(t)) throw new RangeError(`not a one-word path: ${JSON.stringify(t)}`);
  return program('backup', { PREV: root + PREV_DIR, TARGETS: targets.join('\n'), NL: '\n' }, 'backup.sh');
}

/**
 * Shell that puts every file of the last snapshot back, each by an atomic rename. ROOT (tests
 * only) prefixes the snapshot's directory; the manifest already holds prefixed paths.
 */
export function restoreScript(root = ''): string {
  return program('rollback', { PREV: root + PREV_DIR }, 'restore.sh');
}
