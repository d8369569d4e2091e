import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMarkdown, MARKDOWN_MAX_ROWS } from '../../src/report/markdown.js';
import { reportExitCode, writeReportOutputs } from '../../src/cli/reports.js';
import { buildReport, type Report } from '../../src/report/json.js';
import { fleetReport, HOSTILE } from '../fixtures/reports/fleet.js';

const failingRows = (md: string): string[] => md.split('\n').filter((l) => /^\| r\d+ \| (failed|unreachable)/.test(l));

describe('buildMarkdown', () => {
  const report = fleetReport();
  const md = buildMarkdown(report);

  it('gives the counts of every status and the duration', () => {
    const s = report.summary;
    expect(md).toContain(`| ${s.ok} | ${s.changed} | ${s.failed} | ${s.unreachable} | ${s.skipped} | 1 min 5 s |`);
    expect(md.split('\n')[0]).toBe(`### ❌ pptp-fleet apply: ${s.failed + s.unreachable} of ${report.hosts.length} hosts failed`);
  });

  it('lists every failing host with its status, verdicts and hint, and no other host', () => {
    const failing = report.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable');
    const rows = failingRows(md);
    expect(rows.map((r) => r.split(' | ')[0]?.slice(2))).toEqual(failing.map((h) => h.name));
    for (const h of failing) {
      const row = rows.find((r) => r.startsWith(`| ${h.name} |`)) ?? '';
      for (const t of h.tunnels) {
        expect(row).toContain(`\`${t.verdict}\``);
        if (t.hint) expect(row).toContain(t.hint.replace(/_/g, '\\_'));
      }
    }
  });

  it('says why the rollout stopped', () => {
    expect(md).toContain('**Rollout stopped after batch 3:** batch 3: 5 of 6 hosts failed or unreachable (83%) &gt; --max-fail-percent 10');
  });

  it('keeps hostile router text inert: no raw control characters, no HTML, one line per row', () => {
    expect(md).not.toContain('\u001b');
    expect(md).not.toContain('\u0007');
    expect(md).not.toMatch(/<(script|img)/i);
    expect(md).toContain('\\\\x1b\\]0;pwned\\\\x07&lt;script&gt;');
    // each table row is one line: every row line has the five cells of the header
    for (const r of failingRows(md)) expect(r.split(' | ').length).toBeGreaterThanOrEqual(5);
    expect(HOSTILE).toContain('<script>');
  });

  it('for status, lists a reachable router whose tunnel is down as "tunnel down"', () => {
    const up = { name: 'office', verdict: 'up' as const, localIp: '10.0.0.2', remoteIp: '10.0.0.1', hint: null, running: true };
    const down = { ...up, verdict: 'auth_failed' as const, running: false, hint: 'check the password' };
    const hosts = [
      { name: 'r001', status: 'ok' as const, changes: [], tunnels: [up], sshExecs: 1, durationMs: 5 },
      { name: 'r002', status: 'ok' as const, changes: [], tunnels: [down], sshExecs: 1, durationMs: 5 },
    ];
    const out = buildMarkdown(buildReport({ command: 'status', check: false, startedAt: new Date(0), durationMs: 10, hosts }));
    expect(out.split('\n')[0]).toBe('### ❌ pptp-fleet status: 1 of 2 hosts failed or with a tunnel down');
    expect(out).toContain('| r002 | tunnel down | - | office: `auth_failed` | office: check the password |');
    expect(out).not.toContain('| r001 |');
  });

  it('says so when nothing failed', () => {
    const ok = buildReport({ command: 'status', check: false, startedAt: new Date(0), durationMs: 1500, hosts: [] });
    expect(buildMarkdown(ok)).toBe(
      '### ✅ pptp-fleet status: 0 hosts, none failed\n\n| ok | changed | failed | unreachable | skipped | duration |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n| 0 | 0 | 0 | 0 | 0 | 1.5 s |\n\n',
    );
  });

  it(`lists at most ${MARKDOWN_MAX_ROWS} failing hosts and counts the rest`, () => {
    const many: Report = { ...report, hosts: Array.from({ length: MARKDOWN_MAX_ROWS + 7 }, (_, i) => ({ ...report.hosts[1]!, name: `r${i}` })) };
    const out = buildMarkdown(many);
    expect(failingRows(out)).toHaveLength(MARKDOWN_MAX_ROWS);
    expect(out).toContain('…and 7 more failing hosts');
  });
});

describe('writeReportOutputs', () => {
  it('appends the summary to $GITHUB_STEP_SUMMARY (what other steps wrote stays) and writes --report-md', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-md-'));
    const summaryFile = join(dir, 'step_summary');
    await writeFile(summaryFile, '## an earlier step\n');
    const report = fleetReport();
    await writeReportOutputs(report, { md: join(dir, 'r.md') }, { GITHUB_STEP_SUMMARY: summaryFile });
    await writeReportOutputs(report, {}, { GITHUB_STEP_SUMMARY: summaryFile });
    const text = await readFile(summaryFile, 'utf8');
    expect(text.startsWith('## an earlier step\n### ❌ pptp-fleet apply')).toBe(true);
    expect(text.split('### ❌ pptp-fleet apply')).toHaveLength(3);
    expect(await readFile(join(dir, 'r.md'), 'utf8')).toBe(buildMarkdown(report));
  });
});

describe('reportExitCode (--detailed-exitcode)', () => {
  const base = fleetReport();
  const withChanges = (n: number): Report => ({ ...base, hosts: base.hosts.map((h, i) => ({ ...h, changes: i < n ? h.changes.length ? h.changes : [{ resource: 'file', target: '/x', action: 'write-file' }] : [] })) });
  it.each([
    ['no changes, not detailed', 0, false, 0],
    ['changes, not detailed', 3, false, 0],
    ['no changes, detailed', 0, true, 0],
    ['changes pending, detailed', 1, true, 4],
  ])('%s', (_name, changes, detailed, code) => {
    expect(reportExitCode(withChanges(changes), detailed)).toBe(code);
  });
});
