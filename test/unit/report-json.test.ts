import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, reportSchema, writeReportAtomic } from '../../src/report/json.js';
import type { ReportInput } from '../../src/report/json.js';
import type { HostResult } from '../../src/report/types.js';
import { Secret } from '../../src/secret.js';

const FIXTURE = new URL('../fixtures/reports/rollout-stopped.json', import.meta.url);

// A staged rollout (--serial 1,2) that stopped after batch 2: one host of each status.
const rolloutHosts: HostResult[] = [
  {
    name: 'r001',
    status: 'changed',
    changes: [
      { resource: 'package', target: 'pptp', action: 'install', reason: 'not installed: pptp' },
      { resource: 'file', target: '/etc/ppp/peers/office', action: 'write-file', reason: 'peer file of tunnel office: out of date' },
      { resource: 'tunnel', target: 'office', action: 'tunnel-restart', reason: 'its configuration changed' },
    ],
    tunnels: [{ name: 'office', verdict: 'up', localIp: '192.168.77.10', remoteIp: '192.168.77.1', hint: null }],
    sshExecs: 3,
    durationMs: 1234,
    batch: 1,
  },
  {
    name: 'r002',
    status: 'failed',
    changes: [{ resource: 'file', target: '/etc/ppp/chap-secrets', action: 'write-file' }],
    tunnels: [
      {
        name: 'office',
        verdict: 'up',
        previousVerdict: 'auth_failed',
        localIp: null,
        remoteIp: null,
        hint: 'check the username and password in /etc/ppp/chap-secrets',
      },
    ],
    sshExecs: 5,
    durationMs: 2500,
    step: 'verify',
    error: 'tunnel office: auth_failed',
    rolledBack: true,
    batch: 2,
  },
  { name: 'r003', status: 'unreachable', changes: [], tunnels: [], sshExecs: 0, durationMs: 3001, step: 'connect', error: 'connect ECONNREFUSED 127.0.0.1:2203', batch: 2 },
  { name: 'r004', status: 'skipped', changes: [], tunnels: [], sshExecs: 0, durationMs: 0, error: 'rollout stopped after batch 2', batch: 3 },
  { name: 'r005', status: 'ok', changes: [], tunnels: [{ name: 'office', verdict: 'not_checked', localIp: null, remoteIp: null, hint: null }], sshExecs: 1, durationMs: 15, batch: 1 },
];

const rolloutInput: ReportInput = {
  command: 'apply',
  check: false,
  startedAt: new Date('2026-11-26T23:40:42.123Z'),
  durationMs: 6789,
  hosts: rolloutHosts,
  // As engine/run.ts reports them: only the batches that ran, the stopping one with its reason.
  batches: [
    { index: 1, hosts: ['r001', 'r005'], failed: 0 },
    { index: 2, hosts: ['r002', 'r003'], failed: 2, stopped: 'batch 2: 2 of 2 hosts failed or unreachable (100%) > --max-fail-percent 10' },
  ],
  stoppedBy: { batch: 2, reason: 'batch 2: 2 of 2 hosts failed or unreachable (100%) > --max-fail-percent 10' },
};

