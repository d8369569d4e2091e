// report: turn JSON reports (one per CI shard, or several runs) into one HTML page or one
// Markdown summary. Contacts nothing.
//
// Example:
//   pptp-fleet report --html fleet.html report-1.json report-2.json report-3.json report-4.json
//   pptp-fleet report --md summary.md report.json
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, errorMessage, type InputProblem } from '../../errors.js';
import { buildReport, reportSchema, writeTextAtomic, type Report } from '../../report/json.js';
import { buildHtml, type ReportSource } from '../../report/html.js';
import { buildMarkdown } from '../../report/markdown.js';

interface ReportFlags {
  html?: string;
  md?: string;
}

/** Read and validate one `--report-json` file; InputError names the file and the field. */
export async function loadReport(file: string): Promise<Report> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError([{ file, path: '', message: `cannot read a pptp-fleet report: ${errorMessage(err)}` }], { cause: err });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const problems: InputProblem[] = parsed.error.issues.slice(0, 10).map((i) => ({ file, path: i.path.map(String).join('.'), message: i.message }));
    throw new InputError(problems);
  }
  // The schema reads change kinds as plain strings (newer reports stay readable); the views
  // only print them.
  return parsed.data as unknown as Report;
}

/** Several reports as one, for the Markdown summary: hosts of all, counts recomputed. */
function mergedForMarkdown(reports: Report[]): Report {
  const first = reports[0]!;
  const hosts = reports.flatMap((r) => r.hosts);
  const merged = buildReport({ command: first.command, check: first.check, startedAt: new Date(first.startedAt), durationMs: Math.max(...reports.map((r) => r.durationMs)), hosts: [] });
  const summary = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const h of hosts) summary[h.status] += 1;
  const stopped = reports.find((r) => r.stopped)?.stopped ?? null;
  return { ...merged, hosts, summary, stopped };
}

/** Registers `pptp-fleet report --html OUT [--md OUT] REPORT.json...`. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('merge JSON reports (e.g. one per CI shard) into one HTML page or Markdown summary; contacts nothing')
    .argument('<reports...>', 'JSON reports written with --report-json')
    .option('--html <file>', 'write the self-contained HTML fleet report')
    .option('--md <file>', 'write a Markdown summary')
    .action(async (files: string[], flags: ReportFlags) => {
      if (!flags.html && !flags.md) {
        throw new InputError([{ file: '<command line>', path: '--html', message: 'nothing to write: give --html FILE and/or --md FILE' }]);
      }
      const sources: ReportSource[] = [];
      for (const f of files) sources.push({ label: path.basename(f), report: await loadReport(f) });
      if (flags.html) await writeTextAtomic(flags.html, buildHtml(sources));
      if (flags.md) await writeTextAtomic(flags.md, buildMarkdown(mergedForMarkdown(sources.map((s) => s.report))));
    });
}
