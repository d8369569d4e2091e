// When a staged rollout stops: Ansible's `max_fail_percentage` and `any_errors_fatal`.
import { InputError } from '../errors.js';
import type { HostResult } from '../report/types.js';

export interface StopOptions {
  /** Stop when the failed+unreachable share of a batch is strictly greater than this (0..100). */
  maxFailPercent?: number;
  /** Stop on the first failed or unreachable host. */
  anyErrorsFatal: boolean;
  /** Batch number for the reason text; defaults to the `batch` field of the results. */
  batch?: number;
}

export interface StopDecision {
  stop: boolean;
  reason?: string;
}

const isFailure = (h: HostResult): boolean => h.status === 'failed' || h.status === 'unreachable';

/**
 * Decide, after a batch, whether later batches must not run. Three rules, as in Ansible:
 * - `--any-errors-fatal`: any failed or unreachable host stops the rollout;
 * - `--max-fail-percent P`: stop when failed+unreachable / batch size is strictly greater
 *   than P% (Ansible: "exceeded", so 1 of 10 with P=10 goes on, 2 of 10 stops);
 * - with or without P, a batch in which every host failed stops the rollout (Ansible's
 *   playbook executor breaks the play when the whole batch failed).
 * The batch size counts every host in the batch, skipped ones included (Ansible's batch_size).
 *
 * @example shouldStop(results, { maxFailPercent: 10, anyErrorsFatal: false })
 *   // { stop: true, reason: 'batch 2: 4 of 5 hosts failed (80%) > --max-fail-percent 10' }
 */
export function shouldStop(batchResults: readonly HostResult[], opts: StopOptions): StopDecision {
  const total = batchResults.length;
  const failures = batchResults.filter(isFailure);
  const failed = failures.length;
  if (total === 0 || failed === 0) return { stop: false };

  const batchNo = opts.batch ?? batchResults.find((h) => h.batch !== undefined)?.batch;
  const prefix = batchNo === undefined ? 'this batch' : `batch ${batchNo}`;
  const what = failures.every((h) => h.status === 'unreachable')
    ? 'unreachable'
    : failures.every((h) => h.status === 'failed')
      ? 'failed'
      : 'failed or unreachable';

  if (opts.anyErrorsFatal) {
    const first = failures[0];
    const who = first ? ` (first: ${first.name}, ${first.status}${first.step ? ` at ${first.step}` : ''})` : '';
    return { stop: true, reason: `${prefix}: ${failed} of ${total} hosts ${what}${who} and --any-errors-fatal is set` };
  }
  const p = opts.maxFailPercent;
  if (p !== undefined && failed * 100 > p * total) {
    return { stop: true, reason: `${prefix}: ${failed} of ${total} hosts ${what} (${percent(failed, total, p)}) > --max-fail-percent ${p}` };
  }
  if (failed === total) {
    return { stop: true, reason: `${prefix}: all ${total} host${total === 1 ? '' : 's'} ${what}` };
  }
  return { stop: false };
}

// The share as a percentage, with enough decimals that even its truncation exceeds the
// limit: 2 of 3 against 66 prints 66.7%, not 67% (which would overstate the margin) nor 66%.
function percent(failed: number, total: number, limit: number): string {
  const exact = (failed * 100) / total;
  for (const digits of [0, 1, 2]) {
    const scale = 10 ** digits;
    if (Math.floor(exact * scale) / scale > limit) return `${exact.toFixed(digits)}%`;
  }
  return `${exact.toFixed(3)}%`;
}

/**
 * Parse `--max-fail-percent`: a number from 0 to 100 (0 stops on any failure, like Ansible).
 *
 * @example parseMaxFailPercent('10') // 10
 */
export function parseMaxFailPercent(spec: string): number {
  const s = spec.trim().replace(/%$/, '');
  const value = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new InputError([
      { file: '<command line>', path: '--max-fail-percent', message: `${JSON.stringify(spec)} is not a percentage from 0 to 100` },
    ]);
  }
  return value;
}