describe('buildReport', () => {
  it('builds exactly the committed report shape', async () => {
    const report = buildReport(rolloutInput);
    if (process.env.UPDATE_FIXTURES === '1') await writeFile(FIXTURE, `${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(JSON.stringify(report))).toEqual(JSON.parse(await readFile(FIXTURE, 'utf8')));
  });

  it('has the documented keys, in order, and nothing else', () => {
    const r = buildReport(rolloutInput);
    expect(Object.keys(r)).toEqual(['version', 'command', 'check', 'startedAt', 'durationMs', 'summary', 'batches', 'stopped', 'hosts']);
    expect(r.version).toBe(1);
    expect(r.startedAt).toBe('2026-11-26T23:40:42.123Z');
    expect(r.summary).toEqual({ ok: 1, changed: 1, failed: 1, unreachable: 1, skipped: 1 });
    expect(r.stopped).toEqual({ batch: 2, reason: expect.stringContaining('--max-fail-percent 10') });
    expect(Object.keys(r.hosts[0] ?? {})).toEqual([
      'name', 'status', 'changes', 'tunnels', 'sshExecs', 'durationMs', 'error', 'step', 'rolledBack', 'batch',
    ]);
    expect(r.hosts[0]).toMatchObject({ error: null, step: null, rolledBack: false, batch: 1 });
    expect(r.hosts[1]?.tunnels[0]).toEqual({
      name: 'office', verdict: 'up', localIp: null, remoteIp: null,
      hint: 'check the username and password in /etc/ppp/chap-secrets', previousVerdict: 'auth_failed',
    });
    expect(r.hosts[0]?.tunnels[0]).not.toHaveProperty('previousVerdict');
    // each change says why (the planner's words), where the host's result has it
    expect(r.hosts[0]?.changes[2]).toEqual({ resource: 'tunnel', target: 'office', action: 'tunnel-restart', reason: 'its configuration changed' });
    expect(r.hosts[1]?.changes[0]).not.toHaveProperty('reason');
  });

  it('passes its own read-back schema', () => {
    expect(reportSchema.safeParse(JSON.parse(JSON.stringify(buildReport(rolloutInput)))).success).toBe(true);
  });

  it('has no batches and no stop when the run was not staged', () => {
    const r = buildReport({ command: 'apply', check: true, startedAt: new Date(0), durationMs: 1, hosts: rolloutHosts.slice(0, 1) });
    expect(r.batches).toEqual([]);
    expect(r.stopped).toBeNull();
    expect(r.check).toBe(true);
  });

  it('counts failed hosts per batch and finds the stopping batch from a plain reason', () => {
    const r = buildReport({
      ...rolloutInput,
      batches: [
        { index: 1, hosts: ['r001', 'r005'] },
        { index: 2, hosts: ['r002', 'r003'] },
        { index: 3, hosts: ['r004'] },
      ],
      stoppedBy: 'too many failures',
    });
    expect(r.batches.map((b) => b.failed)).toEqual([0, 2, 0]);
    // Batch 3 only holds skipped hosts: batch 2 is the last that ran.
    expect(r.stopped).toEqual({ batch: 2, reason: 'too many failures' });
    expect(r.batches.map((b) => b.stopped)).toEqual([undefined, 'too many failures', undefined]);
  });

  it('never carries HostResult fields it does not know', () => {
    const extra = { ...rolloutHosts[0], running: true, content: 'password=hunter2' } as HostResult;
    expect(JSON.stringify(buildReport({ ...rolloutInput, hosts: [extra] }))).not.toContain('hunter2');
  });

  it('serializes a Secret anywhere in its input as ***', () => {
    const s = (where: string): string => new Secret(`TOPSECRET-${where}`, where) as unknown as string;
    const host: HostResult = {
      name: 'r001',
      status: 'failed',
      changes: [{ resource: 'file', target: s('target'), action: 'write-file' }],
      tunnels: [{ name: s('tunnel'), verdict: 'auth_failed', localIp: s('ip'), remoteIp: null, hint: s('hint') }],
      sshExecs: 1,
      durationMs: 1,
      step: s('step'),
      error: s('error'),
    };
    const json = JSON.stringify(buildReport({ ...rolloutInput, command: s('command'), hosts: [host], stoppedBy: s('reason') }));
    expect(json).not.toContain('TOPSECRET');
    expect(json.match(/\*\*\*/g)?.length).toBeGreaterThanOrEqual(8);
  });
});

describe('writeReportAtomic', () => {
  it('writes the report as JSON, replacing the old file, and leaves no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pptp-fleet-report-'));
    const file = join(dir, 'report.json');
    await writeFile(file, 'old');
    await writeReportAtomic(file, buildReport(rolloutInput));
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(buildReport(rolloutInput))));
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('fails loudly, leaving nothing behind, when the directory does not exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pptp-fleet-report-'));
    await expect(writeReportAtomic(join(dir, 'missing', 'report.json'), buildReport(rolloutInput))).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});
