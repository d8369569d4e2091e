// One result shape per host, success or failure (STYLE.md). The fleet runner collects them.
import type { ChangeSummary } from '../plan/types.js';
import type { Verdict } from '../pppd-log/types.js';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped';

export interface TunnelResult {
  name: string;
  verdict: Verdict | 'not_checked';
  localIp: string | null;
  remoteIp: string | null;
  hint: string | null;
  /** Verdict before a rollback, when one happened. */
  previousVerdict?: Verdict | 'not_checked';
  /** status command: is its pppd alive, on which interface, since when (ISO time). */
  running?: boolean;
  iface?: string | null;
  since?: string | null;
  /** Log lines that decided a non-`up` verdict. */
  evidence?: string[];
}

export interface HostResult {
  name: string;
  status: HostStatus;
  changes: ChangeSummary[];
  tunnels: TunnelResult[];
  sshExecs: number;
  /** Bytes sent to the router (command lines + stdin). */
  bytesSent?: number;
  durationMs: number;
  /** Step that failed, when status is failed/unreachable. */
  step?: string;
  error?: string;
  rolledBack?: boolean;
  batch?: number;
}
