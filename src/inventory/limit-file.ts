// `--limit @FILE`, as Ansible reads it (InventoryManager.subset): each `@FILE` term of the
// pattern is replaced by the file's lines (one pattern per line, stripped; what Ansible's
// .retry files hold), the other terms are kept, and the whole is one pattern again. So
// `--limit @site.retry` selects the hosts listed, and `--limit '@site.retry:!r007'` those
// except r007. Blank lines are skipped; a file that lists nothing is an error (Ansible would
// select no host and report success).
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { splitPattern } from './pattern.js';

/**
 * The pattern with every `@FILE` term replaced by FILE's lines (joined with commas, a comma
 * last), or the pattern unchanged when it has no such term. Errors name the file: InputError,
 * exit 2.
 *
 * @example await expandLimitFiles('@failed.retry,!r007') // 'r001,r003,!r007,'
 */
export async function expandLimitFiles(pattern: string | undefined): Promise<string | undefined> {
  if (pattern === undefined || !pattern.includes('@')) return pattern;
  const terms = splitPattern(pattern);
  if (!terms.some((t) => t.startsWith('@'))) return pattern;
  const out: string[] = [];
  for (const term of terms) {
    if (!term.startsWith('@')) {
      out.push(term);
      continue;
    }
    const file = term.slice(1);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, expected a file' : (err as Error).message;
      throw new InputError([{ file, path: '--limit', message: `cannot read the limit file: ${why}` }]);
    }
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) throw new InputError([{ file, path: '--limit', message: 'the limit file lists no host (one host or pattern per line expected)' }]);
    // Ansible takes a line with a comma for one pattern, which matches no host: never split it
    const comma = text.split('\n').findIndex((l) => l.includes(','));
    if (comma >= 0) throw new InputError([{ file, path: `--limit, line ${comma + 1}`, message: 'a line holds a comma: one host or pattern per line expected (Ansible reads the line as one pattern, which names no host)' }]);
    out.push(...lines);
  }
  // Each line is one pattern, never split again (Ansible's InventoryManager.subset): the comma
  // keeps a single line's `routers:!r3` whole too (splitPattern drops the empty last term).
  return `${out.join(',')},`;
}
