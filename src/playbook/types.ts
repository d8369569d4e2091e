// A playbook is an ordered list of steps from a fixed vocabulary (issue 4).
// schema.ts validates YAML into these types.

export type PlaybookStep =
  | { kind: 'packages' }
  | { kind: 'modules'; encryption: boolean }
  | { kind: 'pppd-files' }
  | { kind: 'routing' }
  | { kind: 'boot' }
  | { kind: 'tunnels-up'; timeoutSec: number }
  | { kind: 'verify' }
  | { kind: 'tunnels-down' }
  | { kind: 'remove' };

export type StepKind = PlaybookStep['kind'];

export interface Playbook {
  /** File it was read from, for messages. */
  file: string;
  name: string;
  steps: PlaybookStep[];
}
