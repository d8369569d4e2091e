// Where a run's report goes: `--report-json FILE|-`, `--junit`, `--report-html`,
// `--report-md`, and $GITHUB_STEP_SUMMARY on GitHub Actions. Files are replaced atomically;
// the step summary is appended to (other steps write to it too).
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../report/json.js';
import { serializeReport, writeTextAtomic } from '../report/json.js';
import { buildJUnit } from '../report/junit.js';
import { buildHtml } from '../report/html.js';
import { buildMarkdown } from '../report/markdown.js';
import { EXIT } from './exit.js';

export interface ReportOutputFlags {
  /** A file, or `-` for stdout. */
  json?: string;
  junit?: string;
  html?: string;
  md?: string;
}

/** Write every report asked for; `env` is where GITHUB_STEP_SUMMARY is read from. */
export async function writeReportOutputs(report: Report, flags: ReportOutputFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (flags.json === '-') process.stdout.write(serializeReport(report));
  else if (flags.json) await writeTextAtomic(flags.json, serializeReport(report));
  if (flags.junit) await writeTextAtomic(flags.junit, buildJUnit(report));
  if (flags.html) await writeTextAtomic(flags.html, buildHtml([{ label: path.basename(flags.json && flags.json !== '-' ? flags.json : flags.html), report }]));
  const md = flags.md || env.GITHUB_STEP_SUMMARY ? buildMarkdown(report) : '';
  if (flags.md) await writeTextAtomic(flags.md, md);
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, `${md}\n`, 'utf8');
}

/**
 * The exit code of a run nothing failed in: 0, or with `--detailed-exitcode` 4 when some host
 * has changes (with --check: changes pending, i.e. drift).
 */
export function reportExitCode(report: Report, detailed: boolean): number {
  if (!detailed) return EXIT.ok;
  return report.hosts.some((h) => h.changes.length > 0) ? EXIT.changes : EXIT.ok;
}
