// What the engine tells the outside world while it runs. Only src/cli/ turns these into output.
import type { HostResult } from '../report/types.js';

export type StepStatus = 'start' | 'ok' | 'changed' | 'failed' | 'skipped';

export type EngineEvent =
  | { type: 'batch-start'; batch: number; hosts: string[] }
  | { type: 'batch-done'; batch: number; stopReason?: string }
  | { type: 'host-start'; host: string; batch: number }
  | { type: 'step'; host: string; step: string; status: StepStatus; detail?: string }
  | { type: 'host-done'; result: HostResult }
  | { type: 'diff'; host: string; file: string; diff: string }
  | { type: 'warning'; message: string };

export type EventSink = (event: EngineEvent) => void;
