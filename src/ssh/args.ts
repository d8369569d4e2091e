// `ansible_ssh_common_args` / `ansible_ssh_extra_args`: the ssh command-line options Ansible
// appends to every `ssh` it runs, read the way Ansible splits them (Python's shlex, POSIX mode).
//
// Supported: `-o Key=Value`, `-oKey=Value`, `-o 'Key Value'` for ProxyJump, ProxyCommand
// (`none` only: pptp-fleet has no ProxyCommand, so any other value is an error), UserKnownHostsFile,
// GlobalKnownHostsFile, StrictHostKeyChecking, HashKnownHosts, IdentityFile, Port, User; and
// `-J`, `-p`, `-l`, `-i`. Options that only tune OpenSSH's own process or connection (ControlMaster,
// ControlPersist, ServerAliveInterval, ConnectTimeout, LogLevel, `-C`, `-q`, `-v`…) are ignored
// with a warning: pptp-fleet has its own connection handling. Anything else is an error: an option
// that changes where or how we connect must never be dropped silently.
import { shlexSplit } from '../shell/shlex.js';

/** Options read from the args, OpenSSH's keyword names lower-cased; first value wins. */
export interface SshArgOptions {
  proxyjump?: string;
  userknownhostsfile?: string[];
  globalknownhostsfile?: string[];
  stricthostkeychecking?: string;
  hashknownhosts?: boolean;
  /** Accumulates, as in OpenSSH. */
  identityfile: string[];
  port?: number;
  user?: string;
}

export interface ParsedSshArgs {
  options: SshArgOptions;
  /** Ignored options, one message each. */
  warnings: string[];
  /** Unsupported or malformed, one message each. */
  problems: string[];
}

/** Words of an ansible_ssh_*_args value as Ansible splits them (`shlex.split`); undefined on an open quote. */
export function shellSplit(text: string): string[] | undefined {
  const words = shlexSplit(text);
  return typeof words === 'string' ? undefined : words;
}

/** Options OpenSSH takes that only tune its own process or the connection's upkeep. */
const IGNORED_OPTIONS = new Set(
  [
    'ControlMaster', 'ControlPersist', 'ControlPath', 'ServerAliveInterval', 'ServerAliveCountMax',
    'ConnectTimeout', 'ConnectionAttempts', 'TCPKeepAlive', 'LogLevel', 'Compression', 'IdentitiesOnly',
    'PreferredAuthentications', 'PasswordAuthentication', 'KbdInteractiveAuthentication', 'PubkeyAuthentication',
    'GSSAPIAuthentication', 'AddKeysToAgent', 'ForwardAgent', 'ForwardX11', 'RequestTTY', 'BatchMode',
    'CheckHostIP', 'VisualHostKey', 'UpdateHostKeys', 'SendEnv', 'SetEnv',
  ].map((k) => k.toLowerCase()),
);
/** Flags without an argument that change nothing pptp-fleet does. */
const IGNORED_FLAGS = new Set(['-C', '-q', '-v', '-vv', '-vvv', '-T', '-t', '-tt', '-A', '-a', '-x', '-X', '-Y', '-n', '-N', '-4', '-6', '-K', '-k']);

/** OpenSSH's yes/no values. */
function yesNo(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (l === 'yes' || l === 'true') return true;
  if (l === 'no' || l === 'false') return false;
  return undefined;
}

/**
 * Parse one host variable's ssh args. `varName` names it in messages. Values already set in
 * `into` are kept (OpenSSH: the first value obtained wins; common args come before extra args).
 *
 * @example parseSshArgs('-o ProxyJump=admin@bastion -o UserKnownHostsFile=/lab/known_hosts', 'ansible_ssh_common_args')
 */
