// Keep the previous version of every file an apply replaces, on the router (outside /rom),
// so a config that does not verify can be put back even if the workstation is gone.
// The backup is a snapshot taken right before the apply that changes things: the first
// thing the apply script does, in the same exec, so it costs no round trip.
import { shQuote } from '../shell/quote.js';
import type { Change } from '../plan/types.js';

const DIR = '/etc/pptp-fleet/prev';

/** The command line a router's audit log shows for a restore. */
export const ROLLBACK_COMMAND = '/bin/sh -s -- pptp-fleet:rollback';

/**
 * Shell that snapshots the files `changes` will touch into /etc/pptp-fleet/prev, with a
 * manifest line per file: `file PATH` (copy kept, symlinks as symlinks) or `absent PATH`.
 * Example line of the manifest: `file 0 /etc/ppp/peers/office`. ROOT (tests only) prefixes every path.
 */
export function backupScript(changes: Change[], root = ''): string {
  const targets = [...new Set(changes.filter((c) => c.kind === 'write-file' || c.kind === 'delete-file').map((c) => root + c.target))];
  if (targets.length === 0) return '';
  const lines = [
    `pf_prev=${shQuote(root + DIR)}`,
    'rm -rf "$pf_prev.new" && mkdir -p "$pf_prev.new" && chmod 700 "$pf_prev.new" || { echo "PF-FAIL backup - 1 cannot create $pf_prev.new"; exit 1; }',
    ': > "$pf_prev.new/manifest"',
  ];
  targets.forEach((t, i) => {
    const q = shQuote(t);
    lines.push(
      `if [ -e ${q} ] || [ -L ${q} ]; then cp -a ${q} "$pf_prev.new/${i}" && echo "file ${i} "${q} >> "$pf_prev.new/manifest" || { echo "PF-FAIL backup ${t.replace(/[^\w/.-]/g, '_')} 1 copy failed"; exit 1; }; else echo "absent ${i} "${q} >> "$pf_prev.new/manifest"; fi`,
    );
  });
  lines.push('rm -rf "$pf_prev" && mv "$pf_prev.new" "$pf_prev"', '');
  return lines.join('\n');
}

/**
 * Shell that puts every file of the last snapshot back, each by an atomic rename. ROOT (tests
 * only) prefixes the snapshot's directory; the manifest already holds prefixed paths.
 */
export function restoreScript(root = ''): string {
  return [
    'set -u',
    `pf_prev=${shQuote(root + DIR)}`,
    '[ -f "$pf_prev/manifest" ] || { echo "no snapshot in $pf_prev" >&2; exit 1; }',
    'rc=0',
    'while read -r state idx path; do',
    '  case "$state" in',
    '    file)',
    '      tmp="$(dirname "$path")/.pptp-fleet.restore.$$"',
    '      cp -a "$pf_prev/$idx" "$tmp" && mv -f "$tmp" "$path" || { echo "cannot restore $path" >&2; rm -f "$tmp"; rc=1; } ;;',
    '    absent) rm -f "$path" || rc=1 ;;',
    '  esac',
    'done < "$pf_prev/manifest"',
    'exit $rc',
    '',
  ].join('\n');
}
