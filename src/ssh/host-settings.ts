// Each host's SSH settings, assembled before anything is contacted from (highest first):
//   1. the inventory's explicit values: ansible_host (the destination ssh is asked to reach),
//      ansible_port, ansible_user, ansible_ssh_private_key_file, jump_host;
//   2. the command line: -u/--user, --private-key/--key (Ansible: "command line values are the
//      lowest variable precedence", so an inventory's ansible_user beats -u); --known-hosts and
//      --accept-new-host-keys, which override everything (an explicit choice of trust);
//   3. ansible_ssh_common_args, then ansible_ssh_extra_args (the first value wins, as in ssh);
//   4. the ssh config, as OpenSSH resolves it for the destination (openssh-config.ts): HostName,
//      Port, User, IdentityFile, UserKnownHostsFile, GlobalKnownHostsFile,
//      StrictHostKeyChecking, HashKnownHosts, ProxyJump;
//   5. defaults: port 22, user root, ssh-agent or the first default identity.
// That is the order Ansible's `ssh` command line gives them to OpenSSH. As with Ansible, the
// ssh config's HostName applies to ansible_host too (Host patterns match the destination).
import { existsSync } from 'node:fs';
import type { Secret } from '../secret.js';
import { parseSshArgs, type ParsedSshArgs } from './args.js';
import { parseJumpSpec } from './config.js';
import { expandSshPath, type SshConfigEnvironment, type SshConfigSource, type SshConfigValues } from './openssh-config.js';
import { DEFAULT_USER, type SshTarget } from './target.js';

/** What the inventory says about one host's SSH. */
export interface HostSshRequest {
  host: string;
  /** ansible_host, else the inventory name. */
  destination: string;
  /** Explicit inventory values (undefined when the inventory does not set them). */
  port?: number;
  user?: string;
  privateKeyFile?: string;
  jumpHost?: string;
  /** `ansible_ssh_common_args` then `ansible_ssh_extra_args`, as set. */
  args: Array<{ name: string; text: string }>;
  password?: Secret;
  legacyAlgorithms?: boolean;
}

export interface FleetSshFlags {
  /** -u/--user. */
  user?: string;
  /** --private-key/--key (or settings `privateKey`). */
  privateKeyFile?: string;
  /** --known-hosts (or settings `knownHosts`): replaces every UserKnownHostsFile. */
  knownHostsFile?: string;
  /** --accept-new-host-keys. */
  acceptNewHostKeys: boolean;
  /** Key when nothing names one: undefined means ssh-agent. */
  fallbackKeyFile?: string;
}

export interface HostSshResult {
  targets: Map<string, SshTarget>;
  /** Per host, one message each: bad args, unsupported ProxyCommand, a failed ssh -G. */
  problems: Array<{ host: string; field: string; message: string }>;
  warnings: string[];
}

const ACCEPT_NEW = new Set(['accept-new', 'no']);

/**
 * Resolve every host's target (each distinct destination asked of the source once).
 *
 * @example await resolveHostTargets([{ host: 'r1', destination: '10.0.0.1', args: [] }], { acceptNewHostKeys: false }, await openSshConfigSource())
 */
export async function resolveHostTargets(
  requests: readonly HostSshRequest[],
  flags: FleetSshFlags,
  source: SshConfigSource,
  env: SshConfigEnvironment,
): Promise<HostSshResult> {
  const result: HostSshResult = { targets: new Map(), problems: [], warnings: [...source.warnings] };
  const seenWarnings = new Set(result.warnings);
  await Promise.all(
    requests.map(async (req) => {
      const args: ParsedSshArgs = { options: { identityfile: [] }, warnings: [], problems: [] };
      for (const a of req.args) parseSshArgs(a.text, a.name, args);
      for (const w of args.warnings) {
        const msg = `${req.host}: ${w}`;
        if (!seenWarnings.has(w)) {
          seenWarnings.add(w);
          result.warnings.push(msg);
        }
      }
      for (const p of args.problems) {
        const [field, ...rest] = p.split(': ');
        result.problems.push({ host: req.host, field: field ?? 'ansible_ssh_common_args', message: rest.join(': ') });
      }
      if (args.problems.length > 0) return;
      try {
        const target = await resolveOne(req, args, flags, source, env);
        result.targets.set(req.host, target);
      } catch (err) {
        if (err instanceof HostSettingProblem) result.problems.push({ host: req.host, field: err.field, message: err.message });
        else result.problems.push({ host: req.host, field: 'ssh config', message: (err as Error).message });
      }
    }),
  );
  return result;
}

