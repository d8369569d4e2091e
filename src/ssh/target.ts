// Where to connect and as whom. Built by host-settings.ts (inventory, flags, ssh config).
import type { Secret } from '../secret.js';
import { localUserName, parseJumpSpec } from './config.js';

export interface SshTarget {
  /** Inventory name, for messages. */
  host: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** Password auth, only when explicitly configured. */
  password?: Secret;
  /** Jump host (ProxyJump); itself possibly behind another jump. */
  jump?: SshTarget;
  /** Opt-in legacy algorithms for old dropbear (White Russian). */
  legacyAlgorithms?: boolean;
  /**
   * Host key trust for this host (host-settings.ts); absent: SshOptions' knownHostsFile and
   * acceptNewHostKeys. `files` are read and the first records accepted keys; `globalFiles` are
   * only read (OpenSSH's GlobalKnownHostsFile, /etc/ssh/ssh_known_hosts by default).
   */
  knownHosts?: { files: string[]; globalFiles: string[]; acceptNew: boolean; hash: boolean };
}

export const DEFAULT_USER = 'root';

export class JumpSpecError extends Error {
  override readonly name = 'JumpSpecError';
}

/**
 * Turn `user@host:port[,user@host:port]` into a chain of targets (last hop is the direct
 * jump), without the ssh config (host-settings.ts does the same with it). Hops use `fallbackKey`.
 */
export function jumpTarget(spec: string, fallbackKey?: string, localUser: string = localUserName()): SshTarget {
  const hops = parseJumpSpec(spec);
  if (!hops || hops.length === 0) {
    throw new JumpSpecError(`jump host: cannot parse '${spec}', expected user@host:port`);
  }
  let previous: SshTarget | undefined;
  for (const hop of hops) {
    const t: SshTarget = {
      host: `${hop.user ?? localUser}@${hop.host}:${hop.port ?? 22}`,
      address: hop.host,
      port: hop.port ?? 22,
      user: hop.user ?? localUser,
    };
    if (fallbackKey !== undefined) t.privateKeyFile = fallbackKey;
    if (previous) t.jump = previous;
    previous = t;
  }
  // hops.length > 0, so previous is set.
  return previous as SshTarget;
}
