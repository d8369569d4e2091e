// What the engine tells the outside world while it runs. Only src/cli/ turns these into output.
import type { StepKind } from '../playbook/types.js';
import type { HostResult } from '../report/types.js';

export type StepStatus = 'start' | 'ok' | 'changed' | 'failed' | 'skipped';

/** Where a host run is: connecting, gathering facts, a playbook step, applying, rolling back, or a one-shot command. */
export type HostStep = 'connect' | 'facts' | StepKind | 'apply' | 'rollback' | 'status' | 'ping';

/** A planned write or delete as --diff shows it: contents masked (passwords as ***). */
export interface PlannedFile {
  target: string;
  /** The router's file now ('' when absent). */
  before: string;
  /** The planned content; null when the file is deleted. */
  after: string | null;
  /** A symlink is replaced by a regular file (its content may read the same). */
  replaceSymlink: boolean;
  /** What the diff's headers name when not the target (UCI: `uci show firewall`). */
  label?: string;
}

export type EngineEvent =
  | { type: 'batch-start'; batch: number; hosts: string[] }
  | { type: 'batch-done'; batch: number; stopReason?: string }
  | { type: 'host-start'; host: string; batch: number }
  | { type: 'step'; host: string; step: HostStep; status: StepStatus; detail?: string }
  | { type: 'host-done'; result: HostResult }
  /** With --diff: the files a step plans to write or delete (the CLI prints them as diffs). */
  | { type: 'planned-files'; host: string; files: PlannedFile[] }
  | { type: 'warning'; message: string };

export type EventSink = (event: EngineEvent) => void;
