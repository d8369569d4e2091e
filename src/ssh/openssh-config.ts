// Host settings as OpenSSH resolves them. With an OpenSSH client installed, `ssh -G [-l USER]
// DEST` prints the options ssh would use for DEST after its own rules (Include, Match,
// CanonicalizeHostname, first-value-wins, tokens): we read that, so our answer is OpenSSH's by
// construction. `ssh -G` never connects and does no DNS lookup; it does run the command of a
// `Match exec` line, exactly as a plain `ssh DEST` would (it is the user's own config): we warn
// when the config has one, bound the number of `ssh -G` at once, and kill one that hangs.
// Cost: one `ssh -G` (~10 ms of CPU) per distinct destination and user, so a fleet whose routers
// all have their own address pays it per router, once per run (ansible pays it per ssh it runs).
// `PPTP_FLEET_SSH_CONFIG=parser` skips `ssh -G` and so never runs a Match exec command.
//
// Without an OpenSSH client, the `ssh-config` package parses ~/.ssh/config and
// /etc/ssh/ssh_config; a warning names what that parser cannot evaluate (Include, Match exec,
// Match canonical/final/localnetwork/tagged, CanonicalizeHostname).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import pLimit from 'p-limit';
import SSHConfig from 'ssh-config';
import { localUserName } from './config.js';

/** What OpenSSH would use for one destination. */
export interface SshConfigValues {
  hostName: string;
  /** Configured user; undefined when OpenSSH would use its default (the local user). */
  user?: string;
  port: number;
  /** IdentityFile values as written (tokens and `~` not expanded); [] when none configured. */
  identityFiles: string[];
  /** Absolute paths (OpenSSH expands them). */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: 'yes' | 'no' | 'ask' | 'accept-new';
  hashKnownHosts: boolean;
  proxyJump?: string;
  proxyCommand?: string;
}

export interface SshConfigQuery {
  destination: string;
  /** `-l USER`: an explicit user, which `Match user` then sees. */
  user?: string;
}

/** OpenSSH's identity files when none is configured, in the order `ssh -G` prints them. */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map((n) => `~/.ssh/${n}`);
const SSH_G_TIMEOUT_MS = 10_000;
/** ssh -G is ~10 ms of CPU: a few at once use the cores without swamping a small CI runner. */
const SSH_G_PARALLEL = Math.min(8, Math.max(2, availableParallelism() * 2));

export interface SshConfigEnvironment {
  home: string;
  localUser: string;
}

function defaultEnvironment(): SshConfigEnvironment {
  return { home: homedir(), localUser: localUserName() };
}

function normalizeStrict(v: string | undefined): SshConfigValues['strictHostKeyChecking'] {
  switch ((v ?? 'ask').toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'off':
    case 'false':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}

/**
 * Read `ssh -G` output (pure). `query.user` tells whether `-l` was given: without it, a user
 * equal to the local user is OpenSSH's default and reported as unset.
 *
 * @example parseSshG('hostname r1.lan\nuser root\nport 22\n...', { destination: 'r1' }, env)
 */
export function parseSshG(output: string, query: SshConfigQuery, env: SshConfigEnvironment): SshConfigValues {
  const multi = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = (m[1] as string).toLowerCase();
    const list = multi.get(key) ?? [];
    list.push(m[2] as string);
    multi.set(key, list);
  }
  const one = (k: string): string | undefined => multi.get(k)?.[0];
  const files = (k: string): string[] => (one(k) ?? '').split(/\s+/).filter((f) => f !== '');
  const ids = multi.get('identityfile') ?? [];
  const isDefault = ids.length === DEFAULT_IDENTITIES.length && ids.every((f, i) => f === DEFAULT_IDENTITIES[i]);
  const user = one('user');
  const out: SshConfigValues = {
    hostName: one('hostname') ?? query.destination,
    port: Number(one('port') ?? 22),
    identityFiles: isDefault ? [] : ids,
    userKnownHostsFiles: files('userknownhostsfile'),
    globalKnownHostsFiles: files('globalknownhostsfile'),
    strictHostKeyChecking: normalizeStrict(one('stricthostkeychecking')),
    hashKnownHosts: one('hashknownhosts') === 'yes',
  };
  if (user !== undefined && (query.user !== undefined || user !== env.localUser)) out.user = user;
  const jump = one('proxyjump');
  if (jump !== undefined && jump.toLowerCase() !== 'none') out.proxyJump = jump;
  const proxy = one('proxycommand');
  if (proxy !== undefined && proxy.toLowerCase() !== 'none') out.proxyCommand = proxy;
  return out;
}

