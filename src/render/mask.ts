// Secrets out of diffs: the text a --diff shows instead of a file's real content.
import { MASK } from '../secret.js';
import { bare, splitLines } from './blocks.js';
import { pppdReadWords } from './pppd-words.js';

/**
 * chap-secrets with the secret (third word) of every record replaced by `***`, ours and
 * anybody else's: `LAB\\fleet office "pa ss" *` → `LAB\\fleet office *** *`.
 */
export function maskChapSecrets(text: string): string {
  return splitLines(text)
    .map((line) => {
      const words = pppdReadWords(bare(line));
      const w = words[2];
      if (!w) return line;
      return line.slice(0, w.start) + MASK + line.slice(w.end);
    })
    .join('');
}

/** Every occurrence of each secret (3+ characters: shorter ones would mask noise) → `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 3) out = out.split(s).join(MASK);
  }
  return out;
}