class HostSettingProblem extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** The first of FILES that exists (after expansion); explicit files are kept even if missing. */
function firstExisting(files: readonly string[]): string | undefined {
  return files.find((f) => existsSync(f));
}

async function resolveOne(
  req: HostSshRequest,
  args: ParsedSshArgs,
  flags: FleetSshFlags,
  source: SshConfigSource,
  env: SshConfigEnvironment,
): Promise<SshTarget> {
  const o = args.options;
  const user = req.user ?? flags.user ?? o.user;
  const cfg = await source.lookup({ destination: req.destination, ...(user !== undefined ? { user } : {}) });
  const port = req.port ?? o.port ?? cfg.port;
  const finalUser = user ?? cfg.user ?? DEFAULT_USER;
  const ctx = { home: env.home, localUser: env.localUser, host: cfg.hostName, remoteUser: finalUser, port };
  const expand = (f: string): string => expandSshPath(f, ctx);

  const explicitKey = req.privateKeyFile ?? flags.privateKeyFile;
  const key = explicitKey ?? firstExisting([...o.identityfile, ...cfg.identityFiles].map(expand)) ?? flags.fallbackKeyFile;

  const knownHosts = knownHostsFor(cfg, o, flags, expand);
  const target: SshTarget = { host: req.host, address: cfg.hostName, port, user: finalUser, knownHosts };
  if (key !== undefined) target.privateKeyFile = key;
  if (req.password) target.password = req.password;
  if (req.legacyAlgorithms) target.legacyAlgorithms = true;

  const jumpSpec = req.jumpHost ?? o.proxyjump ?? cfg.proxyJump;
  if (jumpSpec !== undefined && jumpSpec.toLowerCase() !== 'none') {
    const field = req.jumpHost !== undefined ? 'jump_host' : o.proxyjump !== undefined ? 'ansible_ssh_common_args' : 'ssh config ProxyJump';
    target.jump = await jumpChain(jumpSpec, field, target, flags, source, env);
  } else if (jumpSpec === undefined && cfg.proxyCommand !== undefined) {
    throw new HostSettingProblem(
      'ssh config ProxyCommand',
      // The command is not quoted back: it may carry a password (sshpass -p …).
      'ProxyCommand is not supported (pptp-fleet speaks SSH itself and cannot run a proxy command); use ProxyJump for a bastion, or set ProxyCommand none for this host',
    );
  }
  return target;
}

function knownHostsFor(cfg: SshConfigValues, o: ParsedSshArgs['options'], flags: FleetSshFlags, expand: (f: string) => string): NonNullable<SshTarget['knownHosts']> {
  const files = flags.knownHostsFile !== undefined ? [flags.knownHostsFile] : (o.userknownhostsfile ?? cfg.userKnownHostsFiles).map(expand);
  const globalFiles = (o.globalknownhostsfile ?? cfg.globalKnownHostsFiles).map(expand);
  const strict = flags.acceptNewHostKeys ? 'accept-new' : o.stricthostkeychecking ?? cfg.strictHostKeyChecking;
  return {
    files: files.filter((f) => f.toLowerCase() !== 'none'),
    globalFiles: globalFiles.filter((f) => f.toLowerCase() !== 'none'),
    acceptNew: ACCEPT_NEW.has(normalizeStrictWord(strict)),
    hash: o.hashknownhosts ?? cfg.hashKnownHosts,
  };
}

