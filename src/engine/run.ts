// The fleet runner: batches one after another, hosts inside a batch at most `forks` at once.
// A failing host never stops the others; only a rollout threshold stops later batches,
// whose hosts are then reported `skipped` without being contacted.
import pLimit from 'p-limit';
import type { HostSpec } from '../inventory/types.js';
import type { HostResult } from '../report/types.js';
import { shouldStop } from '../rollout/thresholds.js';
import type { RunContext } from './context.js';
import { runHost } from './host.js';

export interface FleetOptions {
  forks: number;
  /** Hosts split into batches (see rollout/serial.ts); one batch when not rolling out. */
  batches: HostSpec[][];
  maxFailPercent?: number;
  anyErrorsFatal: boolean;
}

export interface BatchOutcome {
  index: number;
  hosts: string[];
  failed: number;
  stopped?: string;
}

export interface FleetOutcome {
  hosts: HostResult[];
  batches: BatchOutcome[];
  /** Why the rollout stopped early, if it did. */
  stoppedBy?: { batch: number; reason: string };
  interrupted: boolean;
}

/** Run every batch; returns one result per selected host, in inventory order. */
export async function runFleet(ctx: RunContext, opts: FleetOptions): Promise<FleetOutcome> {
  const results = new Map<string, HostResult>();
  const batches: BatchOutcome[] = [];
  let stoppedBy: FleetOutcome['stoppedBy'];
  const limit = pLimit(Math.max(1, opts.forks));

  for (const [i, batch] of opts.batches.entries()) {
    const index = i + 1;
    if (stoppedBy || ctx.signal.aborted) {
      for (const h of batch) results.set(h.name, skipped(h, index, stoppedBy ? `rollout stopped after batch ${stoppedBy.batch}` : 'interrupted'));
      continue;
    }
    ctx.emit({ type: 'batch-start', batch: index, hosts: batch.map((h) => h.name) });
    let fatal = false;
    const batchResults = await Promise.all(
      batch.map((host) =>
        limit(async () => {
          if (ctx.signal.aborted || (opts.anyErrorsFatal && fatal)) {
            return skipped(host, index, ctx.signal.aborted ? 'interrupted' : 'stopped by --any-errors-fatal');
          }
          ctx.emit({ type: 'host-start', host: host.name, batch: index });
          const r = await runHost(host, index, ctx);
          if (r.status === 'failed' || r.status === 'unreachable') fatal = true;
          ctx.emit({ type: 'host-done', result: r });
          return r;
        }),
      ),
    );
    for (const r of batchResults) results.set(r.name, r);
    // With nothing after it and no threshold asked for, a batch has nothing to stop.
    const thresholds = opts.maxFailPercent !== undefined || opts.anyErrorsFatal || index < opts.batches.length;
    const decision = thresholds
      ? shouldStop(batchResults, { maxFailPercent: opts.maxFailPercent, anyErrorsFatal: opts.anyErrorsFatal, batch: index })
      : { stop: false };
    const failed = batchResults.filter((r) => r.status === 'failed' || r.status === 'unreachable').length;
    const outcome: BatchOutcome = { index, hosts: batch.map((h) => h.name), failed };
    if (decision.stop) {
      const reason = decision.reason ?? `batch ${index} failed`;
      outcome.stopped = reason;
      stoppedBy = { batch: index, reason };
    }
    batches.push(outcome);
    ctx.emit({ type: 'batch-done', batch: index, stopReason: outcome.stopped });
  }

  const ordered = opts.batches.flat().map((h) => results.get(h.name)!);
  return { hosts: ordered, batches, stoppedBy, interrupted: ctx.signal.aborted };
}

function skipped(host: HostSpec, batch: number, why: string): HostResult {
  return { name: host.name, status: 'skipped', changes: [], tunnels: [], sshExecs: 0, durationMs: 0, batch, error: why };
}
