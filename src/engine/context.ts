// Everything a host run needs besides the host itself. Built once per CLI invocation.
import type { SshOptions, SshTarget } from '../ssh/session.js';
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
  ssh: SshOptions;
  /** Key for hosts that name none (--key or settings); else ssh-agent. */
  defaultKeyFile?: string;
  /** Each host's SSH target resolved before the run (ssh/host-settings.ts), by host name. */
  targets?: ReadonlyMap<string, SshTarget>;
  tunnelTimeoutSec: number;
  /** Only this tunnel (--tunnel NAME). */
  tunnel?: string;
  /** Restore the previous pppd files when a tunnel that was up no longer verifies. */
  rollback: boolean;
  emit: EventSink;
  /** Aborted on SIGINT: hosts not yet started are skipped. */
  signal: AbortSignal;
}
