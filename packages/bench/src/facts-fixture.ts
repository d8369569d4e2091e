// The canned facts output the fake routers answer with: recorded once from a real lab router
// after a successful apply (`npm run record-facts -w pptp-fleet-bench`), with the VPN password replaced by
// a placeholder so no real secret is committed. An inventory whose tunnel password is that
// placeholder plans no change against it, so a no-change apply costs exactly one exec per host.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { benchFixture } from './paths.js';

/** The password in the fixture's chap-secrets, and what the fake fleet's inventory must use. */
export const FIXTURE_PASSWORD = 'BenchPlaceholder0000';
/** Stands for the router's name in the fixture's `@@hostname` section. */
export const HOSTNAME_MARK = '{{hostname}}';

/** A file of the benchmark's fixtures/. */
export function fixturePath(name: string): string {
  return benchFixture(name);
}

export const FACTS_FIXTURE = 'facts-whiterussian-converged.txt';

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Makes a recorded facts output safe to commit and reusable for any host: every occurrence of
 * PASSWORD becomes PLACEHOLDER, the hostname becomes HOSTNAME_MARK, and each file section whose
 * content changed gets the md5 and `ls` size of its new content, so the output stays
 * self-consistent.
 * @example sanitizeFacts(raw, 'XVPHMWLCkSTkm4uE8iZb', FIXTURE_PASSWORD)
 */
export function sanitizeFacts(raw: string, password: string, placeholder: string): string {
  if (password === '') throw new Error('the recorded password is empty');
  const lines = raw.split('\n');
  const out: string[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('@@')) section = line;
    if (section === '@@hostname' && line.startsWith('|')) {
      out.push(`|${HOSTNAME_MARK}`);
      continue;
    }
    if (!line.startsWith('@@file ')) {
      out.push(line.split(password).join(placeholder));
      continue;
    }
    // A file section: metadata lines, then `|` content lines, up to the next `@@`.
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').startsWith('@@')) end++;
    out.push(...rewriteFileSection(lines.slice(i, end), password, placeholder));
    i = end - 1;
  }
  return out.join('\n');
}

function rewriteFileSection(section: string[], password: string, placeholder: string): string[] {
  const content = (ls: string[]): string => {
    const data = ls.filter((l) => l.startsWith('|')).map((l) => l.slice(1));
    const nl = ls.includes('nl=1') ? '\n' : '';
    return data.length === 0 ? '' : `${data.join('\n')}${nl}`;
  };
  const before = content(section);
  const replaced = section.map((l) => (l.startsWith('|') ? l.split(password).join(placeholder) : l));
  const after = content(replaced);
  if (after === before) return replaced;
  const size = Buffer.byteLength(after, 'utf8');
  return replaced.map((l) => {
    if (l.startsWith('md5=')) return `md5=${md5(after)}`;
    // busybox `ls -l`: mode, links, owner, group, size, ...
    if (l.startsWith('ls=')) return l.replace(/^(ls=\S+\s+\d+\s+\S+\s+\S+\s+)\d+/, `$1${size}`);
    return l;
  });
}

/**
 * The fixture for one host.
 * @example renderFacts(template, 'r0042') // '@@pptp-fleet-facts 1\n@@hostname\n|r0042\n...'
 */
export function renderFacts(template: string, hostname: string): string {
  return template.split(HOSTNAME_MARK).join(hostname);
}

/** Reads the committed fixture. */
export function loadFactsFixture(): string {
  return readFileSync(fixturePath(FACTS_FIXTURE), 'utf8');
}
