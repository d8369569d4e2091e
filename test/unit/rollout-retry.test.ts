import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadRetryFailed } from '../../src/rollout/retry.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/reports/${name}`, import.meta.url));

async function problemsOf(file: string): Promise<InputError['problems']> {
  try {
    await loadRetryFailed(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error(`expected ${file} to be rejected`);
}

async function tempFile(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'pptp-fleet-retry-')), 'report.json');
  await writeFile(file, text);
  return file;
}

describe('loadRetryFailed', () => {
  it('selects the failed and unreachable hosts of a previous report, not the skipped ones', async () => {
    expect(await loadRetryFailed(fixture('rollout-stopped.json'))).toEqual(new Set(['r002', 'r003']));
  });

  it('returns an empty set for a clean run', async () => {
    const file = await tempFile(
      JSON.stringify({
        version: 1, command: 'apply', check: false, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
        summary: { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 }, batches: [], stopped: null, hosts: [],
      }),
    );
    expect(await loadRetryFailed(file)).toEqual(new Set());
  });

  it('rejects a JSON file that is not a pptp-fleet report, naming the file and the version field', async () => {
    const file = fixture('not-a-report.json');
    const problems = await problemsOf(file);
    expect(problems).toContainEqual({ file, path: 'version', message: 'not a pptp-fleet report (expected "version": 1)' });
    expect(problems.every((p) => p.file === file)).toBe(true);
  });

  it('names the fields that are wrong in a damaged report', async () => {
    const file = fixture('bad-host-status.json');
    const problems = await problemsOf(file);
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['hosts.0.name', 'hosts.2.status']));
  });

  it.each([
    ['invalid JSON', '{"version": 1,', /invalid JSON/],
    ['a JSON array', '[]', /expected a JSON object/],
    ['JSON null', 'null', /expected a JSON object/],
  ])('rejects %s', async (_what, text, message) => {
    const file = await tempFile(text);
    const [p] = await problemsOf(file);
    expect(p?.file).toBe(file);
    expect(p?.message).toMatch(/^not a pptp-fleet report/);
    expect(p?.message).toMatch(message);
  });

  it('rejects a missing file, naming it', async () => {
    const file = join(tmpdir(), 'pptp-fleet-no-such-report.json');
    const [p] = await problemsOf(file);
    expect(p).toMatchObject({ file, message: expect.stringMatching(/cannot read the report: .*ENOENT/) });
  });

  it('lists at most ten problems for a wrong file', async () => {
    const file = await tempFile(JSON.stringify({ version: 1, hosts: Array.from({ length: 50 }, () => ({})) }));
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(11);
    expect(problems[10]?.message).toMatch(/^and \d+ more problems$/);
  });
});
