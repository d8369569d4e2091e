// zod schemas for the variables pptp-fleet reads from an inventory (YAML keys in snake_case)
// and the small validators behind them. Parsing is pure: secrets come out as SecretRefs,
// which load.ts resolves (env / file) before anything is contacted.
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import { describeValue, VaultValue } from '../config/input.js';
import type { GlobalPppOptions, MppeSettings, TunnelManager, TunnelSpec } from './types.js';
import { pppdReadWords } from '../render/pppd-words.js';

/** Where a password comes from, before it is read. */
export type SecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'literal'; value: string }
  | { kind: 'vault'; value: VaultValue };

/** A tunnel as the schema produces it: a TunnelSpec whose password is not yet resolved. */
export type ParsedTunnel = Omit<TunnelSpec, 'password'> & { password: SecretRef | undefined };

// ---------------------------------------------------------------------------------------
// Validators (pure, exported for tests and for other modules)

/** Why `text` is not a single printable line, or undefined when it is one. Tabs are allowed. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\n')) return 'must not contain a newline';
  if (text.includes('\r')) return 'must not contain a carriage return';
  if (text.includes('\u0000')) return 'must not contain a NUL byte';
  // eslint-disable-next-line no-control-regex
  const ctl = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (ctl) return `must not contain control character U+${ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return undefined;
}

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;

/** Strict dotted-quad IPv4: four decimal octets 0-255, no leading zeros. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => IPV4_PART.test(p) && Number(p) <= 255);
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/**
 * A label of a name ssh connects to: an ssh_config `Host` alias or an /etc/hosts name may hold
 * `_` (`branch_01`), which ssh and the resolver take (OpenSSH's valid_hostname refuses only
 * shell metacharacters and blanks); a VPN server's name, written into the router's files, may not.
 */
const SSH_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1-63 chars
 * each, 253 in all (`label` widens what a label may hold). Something made only of digits and
 * dots is an address, not a name (`10.0.0.300` is rejected, not looked up in DNS).
 */
export function isHostname(text: string, label: RegExp = LABEL): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253) return false;
  if (/^[0-9.]+$/.test(name)) return false;
  const labels = name.split('.');
  if (!labels.every((l) => label.test(l))) return false;
  // A numeric top-level label would make `1.2.3.4x`-style typos look like names.
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/** Why `text` is not an IPv4 CIDR with host bits zero, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = /^([^/]+)\/([0-9]{1,2})$/.exec(text);
  if (!m) return `expected an IPv4 network like 10.20.0.0/16, got ${describeValue(text)}`;
  const addr = m[1] ?? '';
  const bits = Number(m[2]);
  if (!isIPv4(addr)) return `${describeValue(addr)} in ${describeValue(text)} is not a valid IPv4 address`;
  if (bits > 32) return `prefix length /${bits} in ${describeValue(text)} is out of range (0-32)`;
  if (bits === 0) return '0.0.0.0/0 is the default route; use default_route: replace instead';
  const n = ipv4ToInt(addr);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  if ((n & mask) >>> 0 !== n) {
    return `${text} has host bits set (did you mean ${intToIPv4((n & mask) >>> 0)}/${bits}?)`;
  }
  return undefined;
}

function ipv4ToInt(addr: string): number {
  return addr.split('.').reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
}

function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => String((n >>> s) & 255)).join('.');
}

/**
 * pppd options pptp-fleet writes itself: an `extra_options` line starting with one of these
 * would override (or duplicate) generated configuration, so it is rejected and the message
 * names the inventory key to use instead. Everything else is passed through as written.
 */
export const MANAGED_PPP_OPTIONS: Readonly<Record<string, string>> = {
  pty: 'server', plugin: 'server', pptp_server: 'server',
  name: 'username', user: 'username', password: 'password',
  remotename: 'name', ipparam: 'name', linkname: 'name', call: 'name', file: 'ppp_options',
  mppe: 'mppe', 'require-mppe': 'mppe', 'require-mppe-40': 'mppe', 'require-mppe-128': 'mppe',
  nomppe: 'mppe', 'nomppe-40': 'mppe', 'nomppe-128': 'mppe', 'nomppe-stateful': 'mppe', 'mppe-stateful': 'mppe',
  'refuse-eap': 'refuse_eap', persist: 'persist', nopersist: 'persist', demand: 'demand', idle: 'idle',
  'lcp-echo-interval': 'lcp_echo_interval', 'lcp-echo-failure': 'lcp_echo_failure',
  defaultroute: 'default_route', nodefaultroute: 'default_route', replacedefaultroute: 'default_route',
};

