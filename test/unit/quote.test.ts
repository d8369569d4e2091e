import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shQuote } from '../../src/shell/quote.js';
import { seed } from '../fixtures/property.js';

/** What /bin/sh prints for `printf %s <word>`. */
function shEcho(word: string): string {
  const r = spawnSync('/bin/sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('shQuote', () => {
  it('leaves harmless words bare and single-quotes the rest', () => {
    expect(shQuote('10.20.0.0')).toBe('10.20.0.0');
    expect(shQuote('/etc/ppp/ip-up')).toBe('/etc/ppp/ip-up');
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(shQuote('')).toBe("''");
    expect(shQuote('a=b')).toBe("'a=b'");
    expect(shQuote('~root')).toBe("'~root'");
  });

  it('gives the shell back exactly the string, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), (s) => {
        expect(shEcho(shQuote(s))).toBe(s);
      }),
      { numRuns: 150, seed: seed(501) },
    );
  });

  it('neutralises every shell metacharacter', () => {
    for (const s of ['$(touch /tmp/pwned)', '`id`', '"; rm -rf /', "' '", '\\', '*', '$HOME', 'a\nb', '-n', '!x', '{a,b}']) {
      expect(shEcho(shQuote(s))).toBe(s);
    }
  });
});
