// Whole files: compare content (or md5), mode and symlink state; write, chmod, delete or nothing.
import { createHash } from 'node:crypto';
import { MAX_CONTENT_BYTES, MAX_CONTENT_BYTES_COMPRESSED, MAX_TOTAL_CONTENT_BYTES_COMPRESSED } from '../facts/gather.js';
import type { FileFact, Facts } from '../facts/types.js';
import type { Change } from '../plan/types.js';
import { maskChapSecrets, maskSecrets } from '../render/mask.js';
import { ResourceError } from './problem.js';

/** How to hide secrets of a file in --diff output. */
export interface MaskSpec {
  /** chap-secrets: every record's secret word. */
  chapSecrets?: boolean;
  /** Literal secrets to hide wherever they appear. */
  secrets?: string[];
}

export type DesiredFile =
  | { path: string; state: 'present'; content: string; mode: string; reason: string; mask?: MaskSpec }
  | { path: string; state: 'absent'; reason: string; mask?: MaskSpec };

export function applyMask(text: string, mask: MaskSpec | undefined): string {
  if (!mask) return text;
  const chap = mask.chapSecrets ? maskChapSecrets(text) : text;
  return maskSecrets(chap, mask.secrets ?? []);
}

export const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** `0600` and `600` are the same mode. */
export const normalizeMode = (mode: string): string => mode.replace(/^0+(?=\d)/, '');

/** The fact for `path`, `missing` when the gatherer did not report it. */
export function fileFact(facts: Facts, path: string): FileFact {
  return facts.files[path] ?? { path, type: 'missing' };
}

/** Why a file's content can be missing from the facts, for error messages. */
export const NOT_GATHERED = `larger than the facts report: ${MAX_CONTENT_BYTES / 1024} KB with one tunnel; with more, ${MAX_CONTENT_BYTES_COMPRESSED / 1024} KB a file and ${MAX_TOTAL_CONTENT_BYTES_COMPRESSED / 1024} KB for all together; or not text`;

/**
 * What `path` holds now: its text (through a symlink), null when missing, undefined when it
 * exists but the facts carry no content for it.
 */
export function currentContent(facts: Facts, path: string): string | null | undefined {
  const f = fileFact(facts, path);
  if (f.type === 'missing') return null;
  if (f.content !== undefined) return f.content;
  if (f.type === 'symlink' && f.linkTarget) {
    const target = f.linkTarget.startsWith('/') ? f.linkTarget : `${path.replace(/\/[^/]*$/, '')}/${f.linkTarget}`;
    const t = facts.files[target];
    if (t?.content !== undefined) return t.content;
    if (t?.type === 'missing') return null;
  }
  return undefined;
}

/**
 * Changes that make `desired` true. Examples:
 * - missing file → `write-file` (maskedBefore '')
 * - same content, mode 644 instead of 600 → `chmod`
 * - a symlink (e.g. chap-secrets into read-only /rom) → `write-file` with replaceSymlink: a
 *   regular file takes the link's place, /rom is never written
 * - same content and mode, a regular file → no change
 * - absent and present → `delete-file`
 */
export function fileChanges(desired: DesiredFile, facts: Facts): Change[] {
  const f = fileFact(facts, desired.path);
  if (f.type === 'dir') throw new ResourceError(`${desired.path} is a directory, expected a file`);
  const before = currentContent(facts, desired.path);
  const maskedBefore = before === null ? '' : before === undefined ? `(content not read, md5 ${f.md5 ?? 'unknown'})\n` : applyMask(before, desired.mask);
  if (desired.state === 'absent') {
    if (f.type === 'missing') return [];
    return [{ kind: 'delete-file', resource: 'file', target: desired.path, maskedBefore, reason: desired.reason }];
  }
  const isLink = f.type === 'symlink';
  const same = !isLink && f.type === 'file' && (f.content !== undefined ? f.content === desired.content : f.md5 === md5(desired.content));
  if (same) {
    if (f.mode !== undefined && normalizeMode(f.mode) === normalizeMode(desired.mode)) return [];
    return [{ kind: 'chmod', resource: 'file', target: desired.path, mode: desired.mode, reason: `mode ${f.mode ?? 'unknown'} → ${desired.mode}` }];
  }
  return [
    {
      kind: 'write-file',
      resource: 'file',
      target: desired.path,
      content: desired.content,
      maskedContent: applyMask(desired.content, desired.mask),
      maskedBefore,
      mode: desired.mode,
      replaceSymlink: isLink,
      reason: isLink ? `${desired.reason} (replaces the symlink to ${f.linkTarget ?? '?'} with a regular file)` : desired.reason,
    },
  ];
}
