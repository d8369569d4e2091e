// The production transport: an SSH session per host (src/ssh/session.ts).
import type { HostSpec } from '../inventory/types.js';
import { SshSession, type SshOptions, type SshTarget } from '../ssh/session.js';
import { jumpTarget } from '../ssh/target.js';
import type { Connect } from '../transport.js';

/**
 * Connects to each host over SSH with OPTS, to its target resolved before the run (TARGETS:
 * ssh/host-settings.ts); else from the inventory alone, where hosts that name no key use
 * defaultKeyFile, else ssh-agent.
 */
export function sshConnect(opts: SshOptions, defaultKeyFile?: string, targets?: ReadonlyMap<string, SshTarget>): Connect {
  return (host) => SshSession.connect(targets?.get(host.name) ?? toTarget(host, defaultKeyFile), opts);
}

/** Inventory host → SSH target (jump host `user@host:port`, chains with commas). */
export function toTarget(host: HostSpec, defaultKeyFile?: string): SshTarget {
  const privateKeyFile = host.sshPrivateKeyFile ?? defaultKeyFile;
  const target: SshTarget = {
    host: host.name,
    address: host.address,
    port: host.port,
    user: host.user,
    privateKeyFile,
    password: host.sshPassword,
    legacyAlgorithms: host.sshLegacyAlgorithms,
  };
  if (host.jumpHost) target.jump = jumpTarget(host.jumpHost, privateKeyFile);
  return target;
}
