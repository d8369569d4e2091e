// The benchmark's pure parts: statistics, tables, audit counting, reading GNU time and /proc,
// the report figures, the facts fixture's sanitizing, options and the PASS/FAIL arithmetic.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countLines, execsBetween } from '../../packages/bench/src/audit.js';
import { parseGnuTime, statCpuMs, vmHwmKb } from '../../packages/bench/src/child.js';
import { FIXTURE_PASSWORD, HOSTNAME_MARK, loadFactsFixture, renderFacts, sanitizeFacts } from '../../packages/bench/src/facts-fixture.js';
import { fakeRouterName } from '../../packages/bench/src/fake-router.js';
import { BenchUsageError, parseBenchOptions } from '../../packages/bench/src/options.js';
import { reportFigures } from '../../packages/bench/src/report.js';
import { combineMaxMean, maxMean, median } from '../../packages/bench/src/stats.js';
import { evaluateTargets, summarize, type Row, type Sample } from '../../packages/bench/src/summary.js';
import { fmt, formatTable } from '../../packages/bench/src/table.js';
import { parseFacts } from '../../src/facts/parse.js';

describe('stats', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow();
  });

  it('summarizes per-host values and combines runs as max of maxima, mean of means', () => {
    expect(maxMean([1, 1, 4])).toEqual({ max: 4, mean: 2 });
    expect(combineMaxMean([{ max: 4, mean: 4 }, { max: 5, mean: 4.5 }])).toEqual({ max: 5, mean: 4.25 });
  });
});

describe('formatTable', () => {
  it('right-aligns numeric columns and left-aligns text', () => {
    expect(formatTable(['phase', 'ms'], [['floor', '812'], ['nochange', '4100']])).toBe(
      ['phase       ms', 'floor      812', 'nochange  4100'].join('\n'),
    );
  });

  it('treats n/a as a number so a column with a missing figure stays right-aligned', () => {
    expect(formatTable(['x', 'bytes'], [['a', 'n/a'], ['b', '12345']])).toBe(['x  bytes', 'a    n/a', 'b  12345'].join('\n'));
  });

  it('prints absent and non-finite figures as n/a', () => {
    expect(fmt(null)).toBe('n/a');
    expect(fmt(Number.NaN)).toBe('n/a');
    expect(fmt(1234.567, 1)).toBe('1234.6');
  });
});

describe('audit counting', () => {
  it('counts one exec per line, with or without a final newline', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('true\n')).toBe(1);
    expect(countLines('/bin/sh -s -- pptp-fleet:facts\ntrue')).toBe(2);
  });

  it('gives execs per host between two snapshots', () => {
    expect(execsBetween([4, 4, 0], [5, 6, 1])).toEqual({ max: 2, mean: 4 / 3 });
    expect(() => execsBetween([1], [1, 2])).toThrow(/differ/);
  });
});

describe('measuring the CLI process', () => {
  it('reads max RSS and CPU from GNU time, after its non-zero-status line', () => {
    expect(parseGnuTime('Command exited with non-zero status 1\n131072 1.20 0.30\n')).toEqual({ maxRssKb: 131072, cpuMs: 1500 });
    expect(parseGnuTime('')).toBeNull();
  });

  it('reads VmHWM from /proc/PID/status', () => {
    expect(vmHwmKb('Name:\tnode\nVmPeak:\t 999 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n')).toBe(123456);
    expect(vmHwmKb('Name:\tnode\n')).toBeNull();
  });

  it('reads utime + stime from /proc/PID/stat even when the command name has spaces', () => {
    expect(statCpuMs('42 (node) S 1 42 42 0 -1 4194560 0 0 0 0 150 30 0 0')).toBe(1800);
    expect(statCpuMs('42 (a b) c) S 1 42 42 0 -1 4194560 0 0 0 0 5 5 0 0')).toBe(100);
  });
});

describe('reportFigures', () => {
  it('summarizes execs, bytes and host durations, and counts failed and changed hosts', () => {
    const f = reportFigures({
      durationMs: 900,
      hosts: [
        { status: 'ok', sshExecs: 1, bytesSent: 100, durationMs: 400 },
        { status: 'changed', sshExecs: 4, bytesSent: 300, durationMs: 600 },
        { status: 'unreachable', sshExecs: 0, bytesSent: 0, durationMs: 200 },
      ],
    });
    expect(f).toEqual({
      hosts: 3,
      failed: 1,
      changed: 1,
      sshExecs: { max: 4, mean: 5 / 3 },
      bytesSent: { max: 300, mean: 400 / 3 },
      hostMeanMs: 400,
      reportDurationMs: 900,
    });
  });

  it('says n/a (null) for a field the report does not carry', () => {
    expect(reportFigures({ hosts: [{ status: 'ok', sshExecs: 1, durationMs: 1 }] }).bytesSent).toBeNull();
    expect(reportFigures(null).hosts).toBe(0);
  });
});

