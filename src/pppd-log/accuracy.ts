// Verdict accuracy over a corpus of labelled logs: a confusion table (expected × got).
// No test framework here, so scripts/verdict-accuracy.mjs can run it from dist/.

import { createHash } from 'node:crypto';
import { diagnoseParsed, parsePppdLog } from './parse.js';
import { VERDICTS, type Verdict } from './types.js';

export interface AccuracyCase {
  name: string;
  text: string;
  expected: Verdict;
}

/**
 * What `diagnose` gave a case: a verdict, or NOT_PPPD_LOG where the log was not taken for a pppd
 * log (the CLI then exits 2 and prints no verdict): a miss, whatever verdict was labelled.
 */
export const NOT_PPPD_LOG = 'not_pppd_log';
export type Outcome = Verdict | typeof NOT_PPPD_LOG;
const OUTCOMES: readonly Outcome[] = [...VERDICTS, NOT_PPPD_LOG];

export interface ConfusionTable {
  /** rows[expected][got] = count. */
  rows: Record<Verdict, Record<Outcome, number>>;
  total: number;
  correct: number;
  misses: { name: string; expected: Verdict; got: Outcome }[];
}

/** Runs `diagnose` on every case and counts expected × got, a log not taken for a pppd log as a miss. */
export function confusionTable(cases: readonly AccuracyCase[]): ConfusionTable {
  const rows = Object.fromEntries(VERDICTS.map((e) => [e, Object.fromEntries(OUTCOMES.map((g) => [g, 0]))])) as Record<
    Verdict,
    Record<Outcome, number>
  >;
  const misses: ConfusionTable['misses'] = [];
  let correct = 0;
  for (const c of cases) {
    const parsed = parsePppdLog(c.text);
    const got: Outcome = parsed.isPppdLog ? diagnoseParsed(parsed).verdict : NOT_PPPD_LOG;
    rows[c.expected][got] += 1;
    if (got === c.expected) correct += 1;
    else misses.push({ name: c.name, expected: c.expected, got });
  }
  return { rows, total: cases.length, correct, misses };
}

const SHORT: Record<Outcome, string> = {
  up: 'up',
  mppe_failed: 'mppe',
  auth_failed: 'auth',
  eap_refused_or_unsupported: 'eap',
  no_response: 'noresp',
  control_refused: 'ctrl',
  no_kernel_support: 'kernel',
  config_error: 'config',
  link_dead: 'dead',
  terminated_by_peer: 'peer',
  ip_script_failed: 'script',
  idle_disconnect: 'idle',
  stopped_locally: 'stopped',
  other: 'other',
  not_pppd_log: 'exit2',
};

/** The table as text: one row per expected verdict that occurs, one column per verdict and one for exit 2. */
export function formatConfusionTable(t: ConfusionTable): string {
  const head = ['expected \\ got'.padEnd(28), ...OUTCOMES.map((v) => SHORT[v].padStart(8))].join('');
  const lines = [head];
  for (const e of VERDICTS) {
    const row = t.rows[e];
    const n = OUTCOMES.reduce((a, g) => a + row[g], 0);
    if (n === 0) continue;
    lines.push([e.padEnd(28), ...OUTCOMES.map((g) => (row[g] === 0 ? '.' : String(row[g])).padStart(8))].join(''));
  }
  const pct = t.total === 0 ? 0 : (100 * t.correct) / t.total;
  lines.push(`${t.correct}/${t.total} correct (${pct.toFixed(1)}%)`);
  for (const m of t.misses) lines.push(`  miss: ${m.name}: expected ${m.expected}, got ${m.got}`);
  return lines.join('\n');
}

// ---- The held-out split (issue 14) ----

/** Which part of the corpus a case belongs to. */
export type CorpusPart = 'tuned' | 'held-out';

const DERIVED_FROM = /(?:Derived from a real log|Family): (field\d*-[a-z0-9-]+)/;

/**
 * The family of a case: a log derived from another one (a debug-only view, a `logfile /dev/null`
 * capture) belongs with the log it was derived from, and two logs from one post name a common
 * family ("Family: NAME" in the source), so the two never sit on both sides.
 */
export function corpusFamily(name: string, source: string): string {
  return DERIVED_FROM.exec(source)?.[1] ?? name;
}

/** The latest batch split by the hash rule (`field48-*`): a new batch raises it when it is merged. */
const LAST_HASHED_BATCH = 48;

/**
 * Logs gathered for issue 14 (`field-*`) are held out when the SHA-256 of their family name,
 * read as a number, is divisible by 3: a third, fixed before any rule was changed. Older cases
 * were tuned on before and stay in the tuned part.
 */
export function corpusPart(name: string, source: string): CorpusPart {
  // A second batch (`field2-*`, SPLIT.md) was held out when gathered, measured, then looked at:
  // it is tuned now.
  // A third batch (`field3-*`) was gathered after the last rule change: held out as a whole.
  if (name.startsWith('field3-')) return 'held-out';
  // Batches 4 to LAST_HASHED_BATCH (`field4-*` ...) were split by the same hash rule when
  // gathered, before they were measured or any rule changed for them; so was the first
  // (`field-*`).
  const batch = /^field(\d*)-/.exec(name)?.[1];
  const hashed = batch === '' || (batch !== undefined && Number(batch) >= 4 && Number(batch) <= LAST_HASHED_BATCH);
  if (!hashed) return 'tuned';
  const h = createHash('sha256').update(corpusFamily(name, source)).digest('hex').slice(0, 8);
  return Number.parseInt(h, 16) % 3 === 0 ? 'held-out' : 'tuned';
}
