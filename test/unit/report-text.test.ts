import { describe, expect, it } from 'vitest';
import { escapeHtml, markdownText, oneLine, terminalSafe } from '../../src/report/text.js';

// [input, terminalSafe, oneLine]
const terminalCases: Array<[string, string, string, string]> = [
  ['plain text', 'ok', 'ok', 'ok'],
  ['OSC title set (ESC ] 0 ; … BEL)', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07', '\\x1b]0;pwned\\x07'],
  ['CSI clear screen', 'a\u001b[2Jb', 'a\\x1b[2Jb', 'a\\x1b[2Jb'],
  ['line breaks kept by terminalSafe only', 'one\ntwo\r\nthree', 'one\ntwo\\x0d\nthree', 'one two three'],
  ['tab kept by terminalSafe only', 'a\tb', 'a\tb', 'a b'],
  ['NUL, backspace, DEL', 'a\u0000b\u0008c\u007f', 'a\\x00b\\x08c\\x7f', 'a\\x00b\\x08c\\x7f'],
  ['C1 CSI (0x9b)', 'x\u009b31my', 'x\\x9b31my', 'x\\x9b31my'],
  ['bidi override (Trojan Source)', 'admin\u202eexe.txt', 'admin\\u{202e}exe.txt', 'admin\\u{202e}exe.txt'],
  ['zero-width space', 'r0\u200b01', 'r0\\u{200b}01', 'r0\\u{200b}01'],
  ['non-ASCII letters stay', 'Zürich-01 ✔', 'Zürich-01 ✔', 'Zürich-01 ✔'],
];

describe('terminalSafe and oneLine', () => {
  it.each(terminalCases)('%s', (_name, input, safe, line) => {
    expect(terminalSafe(input)).toBe(safe);
    expect(oneLine(input)).toBe(line);
    // Whatever went in, no control character but LF/TAB comes out.
    // eslint-disable-next-line no-control-regex
    expect(terminalSafe(input)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // eslint-disable-next-line no-control-regex
    expect(oneLine(input)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

const htmlCases: Array<[string, string, string]> = [
  ['script tag', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['attribute breakout', '" onmouseover="x', '&quot; onmouseover=&quot;x'],
  ['single quotes', "it's", 'it&#39;s'],
  ['entities not double-decoded', '&lt;', '&amp;lt;'],
  ['escape made visible', 'a\u001b]0;t\u0007', 'a\\x1b]0;t\\x07'],
];

describe('escapeHtml', () => {
  it.each(htmlCases)('%s', (_name, input, out) => {
    expect(escapeHtml(input)).toBe(out);
    expect(escapeHtml(input)).not.toMatch(/[<>"']/);
  });
});

const mdCases: Array<[string, string, string]> = [
  ['table pipe', 'a | b', 'a \\| b'],
  ['emphasis and code', '*x* _y_ `z`', '\\*x\\* \\_y\\_ \\`z\\`'],
  ['link', '[click](http://e.example)', '\\[click\\](http://e.example)'],
  ['html', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
  ['line breaks', 'a\n\n# heading', 'a # heading'],
  ['escape', '\u001b[31mred', '\\\\x1b\\[31mred'],
];

describe('markdownText', () => {
  it.each(mdCases)('%s', (_name, input, out) => {
    expect(markdownText(input)).toBe(out);
    expect(markdownText(input)).not.toMatch(/[\n<>]/);
  });
});
