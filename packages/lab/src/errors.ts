// The lab's one error type for bad input (flags), formatted like pptp-fleet's own
// (`file: dot.path: message`) so both CLIs print the same way. The lab is a package of its own
// and depends on nothing of the product.

/** One problem in one input: `file: dot.path: message`. */
export interface InputProblem {
  file: string;
  path: string;
  message: string;
}

/** Bad input to the lab (flags, counts): exit 2, nothing started. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly problems: readonly InputProblem[], options?: { cause?: unknown }) {
    super(problems.map((p) => (p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`)).join('\n'), options);
  }
}
