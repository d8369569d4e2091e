// `--serial`: split the selected hosts into rollout batches, the way Ansible's `serial:` does.
import { InputError } from '../errors.js';

/** One `--serial` entry: a host count, or a percentage of ALL selected hosts. */
export type SerialEntry = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

const FILE = '<command line>';
const PATH = '--serial';
const EXPECTED = 'expected a host count (1), a percentage (10%) or a comma list (1,10%,100%)';

/**
 * Parse `--serial 1,10%,100%`. Undefined means "no rollout": an empty list, which `batches`
 * turns into one batch of every host.
 *
 * Stricter than Ansible on purpose: Ansible reads `0` (and anything <= 0) as "all hosts at
 * once", `0%` as one host and `150%` as all hosts; on a command line each of those is far more
 * likely a typo than an intent, so counts must be >= 1 and percentages 1%..100% (integers, as
 * Ansible's `int()` requires). Leaving `--serial` out is the way to say "all at once".
 *
 * @example parseSerial('1,10%,100%') // [{kind:'count',value:1},{kind:'percent',value:10},{kind:'percent',value:100}]
 */
export function parseSerial(spec: string | undefined): SerialEntry[] {
  if (spec === undefined) return [];
  if (spec.trim() === '') throw new InputError([{ file: FILE, path: PATH, message: `is empty: ${EXPECTED}` }]);
  const parts = spec.split(',');
  const entries: SerialEntry[] = [];
  const problems: string[] = [];
  for (const [i, raw] of parts.entries()) {
    const entry = parseEntry(raw.trim());
    if (typeof entry === 'string') {
      const where = parts.length > 1 ? `entry ${i + 1} ` : '';
      problems.push(`${where}${JSON.stringify(raw.trim())} ${entry}`);
    } else {
      entries.push(entry);
    }
  }
  if (problems.length > 0) {
    throw new InputError(problems.map((p) => ({ file: FILE, path: PATH, message: `${p}: ${EXPECTED}` })));
  }
  return entries;
}

// One entry, or a string saying what is wrong with it.
function parseEntry(s: string): SerialEntry | string {
  if (s === '') return 'is empty';
  const pct = /^(\d+)%$/.exec(s);
  if (pct) {
    const value = Number(pct[1]);
    if (value < 1 || value > 100) return 'is not a percentage between 1% and 100%';
    return { kind: 'percent', value };
  }
  if (/^\d+$/.test(s)) {
    const value = Number(s);
    if (!Number.isSafeInteger(value)) return 'is too large';
    if (value < 1) return 'is not a host count of at least 1 (leave --serial out to run all hosts at once)';
    return { kind: 'count', value };
  }
  return 'is not a host count or a percentage';
}

/** Hosts in one batch for this entry: percentages of the TOTAL, rounded down, at least 1. */
export function batchSize(entry: SerialEntry, total: number): number {
  // Never 0: a hand-built entry must not make `batches` loop forever.
  if (entry.kind === 'count') return Math.max(1, Math.floor(entry.value));
  // Integer arithmetic: Ansible computes (pct / 100.0) * n in floating point, which makes
  // 29% of 100 hosts 28; the intended answer is 29.
  return Math.max(1, Math.floor((entry.value * total) / 100));
}

/**
 * Split hosts (kept in inventory order) into batches with Ansible's `serial` semantics:
 * each entry sizes one batch, the last entry repeats until every host is placed, and an
 * empty list means a single batch of all hosts. No hosts, no batches.
 *
 * @example batches(tenHosts, parseSerial('3')) // sizes [3, 3, 3, 1]
 * @example batches(twentyHosts, parseSerial('1,5,10')) // sizes [1, 5, 10, 4]
 */
export function batches<T>(hosts: readonly T[], serial: readonly SerialEntry[]): T[][] {
  if (hosts.length === 0) return [];
  if (serial.length === 0) return [[...hosts]];
  const out: T[][] = [];
  let next = 0;
  let item = 0;
  while (next < hosts.length) {
    const entry = serial[Math.min(item, serial.length - 1)];
    if (entry === undefined) break; // unreachable: serial is not empty
    const size = batchSize(entry, hosts.length);
    out.push(hosts.slice(next, next + size));
    next += size;
    item += 1;
  }
  return out;
}
