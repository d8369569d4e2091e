// SSH execs per host, counted from the routers' side: every lab router appends one line to its
// audit log per exec it receives, so the lines a phase added are the execs that phase cost,
// whatever the orchestrator believes it sent.
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { maxMean, type MaxMean } from './stats.js';

/**
 * Lines in an audit log's text (a last line without a newline counts too).
 * @example countLines('true\n/bin/sh -s -- pptp-fleet:facts\n') // 2
 */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/** Line counts of each router's audit log, in router order. */
export async function auditSnapshot(auditLogs: readonly string[]): Promise<number[]> {
  const limit = pLimit(32);
  return Promise.all(auditLogs.map((path) => limit(async () => countLines(await readFile(path, 'utf8')))));
}

/**
 * Execs per host between two snapshots of the same routers, as max and mean.
 * @example execsBetween([4, 4], [5, 6]) // { max: 2, mean: 1.5 }
 */
export function execsBetween(before: readonly number[], after: readonly number[]): MaxMean {
  if (before.length !== after.length) throw new Error(`audit snapshots differ in size: ${before.length} vs ${after.length}`);
  return maxMean(after.map((n, i) => n - (before[i] ?? 0)));
}
