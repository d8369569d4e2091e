// The `--report-json` file: one plain, versioned JSON document per run, for CI and for
// `--retry-failed`. It is built only from HostResult (change summaries, verdicts, errors),
// never from file contents, so no secret can reach it; a Secret that slips in anyway
// serializes as `***` (Secret.toJSON).
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { ChangeSummary } from '../plan/types.js';
import { VERDICTS } from '../pppd-log/types.js';
import type { HostResult, HostStatus, TunnelResult } from './types.js';

export const REPORT_VERSION = 1;

/** A tunnel in the report: exactly the engine's TunnelResult (no file content, no secret). */
export type ReportTunnel = TunnelResult;

export interface ReportHost {
  name: string;
  status: HostStatus;
  changes: ChangeSummary[];
  tunnels: ReportTunnel[];
  sshExecs: number;
  bytesSent?: number;
  durationMs: number;
  error: string | null;
  step: string | null;
  rolledBack: boolean;
  batch: number | null;
  /** Inventory groups the host is in (ancestors included, `all` left out), when known. */
  groups?: string[];
}

export interface ReportBatch {
  /** 1-based. */
  index: number;
  hosts: string[];
  /** Failed + unreachable hosts in this batch. */
  failed: number;
  /** Why the rollout stopped after this batch, on the batch that stopped it. */
  stopped?: string;
}

export type ReportSummary = Record<HostStatus, number>;

export interface Report {
  version: typeof REPORT_VERSION;
  command: string;
  check: boolean;
  /** ISO 8601, UTC. */
  startedAt: string;
  durationMs: number;
  summary: ReportSummary;
  /** Empty when the run was not a staged rollout. */
  batches: ReportBatch[];
  stopped: { batch: number; reason: string } | null;
  hosts: ReportHost[];
}

/** A batch as the runner knows it (engine/run.ts BatchOutcome fits). */
export interface BatchInfo {
  index: number;
  hosts: string[];
  /** Recomputed from the host results when left out. */
  failed?: number;
  /** The reason (or just `true`) on the batch after which the rollout stopped. */
  stopped?: string | boolean;
}

export interface ReportInput {
  command: string;
  check: boolean;
  startedAt: Date;
  durationMs: number;
  hosts: readonly HostResult[];
  batches?: readonly BatchInfo[];
  /** Why the rollout stopped early: the reason, or the runner's `{ batch, reason }`. */
  stoppedBy?: string | { batch: number; reason: string };
  /** The inventory groups of a host, for views that group hosts (HTML report). */
  groupsOf?: (host: string) => readonly string[] | undefined;
}

const isFailure = (s: HostStatus): boolean => s === 'failed' || s === 'unreachable';

/**
 * Assemble the report (pure). Fields are copied one by one, so anything a HostResult grows
 * later stays out until it is added here on purpose.
 *
 * @example buildReport({ command: 'apply', check: false, startedAt: new Date(), durationMs: 812, hosts })
 */
export function buildReport(input: ReportInput): Report {
  const hosts: ReportHost[] = input.hosts.map((h) => ({
    name: h.name,
    status: h.status,
    changes: h.changes.map((c) => ({ resource: c.resource, target: c.target, action: c.action, ...(c.reason !== undefined ? { reason: c.reason } : {}) })),
    tunnels: h.tunnels.map((t) => {
      const out: ReportTunnel = { name: t.name, verdict: t.verdict, localIp: t.localIp, remoteIp: t.remoteIp, hint: t.hint };
      if (t.previousVerdict !== undefined) out.previousVerdict = t.previousVerdict;
      // status fields and evidence only where the command produced them
      if (t.running !== undefined) out.running = t.running;
      if (t.iface !== undefined) out.iface = t.iface;
      if (t.since !== undefined) out.since = t.since;
      if (t.evidence !== undefined && t.evidence.length > 0) out.evidence = t.evidence;
      return out;
    }),
    sshExecs: h.sshExecs,
    ...(h.bytesSent !== undefined ? { bytesSent: h.bytesSent } : {}),
    durationMs: h.durationMs,
    error: h.error ?? null,
    step: h.step ?? null,
    rolledBack: h.rolledBack ?? false,
    batch: h.batch ?? null,
    ...groupsField(input.groupsOf?.(h.name)),
  }));

  const summary: ReportSummary = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const h of hosts) summary[h.status] += 1;

  const statusOf = new Map(hosts.map((h) => [h.name, h.status]));
  const batches: ReportBatch[] = (input.batches ?? []).map((b) => {
    const out: ReportBatch = {
      index: b.index,
      hosts: [...b.hosts],
      failed: b.failed ?? b.hosts.filter((n) => {
        const s = statusOf.get(n);
        return s !== undefined && isFailure(s);
      }).length,
    };
    return out;
  });

  let stopped: Report['stopped'] = null;
  if (input.stoppedBy !== undefined) {
    const by = input.stoppedBy;
    if (typeof by === 'object' && 'batch' in by && 'reason' in by) {
      stopped = { batch: by.batch, reason: by.reason };
    } else {
      const flagged = (input.batches ?? []).find((b) => b.stopped !== undefined && b.stopped !== false);
      stopped = { batch: flagged?.index ?? lastRunBatch(batches, hosts) ?? 1, reason: by };
    }
  }
  for (const b of batches) {
    const given = (input.batches ?? []).find((x) => x.index === b.index)?.stopped;
    if (typeof given === 'string') b.stopped = given;
    else if (stopped && b.index === stopped.batch) b.stopped = stopped.reason;
  }

  return {
    version: REPORT_VERSION,
    command: input.command,
    check: input.check,
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    summary,
    batches,
    stopped,
    hosts,
  };
}

