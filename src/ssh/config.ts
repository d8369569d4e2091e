// A minimal ~/.ssh/config reader: Host blocks and the five keywords pptp-fleet uses.
//
// Precedence (documented choice): OpenSSH lets the command line win over the config file;
// here the inventory plays the command line's role. Values the inventory sets explicitly
// (`ansible_host`, `ansible_port`, `ansible_user`, a per-host key, a jump host) win; the ssh
// config fills only what the inventory leaves unset. Host patterns are matched against the
// inventory name AND the address (`ansible_host`), so a `Host 10.1.*` block applies to hosts
// listed by address. Within the file the first value obtained wins, as in OpenSSH;
// IdentityFile accumulates. Not supported (skipped): Match blocks, Include, tokens other than
// `%d`, `%h` in HostName, `%%`.
import { readParsed } from './file-cache.js';
import { homedir, userInfo } from 'node:os';
import { matchPatternList } from './known-hosts.js';

export interface SshConfigOption {
  /** Keyword, lower-cased. */
  key: string;
  value: string;
  line: number;
}

export interface SshConfigBlock {
  /** Host patterns; the options before the first Host line form a block with `['*']`. */
  patterns: string[];
  options: SshConfigOption[];
}

export interface SshConfig {
  blocks: SshConfigBlock[];
}

export interface ResolvedSshConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  /** `user@host:port[,user@host:port...]`; absent when unset or `none`. */
  proxyJump?: string;
}

/** Split one config line into its arguments, honouring double quotes. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out.push(m[1] ?? m[2] ?? '');
  return out;
}

/**
 * Parse ssh_config text into Host blocks (pure).
 *
 * @example parseSshConfig('Host r-*\n  User root\n  Port 2222\n')
 */
export function parseSshConfig(text: string): SshConfig {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [] }];
  let inMatch = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) return;
    const key = (m[1] ?? '').toLowerCase();
    const rest = (m[2] ?? '').trim();
    if (key === 'host') {
      inMatch = false;
      blocks.push({ patterns: splitArgs(rest), options: [] });
      return;
    }
    if (key === 'match') {
      // Match blocks are not supported: their options apply to no host.
      inMatch = true;
      return;
    }
    if (inMatch) return;
    const value = splitArgs(rest)[0] ?? '';
    blocks[blocks.length - 1]?.options.push({ key, value, line: index + 1 });
  });
  return { blocks };
}

function blockMatches(block: SshConfigBlock, names: readonly string[]): boolean {
  // A Host line applies if some name matches it and no name hits one of its negations.
  let positive = false;
  for (const name of names) {
    const r = matchPatternList(name, block.patterns);
    if (r === -1) return false;
    if (r === 1) positive = true;
  }
  return positive;
}

export interface SshConfigEnv {
  home: string;
}

/** Expand `~/` and `%d` (home) and `%%` in a path value. */
export function expandPath(value: string, env: SshConfigEnv): string {
  let v = value;
  if (v === '~') v = env.home;
  else if (v.startsWith('~/')) v = env.home + v.slice(1);
  return v.replace(/%([d%])/g, (_m, t: string) => (t === 'd' ? env.home : '%'));
}

/**
 * Resolve the options for one host: `names` are the inventory name and/or address it is
 * known by. First value wins; IdentityFile accumulates; `ProxyJump none` disables a later one.
 */
export function resolveSshConfig(
  config: SshConfig,
  names: string | readonly string[],
  env: SshConfigEnv = { home: homedir() },
): ResolvedSshConfig {
  const list = typeof names === 'string' ? [names] : names;
  const seen = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const block of config.blocks) {
    if (!blockMatches(block, list)) continue;
    for (const opt of block.options) {
      if (opt.key === 'identityfile') {
        if (opt.value.toLowerCase() !== 'none') identityFiles.push(expandPath(opt.value, env));
        continue;
      }
      if (!seen.has(opt.key)) seen.set(opt.key, opt.value);
    }
  }
  const out: ResolvedSshConfig = { identityFiles };
  const hostName = seen.get('hostname');
  if (hostName) out.hostName = hostName.replace(/%([h%])/g, (_m, t: string) => (t === 'h' ? (list[0] ?? '') : '%'));
  const user = seen.get('user');
  if (user) out.user = user;
  const port = seen.get('port');
  if (port && /^\d+$/.test(port) && Number(port) > 0 && Number(port) < 65536) out.port = Number(port);
  const jump = seen.get('proxyjump');
  if (jump && jump.toLowerCase() !== 'none') out.proxyJump = jump;
  return out;
}

/** Read and parse an ssh config file; a missing file is an empty config. */
export async function readSshConfig(file: string): Promise<SshConfig> {
  return readParsed(file, parseSshConfig, { blocks: [] });
}

export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/**
 * Parse a ProxyJump value / inventory `jumpHost`: `[user@]host[:port]`, `[user@][v6addr]:port`,
 * comma-separated hops (first hop first). Returns undefined when malformed.
 *
 * @example parseJumpSpec('admin@bastion:2222') // [{ user: 'admin', host: 'bastion', port: 2222 }]
 */
export function parseJumpSpec(spec: string): JumpSpec[] | undefined {
  const hops: JumpSpec[] = [];
  for (const raw of spec.split(',')) {
    let s = raw.trim().replace(/^ssh:\/\//, '');
    if (s === '') return undefined;
    const hop: { user?: string; host: string; port?: number } = { host: '' };
    const at = s.lastIndexOf('@');
    if (at >= 0) {
      if (at === 0) return undefined;
      hop.user = s.slice(0, at);
      s = s.slice(at + 1);
    }
    let portText: string | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    if (bracket) {
      hop.host = bracket[1] ?? '';
      portText = bracket[2];
    } else {
      const colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') === colon) {
        hop.host = s.slice(0, colon);
        portText = s.slice(colon + 1);
      } else {
        hop.host = s;
      }
    }
    if (hop.host === '' || /\s/.test(hop.host)) return undefined;
    if (portText !== undefined) {
      if (!/^\d+$/.test(portText)) return undefined;
      const port = Number(portText);
      if (port < 1 || port > 65535) return undefined;
      hop.port = port;
    }
    hops.push(hop);
  }
  return hops;
}

export function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'root';
  }
}