/** Why `line` is not an acceptable extra pppd option line, or undefined. */
export function extraOptionProblem(line: string): string | undefined {
  const text = textProblem(line);
  if (text) return text;
  if (line.trim() === '') return 'must not be empty';
  // pppd reads words, not lines: `mtu 1400 name evil`, `"name" evil` and `na\me evil` all set
  // `name`. Judge every word as pppd reads it; an option's argument that happens to spell a
  // managed option is refused too, which costs nothing real.
  if (/\\$/.test(line.trimEnd())) return 'must not end with a backslash (pppd would join it to the next line)';
  for (const w of pppdReadWords(line)) {
    const key = MANAGED_PPP_OPTIONS[w.word];
    if (key !== undefined) return `"${w.word}" is managed by pptp-fleet; set ${key} instead`;
    if (RUNS_PROGRAMS.has(w.word)) return `"${w.word}" runs a program on the router; not accepted in extra_options`;
  }
  return undefined;
}

/** pppd options that run a program or load code: an inventory must not smuggle them in. */
const RUNS_PROGRAMS = new Set(['connect', 'disconnect', 'init', 'welcome', 'pty', 'plugin', 'ip-up-script', 'ip-down-script', 'ipv6-up-script', 'ipv6-down-script', 'auth-up-script', 'auth-down-script', 'net-init-script', 'net-pre-up-script', 'net-down-script', 'socket', 'notty', 'record']);

