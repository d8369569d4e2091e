// A router program = a short generated header (shell variable assignments, every value quoted
// with shQuote) followed by fixed program text from ./programs, embedded at build time
// (./programs.gen.ts, made by scripts/embed-remote.mjs). Only the header varies with the run.
import { shQuote } from '../shell/quote.js';
import { PPP_PID_DIRS, pppdPidDir } from './paths.js';
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

/**
 * The header every program that includes common.sh needs: root, newline, CR, and the pid file
 * dir of the router's pppd from its version in the facts (paths.ts pppdPidDir); without a
 * version (`status` reads no facts) PIDDIR is empty and the programs use whichever of PIDDIRS
 * holds the tunnel's pid file.
 */
export function commonVars(root: string, pppdVersion?: string | null): Record<string, HeaderValue> {
  return { R: root, NL: '\n', CR: '\r', PIDDIR: pppdVersion ? pppdPidDir(pppdVersion) : '', PIDDIRS: PPP_PID_DIRS.join(' ') };
}

/**
 * A complete program: `# pptp-fleet TITLE v1`, the header, then the named program texts in
 * order. Example: program('tunnels-down', vars, 'common.sh', 'tunnels-lib.sh', 'tunnels-down.sh').
 */
export function program(title: string, vars: Record<string, HeaderValue>, ...parts: ProgramName[]): string {
  return `# pptp-fleet ${title} v1\n${header(vars)}${parts.map((p) => PROGRAMS[p]).join('')}`;
}
