// `--retry-failed FILE`: rerun only the hosts a previous run's `--report-json` says failed.
import { readFile } from 'node:fs/promises';
import { InputError, errorMessage } from '../errors.js';
import type { InputProblem } from '../errors.js';
import { reportSchema } from '../report/json.js';

/** At most this many schema problems are listed: a wrong file would otherwise list hundreds. */
const MAX_PROBLEMS = 10;

/**
 * Names of the hosts with status `failed` or `unreachable` in a previous report (Ansible's
 * .retry file: skipped hosts are not in it). Throws InputError naming the file, and the field
 * when the JSON is not a pptp-fleet report.
 *
 * @example await loadRetryFailed('report.json') // Set { 'r003', 'r017' }
 */
export async function loadRetryFailed(reportFile: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(reportFile, 'utf8');
  } catch (err) {
    throw new InputError([{ file: reportFile, path: '', message: `cannot read the report: ${errorMessage(err)}` }], { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError([{ file: reportFile, path: '', message: `not a pptp-fleet report: invalid JSON (${errorMessage(err)})` }], {
      cause: err,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError([{ file: reportFile, path: '', message: 'not a pptp-fleet report: expected a JSON object' }]);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const problems: InputProblem[] = parsed.error.issues.slice(0, MAX_PROBLEMS).map((i) => ({
      file: reportFile,
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    const more = parsed.error.issues.length - problems.length;
    if (more > 0) problems.push({ file: reportFile, path: '', message: `and ${more} more problems` });
    throw new InputError(problems, { cause: parsed.error });
  }
  return new Set(parsed.data.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable').map((h) => h.name));
}