/** Why `text` is not `[user@]host[:port]`, or undefined. */
export function jumpHostProblem(text: string): string | undefined {
  const m = /^(?:([^@\s:]+)@)?([^@\s:]+)(?::([0-9]{1,5}))?$/.exec(text);
  const host = m?.[2];
  if (!m || host === undefined || !(isHostname(host) || isIPv4(host))) {
    return `expected user@host:port (user and port optional), got ${describeValue(text)}`;
  }
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) return `port ${m[3]} is out of range (1-65535)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Schemas

/**
 * Chooses a schema by the input's JavaScript type so that messages come from the branch the
 * user meant (a string with a newline says "newline", not "expected a mapping").
 */
function byType<T>(expected: string, pick: (v: unknown) => z.ZodType<T> | undefined, vaultOk = false): z.ZodType<T> {
  // (a password's value is never shown: a number or a boolean is named by its type only)
  const described = (v: unknown): string =>
    !vaultOk ? describeValue(v) : typeof v === 'number' || typeof v === 'bigint' ? 'a number: a password made of digits is written in quotes' : typeof v === 'boolean' ? 'true or false' : describeValue(v);
  return z.unknown().transform((value, ctx): T => {
    const schema = value instanceof VaultValue && !vaultOk ? undefined : pick(value);
    if (schema === undefined) {
      const message = value instanceof VaultValue
        ? 'an Ansible Vault value is accepted only for passwords'
        : value === undefined ? `required, expected ${expected}` : `expected ${expected}, got ${described(value)}`;
      ctx.issues.push({ code: 'custom', message, input: value, path: [] });
      return z.NEVER;
    }
    const r = schema.safeParse(value, { reportInput: true });
    if (!r.success) {
      for (const issue of r.error.issues) ctx.issues.push(issue as unknown as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return r.data;
  }) as unknown as z.ZodType<T>;
}

/** A single line of printable text (no newline, CR, NUL or other control characters). */
export const textLine = z.string().superRefine((v, ctx) => {
  const p = textProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p, input: v });
});

const nonEmptyText = textLine.superRefine((v, ctx) => {
  if (v.length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty', input: v });
});

export const tunnelName = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, {
  error: (iss) => `expected 1-32 letters, digits, "_" or "-", got ${describeValue(iss.input)}`,
});

/** VPN server: RFC 1123 host name or IPv4 address. */
export const serverAddress = z.string().refine((v) => isHostname(v) || isIPv4(v), {
  error: (iss) => `expected a hostname or IPv4 address, got ${describeValue(iss.input)}`,
});

/** SSH address: host name, IPv4 or IPv6 literal. */
export const sshAddress = z.string().refine((v) => isHostname(v, SSH_LABEL) || isIPv4(v) || isIPv6(v), {
  error: (iss) => `expected a hostname, IPv4 or IPv6 address, got ${describeValue(iss.input)}`,
});

export const ipv4 = z.string().refine(isIPv4, {
  error: (iss) => `expected an IPv4 address, got ${describeValue(iss.input)}`,
});

export const cidr = z.string().superRefine((v, ctx) => {
  const p = cidrProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p, input: v });
});

/** A TCP port; Ansible inventories also write it as a string ("2222"). */
export const port = byType<number>('a port number (1-65535)', (v) =>
  typeof v === 'number' ? portNumber : typeof v === 'string' && /^[0-9]{1,5}$/.test(v) ? z.string().transform(Number).pipe(portNumber) : undefined,
);
const portNumber = z.int({ error: (iss) => `expected a port number (1-65535), got ${describeValue(iss.input)}` })
  .min(1, { error: (iss) => `expected a port number (1-65535), got ${describeValue(iss.input)}` })
  .max(65535, { error: (iss) => `expected a port number (1-65535), got ${describeValue(iss.input)}` });

function intIn(min: number, max: number): z.ZodNumber {
  const msg = (iss: { input?: unknown }): string => `expected a whole number from ${min} to ${max}, got ${describeValue(iss.input)}`;
  return z.int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
}

/**
 * `ansible_group_priority`: ansible-core takes `int(value)` (Group.set_variable), so a float
 * counts truncated toward zero (2.7 is 2, -0.5 is 0), a boolean as 1 or 0, an integer of any
 * size as itself, and a string of digits too (`"5"`, as a YAML inventory often quotes it;
 * Python's int() also takes blanks around it, a sign and `_` between digits). What int()
 * refuses (nothing, a list, a mapping, "1.5", an infinite float) makes ansible-core drop the
 * whole source. A bigint: priorities are compared exactly, as Python's ints are.
 */
const groupPriority = byType<bigint>('a whole number', (v) => {
  if (typeof v === 'bigint') return z.bigint();
  if (typeof v === 'boolean') return z.boolean().transform((b) => (b ? 1n : 0n));
  if (typeof v === 'number') {
    return z
      .number()
      .refine(Number.isFinite, { error: (iss) => `expected a whole number, got ${describeValue(iss.input)} (Python's int() cannot convert it)` })
      .transform((n) => BigInt(Math.trunc(n)));
  }
  if (typeof v === 'string' && /^\s*[-+]?[0-9]+(?:_[0-9]+)*\s*$/.test(v)) return z.string().transform((t) => BigInt(t.trim().replace(/_/g, '')));
  return undefined;
});

const bool = z.boolean({ error: (iss) => `expected true or false, got ${describeValue(iss.input)}` });

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: (iss) => `expected an environment variable name, got ${describeValue(iss.input)}`,
});

/** `{env: VAR}` | `{file: PATH}` | `!vault` | `"literal"` (a literal is accepted with a warning). */
export const secretRef = byType<SecretRef>('{env: VAR}, {file: PATH}, a vault value or a string', (v) => {
  if (v instanceof VaultValue) return z.instanceof(VaultValue).transform((value): SecretRef => ({ kind: 'vault', value }));
  if (typeof v === 'string') {
    return nonEmptyText.transform((value): SecretRef => ({ kind: 'literal', value }));
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    if ('env' in v) return z.strictObject({ env: envName }).transform((o): SecretRef => ({ kind: 'env', name: o.env }));
    if ('file' in v) return z.strictObject({ file: nonEmptyText }).transform((o): SecretRef => ({ kind: 'file', path: o.file }));
  }
  return undefined;
}, true);

const mppeObject = z.strictObject({
  required: bool.default(true),
  stateless: bool.default(true),
  no40: bool.default(true),
  no56: bool.default(true),
});

