// What the benchmark reads from a `--report-json` file. Read loosely on purpose: the report is
// the lead's to evolve, and the benchmark must keep working (and say "n/a") when a field it
// would like, such as `bytesSent`, is not there yet.
import { readFile } from 'node:fs/promises';
import { maxMean, type MaxMean } from './stats.js';

export interface ReportFigures {
  hosts: number;
  /** Hosts whose status is failed or unreachable. */
  failed: number;
  /** Hosts whose status is changed (in check mode: would change). */
  changed: number;
  /** The CLI's own view of execs per host (the audit logs are the routers' view). */
  sshExecs: MaxMean | null;
  /** Bytes sent per host, when the report carries `hosts[].bytesSent`. */
  bytesSent: MaxMean | null;
  /** Mean of `hosts[].durationMs`: one host's latency, as opposed to the fleet's wall time. */
  hostMeanMs: number | null;
  reportDurationMs: number | null;
}

function numbers(hosts: unknown[], key: string): number[] | null {
  const values = hosts.map((h) => (h !== null && typeof h === 'object' ? (h as Record<string, unknown>)[key] : undefined));
  return values.length > 0 && values.every((v): v is number => typeof v === 'number') ? values : null;
}

/**
 * The figures the benchmark wants from a parsed report.
 * @example reportFigures({ durationMs: 900, hosts: [{ status: 'ok', sshExecs: 1, durationMs: 400 }] })
 * // { hosts: 1, failed: 0, changed: 0, sshExecs: { max: 1, mean: 1 }, bytesSent: null, hostMeanMs: 400, reportDurationMs: 900 }
 */
export function reportFigures(report: unknown): ReportFigures {
  const r = (report ?? {}) as Record<string, unknown>;
  const hosts = Array.isArray(r['hosts']) ? (r['hosts'] as unknown[]) : [];
  const failed = hosts.filter((h) => {
    const status = (h as Record<string, unknown> | null)?.['status'];
    return status === 'failed' || status === 'unreachable';
  }).length;
  const changed = hosts.filter((h) => (h as Record<string, unknown> | null)?.['status'] === 'changed').length;
  const execs = numbers(hosts, 'sshExecs');
  const bytes = numbers(hosts, 'bytesSent');
  const durations = numbers(hosts, 'durationMs');
  return {
    hosts: hosts.length,
    failed,
    changed,
    sshExecs: execs ? maxMean(execs) : null,
    bytesSent: bytes ? maxMean(bytes) : null,
    hostMeanMs: durations ? maxMean(durations).mean : null,
    reportDurationMs: typeof r['durationMs'] === 'number' ? r['durationMs'] : null,
  };
}

/** Reads and summarizes a report file; null when the CLI wrote none (it crashed, say). */
export async function readReportFigures(path: string): Promise<ReportFigures | null> {
  try {
    return reportFigures(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return null;
  }
}