describe('the facts fixture', () => {
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const raw = [
    '@@pptp-fleet-facts 1',
    '@@hostname',
    '|r001',
    '@@file /etc/ppp/chap-secrets',
    'type=file',
    'ls=-rw-------    1 0        0               29 Nov 27 00:07 /etc/ppp/chap-secrets',
    `md5=${md5('LAB\\\\fleet office s3cret12 *\n')}`,
    'content=text',
    'nl=1',
    '|LAB\\\\fleet office s3cret12 *',
    '@@end',
  ].join('\n');

  it('replaces the password and hostname and keeps md5 and size consistent with the new content', () => {
    const out = sanitizeFacts(raw, 's3cret12', 'XXXXXXXXXXXX');
    expect(out).not.toContain('s3cret12');
    expect(out).toContain(`|${HOSTNAME_MARK}`);
    const content = 'LAB\\\\fleet office XXXXXXXXXXXX *\n';
    expect(out).toContain(`md5=${md5(content)}`);
    expect(out).toContain(` ${Buffer.byteLength(content)} Nov 27`);
  });

  it('round-trips: sanitizing back with the real password gives the recorded output', () => {
    const there = sanitizeFacts(raw, 's3cret12', FIXTURE_PASSWORD);
    expect(renderFacts(sanitizeFacts(there, FIXTURE_PASSWORD, 's3cret12'), 'r001')).toBe(raw);
  });

  it('commits no real password, and parses as the facts of a router whose tunnel is up', () => {
    const text = renderFacts(loadFactsFixture(), 'r0042');
    const facts = parseFacts(text);
    expect(facts.hostname).toBe('r0042');
    expect(facts.pppd.some((p) => p.linkname === 'office' && p.alive)).toBe(true);
    expect(facts.files['/etc/ppp/chap-secrets']?.content).toContain(FIXTURE_PASSWORD);
  });

  it('names routers like the lab, padded to the fleet size', () => {
    expect(fakeRouterName(7, 200)).toBe('r007');
    expect(fakeRouterName(7, 1000)).toBe('r0007');
  });
});

describe('parseBenchOptions', () => {
  it('has the issue 7 defaults', () => {
    const o = parseBenchOptions([], {});
    expect(o).toMatchObject({ sizes: [20, 100, 200], runs: 3, repeat: 3, forks: 50, scaleHosts: 1000, scaleForks: [50, 100] });
    expect(o !== 'help' && o.phases).toEqual(['floor', 'first', 'nochange', 'check', 'scale']);
  });

  it('takes flags over BENCH_* variables', () => {
    const o = parseBenchOptions(['--sizes', '5', '--skip-1000', '--repeat', '2'], { BENCH_SIZES: '7', BENCH_RUNS: '1', BENCH_REPEAT: '5' });
    expect(o).toMatchObject({ sizes: [5], runs: 1, repeat: 2, phases: ['floor', 'first', 'nochange', 'check'] });
    expect(parseBenchOptions([], { BENCH_REPEAT: '5' })).toMatchObject({ repeat: 5 });
    expect(() => parseBenchOptions(['--repeat', '0'], {})).toThrow(/positive integer/);
  });

  it('rejects unknown phases and non-numbers', () => {
    expect(() => parseBenchOptions(['--only', 'flor'], {})).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--sizes', '20,x'], {})).toThrow(/positive integers/);
  });
});

describe('evaluateTargets', () => {
  const sample = (wallMs: number, execsMax: number, rss: number): Sample => ({
    wallMs,
    execs: { max: execsMax, mean: execsMax },
    report: null,
    peakRssMb: rss,
    cpuMs: 100,
    rssSource: 'rusage',
    exitCode: 0,
    timedOut: false,
  });
  const row = (phase: string, hosts: number, wallMs: number, execs: number, rss = 100): Row => summarize(phase, hosts, 50, [sample(wallMs, execs, rss)]);
  const byName = (rows: Row[]): Record<string, string> =>
    Object.fromEntries(evaluateTargets(rows).map((t) => [t.name, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL']));

  it('passes when the fleet scales as issue 7 asks', () => {
    const rows = [
      row('first', 20, 2000, 4),
      row('first', 200, 20_000, 4),
      row('floor', 200, 4000, 1),
      row('nochange', 200, 6000, 1),
      row('scale-nochange', 1000, 9000, 1),
    ];
    expect(byName(rows)).toEqual({
      'no-change ÷ floor wall time at 200 hosts': 'PASS',
      'first apply ms/host, 200 vs 20 hosts': 'PASS',
      'no-change apply execs/host (audit logs)': 'PASS',
      'first apply execs/host (audit logs)': 'PASS',
      'no-change apply execs/host at scale (fake routers)': 'PASS',
      'peak RSS of the CLI at 200 hosts': 'PASS',
    });
  });

  it('fails each target that is missed, and says n/a for what was not measured', () => {
    const rows = [row('first', 20, 2000, 5), row('first', 200, 30_000, 4, 250), row('floor', 200, 4000, 1), row('nochange', 200, 6001, 3)];
    expect(byName(rows)).toEqual({
      'no-change ÷ floor wall time at 200 hosts': 'FAIL',
      'first apply ms/host, 200 vs 20 hosts': 'FAIL',
      'no-change apply execs/host (audit logs)': 'FAIL',
      'first apply execs/host (audit logs)': 'FAIL',
      'no-change apply execs/host at scale (fake routers)': 'n/a',
      'peak RSS of the CLI at 200 hosts': 'FAIL',
    });
  });
});