const MPPE_DEFAULTS: MppeSettings = { required: true, stateless: true, no40: true, no56: true };

/** `false` (no mppe line), `true` (the defaults) or `{required, stateless, no40, no56}`. */
export const mppe = byType<MppeSettings | false>('false or {required, stateless, no40, no56}', (v) => {
  if (typeof v === 'boolean') return z.boolean().transform((b): MppeSettings | false => (b ? { ...MPPE_DEFAULTS } : false));
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return mppeObject;
  return undefined;
});

export const extraOption = z.string().superRefine((v, ctx) => {
  const p = extraOptionProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p, input: v });
});

export const jumpHost = z.string().superRefine((v, ctx) => {
  const p = jumpHostProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p, input: v });
});

/** `manager`: netifd (a UCI interface) or pppd (hand-run `pppd call`). */
export const tunnelManager = z.enum(['netifd', 'pppd'], { error: (iss) => `expected netifd or pppd, got ${describeValue(iss.input)}` }) as z.ZodType<TunnelManager>;

/**
 * A tunnel's fields. Defaults: mppe {required, stateless, no40, no56 all true}, refuse_eap
 * false, persist false, demand false, default_route none, routes [], masquerade false, forward
 * {outbound: true, inbound: false}, start_on_boot true, state present, extra_options [].
 */
const TUNNEL_FIELDS = {
  name: tunnelName,
  server: serverAddress.optional(),
  username: nonEmptyText.optional(),
  password: secretRef.optional(),
  mppe: mppe.optional(),
  refuse_eap: bool.default(false),
  lcp_echo_interval: intIn(1, 3600).optional(),
  lcp_echo_failure: intIn(1, 1000).optional(),
  idle: intIn(0, 2_147_483_647).optional(),
  persist: bool.default(false),
  demand: bool.default(false),
  default_route: z.enum(['none', 'replace'], { error: (iss) => `expected none or replace, got ${describeValue(iss.input)}` }).default('none'),
  routes: z.array(cidr).default([]),
  masquerade: bool.default(false),
  forward: z.strictObject({ outbound: bool.default(true), inbound: bool.default(false) }).prefault({}),
  start_on_boot: bool.default(true),
  state: z.enum(['present', 'absent'], { error: (iss) => `expected present or absent, got ${describeValue(iss.input)}` }).default('present'),
  extra_options: z.array(extraOption).default([]),
  wan_gateway: ipv4.optional(),
  manager: tunnelManager.optional(),
};

/**
 * One tunnel, YAML snake_case → TunnelSpec camelCase (fields and defaults above). With
 * `state: absent` only `name` is required (removing a tunnel needs no server or password).
 */