/** Expand `~` and the tokens OpenSSH allows in file names that we can know here. */
export function expandSshPath(value: string, ctx: { home: string; localUser: string; host: string; remoteUser: string; port: number }): string {
  let v = value;
  if (v === '~') v = ctx.home;
  else if (v.startsWith('~/')) v = ctx.home + v.slice(1);
  return v.replace(/%([dhuprn%])/g, (_m, t: string) => {
    switch (t) {
      case 'd':
        return ctx.home;
      case 'h':
        return ctx.host;
      case 'u':
        return ctx.localUser;
      case 'p':
        return String(ctx.port);
      case 'r':
        return ctx.remoteUser;
      case 'n':
        return ctx.host;
      default:
        return '%';
    }
  });
}

/** Where host settings come from: `ssh -G` or the fallback parser. */
export interface SshConfigSource {
  readonly kind: 'ssh -G' | 'parser';
  /** Warnings about the config, each once (e.g. what the parser cannot evaluate). */
  readonly warnings: string[];
  lookup(query: SshConfigQuery): Promise<SshConfigValues>;
}

/** A failed `ssh -G` (bad config, timeout): the host it was for cannot be resolved. */
export class SshConfigError extends Error {
  override readonly name = 'SshConfigError';
}

export interface SshConfigSourceOptions {
  /** `-F FILE`: this file instead of ~/.ssh/config and /etc/ssh/ssh_config. */
  configFile?: string;
  /** Force one source; default: `ssh -G` when an OpenSSH client runs, else the parser. */
  prefer?: 'ssh -G' | 'parser';
  /** The ssh binary (tests). */
  sshBinary?: string;
  env?: SshConfigEnvironment;
}

function runSshG(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: SSH_G_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') reject(e);
        else if (e.killed) reject(new SshConfigError(`ssh ${args.join(' ')} did not finish within ${SSH_G_TIMEOUT_MS / 1000} s (a Match exec command that hangs?)`));
        else reject(new SshConfigError(`ssh ${args.join(' ')} failed: ${stderr.toString().trim().split('\n')[0] ?? e.message}`));
        return;
      }
      resolve(stdout.toString());
    });
  });
}

/** The ssh configs OpenSSH reads by default, user's first. */
function defaultConfigFiles(env: SshConfigEnvironment): string[] {
  return [`${env.home}/.ssh/config`, '/etc/ssh/ssh_config'];
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Lines of CONFIG that only `ssh -G` evaluates, for the parser's warning (pure). */
export function unsupportedByParser(text: string, file: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (/^include\b/i.test(line)) out.push(`${file}:${i + 1}: Include`);
    const match = /^match\s+(.*)$/i.exec(line);
    if (match) {
      const words = (match[1] as string).toLowerCase().split(/\s+/);
      for (const w of ['exec', 'canonical', 'final', 'localnetwork', 'tagged']) if (words.includes(w)) out.push(`${file}:${i + 1}: Match ${w}`);
    }
    if (/^canonicalizehostname\s*(=\s*|\s+)(yes|always)\b/i.test(line)) out.push(`${file}:${i + 1}: CanonicalizeHostname`);
  });
  return out;
}

/** Lines of CONFIG with `Match ... exec` (pure): ssh -G runs their commands. */
export function matchExecLines(text: string, file: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*match\b.*\bexec\b/i.test(raw)) out.push(`${file}:${i + 1}`);
  });
  return out;
}

/**
 * The fallback: the `ssh-config` package over the config files' text, Match exec never run,
 * CanonicalizeHostname not applied (it would do DNS lookups), Include not followed.
 */