export function parseSshArgs(text: string, varName: string, into?: ParsedSshArgs): ParsedSshArgs {
  const out: ParsedSshArgs = into ?? { options: { identityfile: [] }, warnings: [], problems: [] };
  const words = shellSplit(text);
  if (!words) {
    // The text itself is not quoted back: it may hold anything, a password included.
    out.problems.push(`${varName}: unterminated quote`);
    return out;
  }
  const set = (keyword: string, value: string): void => applyOption(out, varName, keyword, value);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const takesArg = /^-[oJpli]$/.test(w);
    const attached = /^-[oJpli]./.test(w) ? w.slice(2) : undefined;
    if (takesArg || attached !== undefined) {
      const arg = attached ?? words[++i];
      if (arg === undefined) {
        out.problems.push(`${varName}: ${w} needs an argument`);
        continue;
      }
      const flag = w.slice(0, 2);
      if (flag === '-o') {
        const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(arg);
        if (!m || (m[2] ?? '').trim() === '') {
          out.problems.push(`${varName}: cannot read the -o option at word ${i + 1}, expected -o Key=Value`);
          continue;
        }
        set(m[1] as string, (m[2] as string).trim());
      } else if (flag === '-J') set('ProxyJump', arg);
      else if (flag === '-p') set('Port', arg);
      else if (flag === '-l') set('User', arg);
      else set('IdentityFile', arg);
      continue;
    }
    if (IGNORED_FLAGS.has(w)) {
      out.warnings.push(`${varName}: ${w} ignored (it changes nothing pptp-fleet does)`);
      continue;
    }
    // Only option-looking words are quoted back (a stray word may be a secret).
    const shown = /^-[A-Za-z0-9]+$/.test(w) ? `"${w}"` : `word ${i + 1} (not an option)`;
    out.problems.push(`${varName}: ${shown} is not supported (supported: -o Key=Value for ${SUPPORTED_NAMES}, -J, -p, -l, -i)`);
  }
  return out;
}

const SUPPORTED_NAMES = 'ProxyJump, UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking, HashKnownHosts, IdentityFile, Port, User';

/** A whitespace-separated list of files, `"…"` keeping spaces (OpenSSH's argv_split). */
function fileList(value: string): string[] {
  return [...value.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').filter((f) => f !== '');
}

function applyOption(out: ParsedSshArgs, varName: string, keyword: string, value: string): void {
  const o = out.options;
  const key = keyword.toLowerCase();
  const bad = (expected: string): void => {
    out.problems.push(`${varName}: ${keyword}: expected ${expected}, got "${value}"`);
  };
  switch (key) {
    case 'proxyjump':
      o.proxyjump ??= value;
      return;
    case 'proxycommand':
      if (value.toLowerCase() !== 'none') {
        out.problems.push(`${varName}: ProxyCommand is not supported (pptp-fleet speaks SSH itself and cannot run a proxy command); use ProxyJump (-J) for a bastion`);
      }
      return;
    case 'userknownhostsfile':
      o.userknownhostsfile ??= fileList(value);
      return;
    case 'globalknownhostsfile':
      o.globalknownhostsfile ??= fileList(value);
      return;
    case 'stricthostkeychecking': {
      const v = value.toLowerCase();
      if (!['yes', 'no', 'ask', 'accept-new', 'off', 'true', 'false'].includes(v)) return bad('yes, no, ask, accept-new or off');
      o.stricthostkeychecking ??= v;
      return;
    }
    case 'hashknownhosts': {
      const v = yesNo(value);
      if (v === undefined) return bad('yes or no');
      o.hashknownhosts ??= v;
      return;
    }
    case 'identityfile':
      if (value.toLowerCase() !== 'none') o.identityfile.push(value);
      return;
    case 'port': {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 65535) return bad('a port number from 1 to 65535');
      o.port ??= n;
      return;
    }
    case 'user':
      o.user ??= value;
      return;
    default:
      if (IGNORED_OPTIONS.has(key)) {
        out.warnings.push(`${varName}: -o ${keyword} ignored (pptp-fleet keeps its own SSH connection)`);
        return;
      }
      out.problems.push(`${varName}: -o ${keyword} is not supported (supported: ${SUPPORTED_NAMES})`);
  }
}
