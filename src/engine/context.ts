// Everything a host run needs besides the host itself. Built once per CLI invocation.
import type { Connect } from '../transport.js';
import type { Playbook } from '../playbook/types.js';
import type { EventSink } from './events.js';

export type CommandName = 'apply' | 'up' | 'down' | 'status' | 'ping';

export interface RunContext {
  command: CommandName;
  playbook: Playbook;
  /** Plan only: the router sees reads and nothing else. */
  check: boolean;
  /** Emit unified diffs of planned file changes (passwords masked). */
  diff: boolean;
  /** Opens the connection to a host: SSH (ssh-connect.ts), or a local shell in tests. */
  connect: Connect;
  /** Default per-command timeout (ms); an apply may take three times as long. */
  commandTimeoutMs: number;
  tunnelTimeoutSec: number;
  /** Only this tunnel (--tunnel NAME). */
  tunnel?: string;
  /** Restore the previous pppd files when a tunnel that was up no longer verifies. */
  rollback: boolean;
  emit: EventSink;
  /** Aborted on SIGINT: hosts not yet started are skipped. */
  signal: AbortSignal;
}
