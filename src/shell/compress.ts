// Router output that can grow with the number of tunnels (facts, the packages step's re-gathered
// facts, tunnels-up, tunnels-down, status) leaves the router gzip-compressed when there are several tunnels
// and the router has gzip: dropbear on OpenWrt 18.06+ drops sessions whose command output
// exceeds about 14 KB, and with three tunnels the facts alone come to ~18 KB of text (~4 KB
// compressed). With one tunnel the output stays plain text (~8 KB), and a router without gzip
// (White Russian's busybox) sends plain text whatever the count.
//
// SshSession.exec({ gunzipStdout: true }) undoes it: gzip's magic bytes tell the two apart.
// The wrapper's fixed part is src/remote/programs/gzip-output.sh.
import { header, PROGRAMS } from '../remote/program.js';

/** Tunnel count from which script output is compressed. */
export const COMPRESS_FROM_TUNNELS = 2;

export interface CompressOptions {
  /** Tests only: a fake router root where gzip is looked up (as the scripts' own $R). */
  root?: string;
}

/**
 * SCRIPT run as a function whose stdout is piped through the router's gzip when it has one,
 * keeping the script's exit status (a pipeline's status is gzip's: the script's travels on fd 5)
 * and its stderr as is. A script that calls `exit` exits only its own subshell. The script runs
 * without fds 4 and 5, so a daemon it starts cannot hold the session's stdout open through them.
 * @example gzipOutput(factsScript(paths)) // → the same facts, compressed when gzip exists
 */
export function gzipOutput(script: string, options: CompressOptions = {}): string {
  const root = options.root ?? '';
  if (!/^[^'\n]*$/.test(root)) throw new RangeError('root must be a one-line path without quotes');
  // The wrapper's R is set after the body's definition: the body sets its own when it runs.
  return `pf_body() {\n${script}\n}\n${header({ R: root })}${PROGRAMS['gzip-output.sh']}`;
}

/** Whether a program for COUNT tunnels sends its output compressed (gzipOutputFor), where the router has gzip. */
export const compressesOutput = (count: number): boolean => count >= COMPRESS_FROM_TUNNELS;

/** gzipOutput(script) when COUNT tunnels make the output large, else SCRIPT unchanged. */
export function gzipOutputFor(count: number, script: string): string {
  return compressesOutput(count) ? gzipOutput(script) : script;
}
