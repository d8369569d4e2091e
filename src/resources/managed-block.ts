// Managed blocks in a file shared with people or packages (chap-secrets, /etc/modules,
// options.pptp): only our BEGIN/END pptp-fleet blocks change, every other byte stays.
import type { Facts } from '../facts/types.js';
import type { Change } from '../plan/types.js';
import { editBlocks, type BlockEdit } from '../render/blocks.js';
import { beforeFirstRecord } from '../render/chap-secrets.js';
import { currentContent, fileChanges, NOT_GATHERED, type MaskSpec } from './file.js';
import { ResourceError } from './problem.js';

export interface DesiredBlocks {
  path: string;
  mode: string;
  /** Blocks to have: body text ending in "\n". */
  blocks: Array<{ id: string; body: string }>;
  /** Block ids to take out. */
  remove: string[];
  /** Where new blocks go: end of file, or before the first pppd record (chap-secrets). */
  insert: 'end' | 'before-first-record';
  /** Content to start from when the file does not exist ('' by default). */
  initial?: string;
  reason: string;
  mask?: MaskSpec;
}

export function insertPoint(insert: DesiredBlocks['insert']): BlockEdit['insertAt'] {
  return insert === 'end' ? (lines) => lines.length : beforeFirstRecord;
}

/**
 * Example: chap-secrets is the lab's symlink into /rom holding only a comment, desired one
 * block `office` → one `write-file` with replaceSymlink, content = the comment + the block.
 * Nothing to add and nothing of ours to remove → no change (a missing file is not created).
 */
export function blockChanges(desired: DesiredBlocks, facts: Facts): Change[] {
  const before = currentContent(facts, desired.path);
  if (before === undefined) throw new ResourceError(`${desired.path}: its content was not gathered (${NOT_GATHERED}), cannot edit its managed blocks`);
  if (before === null && desired.blocks.length === 0) return [];
  const start = before ?? desired.initial ?? '';
  const after = editBlocks(start, { set: desired.blocks, remove: desired.remove, insertAt: insertPoint(desired.insert) });
  // Only taking blocks out and none was there: leave the file (and its mode, its symlink) alone.
  if (after === before && desired.blocks.length === 0) return [];
  return fileChanges({ path: desired.path, state: 'present', content: after, mode: desired.mode, reason: desired.reason, mask: desired.mask }, facts);
}
