// pppd's word syntax, shared by options files, peer files and chap-secrets.
//
// Mirrors getword() in pppd/options.c (2.4.x and 2.5.x read words the same way):
// - words are separated by white space; `#` outside quotes starts a comment to end of line;
// - `"` or `'` toggle quoting anywhere in a word (`ab"c d"e` is the one word `abc de`);
//   inside quotes white space and `#` are ordinary characters;
// - a backslash escapes the next character, inside quotes too: `\\` `\"` `\'` `\#` `\ `
//   give that character, `\n` `\t` `\r` `\s` (space) `\a` `\b` `\f` C escapes, `\ooo` octal
//   (1..3 digits), `\xHH` hex (1..2 digits); backslash-newline is ignored.

/**
 * One pppd word that pppd reads back as exactly `value`.
 * Bare when possible, backslashes doubled (`DOMAIN\user` → `DOMAIN\\user`, as the seed's
 * `name DOMAIN\\Username`); double-quoted when the value holds white space, quotes or `#`
 * (`pa ss"#` → `"pa ss\"#"`); control characters as 3-digit octal escapes.
 * NUL cannot be represented (pppd's words are C strings) and is rejected.
 */
export function pppdQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a pppd word cannot contain a NUL character');
  if (value === '') return '""';
  const needsQuotes = /[\s"'#]/.test(value);
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"' && needsQuotes) out += '\\"';
    else if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(8).padStart(3, '0');
    else out += ch;
  }
  return needsQuotes ? `"${out}"` : out;
}

/** A word as pppd's getword() returns it, with where it started in the text. */
export interface PppdWord {
  word: string;
  /** A newline (outside a comment escape) came before this word: pppd's `newline` flag. */
  newline: boolean;
  /** Offsets of the raw word in the text: [start, end). */
  start: number;
  end: number;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isOctal = (c: string | undefined): c is string => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined): c is string => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Reads every word of an options or secrets file the way pppd's getword() does. */
export function pppdReadWords(text: string): PppdWord[] {
  const words: PppdWord[] = [];
  let i = 0;
  let first = true;
  const n = text.length;
  while (i < n) {
    // Skip white space and comments; remember whether a line ended.
    let newline = first;
    first = false;
    let comment = false;
    let escape = false;
    let c: string | undefined;
    for (;;) {
      c = text[i];
      if (c === undefined) break;
      i++;
      if (c === '\n') {
        if (!escape) {
          newline = true;
          comment = false;
        } else escape = false;
        continue;
      }
      if (comment) continue;
      if (escape) break;
      if (c === '\\') {
        escape = true;
        continue;
      }
      if (c === '#') {
        comment = true;
        continue;
      }
      if (!isSpace(c)) break;
    }
    if (c === undefined) break;
    const start = escape ? i - 2 : i - 1;
    let word = '';
    let quoted: string | null = null;
    // c is the current character (already consumed: text[i - 1]).
    for (;;) {
      if (c === undefined) break;
      if (escape) {
        escape = false;
        if (c === '\n') {
          c = text[i++];
          continue;
        }
        let got = false;
        let value: string;
        switch (c) {
          case 'a': value = '\x07'; break;
          case 'b': value = '\b'; break;
          case 'f': value = '\f'; break;
          case 'n': value = '\n'; break;
          case 'r': value = '\r'; break;
          case 's': value = ' '; break;
          case 't': value = '\t'; break;
          default:
            if (isOctal(c)) {
              let v = 0;
              for (let k = 0; k < 3 && isOctal(c); k++) {
                v = (v << 3) + (c.charCodeAt(0) & 7);
                c = text[i++];
              }
              value = String.fromCharCode(v & 0xff);
              got = true;
              break;
            }
            if (c === 'x') {
              let v = 0;
              c = text[i++];
              for (let k = 0; k < 2 && isHex(c); k++) {
                v = (v << 4) + parseInt(c, 16);
                c = text[i++];
              }
              value = String.fromCharCode(v);
              got = true;
              break;
            }
            value = c;
        }
        word += value;
        if (!got) c = text[i++];
        continue;
      }
      if (c === '\\') {
        escape = true;
        c = text[i++];
        continue;
      }
      if (quoted !== null) {
        if (c === quoted) {
          quoted = null;
          c = text[i++];
          continue;
        }
      } else if (c === '"' || c === "'") {
        quoted = c;
        c = text[i++];
        continue;
      } else if (isSpace(c) || c === '#') {
        i--; // ungetc
        break;
      }
      word += c;
      c = text[i++];
    }
    // At end of file an empty word is no word (getword returns 0 when len == 0).
    if (c === undefined && word === '') break;
    if (c === undefined) i = n;
    words.push({ word, newline, start, end: Math.min(i, n) });
  }
  return words;
}

/**
 * Groups words into records the way pppd's scan_authfile() reads chap-secrets:
 * a record starts with the first word after a newline.
 */
export function pppdReadRecords(text: string): string[][] {
  const records: string[][] = [];
  for (const w of pppdReadWords(text)) {
    const last = records[records.length - 1];
    if (w.newline || last === undefined) records.push([w.word]);
    else last.push(w.word);
  }
  return records;
}
