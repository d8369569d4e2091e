// `npm run bench` options: flags first, then BENCH_* environment variables, then defaults, so
// a CI job or a slow machine can shrink the run without editing code.
//
// Example:
//   npm run bench -- --sizes 20,100 --runs 1 --only first,nochange --skip-1000
//   BENCH_SIZES=5 BENCH_RUNS=1 npm run bench
import { parseArgs } from 'node:util';

export const LAB_PHASES = ['floor', 'first', 'nochange', 'check'] as const;
export type LabPhase = (typeof LAB_PHASES)[number];
/** `scale` is the 1000-host run against the in-process fake routers. */
export const PHASES = [...LAB_PHASES, 'scale'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  sizes: number[];
  runs: number;
  /** floor and nochange are measured this many times per run, alternately, on the same lab. */
  repeat: number;
  forks: number;
  phases: Phase[];
  scaleHosts: number;
  scaleForks: number[];
  /** Where results.json goes. */
  out: string;
  /** Parent of the lab directories (a fresh temp dir by default). */
  workDir?: string;
  /** Keep lab directories and CLI logs after the run (they are removed by default). */
  keep: boolean;
  /** A CLI run taking longer than this is killed and counted as failed. */
  timeoutMs: number;
}

export class BenchUsageError extends Error {}

const USAGE = `usage: npm run bench -- [options]
  --sizes 20,100,200      lab fleet sizes                      (BENCH_SIZES)
  --runs 3                runs per size (a fresh lab each)     (BENCH_RUNS)
  --repeat 3              floor and no-change measured this    (BENCH_REPEAT)
                          often per run, alternately; times
                          are medians of all their samples
  --forks 50              --forks for every CLI run            (BENCH_FORKS)
  --only a,b              phases: ${PHASES.join(',')}   (BENCH_ONLY)
  --skip-1000             no scale run against fake routers    (BENCH_SKIP_1000=1)
  --scale-hosts 1000      hosts in the scale run               (BENCH_SCALE_HOSTS)
  --scale-forks 50,100    --forks values in the scale run      (BENCH_SCALE_FORKS)
  --out bench/results.json                                     (BENCH_OUT)
  --work-dir DIR          where labs are built (default: a new temp dir)
  --keep                  keep labs' directories and CLI logs
  --timeout-ms 900000     kill a CLI run that takes longer`;

export { USAGE };

function positiveInts(name: string, text: string): number[] {
  const values = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new BenchUsageError(`${name}: expected positive integers separated by commas, got "${text}"`);
  }
  return values;
}

function positiveInt(name: string, text: string): number {
  const [n, ...rest] = positiveInts(name, text);
  if (n === undefined || rest.length > 0) throw new BenchUsageError(`${name}: expected one positive integer, got "${text}"`);
  return n;
}

function phaseList(text: string): Phase[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.filter((n) => !(PHASES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) {
    throw new BenchUsageError(`--only: unknown phase(s) ${bad.join(', ') || '(none given)'}; choose from ${PHASES.join(', ')}`);
  }
  return PHASES.filter((p) => names.includes(p));
}

/**
 * Reads the options from ARGV (without node and script) and ENV.
 * @example parseBenchOptions(['--sizes', '5', '--runs', '1', '--skip-1000'], {})
 * // { sizes: [5], runs: 1, repeat: 3, forks: 50, phases: ['floor', 'first', 'nochange', 'check'], ... }
 */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        sizes: { type: 'string' },
        runs: { type: 'string' },
        repeat: { type: 'string' },
        forks: { type: 'string' },
        only: { type: 'string' },
        'skip-1000': { type: 'boolean' },
        'scale-hosts': { type: 'string' },
        'scale-forks': { type: 'string' },
        out: { type: 'string' },
        'work-dir': { type: 'string' },
        keep: { type: 'boolean' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new BenchUsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.help) return 'help';
  const pick = (flag: string | undefined, envName: string, fallback: string): string => flag ?? env[envName] ?? fallback;

  const skipScale = parsed['skip-1000'] === true || env['BENCH_SKIP_1000'] === '1';
  const phases = phaseList(pick(parsed.only, 'BENCH_ONLY', PHASES.join(','))).filter((p) => !(skipScale && p === 'scale'));
  const workDir = parsed['work-dir'] ?? env['BENCH_WORK_DIR'];
  return {
    sizes: positiveInts('--sizes', pick(parsed.sizes, 'BENCH_SIZES', '20,100,200')),
    runs: positiveInt('--runs', pick(parsed.runs, 'BENCH_RUNS', '3')),
    repeat: positiveInt('--repeat', pick(parsed.repeat, 'BENCH_REPEAT', '3')),
    forks: positiveInt('--forks', pick(parsed.forks, 'BENCH_FORKS', '50')),
    phases,
    scaleHosts: positiveInt('--scale-hosts', pick(parsed['scale-hosts'], 'BENCH_SCALE_HOSTS', '1000')),
    scaleForks: positiveInts('--scale-forks', pick(parsed['scale-forks'], 'BENCH_SCALE_FORKS', '50,100')),
    out: pick(parsed.out, 'BENCH_OUT', 'bench/results.json'),
    ...(workDir ? { workDir } : {}),
    keep: parsed.keep === true || env['BENCH_KEEP'] === '1',
    timeoutMs: positiveInt('--timeout-ms', pick(parsed['timeout-ms'], 'BENCH_TIMEOUT_MS', '900000')),
  };
}
