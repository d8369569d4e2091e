// The run as Markdown for a CI job page: appended to $GITHUB_STEP_SUMMARY on GitHub Actions,
// written with `--report-md FILE` elsewhere. Counts first, then only the hosts that need a
// person (failed, unreachable; skipped when a rollout stopped). Router text goes through
// markdownText(): no line breaks, no markup, no HTML.
import { tunnelDown, type Report, type ReportHost } from './json.js';
import { markdownText } from './text.js';

/** Rows beyond this are summed up in one line: GitHub caps a step summary at 1 MiB. */
export const MARKDOWN_MAX_ROWS = 200;
/** A hint longer than this is cut (the HTML report has it whole). */
const HINT_CHARS = 240;

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function verdicts(h: ReportHost): string {
  if (h.tunnels.length === 0) return '-';
  return h.tunnels
    .map((t) => `${markdownText(t.name)}: \`${t.verdict}\`${t.previousVerdict !== undefined ? ` (was \`${t.previousVerdict}\`)` : ''}`)
    .join('<br>');
}

function hintOrError(h: ReportHost): string {
  const hints = h.tunnels.filter((t) => t.verdict !== 'up' && t.hint).map((t) => `${t.name}: ${t.hint ?? ''}`);
  const text = hints.length > 0 ? hints.join(' ; ') : [h.step, h.error].filter((x): x is string => x !== null && x !== '').join(': ');
  return text === '' ? '-' : markdownText(cut(text, HINT_CHARS));
}

function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * A Markdown summary of one run: a heading with the outcome, a table of counts, why a rollout
 * stopped, and a table of the failing hosts with step, tunnel verdicts and hint.
 *
 * @example buildMarkdown(report) // '### pptp-fleet apply: 2 of 20 hosts failed\n\n| ok | changed | …'
 */
export function buildMarkdown(report: Report): string {
  const s = report.summary;
  const n = report.hosts.length;
  // For `status`, a reachable router whose tunnel is down needs a person as much as a failed one.
  const needsAttention = (h: ReportHost): boolean => h.status === 'failed' || h.status === 'unreachable' || (report.command === 'status' && tunnelDown(h));
  const failing = report.hosts.filter(needsAttention);
  const bad = failing.length;
  const title = `pptp-fleet ${report.command}${report.check ? ' --check' : ''}`;
  const outcome = bad > 0 ? `${bad} of ${n} host${n === 1 ? '' : 's'} ${report.command === 'status' ? 'failed or with a tunnel down' : 'failed'}` : report.stopped ? 'rollout stopped' : `${n} host${n === 1 ? '' : 's'}, none failed`;
  const out: string[] = [`### ${bad > 0 || report.stopped ? '❌' : '✅'} ${title}: ${outcome}`, ''];
  out.push('| ok | changed | failed | unreachable | skipped | duration |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${s.ok} | ${s.changed} | ${s.failed} | ${s.unreachable} | ${s.skipped} | ${durationText(report.durationMs)} |`, '');
  if (report.stopped) {
    out.push(`**Rollout stopped after batch ${report.stopped.batch}:** ${markdownText(report.stopped.reason)}`, '');
  }
  if (failing.length > 0) {
    out.push('| host | status | step | tunnels | hint or error |', '| --- | --- | --- | --- | --- |');
    for (const h of failing.slice(0, MARKDOWN_MAX_ROWS)) {
      const rolled = h.rolledBack ? ' (rolled back)' : '';
      const status = tunnelDown(h) ? 'tunnel down' : h.status;
      out.push(`| ${markdownText(h.name)} | ${status}${rolled} | ${markdownText(h.step ?? '-')} | ${verdicts(h)} | ${hintOrError(h)} |`);
    }
    if (failing.length > MARKDOWN_MAX_ROWS) out.push('', `…and ${failing.length - MARKDOWN_MAX_ROWS} more failing hosts (see the JSON or HTML report).`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
