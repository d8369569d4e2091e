// The framed-output protocol every router program speaks (facts, tunnels-up/down/status):
//   @@pptp-fleet-<what> 1       first line (the magic: which program, which version)
//   @@<section> [arg]           section header (`@@file /etc/ppp/options`, `@@tunnel office`, ...)
//   key=value                   metadata, before the section's first data line
//   |<text>                     one data line; EVERY line that comes from a file, a command or a
//                               log is prefixed with `|`, so no content can forge a header
//   (empty line)                filler, ignored (it ends a file that lacks a final newline)
//   @@end                       last line: a missing @@end means the output was cut short
// and its parse errors, whose excerpts never quote content lines.

/** First line of the facts program's output. */
export const FACTS_MAGIC = '@@pptp-fleet-facts 1';
/** First lines of the tunnel programs' outputs. */
export const TUNNELS_UP_MAGIC = '@@pptp-fleet-tunnels-up 1';
export const TUNNELS_DOWN_MAGIC = '@@pptp-fleet-tunnels-down 1';
export const TUNNELS_STATUS_MAGIC = '@@pptp-fleet-tunnels-status 1';

/**
 * The facts output was not what our script prints (a foreign shell, a cut-off session, a
 * mismatched script version). The message names the section and line; its excerpt of the raw
 * output has every content line (`|...`) redacted, so file contents (chap-secrets!) never leak.
 */
export class FactsParseError extends Error {
  override readonly name = 'FactsParseError';
  constructor(
    readonly reason: string,
    readonly section: string | null,
    readonly lineNumber: number | null,
    readonly excerpt: string,
    what = 'facts output',
  ) {
    super(
      `${what} not understood: ${reason}` +
        (section !== null ? ` (section ${section}` + (lineNumber !== null ? `, line ${lineNumber})` : ')') : lineNumber !== null ? ` (line ${lineNumber})` : '') +
        `; output begins: ${JSON.stringify(excerpt)}`,
    );
  }
}

/** At most ~200 chars of the output, with content lines replaced by `|…`. */
export function redactedExcerpt(stdout: string, max = 200): string {
  const redacted = stdout
    .split('\n')
    .map((l) => (l.startsWith('|') ? '|…' : /^(md5|ls|tls|target)=/.test(l) ? `${l.slice(0, l.indexOf('=') + 1)}…` : l))
    .join('\n');
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}

/** One `@@name arg` section of a framed output: its key=value lines and `|` data lines. */
export interface Section {
  name: string;
  arg: string;
  line: number;
  kv: Array<[string, string, number]>;
  data: string[];
}

/** Splits the output into sections, checking framing; throws FactsParseError on anything else. */
export function splitSections(stdout: string, magic: string = FACTS_MAGIC, what = 'facts output'): Section[] {
  const lines = stdout.replace(/\r\n/g, '\n').split('\n');
  const fail = (reason: string, section: string | null, line: number | null): never => {
    throw new FactsParseError(reason, section, line, redactedExcerpt(stdout), what);
  };
  const start = lines.findIndex((l) => l === magic);
  if (start < 0) fail(`no "${magic}" header line (not our script's output)`, null, null);
  const sections: Section[] = [];
  let cur: Section | null = null;
  let ended = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] ?? '';
    const n = i + 1;
    if (ended) {
      if (l.trim() !== '') fail('output continues after @@end', null, n);
      continue;
    }
    if (l === '@@end') {
      ended = true;
      continue;
    }
    if (l.startsWith('@@')) {
      const sp = l.indexOf(' ');
      const name = sp < 0 ? l.slice(2) : l.slice(2, sp);
      cur = { name, arg: sp < 0 ? '' : l.slice(sp + 1), line: n, kv: [], data: [] };
      sections.push(cur);
      continue;
    }
    if (l === '') continue;
    if (!cur) return fail('data before the first section', null, n);
    if (l.startsWith('|')) {
      cur.data.push(l.slice(1));
      continue;
    }
    const eq = l.indexOf('=');
    if (eq > 0 && cur.data.length === 0) {
      cur.kv.push([l.slice(0, eq), l.slice(eq + 1), n]);
      continue;
    }
    fail(`unexpected line ${JSON.stringify(l.slice(0, 40))}`, cur.name, n);
  }
  if (!ended) fail('output ends without @@end (session cut short?)', cur?.name ?? null, lines.length);
  return sections;
}


/** The value of KEY in section S ('' when absent). */
export function kv(s: Section, key: string): string {
  return s.kv.find(([k]) => k === key)?.[1] ?? '';
}

/** A section's data lines joined, trailing empty lines dropped ('' for no section). */
export function dataText(s: Section | undefined): string {
  if (!s) return '';
  const lines = [...s.data];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
