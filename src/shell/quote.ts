// Quoting for the POSIX shell that runs on the router (busybox ash, dash locally).

const SAFE = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes `s` as one POSIX sh word that expands to exactly `s`, for any string.
 * Words made only of harmless characters stay bare so generated scripts stay readable:
 * `shQuote('10.0.0.0')` → `10.0.0.0`, `shQuote("it's")` → `'it'\''s'`, `shQuote('')` → `''`.
 * (`=` and a leading `~` are never bare: they could be read as an assignment or tilde.)
 */
export function shQuote(s: string): string {
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
