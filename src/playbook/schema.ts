// Playbook YAML → Playbook (issue 4). A step is written as its name (`verify`) or as a
// mapping with one key, the name, holding its parameters (`tunnels-up: {timeout: 30}`).
import type { InputProblem } from '../errors.js';
import { describeValue, didYouMean, formatPath, type PathSegment } from '../config/input.js';
import { isMapping } from '../inventory/tree.js';
import type { PlaybookStep, StepKind } from './types.js';

/** Every step, in the order a full run uses them. */
export const STEP_KINDS: readonly StepKind[] = [
  'packages', 'modules', 'pppd-files', 'routing', 'boot', 'tunnels-up', 'verify', 'tunnels-down', 'remove',
];

/** Parameters each step accepts (YAML names) and their defaults. */
export const STEP_PARAMS: Readonly<Record<StepKind, readonly string[]>> = {
  packages: [],
  modules: ['encryption'],
  'pppd-files': [],
  routing: [],
  boot: [],
  'tunnels-up': ['timeout'],
  verify: [],
  'tunnels-down': [],
  remove: [],
};

const DEFAULT_TUNNEL_TIMEOUT_SEC = 30;
const MAX_TUNNEL_TIMEOUT_SEC = 3600;

/**
 * Validates a parsed playbook document. Returns the playbook (without `file`) or the problems,
 * all of them, with paths like `steps[3]`.
 *
 * Example: parsePlaybook({ name: 'x', steps: ['verify'] }, 'p.yaml')
 *   → { playbook: { name: 'x', steps: [{ kind: 'verify' }] }, problems: [] }
 */
export function parsePlaybook(doc: unknown, file: string): { playbook?: { name: string; steps: PlaybookStep[] }; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const problem = (path: PathSegment[], message: string): void => {
    problems.push({ file, path: formatPath(path), message });
  };
  if (!isMapping(doc)) {
    problem([], `expected a playbook (a mapping with name and steps), got ${describeValue(doc)}`);
    return { problems };
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'name' && key !== 'steps') problem([key], `unknown key "${key}"${didYouMean(key, ['name', 'steps'])} (a playbook has name and steps)`);
  }
  const name = doc.name;
  if (typeof name !== 'string' || name.trim() === '') {
    problem(['name'], name === undefined ? 'required, expected a string' : `expected a non-empty string, got ${describeValue(name)}`);
  } else if (name.includes('\n') || name.includes('\r') || name.includes('\u0000')) {
    problem(['name'], 'must be one line');
  }
  const rawSteps = doc.steps;
  const steps: PlaybookStep[] = [];
  if (!Array.isArray(rawSteps)) {
    problem(['steps'], rawSteps === undefined ? 'required, expected a list of steps' : `expected a list of steps, got ${describeValue(rawSteps)}`);
  } else if (rawSteps.length === 0) {
    problem(['steps'], 'expected at least one step');
  } else {
    for (const [i, raw] of (rawSteps as unknown[]).entries()) {
      const step = parseStep(raw, ['steps', i], problem);
      if (step) steps.push(step);
    }
  }
  if (problems.length > 0 || typeof name !== 'string') return { problems };
  return { playbook: { name, steps }, problems };
}

function parseStep(raw: unknown, path: PathSegment[], problem: (path: PathSegment[], message: string) => void): PlaybookStep | undefined {
  let kind: string;
  let params: unknown;
  if (typeof raw === 'string') {
    kind = raw;
    params = undefined;
  } else if (isMapping(raw)) {
    const keys = Object.keys(raw);
    if (keys.length !== 1) {
      problem(path, `a step is a name or a mapping with one key (the step's name), got ${keys.length === 0 ? 'an empty mapping' : `keys ${keys.join(', ')}`}`);
      return undefined;
    }
    kind = keys[0] ?? '';
    params = raw[kind];
  } else {
    problem(path, `expected a step name or {step: {parameters}}, got ${describeValue(raw)}`);
    return undefined;
  }
  if (!(STEP_KINDS as readonly string[]).includes(kind)) {
    problem(path, `unknown step "${kind}"${didYouMean(kind, STEP_KINDS)} (expected one of ${STEP_KINDS.join(', ')})`);
    return undefined;
  }
  const k = kind as StepKind;
  const here = typeof raw === 'string' ? path : [...path, k];
  if (params !== undefined && params !== null && !isMapping(params)) {
    problem(here, `expected the step's parameters (a mapping), got ${describeValue(params)}`);
    return undefined;
  }
  const p: Record<string, unknown> = params ?? {};
  let ok = true;
  for (const key of Object.keys(p)) {
    if (!STEP_PARAMS[k].includes(key)) {
      const allowed = STEP_PARAMS[k].length === 0 ? `${k} takes no parameters` : `expected ${STEP_PARAMS[k].join(', ')}`;
      problem([...here, key], `unknown parameter "${key}"${didYouMean(key, STEP_PARAMS[k])} (${allowed})`);
      ok = false;
    }
  }
  switch (k) {
    case 'modules': {
      const enc = p.encryption ?? true;
      if (typeof enc !== 'boolean') {
        problem([...here, 'encryption'], `expected true or false, got ${describeValue(enc)}`);
        return undefined;
      }
      return ok ? { kind: k, encryption: enc } : undefined;
    }
    case 'tunnels-up': {
      const t = p.timeout ?? DEFAULT_TUNNEL_TIMEOUT_SEC;
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TUNNEL_TIMEOUT_SEC) {
        problem([...here, 'timeout'], `expected seconds, a whole number from 1 to ${MAX_TUNNEL_TIMEOUT_SEC}, got ${describeValue(t)}`);
        return undefined;
      }
      return ok ? { kind: k, timeoutSec: t } : undefined;
    }
    default:
      return ok ? { kind: k } : undefined;
  }
}