function normalizeStrictWord(v: string): string {
  const l = v.toLowerCase();
  if (l === 'off' || l === 'false') return 'no';
  if (l === 'true') return 'yes';
  return l;
}

/**
 * The jump chain for SPEC (`[user@]host[:port][,…]`, first hop innermost). Each hop gets its
 * own settings from the ssh config (not its ProxyJump: the spec already says the chain); a hop
 * the config names no key or known_hosts for uses the router's, so an inventory that names
 * them once works for its bastion too.
 */
async function jumpChain(spec: string, field: string, router: SshTarget, flags: FleetSshFlags, source: SshConfigSource, env: SshConfigEnvironment): Promise<SshTarget> {
  const hops = parseJumpSpec(spec);
  if (!hops || hops.length === 0) throw new HostSettingProblem(field, `cannot parse jump host "${spec}", expected [user@]host[:port][,…]`);
  let previous: SshTarget | undefined;
  for (const hop of hops) {
    const cfg = await source.lookup({ destination: hop.host, ...(hop.user !== undefined ? { user: hop.user } : {}) });
    const port = hop.port ?? cfg.port;
    const user = hop.user ?? cfg.user ?? env.localUser;
    const ctx = { home: env.home, localUser: env.localUser, host: cfg.hostName, remoteUser: user, port };
    const expand = (f: string): string => expandSshPath(f, ctx);
    const own = knownHostsFor(cfg, { identityfile: [] }, flags, expand);
    const defaultFiles = [`${env.home}/.ssh/known_hosts`, `${env.home}/.ssh/known_hosts2`];
    const configured = own.files.length !== defaultFiles.length || own.files.some((f, i) => f !== defaultFiles[i]);
    const t: SshTarget = {
      host: `${user}@${hop.host}:${port}`,
      address: cfg.hostName,
      port,
      user,
      knownHosts: flags.knownHostsFile !== undefined || configured || !router.knownHosts ? own : { ...router.knownHosts },
    };
    const key = firstExisting(cfg.identityFiles.map(expand)) ?? router.privateKeyFile;
    if (key !== undefined) t.privateKeyFile = key;
    if (previous) t.jump = previous;
    previous = t;
  }
  return previous as SshTarget;
}

/** The SSH part of an inventory host; `vars` tells which values the inventory set explicitly. */
export interface InventoryHostLike {
  name: string;
  address: string;
  port: number;
  user: string;
  sshPrivateKeyFile?: string;
  jumpHost?: string;
  sshPassword?: Secret;
  sshLegacyAlgorithms: boolean;
  vars: Record<string, unknown>;
}

export const SSH_ARG_VARS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args'] as const;

/**
 * The request for one inventory host. The inventory fills port 22 and user root when unset;
 * those defaults must not hide the ssh config's Port and User, so only values set in `vars`
 * count as explicit.
 */
export function sshRequestFor(host: InventoryHostLike): HostSshRequest {
  const has = (...keys: string[]): boolean => keys.some((k) => host.vars[k] !== undefined);
  const req: HostSshRequest = { host: host.name, destination: host.address, args: [] };
  if (has('ansible_port', 'port')) req.port = host.port;
  if (has('ansible_user', 'user')) req.user = host.user;
  if (host.sshPrivateKeyFile !== undefined) req.privateKeyFile = host.sshPrivateKeyFile;
  if (host.jumpHost !== undefined) req.jumpHost = host.jumpHost;
  if (host.sshPassword) req.password = host.sshPassword;
  if (host.sshLegacyAlgorithms) req.legacyAlgorithms = true;
  for (const name of SSH_ARG_VARS) {
    const v = host.vars[name];
    if (typeof v === 'string' && v.trim() !== '') req.args.push({ name, text: v });
  }
  return req;
}
