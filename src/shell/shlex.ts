// Word splitting as Python's shlex does it: what Ansible uses for INI host lines and for
// ansible_ssh_common_args / ansible_ssh_extra_args, so both read exactly as Ansible reads them.

/**
 * Splits LINE as Python's `shlex.split(line, comments=COMMENTS)` does (POSIX mode): whitespace
 * separates words; '...' is literal; in "..." a backslash escapes only `"` and `\` (else it is
 * kept); outside quotes a backslash escapes any character; with COMMENTS, `#` outside quotes
 * ends the line. Returns shlex's message instead of words on an open quote or a final backslash.
 * @example shlexSplit(`-o "User=a b" x\\ y`) // ['-o', 'User=a b', 'x y']
 */
export function shlexSplit(line: string, opts: { comments?: boolean } = {}): string[] | string {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] ?? '';
    if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#' && opts.comments) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return 'no closing quotation';
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i] ?? '';
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return 'no closing quotation';
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return 'no escaped character';
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) out.push(word);
  return out;
}