export const tunnelSchema = z
  .strictObject(TUNNEL_FIELDS)
  .superRefine((t, ctx) => {
    if (t.state === 'absent') return;
    for (const key of ['server', 'username', 'password'] as const) {
      if (t[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required for a tunnel (state: present)`, input: undefined });
    }
  })
  .transform((t): ParsedTunnel => {
    const out: ParsedTunnel = {
      name: t.name,
      server: t.server ?? '',
      username: t.username ?? '',
      password: t.password,
      mppe: t.mppe ?? { ...MPPE_DEFAULTS },
      refuseEap: t.refuse_eap,
      persist: t.persist,
      demand: t.demand,
      defaultRoute: t.default_route,
      routes: t.routes,
      masquerade: t.masquerade,
      forward: t.forward,
      startOnBoot: t.start_on_boot,
      state: t.state,
      extraOptions: t.extra_options,
    };
    if (t.lcp_echo_interval !== undefined) out.lcpEchoInterval = t.lcp_echo_interval;
    if (t.lcp_echo_failure !== undefined) out.lcpEchoFailure = t.lcp_echo_failure;
    if (t.idle !== undefined) out.idle = t.idle;
    if (t.wan_gateway !== undefined) out.wanGateway = t.wan_gateway;
    if (t.manager !== undefined) out.manager = t.manager;
    return out;
  });

export const tunnelsSchema = z.array(tunnelSchema, {
  error: (iss) => `expected a list of tunnels, got ${describeValue(iss.input)}`,
});

export const PPP_OPTION_KEYS = ['lcp_echo_failure', 'lcp_echo_interval', 'idle', 'refuse_eap', 'persist', 'mppe'] as const;

/** Host-level `ppp_options` → GlobalPppOptions (only what the inventory sets). */
export const pppOptionsSchema = z
  .strictObject({
    lcp_echo_failure: intIn(1, 1000).optional(),
    lcp_echo_interval: intIn(1, 3600).optional(),
    idle: intIn(0, 2_147_483_647).optional(),
    refuse_eap: bool.optional(),
    persist: bool.optional(),
    mppe: mppeObject.optional(),
  }, { error: (iss) => `expected a mapping of pppd options, got ${describeValue(iss.input)}` })
  .transform((o): GlobalPppOptions => {
    const out: GlobalPppOptions = {};
    if (o.lcp_echo_failure !== undefined) out.lcpEchoFailure = o.lcp_echo_failure;
    if (o.lcp_echo_interval !== undefined) out.lcpEchoInterval = o.lcp_echo_interval;
    if (o.idle !== undefined) out.idle = o.idle;
    if (o.refuse_eap !== undefined) out.refuseEap = o.refuse_eap;
    if (o.persist !== undefined) out.persist = o.persist;
    if (o.mppe !== undefined) out.mppe = o.mppe;
    return out;
  });

/**
 * Schemas of the host variables pptp-fleet reads. Anything else in an inventory is kept in
 * `HostSpec.vars` and ignored.
 */
export const HOST_VAR_SCHEMAS = {
  ansible_host: sshAddress,
  // The pre-2.0 names, still honoured by ansible-core's ssh connection (and winning over
  // ansible_host/_port/_user when both are set).
  ansible_ssh_host: sshAddress,
  host: sshAddress,
  ansible_port: port,
  ansible_ssh_port: port,
  port,
  ansible_user: nonEmptyText,
  ansible_ssh_user: nonEmptyText,
  user: nonEmptyText,
  ansible_ssh_private_key_file: nonEmptyText,
  ansible_private_key_file: nonEmptyText,
  ansible_password: secretRef,
  ansible_ssh_pass: secretRef,
  ansible_ssh_password: secretRef,
  jump_host: jumpHost,
  // ssh command-line options, read by ssh/args.ts (one line of shell words).
  ansible_ssh_common_args: textLine,
  ansible_ssh_extra_args: textLine,
  ssh_legacy_algorithms: bool,
  wan_gateway: ipv4,
  manager: tunnelManager,
  tunnels: tunnelsSchema,
  ppp_options: pppOptionsSchema,
  ansible_group_priority: groupPriority,
} as const;

export type HostVarName = keyof typeof HOST_VAR_SCHEMAS;

/** The keys, of a host or of a tunnel, whose value is a password (a secretRef). */
export const SECRET_KEYS: ReadonlySet<string> = new Set(
  [...Object.entries(HOST_VAR_SCHEMAS), ...Object.entries(TUNNEL_FIELDS)]
    .filter(([, s]: [string, z.ZodType]) => s === secretRef || (s instanceof z.ZodOptional && s.unwrap() === secretRef))
    .map(([key]) => key),
);

/** Known keys of nested mappings, by the path inside one variable, for "did you mean" hints. */
export function nestedKeys(varName: string, path: readonly PropertyKey[]): readonly string[] {
  const last = path[path.length - 1];
  if (varName === 'tunnels') {
    if (path.length === 1) return Object.keys(TUNNEL_FIELDS);
    if (last === 'mppe') return ['required', 'stateless', 'no40', 'no56'];
    if (last === 'forward') return ['outbound', 'inbound'];
    if (last === 'password') return ['env', 'file'];
  }
  if (varName === 'ppp_options') {
    if (path.length === 0) return PPP_OPTION_KEYS;
    if (last === 'mppe') return ['required', 'stateless', 'no40', 'no56'];
  }
  if (varName in HOST_VAR_SCHEMAS && SECRET_KEYS.has(varName)) return ['env', 'file'];
  return [];
}
