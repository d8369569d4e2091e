// A router program = a short generated header (shell variable assignments, every value quoted
// with shQuote) followed by fixed program text from ./programs, embedded at build time
// (./programs.gen.ts, made by scripts/embed-remote.mjs). Only the header varies with the run.
import { shQuote } from '../shell/quote.js';
import { PPP_PID_DIR } from './paths.js';
import { PROGRAMS, type ProgramName } from './programs.gen.js';

export { PROGRAMS, type ProgramName };

export type HeaderValue = string | number;

const VAR = /^[A-Z_][A-Z0-9_]*$/;

/**
 * `NAME='value'` lines, one per entry, in order. Example:
 * header({ R: '', T: 30 }) → "R=''\nT='30'\n".
 */
export function header(vars: Record<string, HeaderValue>): string {
  let out = '';
  for (const [k, v] of Object.entries(vars)) {
    if (!VAR.test(k)) throw new RangeError(`not a header variable name: ${JSON.stringify(k)}`);
    out += `${k}=${shQuote(String(v))}\n`;
  }
  return out;
}

/** The header every program that includes common.sh needs: root, newline, CR, pid dir. */
export function commonVars(root: string): Record<string, HeaderValue> {
  return { R: root, NL: '\n', CR: '\r', PIDDIR: PPP_PID_DIR };
}

/**
 * A complete program: `# pptp-fleet TITLE v1`, the header, then the named program texts in
 * order. Example: program('tunnels-down', vars, 'common.sh', 'tunnels-lib.sh', 'tunnels-down.sh').
 */
export function program(title: string, vars: Record<string, HeaderValue>, ...parts: ProgramName[]): string {
  return `# pptp-fleet ${title} v1\n${header(vars)}${parts.map((p) => PROGRAMS[p]).join('')}`;
}
