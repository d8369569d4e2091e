import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/json.js';
import { formatHostEvent, summaryTable } from '../../src/report/summary.js';

const fixtureReport = async (): Promise<Report> =>
  JSON.parse(await readFile(new URL('../fixtures/reports/rollout-stopped.json', import.meta.url), 'utf8')) as Report;

describe('summaryTable', () => {
  it('prints one aligned row per host, the totals and why the rollout stopped', async () => {
    expect(summaryTable(await fixtureReport())).toBe(
      [
        'HOST  STATUS       CHANGES  TUNNELS                     STEP/ERROR',
        'r001  changed      3        office=up                   -',
        'r002  failed       1        office=up(was auth_failed)  verify: tunnel office: auth_failed (rolled back)',
        'r003  unreachable  0        -                           connect: connect ECONNREFUSED 127.0.0.1:2203',
        'r004  skipped      0        -                           rollout stopped after batch 2',
        'r005  ok           0        office=not_checked          -',
        '',
        '5 hosts: 1 ok, 1 changed, 1 failed, 1 unreachable, 1 skipped',
        'rollout stopped after batch 2: 2 of 2 hosts failed or unreachable (100%) > --max-fail-percent 10',
        '',
      ].join('\n'),
    );
  });

  it('keeps every row on one line whatever the error says', async () => {
    const r = await fixtureReport();
    const h = r.hosts[1];
    if (h) h.error = 'line one\nline two\r\n\u001b[31mred\u001b[0m\ttab';
    const table = summaryTable(r);
    expect(table.split('\n')).toHaveLength(10);
    expect(table).toContain('verify: line one line two \\x1b[31mred\\x1b[0m tab (rolled back)');
    expect(table).not.toContain('\u001b');
  });

  it('says check mode and has no stop line when the run was not stopped', async () => {
    const r = { ...(await fixtureReport()), check: true, stopped: null };
    const lines = summaryTable(r).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('5 hosts (check mode): 1 ok, 1 changed, 1 failed, 1 unreachable, 1 skipped');
  });

  it('lists only hosts that did not go well when asked for problems only', async () => {
    const r = await fixtureReport();
    const out = summaryTable(r, { onlyProblems: true });
    for (const h of r.hosts) {
      const row = out.split('\n').some((l) => l.startsWith(`${h.name} `));
      expect({ host: h.name, listed: row }).toEqual({ host: h.name, listed: h.status !== 'ok' && h.status !== 'changed' });
    }
    expect(out).toContain(`${r.hosts.length} hosts`);
  });

  it('prints a header and zero totals for no hosts', async () => {
    const r: Report = { ...(await fixtureReport()), hosts: [], batches: [], stopped: null, summary: { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 } };
    expect(summaryTable(r)).toBe('HOST  STATUS  CHANGES  TUNNELS  STEP/ERROR\n\n0 hosts: 0 ok, 0 changed, 0 failed, 0 unreachable, 0 skipped\n');
  });

  it('keeps a reason that does not start with its batch as it is', async () => {
    const r = { ...(await fixtureReport()), stopped: { batch: 2, reason: 'r002 failed and --any-errors-fatal is set' } };
    expect(summaryTable(r)).toContain('rollout stopped after batch 2: r002 failed and --any-errors-fatal is set\n');
  });
});

describe('formatHostEvent', () => {
  const time = new Date('2026-11-26T23:40:42.987Z');

  it('prints UTC time to the second, host, step, status and detail', () => {
    expect(formatHostEvent({ time, host: 'r001', step: 'facts', status: 'ok', detail: '2 changes' })).toBe(
      '2026-11-26T23:40:42Z r001 facts ok (2 changes)',
    );
  });

  it('leaves out an empty detail', () => {
    expect(formatHostEvent({ time, host: 'r001', step: 'apply', status: 'start' })).toBe('2026-11-26T23:40:42Z r001 apply start');
    expect(formatHostEvent({ time, host: 'r001', step: 'apply', status: 'ok', detail: ' \n ' })).toBe('2026-11-26T23:40:42Z r001 apply ok');
  });

  it('keeps a multi-line or escape-laden detail on one line', () => {
    expect(formatHostEvent({ time, host: 'r002', step: 'verify', status: 'failed', detail: 'auth_failed\n\u001b[2Khint: check chap-secrets' })).toBe(
      '2026-11-26T23:40:42Z r002 verify failed (auth_failed \\x1b[2Khint: check chap-secrets)',
    );
  });
});
