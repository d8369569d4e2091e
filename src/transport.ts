// How the engine reaches a router: run one command with stdin, get its result. The SSH session
// (src/ssh/session.ts) is the transport in production; tests use a local shell over a fake
// router root (test/fixtures/engine/local-transport.ts) so the engine runs without a lab.
import type { HostSpec } from './inventory/types.js';

/** What one command did. A non-zero exit is a result; transports reject only when the link fails. */
export interface ExecResult {
  command: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Bytes of command line plus stdin sent for this exec. */
  bytesSent: number;
  /** Bytes of stdout as they came over the wire (compressed, with `gunzipStdout`). */
  stdoutWireBytes: number;
}

export interface ExecOptions {
  /** Written to the command's stdin, then closed: file contents and secrets go here, never on the command line. */
  stdin?: string;
  /** 0 = none; default: the transport's own. */
  timeoutMs?: number;
  /** stdout that starts with gzip's magic bytes is decompressed (shell/compress.ts). */
  gunzipStdout?: boolean;
}

/**
 * One open connection to one router.
 *
 * @example const r = await t.exec('/bin/sh -s -- pptp-fleet:facts', { stdin: script, timeoutMs: 60_000 })
 */
export interface Transport {
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Idempotent; never rejects. */
  close(): Promise<void>;
  /** Command-line and stdin bytes sent so far. */
  readonly bytesSent: number;
  /**
   * Prefix of every router path in the scripts sent over this transport: '' on a router
   * (and when absent); a fake root's directory in tests.
   */
  readonly root?: string;
}

/** Opens a transport to HOST; rejects with a HostError of kind `unreachable` when it cannot. */
export type Connect = (host: HostSpec) => Promise<Transport>;
