// Small statistics for the benchmark: timings are noisy on a shared machine, so every figure
// is a median of several runs, and per-host counts are summarized as max and mean.

/**
 * The median; for an even count, the mean of the two middle values.
 * @example median([3, 1, 2]) // 2
 * @example median([4, 1, 3, 2]) // 2.5
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? 0) + hi) / 2;
}

export interface MaxMean {
  max: number;
  mean: number;
}

/**
 * Max and mean of per-host values.
 * @example maxMean([1, 1, 4]) // { max: 4, mean: 2 }
 */
export function maxMean(values: readonly number[]): MaxMean {
  if (values.length === 0) throw new Error('max/mean of no values');
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v > max) max = v;
    sum += v;
  }
  return { max, mean: sum / values.length };
}

/**
 * Combines per-run summaries: the max of the maxima and the mean of the means (every run has
 * the same hosts, so the mean of means is the mean over all hosts and runs).
 * @example combineMaxMean([{ max: 4, mean: 4 }, { max: 5, mean: 4.5 }]) // { max: 5, mean: 4.25 }
 */
export function combineMaxMean(runs: readonly MaxMean[]): MaxMean {
  if (runs.length === 0) throw new Error('no runs to combine');
  return { max: Math.max(...runs.map((r) => r.max)), mean: runs.reduce((s, r) => s + r.mean, 0) / runs.length };
}
