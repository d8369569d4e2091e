// The few error types the CLI catches once at the top (STYLE.md: typed errors, one formatter).

/** Bad input: inventory, playbook, settings or flags. Exit 2, nothing contacted. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly problems: readonly InputProblem[], options?: { cause?: unknown }) {
    super(formatProblems(problems), options);
  }
}

/** One problem in one input file: `file: dot.path: message`. */
export interface InputProblem {
  file: string;
  path: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

export function formatProblems(problems: readonly InputProblem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** Something failed on one host at one step; the fleet goes on. */
export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly host: string,
    readonly step: string,
    message: string,
    readonly kind: 'failed' | 'unreachable' = 'failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bug in pptp-fleet itself, never the user's fault. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`internal error (a bug in pptp-fleet, please report it): ${message}`, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
