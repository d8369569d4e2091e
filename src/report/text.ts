// Router text is untrusted: package-manager output, pppd log lines, facts and error messages
// come from the router and may carry terminal escapes (ESC ] 0 ; title BEL rewrites a
// terminal's title, ESC [ 2 J clears it, OSC 8 fakes links) or markup. Every view of a run
// passes router text through one of these before it reaches a terminal, a CI log, HTML,
// Markdown or XML. Pure functions, no I/O.

// C0 controls, DEL, C1 controls; and the Unicode format characters that reorder or hide text
// (bidi overrides/isolates, zero-width marks, line/paragraph separators, BOM): "Trojan Source".
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;

function escapeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Text safe for a terminal or CI log, line breaks and tabs kept: every other control or
 * reordering character becomes a visible escape.
 *
 * @example terminalSafe('ok\x1b]0;pwned\x07\n') // 'ok\\x1b]0;pwned\\x07\n'
 */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => (c === '\n' || c === '\t' ? c : escapeChar(c)));
}

/**
 * One line for a table cell or a progress line: runs of whitespace (line breaks included)
 * become one space, other controls visible escapes.
 *
 * @example oneLine('a\r\n  b\x1b[2J') // 'a b\\x1b[2J'
 */
export function oneLine(s: string): string {
  return s
    .replace(/[\t\n\r\v\f ]+/g, ' ')
    .replace(UNSAFE, escapeChar)
    .trim();
}

/** Escape for HTML text and double- or single-quoted attribute values (controls made visible). */
export function escapeHtml(s: string): string {
  return terminalSafe(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * One line of router text for a Markdown table cell or list item: no line break, no markup.
 * Markdown's punctuation is backslash-escaped, and `<`, `>`, `&` become entities so a GitHub
 * job summary (which renders some HTML) shows them as text.
 *
 * @example markdownText('<img src=x> | *x*') // '&lt;img src=x&gt; \\| \\*x\\*'
 */
export function markdownText(s: string): string {
  return oneLine(s)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
