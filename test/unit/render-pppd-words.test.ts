import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chapSecretLine, SecretFormatError } from '../../src/render/chap-secrets.js';
import { pppdQuote, pppdReadRecords, pppdReadWords } from '../../src/render/pppd-words.js';
import { seed } from '../fixtures/property.js';

const words = (text: string): string[] => pppdReadWords(text).map((w) => w.word);
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

describe('pppdReadWords (pppd getword)', () => {
  it('splits on white space and skips # comments outside quotes', () => {
    expect(words('name foo # a comment\nremotename bar\n')).toEqual(['name', 'foo', 'remotename', 'bar']);
    expect(words('"a # b" c#d\n')).toEqual(['a # b', 'c', ]);
  });
  it('lets quotes toggle inside a word and backslashes escape everywhere', () => {
    expect(words(`ab"c d"e 'x"y' "q\\"r" DOMAIN\\\\user`)).toEqual(['abc de', 'x"y', 'q"r', 'DOMAIN\\user']);
    expect(words('a\\ b \\#c')).toEqual(['a b', '#c']);
  });
  it('reads C, octal and hex escapes and ignores backslash-newline', () => {
    expect(words('\\t\\n\\s \\101\\x41 ab\\\ncd')).toEqual(['\t\n ', 'AA', 'abcd']);
  });
  it('flags the first word after a newline as a record start', () => {
    expect(pppdReadRecords('a b c *\n# comment\nd e "f g" *\n')).toEqual([
      ['a', 'b', 'c', '*'],
      ['d', 'e', 'f g', '*'],
    ]);
  });
  it('reads an empty quoted word, but not one at the very end of the file', () => {
    expect(words('a "" b\n')).toEqual(['a', '', 'b']);
    expect(words('a ""')).toEqual(['a']);
  });
});

describe('pppdQuote', () => {
  it('doubles backslashes so DOMAIN\\user reads back (the seed: name DOMAIN\\\\Username)', () => {
    expect(pppdQuote('DOMAIN\\Username')).toBe('DOMAIN\\\\Username');
  });
  it('double-quotes values with blanks, quotes or #', () => {
    expect(pppdQuote('pa ss')).toBe('"pa ss"');
    expect(pppdQuote('a"b')).toBe('"a\\"b"');
    expect(pppdQuote('x#y')).toBe('"x#y"');
    expect(pppdQuote('')).toBe('""');
  });
  it('rejects NUL', () => {
    expect(() => pppdQuote('a\0b')).toThrow();
  });
  it('round-trips any string without NUL through the reader', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0') && !/[\u0080-\u00ff]/.test(s)), (s) => {
        expect(words(`name ${pppdQuote(s)}\n`)).toEqual(['name', s]);
      }),
      { numRuns: 500, seed: seed(101) },
    );
  });
});

describe('chap-secrets line', () => {
  it('writes the seed format: client, server, secret, *', () => {
    expect(chapSecretLine({ name: 'office', username: 'LAB\\fleet' }, 's3cret')).toBe('LAB\\\\fleet office s3cret *\n');
  });
  it('round-trips any printable ASCII password (spaces, quotes, backslashes, #) through pppd records', () => {
    fc.assert(
      fc.property(printable.filter((p) => !p.startsWith('@/')), printable.filter((u) => u.length > 0), (password, username) => {
        const text = `# comment\n${chapSecretLine({ name: 'office', username }, password)}other x y *\n`;
        expect(pppdReadRecords(text)).toEqual([
          [username, 'office', password, '*'],
          ['other', 'x', 'y', '*'],
        ]);
      }),
      { numRuns: 1000, seed: seed(102) },
    );
  });
  it('refuses a password pppd would read as @/file', () => {
    expect(() => chapSecretLine({ name: 'o', username: 'u' }, '@/etc/passwd')).toThrow(SecretFormatError);
  });
});
