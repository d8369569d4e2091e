// What `lab up` is asked for: NAME:COUNT flags parsed and checked, and routers r001.. given
// their firmware and scenario in the order the flags were given.
import { InputError, type InputProblem } from './errors.js';
import { FIRMWARES, SCENARIOS, type Firmware, type Scenario } from './types.js';

/** Where problems with lab options are reported from (InputError's `file`). */
export const COMMAND_LINE = '<command line>';

/**
 * Parses repeated `NAME:COUNT` values of FLAG against the allowed names; throws InputError
 * (exit 2) listing every bad value.
 * @example parseCounts('--firmware', ['openwrt:3', 'whiterussian:1'], FIRMWARES) // [['openwrt', 3], ['whiterussian', 1]]
 */
export function parseCounts<T extends string>(flag: string, values: readonly string[], allowed: readonly T[]): Array<[T, number]> {
  const problems: InputProblem[] = [];
  const out: Array<[T, number]> = [];
  for (const value of values) {
    const m = /^([a-z0-9_-]+):(\d+)$/.exec(value);
    const name = m?.[1];
    const count = m?.[2] !== undefined ? Number(m[2]) : NaN;
    if (!m || name === undefined) {
      problems.push({ file: COMMAND_LINE, path: flag, message: `expected NAME:COUNT (e.g. ${allowed[0] ?? 'name'}:3), got ${JSON.stringify(value)}` });
    } else if (!(allowed as readonly string[]).includes(name)) {
      problems.push({ file: COMMAND_LINE, path: flag, message: `unknown name ${JSON.stringify(name)}; expected one of ${allowed.join(', ')}` });
    } else if (!Number.isSafeInteger(count) || count < 1) {
      problems.push({ file: COMMAND_LINE, path: flag, message: `count must be a positive integer, got ${JSON.stringify(m[2])}` });
    } else {
      out.push([name as T, count]);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

/**
 * Parses `--routers N` (1..999: names are r001..r999).
 * @example parseRouterCount('50') // 50
 */
export function parseRouterCount(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 999) {
    throw new InputError([{ file: COMMAND_LINE, path: '--routers', message: `expected a whole number from 1 to 999, got ${JSON.stringify(value)}` }]);
  }
  return n;
}

/**
 * Router names r001, r002, …
 * @example routerName(0) // 'r001'
 */
export function routerName(index: number): string {
  return `r${String(index + 1).padStart(3, '0')}`;
}

export interface RouterAssignment {
  name: string;
  firmware: Firmware;
  scenario: Scenario;
}

function expand<T extends string>(flag: string, n: number, counts: ReadonlyArray<readonly [T, number]>, fallback: T): T[] {
  const out: T[] = [];
  for (const [name, count] of counts) for (let i = 0; i < count; i++) out.push(name);
  if (out.length > n) {
    throw new InputError([{ file: COMMAND_LINE, path: flag, message: `counts add up to ${out.length}, more than the ${n} routers of --routers` }]);
  }
  while (out.length < n) out.push(fallback);
  return out;
}

/**
 * Hands out firmware and scenarios in the order given, starting at r001; routers left over get
 * whiterussian / ok. Throws InputError when the counts exceed the router count.
 * @example assignRouters(3, [['openwrt', 1]], [['slow', 2]])
 * // [{ name: 'r001', firmware: 'openwrt', scenario: 'slow' }, { name: 'r002', firmware: 'whiterussian', scenario: 'slow' },
 * //  { name: 'r003', firmware: 'whiterussian', scenario: 'ok' }]
 */
export function assignRouters(
  n: number,
  firmware: ReadonlyArray<readonly [Firmware, number]> = [],
  scenario: ReadonlyArray<readonly [Scenario, number]> = [],
): RouterAssignment[] {
  if (!Number.isSafeInteger(n) || n < 1 || n > 999) {
    throw new InputError([{ file: COMMAND_LINE, path: '--routers', message: `expected a whole number from 1 to 999, got ${n}` }]);
  }
  const fw = expand('--firmware', n, firmware, 'whiterussian');
  const sc = expand('--scenario', n, scenario, 'ok');
  return fw.map((f, i) => ({ name: routerName(i), firmware: f, scenario: sc[i] ?? 'ok' }));
}

export { FIRMWARES, SCENARIOS };