function groupsField(groups: readonly string[] | undefined): { groups?: string[] } {
  if (groups === undefined) return {};
  return { groups: groups.filter((g) => g !== 'all') };
}

// The last batch in which some host actually ran (was not skipped).
function lastRunBatch(batches: readonly ReportBatch[], hosts: readonly ReportHost[]): number | undefined {
  const ran = new Set(hosts.filter((h) => h.status !== 'skipped').map((h) => h.name));
  return [...batches].reverse().find((b) => b.hosts.some((n) => ran.has(n)))?.index;
}

/**
 * A router that answered but whose tunnel is not up (`status` reports such a host `ok`: the
 * run itself went fine). The views show it as "tunnel down".
 */
export function tunnelDown(h: Pick<ReportHost, 'status' | 'tunnels'>): boolean {
  return h.status === 'ok' && h.tunnels.some((t) => t.verdict !== 'up' || t.running === false);
}

/** The report as text: two-space indented JSON and a final newline. */
export function serializeReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Write `text` to `file` atomically: a temp file in the same directory, then rename, so a
 * reader (or a CI artifact upload) never sees half a report.
 */
export async function writeTextAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', mode: 0o644 });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Write the `--report-json` file atomically (temp file + rename). */
export async function writeReportAtomic(file: string, report: Report): Promise<void> {
  await writeTextAtomic(file, serializeReport(report));
}

const verdict = z.enum([...VERDICTS, 'not_checked']);

/**
 * What a pptp-fleet report file must look like when read back (`--retry-failed`). Change
 * resources and actions are plain strings so a report stays readable when the planner
 * learns a new kind of change.
 */
export const reportSchema = z.object({
  version: z.literal(REPORT_VERSION, { error: `not a pptp-fleet report (expected "version": ${REPORT_VERSION})` }),
  command: z.string(),
  check: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  summary: z.object({
    ok: z.number(),
    changed: z.number(),
    failed: z.number(),
    unreachable: z.number(),
    skipped: z.number(),
  }),
  batches: z.array(
    z.object({
      index: z.number().int(),
      hosts: z.array(z.string()),
      failed: z.number().int(),
      stopped: z.string().optional(),
    }),
  ),
  stopped: z.object({ batch: z.number().int(), reason: z.string() }).nullable(),
  hosts: z.array(
    z.object({
      name: z.string().min(1),
      status: z.enum(['ok', 'changed', 'failed', 'unreachable', 'skipped']),
      changes: z.array(z.object({ resource: z.string(), target: z.string(), action: z.string(), reason: z.string().optional() })),
      tunnels: z.array(
        z.object({
          name: z.string(),
          verdict,
          localIp: z.string().nullable(),
          remoteIp: z.string().nullable(),
          hint: z.string().nullable(),
          previousVerdict: verdict.optional(),
          running: z.boolean().optional(),
          iface: z.string().nullable().optional(),
          since: z.string().nullable().optional(),
          evidence: z.array(z.string()).optional(),
        }),
      ),
      sshExecs: z.number(),
      durationMs: z.number(),
      error: z.string().nullable(),
      step: z.string().nullable(),
      rolledBack: z.boolean(),
      batch: z.number().int().nullable(),
      bytesSent: z.number().optional(),
      groups: z.array(z.string()).optional(),
    }),
  ),
});

export type ParsedReport = z.infer<typeof reportSchema>;
