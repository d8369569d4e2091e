// Shapes of a lab (the README, "The lab"): what `lab up` builds,
// what lab.json records, and the vocabulary of firmware flavours and scenarios.

export const FIRMWARES = ['whiterussian', 'openwrt', 'openwrt-24', 'openwrt-apk', 'openwrt-19'] as const;
export type Firmware = (typeof FIRMWARES)[number];

export const SCENARIOS = [
  'ok',
  'wrong_password',
  'requires_stateless',
  'eap_first',
  'gre_blocked',
  'control_refused',
  'feed_down',
  'kernel_mismatch',
  'ssh_hang',
  'slow',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface LabRouter {
  name: string;
  port: number;
  firmware: Firmware;
  scenario: Scenario;
  /** Host path of the router's root filesystem (the sandbox's `/`). */
  rootfs: string;
  /** Host path of the audit log: one escaped command line per SSH exec. */
  auditLog: string;
}

export interface Lab {
  dir: string;
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  passwordPath: string;
  routers: LabRouter[];
}

/** One router as recorded in DIR/lab.json; `pid` is the process serving its port, null when stopped. */
export interface LabStateRouter {
  name: string;
  port: number;
  firmware: Firmware;
  scenario: Scenario;
  rootfs: string;
  pid: number | null;
}

/**
 * DIR/lab.json. `labUp` writes it with status `starting` and no pids; the supervisor fills in
 * the pids, then sets `running` (or `failed` with `error`), and `stopped` when it exits.
 */
export interface LabState {
  version: 1;
  supervisorPid: number | null;
  status: 'starting' | 'running' | 'failed' | 'stopped';
  error?: string;
  routers: LabStateRouter[];
}
