// --diff: planned file changes (masked) as unified diffs, built here where they are printed.
import { createTwoFilesPatch } from 'diff';
import type { PlannedFile } from '../engine/events.js';

/** The unified diff of one planned file, router's version → planned; a note where no hunk shows. */
export function fileDiff(f: PlannedFile): string {
  const name = f.label ?? f.target;
  if (f.after === null) return createTwoFilesPatch(name, '/dev/null', f.before, '', 'router', 'planned');
  let diff = createTwoFilesPatch(name, name, f.before, f.after, 'router', 'planned');
  // Masked alike on both sides: say why there is no hunk rather than show none.
  if (f.before === f.after) {
    diff += f.replaceSymlink
      ? '(no line changes: the symlink is replaced by a regular file with the same content)\n'
      : '(no visible line changes: only a masked secret (***) changed)\n';
  }
  return diff;
}
