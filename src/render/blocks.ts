// Managed blocks: the lines pptp-fleet owns inside a file it shares with people.
//
//   # BEGIN pptp-fleet office
//   LAB\\fleet office "s3cret pass" *
//   # END pptp-fleet office
//
// Everything outside a BEGIN/END pair is kept byte for byte. Markers are `#` comments, which
// pppd options files, chap-secrets, /etc/modules and sh all ignore; they may be indented (inside
// a `case` in ip-up). A BEGIN without its END is not treated as ours (never eat user lines).

export const MARK = 'pptp-fleet';

export const beginMarker = (id: string, indent = ''): string => `${indent}# BEGIN ${MARK} ${id}`;
export const endMarker = (id: string, indent = ''): string => `${indent}# END ${MARK} ${id}`;

const BEGIN_RE = /^[ \t]*# BEGIN pptp-fleet (\S+)[ \t]*$/;
const END_RE = /^[ \t]*# END pptp-fleet (\S+)[ \t]*$/;

/** A file split into lines, each keeping its own line ending (the last may have none). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** Line text without its ending. */
export const bare = (line: string): string => line.replace(/\r?\n$/, '');

export interface BlockSpan {
  id: string;
  /** Index of the BEGIN line and of the END line in splitLines(text). */
  begin: number;
  end: number;
}

/** Finds every complete managed block, outermost first by position. */
export function findBlocks(lines: string[]): BlockSpan[] {
  const spans: BlockSpan[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN_RE.exec(bare(lines[i] ?? ''));
    if (!m?.[1]) continue;
    const id = m[1];
    for (let j = i + 1; j < lines.length; j++) {
      const e = END_RE.exec(bare(lines[j] ?? ''));
      if (e?.[1] === id) {
        spans.push({ id, begin: i, end: j });
        break;
      }
    }
  }
  return spans;
}

/** Indexes of the lines inside every complete managed block, markers included. */
function insideBlocks(lines: string[]): Set<number> {
  const inside = new Set<number>();
  for (const s of findBlocks(lines)) for (let i = s.begin; i <= s.end; i++) inside.add(i);
  return inside;
}

/**
 * Index of the first line outside every managed block (and no marker) that IS_RECORD takes for a
 * record, or the number of lines: where a new block goes to come before what others wrote,
 * never inside a block of ours (a block put inside another goes with it when that one is
 * rewritten or removed).
 */
export function firstRecordOutsideBlocks(lines: string[], isRecord: (line: string) => boolean): number {
  const inside = insideBlocks(lines);
  const i = lines.findIndex((l, k) => !inside.has(k) && !BEGIN_RE.test(bare(l)) && !END_RE.test(bare(l)) && isRecord(l));
  return i < 0 ? lines.length : i;
}

/** Body lines (with endings) of block `id`, or null when the file has no such block. */
export function blockBody(text: string, id: string): string | null {
  const lines = splitLines(text);
  const span = findBlocks(lines).find((s) => s.id === id);
  return span ? lines.slice(span.begin + 1, span.end).join('') : null;
}

/** Wraps body text (ending in "\n", or empty) in markers. */
export function wrapBlock(id: string, body: string, indent = ''): string {
  return `${beginMarker(id, indent)}\n${body}${endMarker(id, indent)}\n`;
}

export interface BlockEdit {
  /** Blocks to have, body text ending in "\n". */
  set: Array<{ id: string; body: string }>;
  /** Block ids to take out. */
  remove: string[];
  /** Where a block that does not exist yet goes: index into the file's lines (0..length). */
  insertAt: (lines: string[]) => number;
  /** Indentation of new markers. */
  indent?: string;
}

/**
 * Applies a block edit: existing blocks are replaced in place (their markers' indentation
 * kept), removed ones are cut out, new ones are inserted together at `insertAt`.
 * A last line without "\n" gets one only when something is appended after it.
 */
export function editBlocks(text: string, edit: BlockEdit): string {
  let lines = splitLines(text);
  const want = new Map(edit.set.map((b) => [b.id, b.body]));
  const drop = new Set(edit.remove.filter((id) => !want.has(id)));
  for (const id of [...want.keys(), ...drop]) {
    // Re-find after every edit: blocks may nest (ip-up's dispatch block holds tunnel blocks).
    const occurrences = findBlocks(lines).filter((s) => s.id === id);
    // From the last one up; duplicates of a block of ours are dropped, the first one kept.
    for (let k = occurrences.length - 1; k >= 0; k--) {
      const s = occurrences[k];
      if (!s) continue;
      if (k > 0 || drop.has(id)) {
        lines.splice(s.begin, s.end - s.begin + 1);
      } else {
        const indent = /^[ \t]*/.exec(lines[s.begin] ?? '')?.[0] ?? '';
        lines.splice(s.begin, s.end - s.begin + 1, ...splitLines(wrapBlock(id, want.get(id) ?? '', indent)));
      }
    }
  }
  const present = new Set(findBlocks(lines).map((s) => s.id));
  const fresh = edit.set.filter((b) => !present.has(b.id));
  if (fresh.length > 0) {
    const at = Math.max(0, Math.min(lines.length, edit.insertAt(lines)));
    // Appending after a last line without "\n": that line needs one first.
    const last = lines.length - 1;
    if (at === lines.length && last >= 0 && !(lines[last] ?? '').endsWith('\n')) lines[last] += '\n';
    const added = fresh.flatMap((b) => splitLines(wrapBlock(b.id, b.body, edit.indent ?? '')));
    lines = [...lines.slice(0, at), ...added, ...lines.slice(at)];
  }
  return lines.join('');
}

/** Text outside every managed block (what people wrote). */
export function unmanagedText(text: string): string {
  const lines = splitLines(text);
  const inside = insideBlocks(lines);
  return lines.filter((_, i) => !inside.has(i)).join('');
}
