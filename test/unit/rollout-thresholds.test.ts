import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { HostResult, HostStatus } from '../../src/report/types.js';
import { parseMaxFailPercent, shouldStop } from '../../src/rollout/thresholds.js';

// A batch from a status string: o=ok c=changed f=failed u=unreachable s=skipped.
function batch(spec: string, index = 2): HostResult[] {
  const status: Record<string, HostStatus> = { o: 'ok', c: 'changed', f: 'failed', u: 'unreachable', s: 'skipped' };
  return [...spec].map((ch, i) => ({
    name: `r${i + 1}`,
    status: status[ch] ?? 'ok',
    changes: [],
    tunnels: [],
    sshExecs: 1,
    durationMs: 10,
    batch: index,
    ...(ch === 'f' ? { step: 'apply', error: 'boom' } : ch === 'u' ? { step: 'connect', error: 'ECONNREFUSED' } : {}),
  }));
}

describe('shouldStop: --max-fail-percent (stops only when EXCEEDED, as Ansible)', () => {
  it.each<[string, number, boolean]>([
    ['oooooooooo', 0, false],
    ['fooooooooo', 0, true], // any failure exceeds 0%
    ['fooooooooo', 10, false], // 10% == 10: not exceeded
    ['ffoooooooo', 10, true], // 20% > 10
    ['fuoooooooo', 10, true], // unreachable counts as failed
    ['ffffoooooo', 40, false],
    ['fffffooooo', 40, true],
    ['ffo', 66, true], // 66.7% > 66
    ['ffo', 67, false],
    ['fffff', 100, true], // a batch in which every host failed always stops (Ansible)
    ['ffffo', 100, false],
    ['sssss', 0, false], // skipped hosts are not failures
    ['', 0, false],
  ])('batch %j with P=%i: stop=%s', (spec, p, stop) => {
    expect(shouldStop(batch(spec), { maxFailPercent: p, anyErrorsFatal: false }).stop).toBe(stop);
  });

  it('names the batch and the numbers', () => {
    expect(shouldStop(batch('offff'), { maxFailPercent: 10, anyErrorsFatal: false })).toEqual({
      stop: true,
      reason: 'batch 2: 4 of 5 hosts failed (80%) > --max-fail-percent 10',
    });
  });

  it('says "failed or unreachable" for a mix and never prints a share equal to the limit', () => {
    expect(shouldStop(batch('fuo', 3), { maxFailPercent: 66, anyErrorsFatal: false }).reason).toBe(
      'batch 3: 2 of 3 hosts failed or unreachable (66.7%) > --max-fail-percent 66',
    );
    expect(shouldStop(batch('fuo', 3), { maxFailPercent: 66.6, anyErrorsFatal: false }).reason).toBe(
      'batch 3: 2 of 3 hosts failed or unreachable (66.67%) > --max-fail-percent 66.6',
    );
    expect(shouldStop(batch('uoo', 1), { maxFailPercent: 33, anyErrorsFatal: false }).reason).toBe(
      'batch 1: 1 of 3 hosts unreachable (33.3%) > --max-fail-percent 33',
    );
  });

  it('takes the batch number from the options over the results', () => {
    expect(shouldStop(batch('ff', 2), { maxFailPercent: 0, anyErrorsFatal: false, batch: 7 }).reason).toMatch(/^batch 7: /);
  });
});

describe('shouldStop: without --max-fail-percent', () => {
  it('goes on when some hosts of a batch failed', () => {
    expect(shouldStop(batch('ffoo'), { anyErrorsFatal: false })).toEqual({ stop: false });
  });

  it('stops when every host of a batch failed or was unreachable (Ansible)', () => {
    expect(shouldStop(batch('f', 1), { anyErrorsFatal: false })).toEqual({ stop: true, reason: 'batch 1: all 1 host failed' });
    expect(shouldStop(batch('fu', 1), { anyErrorsFatal: false }).reason).toBe('batch 1: all 2 hosts failed or unreachable');
  });
});

describe('shouldStop: --any-errors-fatal', () => {
  it('stops on one failed host', () => {
    const d = shouldStop(batch('oofoo'), { anyErrorsFatal: true });
    expect(d.stop).toBe(true);
    expect(d.reason).toBe('batch 2: 1 of 5 hosts failed (first: r3, failed at apply) and --any-errors-fatal is set');
  });

  it('stops on one unreachable host', () => {
    expect(shouldStop(batch('ouo'), { anyErrorsFatal: true }).stop).toBe(true);
  });

  it('wins over a lenient --max-fail-percent', () => {
    expect(shouldStop(batch('foooooooo'), { anyErrorsFatal: true, maxFailPercent: 50 }).stop).toBe(true);
  });

  it('does not stop a clean batch', () => {
    expect(shouldStop(batch('ocs'), { anyErrorsFatal: true })).toEqual({ stop: false });
  });
});

describe('parseMaxFailPercent', () => {
  it.each([
    ['0', 0],
    ['10', 10],
    ['12.5', 12.5],
    ['100', 100],
    ['25%', 25],
  ])('reads %j', (s, v) => {
    expect(parseMaxFailPercent(s)).toBe(v);
  });

  it.each(['', '-1', '101', 'abc', '1e2', 'NaN'])('rejects %j', (s) => {
    expect(() => parseMaxFailPercent(s)).toThrow(InputError);
    expect(() => parseMaxFailPercent(s)).toThrow(/--max-fail-percent/);
  });
});