export function parserLookup(texts: readonly string[], query: SshConfigQuery, env: SshConfigEnvironment): SshConfigValues {
  // Each file's leading options apply to every host: a `Host *` line keeps the previous
  // file's last block from swallowing them.
  const joined = texts
    .map((t) => t.replace(/^\s*canonicalize(hostname|domains|maxdots|fallbacklocal|permittedcnames)\b.*$/gim, '').replace(/^\s*include\b.*$/gim, ''))
    .join('\nHost *\n');
  const config = SSHConfig.parse(joined);
  const destination = query.destination.toLowerCase();
  const r = config.compute({ Host: destination, ...(query.user !== undefined ? { User: query.user } : {}) }, { ignoreCase: true, matchExec: false });
  const str = (k: string): string | undefined => {
    const v = r[k];
    return Array.isArray(v) ? v.join(' ') : v;
  };
  const list = (k: string): string[] | undefined => {
    const v = r[k];
    if (v === undefined) return undefined;
    return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(/\s+/)).filter((x) => x !== '');
  };
  const user = str('user');
  const port = Number(str('port') ?? 22);
  const host = (str('hostname') ?? destination).replace(/%([h%])/g, (_m, t: string) => (t === 'h' ? destination : '%'));
  const ctx = { home: env.home, localUser: env.localUser, host, remoteUser: user ?? env.localUser, port };
  const known = (k: string, dflt: string[]): string[] => (list(k) ?? dflt).map((f) => expandSshPath(f, ctx));
  const out: SshConfigValues = {
    hostName: host,
    port: Number.isInteger(port) ? port : 22,
    identityFiles: (list('identityfile') ?? []).filter((f) => f.toLowerCase() !== 'none'),
    userKnownHostsFiles: known('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']),
    globalKnownHostsFiles: known('globalknownhostsfile', ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']),
    strictHostKeyChecking: normalizeStrict(str('stricthostkeychecking')),
    hashKnownHosts: (str('hashknownhosts') ?? 'no').toLowerCase() === 'yes',
  };
  if (user !== undefined && (query.user !== undefined || user !== env.localUser)) out.user = user;
  const jump = str('proxyjump');
  if (jump !== undefined && jump.toLowerCase() !== 'none') out.proxyJump = jump;
  const proxy = str('proxycommand');
  if (proxy !== undefined && proxy.toLowerCase() !== 'none') out.proxyCommand = proxy;
  return out;
}

/**
 * The source for this run: `ssh -G` when an OpenSSH client is installed (and not overridden by
 * `prefer` or `PPTP_FLEET_SSH_CONFIG=parser`), else the parser. Lookups are cached per
 * destination and user, and at most SSH_G_PARALLEL `ssh -G` run at once.
 */
export async function openSshConfigSource(options: SshConfigSourceOptions = {}): Promise<SshConfigSource> {
  const env = options.env ?? defaultEnvironment();
  const files = options.configFile !== undefined ? [options.configFile] : defaultConfigFiles(env);
  const texts = (await Promise.all(files.map(readIfExists))).map((t, i) => ({ file: files[i] as string, text: t }));
  const binary = options.sshBinary ?? 'ssh';
  const envPrefer = process.env['PPTP_FLEET_SSH_CONFIG'] === 'parser' ? 'parser' : undefined;
  let prefer = options.prefer ?? envPrefer;
  let absentReason = envPrefer && !options.prefer ? 'PPTP_FLEET_SSH_CONFIG=parser' : undefined;
  if (prefer !== 'parser') {
    try {
      await runSshG(binary, ['-G', '-F', '/dev/null', 'pptp-fleet-probe']);
      prefer = 'ssh -G';
    } catch (err) {
      prefer = 'parser';
      absentReason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no OpenSSH client (ssh) found' : `ssh -G does not work: ${(err as Error).message}`;
    }
  }
  const warnings: string[] = [];
  const cache = new Map<string, Promise<SshConfigValues>>();
  const key = (q: SshConfigQuery): string => JSON.stringify([q.destination, q.user ?? null]);

  if (prefer === 'ssh -G') {
    const execLines = texts.flatMap(({ file, text }) => (text === undefined ? [] : matchExecLines(text, file)));
    if (execLines.length > 0) {
      warnings.push(`${execLines.join(', ')}: Match exec: ssh -G runs its command once per host, as ssh itself would (PPTP_FLEET_SSH_CONFIG=parser to not run it)`);
    }
    const limit = pLimit(SSH_G_PARALLEL);
    const extra = options.configFile !== undefined ? ['-F', options.configFile] : [];
    return {
      kind: 'ssh -G',
      warnings,
      lookup(q) {
        const k = key(q);
        let p = cache.get(k);
        if (!p) {
          const args = ['-G', ...extra, ...(q.user !== undefined ? ['-l', q.user] : []), '--', q.destination];
          p = limit(() => runSshG(binary, args)).then((out) => parseSshG(out, q, env));
          cache.set(k, p);
        }
        return p;
      },
    };
  }

  const present = texts.filter((t): t is { file: string; text: string } => t.text !== undefined);
  const unsupported = present.flatMap(({ file, text }) => unsupportedByParser(text, file));
  if (present.length > 0) {
    warnings.push(
      `${absentReason ?? 'ssh -G not used'}: ${present.map((t) => t.file).join(' and ')} read by a parser` +
        (unsupported.length > 0 ? ` that does not evaluate ${unsupported.join(', ')} (those lines are ignored)` : ''),
    );
  }
  const textList = present.map((t) => t.text);
  return {
    kind: 'parser',
    warnings,
    lookup(q) {
      const k = key(q);
      let p = cache.get(k);
      if (!p) {
        p = Promise.resolve().then(() => parserLookup(textList, q, env));
        cache.set(k, p);
      }
      return p;
    },
  };
}
