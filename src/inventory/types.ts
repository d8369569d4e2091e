// The resolved, validated shape of what the inventory asks for. The zod schemas in
// schema.ts produce exactly these types; everything downstream (planner, renderers,
// runner) reads only these.
import type { Secret } from '../secret.js';

export interface MppeSettings {
  /** Require encryption (`mppe required` / `require-mppe`). */
  required: boolean;
  /** Stateless encryption (`stateless` / `nomppe-stateful`). */
  stateless: boolean;
  /** Refuse 40-bit keys. */
  no40: boolean;
  /** Refuse 56-bit keys. */
  no56: boolean;
}

export interface TunnelSpec {
  /** Peer name: file /etc/ppp/peers/<name>, remotename, ipparam, linkname. [A-Za-z0-9_-]+ */
  name: string;
  /** VPN server: hostname or IPv4 address. */
  server: string;
  /** pppd `name`, e.g. `DOMAIN\\user` (a single backslash in the value). */
  username: string;
  /** Password; never printed. */
  password: Secret;
  /** false: no mppe option at all (server does not want MPPE). */
  mppe: MppeSettings | false;
  refuseEap: boolean;
  lcpEchoInterval?: number;
  lcpEchoFailure?: number;
  idle?: number;
  persist: boolean;
  demand: boolean;
  defaultRoute: 'none' | 'replace';
  /** Networks reached through the tunnel, CIDR `a.b.c.d/n`. */
  routes: string[];
  masquerade: boolean;
  forward: { outbound: boolean; inbound: boolean };
  startOnBoot: boolean;
  state: 'present' | 'absent';
  /** Extra pppd options, one per line, written after the generated ones. */
  extraOptions: string[];
  /** Override of the host's WAN gateway for this tunnel's server route (`wan_gateway`). */
  wanGateway?: string;
  /**
   * Who runs the tunnel on the router (`manager`, tunnel or host variable): a netifd interface
   * (`netifd`) or a hand-run `pppd call` (`pppd`). Unset: decided from the router's facts
   * (plan/manager.ts): netifd where it has netifd's PPTP protocol, else pppd.
   */
  manager?: TunnelManager;
}

/** Who runs a tunnel: netifd (a `proto 'pptp'` interface) or pppd started by the tool. */
export type TunnelManager = 'netifd' | 'pppd';

/** Global options written to /etc/ppp/options.pptp (only those the inventory sets). */
export interface GlobalPppOptions {
  lcpEchoFailure?: number;
  lcpEchoInterval?: number;
  idle?: number;
  refuseEap?: boolean;
  persist?: boolean;
  mppe?: MppeSettings;
}

export interface HostSpec {
  /** Inventory name of the host. */
  name: string;
  /** Address to SSH to. */
  address: string;
  port: number;
  user: string;
  /** Groups the host belongs to, ancestors included, in resolution order. */
  groups: string[];
  tunnels: TunnelSpec[];
  pppOptions: GlobalPppOptions;
  /** Override for the WAN gateway found on the router. */
  wanGateway?: string;
  /** Host-wide `manager` (a tunnel's own wins); already applied to the tunnels that set none. */
  manager?: TunnelManager;
  /** Opt-in legacy SSH algorithms (old dropbear on White Russian). */
  sshLegacyAlgorithms: boolean;
  /** Per-host private key path. */
  sshPrivateKeyFile?: string;
  /** Bastion: `user@host:port`. */
  jumpHost?: string;
  /** Password auth, only when explicitly configured. */
  sshPassword?: Secret;
  /**
   * `ansible_connection` when it is not SSH (`local`, `docker`, `network_cli`...): a host other
   * tools in the shared inventory reach another way; selecting it for a fleet run is an error.
   */
  nonSshConnection?: { value: string; file: string; path: string };
  /** All merged vars, unknown ones kept (other tools share the inventory). */
  vars: Record<string, unknown>;
}
