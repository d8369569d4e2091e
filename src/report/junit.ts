// JUnit XML for CI (GitLab's `artifacts:reports:junit`, Jenkins' junit/xunit plugins): one
// test case per host, one test suite per rollout batch.
//
// Written with a small escaping writer instead of junit-report-builder: the builder's
// `skipped()` takes no message (we need `rollout stopped at batch N`), it cannot put `time`
// on <testsuites>, it always puts `skipped` on <testsuites> (an attribute Jenkins'
// junit-10.xsd does not declare there), and its writer (xmlbuilder) throws on control
// characters instead of dropping them. The format is small; every value goes through
// `attr()`/`text()` below.
import type { Report, ReportHost } from './json.js';

// Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF). They are dropped: an escape sequence in an error message must not make
// the whole report unreadable.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape for element text. */
export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape for a double-quoted attribute; tab/LF/CR as references so parsers keep them. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function attrs(pairs: Array<[string, string | number]>): string {
  return pairs.map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');
}

// Seconds with millisecond precision, never negative: junit-10.xsd's SUREFIRE_TIME.
function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

const isFailure = (h: ReportHost): boolean => h.status === 'failed' || h.status === 'unreachable';

interface Suite {
  name: string;
  hosts: ReportHost[];
}

// Suites: one per batch (by each host's `batch`, so hosts skipped in batches that never
// started are still shown under their batch), or a single `pptp-fleet` suite when the run
// was not a staged rollout.
function suitesOf(report: Report): Suite[] {
  if (report.batches.length === 0) return [{ name: 'pptp-fleet', hosts: report.hosts }];
  const byBatch = new Map<number, ReportHost[]>();
  const loose: ReportHost[] = [];
  const listedIn = new Map<string, number>();
  for (const b of report.batches) for (const n of b.hosts) listedIn.set(n, b.index);
  for (const h of report.hosts) {
    const b = h.batch ?? listedIn.get(h.name);
    if (b === undefined) loose.push(h);
    else byBatch.set(b, [...(byBatch.get(b) ?? []), h]);
  }
  const suites = [...byBatch.entries()].sort(([a], [b]) => a - b).map(([i, hosts]) => ({ name: `batch ${i}`, hosts }));
  if (loose.length > 0) suites.push({ name: 'pptp-fleet', hosts: loose });
  return suites;
}

function failureBody(h: ReportHost): string {
  const lines = [`host: ${h.name}`, `status: ${h.status}`];
  if (h.step !== null) lines.push(`step: ${h.step}`);
  if (h.error !== null) lines.push(`error: ${h.error}`);
  for (const t of h.tunnels) {
    const before = t.previousVerdict !== undefined ? `, before rollback: ${t.previousVerdict}` : '';
    lines.push(`tunnel ${t.name}: ${t.verdict}${before}${t.hint !== null ? ` (hint: ${t.hint})` : ''}`);
  }
  if (h.rolledBack) lines.push('rolled back: yes');
  return lines.join('\n');
}

function systemOut(h: ReportHost): string | null {
  const lines: string[] = [];
  if (h.changes.length > 0) {
    lines.push(`changes (${h.changes.length}):`);
    for (const c of h.changes) lines.push(`  ${c.action} ${c.resource} ${c.target}${c.reason ? `: ${c.reason}` : ''}`);
  }
  if (h.tunnels.length > 0) {
    lines.push('tunnels:');
    for (const t of h.tunnels) {
      const ips = t.localIp !== null || t.remoteIp !== null ? ` ${t.localIp ?? '?'} -> ${t.remoteIp ?? '?'}` : '';
      const before = t.previousVerdict !== undefined ? ` (before rollback: ${t.previousVerdict})` : '';
      lines.push(`  ${t.name}: ${t.verdict}${ips}${before}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

// One line for an attribute: Jenkins and GitLab show `message` as a title.
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

function testcase(h: ReportHost, report: Report): string {
  const head = `    <testcase${attrs([
    ['classname', `pptp-fleet.${report.command}`],
    ['name', h.name],
    ['time', seconds(h.durationMs)],
  ])}`;
  // Children in the order the Ant/Surefire schema wants: skipped | failure, then system-out.
  const children: string[] = [];
  if (isFailure(h)) {
    const message = [h.step, h.error ?? h.status].filter((x): x is string => x !== null).join(': ');
    children.push(`      <failure${attrs([['message', oneLine(message)], ['type', h.status]])}>${xmlText(failureBody(h))}</failure>`);
  } else if (h.status === 'skipped') {
    const why = h.error ?? (report.stopped ? `rollout stopped at batch ${report.stopped.batch}` : 'skipped');
    children.push(`      <skipped${attrs([['message', oneLine(why)]])}/>`);
  }
  const out = h.status === 'skipped' ? null : systemOut(h);
  if (out !== null) children.push(`      <system-out>${xmlText(out)}</system-out>`);
  return children.length === 0 ? `${head}/>` : `${head}>\n${children.join('\n')}\n    </testcase>`;
}

/**
 * The run as JUnit XML, valid against Jenkins' junit-10.xsd (the schema GitLab's and
 * Jenkins' readers follow): failed and unreachable hosts are `<failure type="failed|unreachable">`,
 * skipped hosts `<skipped message="…"/>`. `skipped` totals sit on each <testsuite>; the
 * schema has no `skipped` attribute on <testsuites>.
 *
 * @example buildJUnit(buildReport({ command: 'apply', ... })) // '<?xml version="1.0" …<testsuites …'
 */
export function buildJUnit(report: Report): string {
  const suites = suitesOf(report);
  const body = suites.map((s) => {
    const failures = s.hosts.filter(isFailure).length;
    const skipped = s.hosts.filter((h) => h.status === 'skipped').length;
    const time = s.hosts.reduce((sum, h) => sum + (Number.isFinite(h.durationMs) && h.durationMs > 0 ? h.durationMs : 0), 0);
    const head = `  <testsuite${attrs([
      ['name', s.name],
      ['tests', s.hosts.length],
      ['failures', failures],
      ['errors', 0],
      ['skipped', skipped],
      ['time', seconds(time)],
    ])}`;
    if (s.hosts.length === 0) return `${head}/>`;
    return `${head}>\n${s.hosts.map((h) => testcase(h, report)).join('\n')}\n  </testsuite>`;
  });
  const root = `<testsuites${attrs([
    ['name', `pptp-fleet ${report.command}${report.check ? ' --check' : ''}`],
    ['tests', report.hosts.length],
    ['failures', report.hosts.filter(isFailure).length],
    ['errors', 0],
    ['time', seconds(report.durationMs)],
  ])}`;
  const xml = body.length === 0 ? `${root}/>` : `${root}>\n${body.join('\n')}\n</testsuites>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
}
