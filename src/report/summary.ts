// Plain-text views of a run for a terminal or a CI log. Pure: src/cli prints them.
import type { Report, ReportHost } from './json.js';
import { oneLine } from './text.js';

function tunnelsCell(h: ReportHost): string {
  if (h.tunnels.length === 0) return '-';
  return h.tunnels.map((t) => `${t.name}=${t.verdict}${t.previousVerdict !== undefined ? `(was ${t.previousVerdict})` : ''}`).join(' ');
}

function problemCell(h: ReportHost): string {
  const parts = [h.step, h.error].filter((x): x is string => x !== null && x !== '');
  const text = parts.length > 0 ? oneLine(parts.join(': ')) : '';
  return h.rolledBack ? `${text}${text ? ' ' : ''}(rolled back)` : text || '-';
}

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

/**
 * The end-of-run table: one row per host (host, status, changes, tunnel verdicts,
 * step/error), then the totals and, when the rollout stopped early, why.
 *
 * @example
 * HOST  STATUS       CHANGES  TUNNELS                     STEP/ERROR
 * r001  changed      3        office=up                   -
 * r002  failed       1        office=up(was auth_failed)  verify: tunnel office: auth_failed (rolled back)
 *
 * 2 hosts: 0 ok, 1 changed, 1 failed, 0 unreachable, 0 skipped
 * rollout stopped after batch 2: 1 of 1 hosts failed (100%) > --max-fail-percent 10
 */
export function summaryTable(report: Report, opts: { onlyProblems?: boolean } = {}): string {
  const header = ['HOST', 'STATUS', 'CHANGES', 'TUNNELS', 'STEP/ERROR'];
  // --quiet on a large fleet: the rows worth reading are the ones that did not go well.
  const shown = opts.onlyProblems ? report.hosts.filter((h) => h.status !== 'ok' && h.status !== 'changed') : report.hosts;
  const rows = shown.map((h) => [oneLine(h.name), h.status, String(h.changes.length), oneLine(tunnelsCell(h)), problemCell(h)]);
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.length > 0 || !opts.onlyProblems ? [pad(header, widths), ...rows.map((r) => pad(r, widths)), ''] : [];
  const s = report.summary;
  const n = report.hosts.length;
  lines.push(
    `${n} host${n === 1 ? '' : 's'}${report.check ? ' (check mode)' : ''}: ${s.ok} ok, ${s.changed} changed, ${s.failed} failed, ${s.unreachable} unreachable, ${s.skipped} skipped`,
  );
  if (report.stopped) {
    // shouldStop's reasons already start with "batch N: "; do not say it twice.
    const reason = report.stopped.reason.replace(new RegExp(`^batch ${report.stopped.batch}: `), '');
    lines.push(`rollout stopped after batch ${report.stopped.batch}: ${oneLine(reason)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The `status` command's table: one row per tunnel.
 *
 * @example
 * HOST  TUNNEL  RUNNING  IFACE  LOCAL          REMOTE       SINCE                 VERDICT
 * r001  office  yes      ppp0   192.168.255.2  192.168.0.1  2026-11-26T23:40:42Z  up
 */
export function statusTable(report: Report): string {
  const header = ['HOST', 'TUNNEL', 'RUNNING', 'IFACE', 'LOCAL', 'REMOTE', 'SINCE', 'VERDICT'];
  const rows: string[][] = [];
  for (const h of report.hosts) {
    if (h.tunnels.length === 0) {
      rows.push([oneLine(h.name), '-', '-', '-', '-', '-', '-', oneLine(h.error ?? h.status)]);
      continue;
    }
    for (const t of h.tunnels) {
      const verdict = t.verdict === 'up' || !t.hint ? oneLine(t.verdict) : `${t.verdict}: ${oneLine(t.hint)}`;
      rows.push([
        oneLine(h.name),
        oneLine(t.name),
        t.running === undefined ? '-' : t.running ? 'yes' : 'no',
        oneLine(t.iface ?? '-'),
        oneLine(t.localIp ?? '-'),
        oneLine(t.remoteIp ?? '-'),
        t.since ? oneLine(t.since.replace(/\.\d{3}Z$/, 'Z')) : '-',
        verdict,
      ]);
    }
  }
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? '').length)));
  const up = report.hosts.flatMap((h) => h.tunnels).filter((t) => t.verdict === 'up' && t.running !== false).length;
  const all = report.hosts.flatMap((h) => h.tunnels).length;
  const unreachable = report.hosts.filter((h) => h.status === 'unreachable' || h.status === 'failed').length;
  return `${[pad(header, widths), ...rows.map((r) => pad(r, widths)), '', `${up} of ${all} tunnels up${unreachable ? `, ${unreachable} host(s) not read` : ''}`].join('\n')}\n`;
}

export interface HostEvent {
  time: Date;
  host: string;
  step: string;
  status: string;
  detail?: string;
}

/**
 * One progress line for a non-TTY log (CI): UTC time to the second, host, step, status,
 * and the detail in parentheses.
 *
 * @example formatHostEvent({ time, host: 'r001', step: 'facts', status: 'ok', detail: '2 changes' })
 *   // '2026-11-26T23:40:42Z r001 facts ok (2 changes)'
 */
export function formatHostEvent(e: HostEvent): string {
  const time = Number.isNaN(e.time.getTime()) ? '-' : e.time.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const detail = e.detail !== undefined && oneLine(e.detail) !== '' ? ` (${oneLine(e.detail)})` : '';
  return `${time} ${oneLine(e.host)} ${oneLine(e.step)} ${oneLine(e.status)}${detail}`;
}

/**
 * The `ping` command's table: reachable or not, how long connect + `true` took, and why not.
 *
 * @example
 * HOST  REACHABLE  MS   ERROR
 * r001  yes        212  -
 * r002  no         -    connect: connect ECONNREFUSED 127.0.0.1:2203
 */
export function pingTable(report: Report): string {
  const header = ['HOST', 'REACHABLE', 'MS', 'ERROR'];
  const rows = report.hosts.map((h) => {
    const ok = h.status === 'ok' || h.status === 'changed';
    return [oneLine(h.name), h.status === 'skipped' ? 'skipped' : ok ? 'yes' : 'no', ok ? String(Math.round(h.durationMs)) : '-', ok ? '-' : problemCell(h)];
  });
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? '').length)));
  const reachable = report.hosts.filter((h) => h.status === 'ok' || h.status === 'changed').length;
  const n = report.hosts.length;
  return `${[pad(header, widths), ...rows.map((r) => pad(r, widths)), '', `${reachable} of ${n} host${n === 1 ? '' : 's'} reachable`].join('\n')}\n`;
}
