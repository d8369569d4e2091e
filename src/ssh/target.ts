// Where to connect and as whom: inventory values first, ~/.ssh/config for the rest.
import { homedir } from 'node:os';
import type { Secret } from '../secret.js';
import { localUserName, parseJumpSpec, resolveSshConfig, type SshConfig, type SshConfigEnv } from './config.js';

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

/** What the inventory says about a host; unset fields may come from the ssh config. */
export interface SshTargetInput {
  host: string;
  /** `ansible_host`; defaults to the inventory name. */
  address?: string;
  port?: number;
  user?: string;
  privateKeyFile?: string;
  /** `user@host:port[,...]`. */
  jumpHost?: string;
  password?: Secret;
  legacyAlgorithms?: boolean;
}

export interface TargetEnv extends SshConfigEnv {
  /** Default user for jump hosts (OpenSSH uses the local user name). */
  localUser: string;
}

export const DEFAULT_USER = 'root';

export class JumpSpecError extends Error {
  override readonly name = 'JumpSpecError';
}

/**
 * Build the target for one host: explicit inventory values win, the ssh config fills what
 * is unset (matched on both the inventory name and the address), then defaults: port 22,
 * user root (routers log in as root). Throws JumpSpecError on a malformed jump spec.
 *
 * @example buildSshTarget({ host: 'r1', address: '10.0.0.1' }, parseSshConfig('Host 10.*\n Port 2222'))
 */
export function buildSshTarget(
  input: SshTargetInput,
  config: SshConfig | undefined,
  env: TargetEnv = defaultEnv(),
): SshTarget {
  const names = input.address && input.address !== input.host ? [input.host, input.address] : [input.host];
  const resolved = config ? resolveSshConfig(config, names, env) : { identityFiles: [] as string[] };
  const address = input.address ?? resolved.hostName ?? input.host;
  const target: SshTarget = {
    host: input.host,
    address,
    port: input.port ?? resolved.port ?? 22,
    user: input.user ?? resolved.user ?? DEFAULT_USER,
  };
  const key = input.privateKeyFile ?? resolved.identityFiles[0];
  if (key !== undefined) target.privateKeyFile = key;
  if (input.password) target.password = input.password;
  if (input.legacyAlgorithms) target.legacyAlgorithms = true;
  const jumpSpec = input.jumpHost ?? resolved.proxyJump;
  if (jumpSpec) target.jump = jumpTarget(jumpSpec, config, env, key);
  return target;
}

/**
 * Fill a fully built target from the ssh config (what `SshSession.connect` does with
 * `sshConfigFile`): only the key, the jump host, and HostName when the address is just the
 * inventory name. Port and user are already decided by the inventory.
 */
export function applySshConfig(target: SshTarget, config: SshConfig, env: TargetEnv = defaultEnv()): SshTarget {
  const names = target.address !== target.host ? [target.host, target.address] : [target.host];
  const resolved = resolveSshConfig(config, names, env);
  const out: SshTarget = { ...target };
  if (resolved.hostName && target.address === target.host) out.address = resolved.hostName;
  if (out.privateKeyFile === undefined && resolved.identityFiles[0] !== undefined) {
    out.privateKeyFile = resolved.identityFiles[0];
  }
  if (out.jump === undefined && resolved.proxyJump) out.jump = jumpTarget(resolved.proxyJump, config, env, out.privateKeyFile);
  return out;
}

/**
 * Turn `user@host:port[,user@host:port]` into a chain of targets (last hop is the direct
 * jump). Each hop takes HostName/User/Port/IdentityFile from the ssh config (not its
 * ProxyJump: the spec already says the chain); a hop with no key of its own uses `fallbackKey`.
 */
export function jumpTarget(
  spec: string,
  config: SshConfig | undefined,
  env: TargetEnv = defaultEnv(),
  fallbackKey?: string,
): SshTarget {
  const hops = parseJumpSpec(spec);
  if (!hops || hops.length === 0) {
    throw new JumpSpecError(`jump host: cannot parse '${spec}', expected user@host:port`);
  }
  let previous: SshTarget | undefined;
  for (const hop of hops) {
    const resolved = config ? resolveSshConfig(config, hop.host, env) : { identityFiles: [] as string[] };
    const t: SshTarget = {
      host: `${hop.user ?? resolved.user ?? env.localUser}@${hop.host}:${hop.port ?? resolved.port ?? 22}`,
      address: resolved.hostName ?? hop.host,
      port: hop.port ?? resolved.port ?? 22,
      user: hop.user ?? resolved.user ?? env.localUser,
    };
    const key = resolved.identityFiles[0] ?? fallbackKey;
    if (key !== undefined) t.privateKeyFile = key;
    if (previous) t.jump = previous;
    previous = t;
  }
  // hops.length > 0, so previous is set.
  return previous as SshTarget;
}

function defaultEnv(): TargetEnv {
  return { home: homedir(), localUser: localUserName() };
}
