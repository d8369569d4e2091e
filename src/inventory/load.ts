// Reads Ansible inventories into validated HostSpecs: structure, variable precedence,
// templates, schemas; secrets on demand. Every problem is collected and reported at once;
// nothing is contacted.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatProblem, InputError, InternalError, type InputProblem } from '../errors.js';
import { Secret } from '../secret.js';
import { dedupeProblems, describeFsError, formatPath, issuesToProblems, joinPath, parseYaml, UnsafeText, VaultValue, type PathSegment } from '../config/input.js';
import { plainNumbers, PyFloat } from '../config/pyyaml-scalars.js';
import { HOST_VAR_SCHEMAS, nestedKeys, SECRET_KEYS, sshAddress, type HostVarName, type ParsedTunnel, type SecretRef } from './schema.js';
import { readSources } from './sources.js';
import { groupDepths, groupsOfHost, isMapping, readTree, type InventoryTree, type VarEntry } from './tree.js';
import { decryptVault, VaultError, type VaultSecret } from './vault.js';
import type { GlobalPppOptions, HostSpec, TunnelSpec } from './types.js';

/** A group and what is under it, as `ansible-inventory --graph` shows it. */
export interface GroupNode {
  name: string;
  /** Hosts listed directly in the group, in definition order (members of child groups are under those). */
  hosts: string[];
  /** Child groups in definition order (`ungrouped` first under `all`). */
  children: GroupNode[];
}

export interface Inventory {
  /** The first inventory source as the user gave it (for messages). */
  file: string;
  /** Every source as given (`-i`, repeatable). */
  sources: string[];
  /** Every host, in inventory order (first appearance in the sources). */
  hosts: HostSpec[];
  /** The group tree rooted at `all` (a group under several parents appears under each). */
  groups: GroupNode;
  /** Every group's name in the order the sources created it (Ansible's inventory.groups, which `--limit` subscripts walk). */
  groupOrder: readonly string[];
  /** Things the caller should show but that do not stop a run (e.g. plain-text passwords). */
  warnings: string[];
  /**
   * The given hosts with their secrets read (env vars, password files, vault values, vars
   * files that are wholly vault-encrypted). Until this is called every password is an empty
   * placeholder: only the hosts a command will contact need their secrets. Throws InputError
   * naming file and dot-path of every secret that cannot be read.
   */
  resolveSecrets(hosts: readonly HostSpec[], opts?: ResolveSecretsOptions): Promise<HostSpec[]>;
}

export interface ResolveSecretsOptions {
  /** Read tunnel passwords too (apply, up); default true. SSH passwords are always read. */
  tunnelPasswords?: boolean;
}

export interface LoadInventoryOptions {
  /** Where `{env: VAR}` secrets are looked up, and `lookup('env', ...)` fields read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Vault passwords (--vault-password-file, --vault-id); none by default. */
  vaultSecrets?: readonly VaultSecret[];
  /** An Ansible playbook directory whose group_vars/ and host_vars/ count too (sources.ts); none by default. */
  playbookDir?: string;
  /**
   * The command contacts hosts without tunnels too (`ping`): their problems stay errors instead
   * of leaving them out.
   */
  contactsHostsWithoutTunnels?: boolean;
}

const DEFAULT_PORT = 22;
const DEFAULT_USER = 'root';
const DEFAULT_GROUP_PRIORITY = 1n;

/** ansible-core's connection plugins that speak SSH; a host with any other is not a router pptp-fleet reaches. */
const SSH_CONNECTIONS = new Set(['ssh', 'paramiko', 'paramiko_ssh', 'smart', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh']);

/** Variable names whose string values are secrets: masked in `HostSpec.vars`. */
const SECRET_VAR = /pass|secret|token|psk/i;

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
/**
 * Ansible's env lookup, `lookup('env', 'NAME')` or `lookup('ansible.builtin.env', 'NAME')` (each
 * string in either quotes, as Jinja pairs them): the one lookup an inventory commonly holds for an
 * address or a password (`ansible_host: "{{ lookup('env', 'ROUTER_IP') }}"`). The name is in
 * one of its two groups, by its quotes.
 */
const ENV_LOOKUP = `lookup\\(\\s*(?:'(?:ansible\\.builtin\\.)?env'|"(?:ansible\\.builtin\\.)?env")\\s*,\\s*(?:'(${NAME})'|"(${NAME})")\\s*\\)`;
/** One term of a plain template: another variable of the same host (group 1), or the env lookup (group 2 or 3). */
const TERM = `\\{\\{\\s*(?:(${NAME})|${ENV_LOOKUP})\\s*\\}\\}`;
/** A value that is one term: `{{ name }}` or `{{ lookup('env', 'NAME') }}`, whitespace allowed. */
const WHOLE_TERM = new RegExp(`^${TERM}$`);
/** Any other Jinja: expressions, filters, lookups, statements, comments. */
const JINJA = /\{\{|\{%|\{#/;
/** Text whose only Jinja is plain terms: "{{ inventory_hostname }}.vpn.example.com". */
const PLAIN_TERMS = new RegExp(`^(?:[^{]|\\{(?![{%#]))*${TERM}(?:[^{]|\\{(?![{%#])|${TERM})*$`);

/**
 * Loads, validates and resolves an inventory from one or more sources (see sources.ts for the
 * formats: YAML, INI, `ansible-inventory --list` JSON, dynamic inventory scripts, directories,
 * and the group_vars/ and host_vars/ next to each source and in `opts.playbookDir`).
 *
 * Variable precedence is what `ansible-inventory --list` shows, weakest first:
 *   `all` in the sources < other groups in the sources < group_vars/all < the playbook
 *   directory's group_vars/all < group_vars/GROUP < the playbook directory's group_vars/GROUP
 *   < the host in the sources < host_vars/HOST < the playbook directory's host_vars/HOST
 * (ansible-core's default VARIABLE_PRECEDENCE: all_inventory, groups_inventory,
 * all_plugins_inventory, groups_plugins_inventory: group_vars/all.yml beats a `[GROUP:vars]`
 * section of the inventory file),
 * where groups are merged in the order (depth, ansible_group_priority, name), later winning:
 *   - a deeper group (more levels below `all`; a group under several parents takes its
 *     deepest position) beats its parents;
 *   - at the same depth the higher `ansible_group_priority` (default 1) wins;
 *   - at the same depth and priority the group whose name sorts last (alphabetically) wins.
 * `ansible_group_priority` counts where an inventory source sets it; in a group_vars/ file it
 * is a plain variable. Merging is per top-level variable (Ansible's `hash_behaviour = replace`):
 * a host's `tunnels` list replaces a group's, it is not appended to it. Of several sources,
 * later ones win; each source's group_vars/ (host_vars/) files are one layer, applied source by
 * source (all of them for `all`, then all of them for the other groups).
 *
 * Templates: in the variables pptp-fleet reads, a value that is exactly `{{ name }}` is the
 * host's variable `name` (recursively; a loop is an error), plain references inside text are
 * replaced by their values as text (`{{ inventory_hostname_short }}.vpn.example.com`; the magic
 * `inventory_hostname` and `inventory_hostname_short` are known); `{{ lookup('env', 'NAME') }}`
 * is read from `opts.env` (unlike Ansible, an unset one is an error, not ''), a password's as
 * `{env: NAME}` on demand; any other `{{ }}`, `{% %}` or `{# #}` is an error naming file and
 * dot-path (never used literally); `!unsafe` text is never templated. Variables pptp-fleet does
 * not read are kept as written.
 *
 * Hosts without tunnels (a shared Ansible inventory's switches and servers) whose variables
 * cannot be read are left out with a warning, unless `opts.contactsHostsWithoutTunnels` (ping)
 * or their vars files could not be decrypted; a host with tunnels with a problem is an error.
 *
 * Connection aliases: `ansible_ssh_host` / `ansible_ssh_port` / `ansible_ssh_user` (pre-2.0
 * names) win over `ansible_host` / `ansible_port` / `ansible_user` (as ansible-core's ssh
 * connection takes them), which win over plain `host` /
 * `port` / `user` whatever level each is set at (Ansible also picks between aliases by name,
 * not by level); likewise `ansible_ssh_password` > `ansible_ssh_pass` > `ansible_password`, and
 * `ansible_ssh_private_key_file` > `ansible_private_key_file`. Defaults: address = the
 * inventory name, port 22, user root.
 *
 * Paths: `{file: PATH}` passwords and `ansible_ssh_private_key_file` are relative to the
 * directory of the file they are written in (`~/` is the home directory). Secrets are read
 * only by `resolveSecrets`, for the hosts a command contacts.
 *
 * Example:
 *   const inv = await loadInventory(['inventory/'], { vaultSecrets });
 *   const [h] = await inv.resolveSecrets(inv.hosts.slice(0, 1));
 *   h.tunnels[0].password.reveal();
 */
export async function loadInventory(sources: string | readonly string[], opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const list = typeof sources === 'string' ? [sources] : [...sources];
  const { tree, problems } = await readSources(list, { vaultSecrets: opts.vaultSecrets, playbookDir: opts.playbookDir });
  return resolveInventory(tree, list, opts, problems);
}

/** loadInventory for YAML text already in memory; `file` names it in messages and anchors relative paths. */
export async function loadInventoryText(text: string, file: string, opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const warnings: string[] = [];
  const anchorHolders = new Set<string>();
  const { tree, problems } = readTree(parseYaml(text, file, { ansibleWarnings: warnings, anchorHolders }), file, undefined, true, anchorHolders);
  tree.warnings.push(...warnings);
  return resolveInventory(tree, [file], opts, problems);
}

/** What a host needs before it can be contacted: its secrets, read on demand. */
type Finish = (secrets: SecretResolver, problems: InputProblem[], warnings: string[], tunnelPasswords: boolean) => Promise<HostSpec | undefined>;

function resolveInventory(tree: InventoryTree, sources: string[], opts: LoadInventoryOptions, problems: InputProblem[]): Inventory {
  const file = sources[0] ?? '<inventory>';
  const warnings: string[] = [...tree.warnings];
  const hosts: HostSpec[] = [];
  const finishers = new Map<HostSpec, Finish>();
  const depths = groupDepths(tree);
  const priorities = groupPriorities(tree, problems);
  const env = opts.env ?? process.env;
  const vaultSecrets = opts.vaultSecrets ?? [];

  for (const host of tree.hosts.values()) {
    const member = groupsOfHost(tree, host.name);
    const order = [...member].filter((g) => g !== 'all').sort((a, b) => compareGroups(a, b, depths, priorities));
    const merged = new Map<string, VarEntry>();
    const put = (vars: Map<string, VarEntry> | undefined): void => {
      for (const [k, v] of vars ?? []) merged.set(k, v);
    };
    // In an inventory source ansible_group_priority is the group's priority, not a variable
    // (Group.set_variable); in a group_vars/ file it is an ordinary variable.
    const putGroup = (vars: Map<string, VarEntry> | undefined): void => {
      for (const [k, v] of vars ?? []) if (k !== 'ansible_group_priority') merged.set(k, v);
    };
    putGroup(tree.groups.get('all')?.vars);
    for (const g of order) putGroup(tree.groups.get(g)?.vars);
    for (const layer of tree.groupFileVars) put(layer.get('all'));
    for (const layer of tree.groupFileVars) for (const g of order) put(layer.get(g));
    put(host.vars);
    for (const layer of tree.hostFileVars) put(layer.get(host.name));
    const locked = [
      ...['all', ...order].flatMap((g) => tree.lockedFiles.groups.get(g) ?? []),
      ...(tree.lockedFiles.hosts.get(host.name) ?? []),
    ];
    for (const l of locked) warnings.push(`${l}: vault-encrypted and not decrypted (no or wrong vault password): its variables are left out`);
    const own: InputProblem[] = [];
    const built = buildHost(host.name, { file: host.file ?? file, path: host.path }, order.length > 0 ? order : ['ungrouped'], merged, locked, { vaultSecrets, env }, own, warnings);
    // A host without tunnels is contacted only by `ping` (a switch or a server in a shared
    // Ansible inventory): what pptp-fleet cannot read in its variables (a vault variable kept
    // elsewhere, a lookup) does not stop the routers' run, as Ansible fails only the hosts it
    // runs on. It is left out, with a warning naming file and field. Not a host whose vars files
    // could not be decrypted: its tunnels may be in them.
    if (own.length > 0 && !hasTunnels(merged) && locked.length === 0 && opts.contactsHostsWithoutTunnels !== true) {
      for (const p of dedupeProblems(own)) warnings.push(`${formatProblem(p)} (host ${host.name} has no tunnels: left out)`);
      continue;
    }
    // (an undefined variable there most likely lives in the file that could not be decrypted)
    const sealedNote = locked.length > 0 ? `; ${locked.join(', ')} could not be decrypted (no or wrong vault password)` : '';
    problems.push(...own.map((p) => ({ ...p, message: p.message + sealedNote })));
    if (built) {
      hosts.push(built.spec);
      finishers.set(built.spec, built.finish);
    }
  }

  const all = dedupeProblems(problems);
  if (all.length > 0) throw new InputError(all);
  const inv: Inventory = {
    file,
    sources,
    hosts,
    groups: groupTree(tree),
    groupOrder: [...tree.groups.keys()],
    warnings: [...new Set(warnings)],
    async resolveSecrets(selected: readonly HostSpec[], ropts: ResolveSecretsOptions = {}): Promise<HostSpec[]> {
      const secrets = new SecretResolver(env, vaultSecrets);
      const found: InputProblem[] = [];
      const notes: string[] = [];
      const out: HostSpec[] = [];
      for (const h of selected) {
        const finish = finishers.get(h);
        if (!finish) throw new InternalError(`host ${h.name} is not from this inventory`);
        const done = await finish(secrets, found, notes, ropts.tunnelPasswords ?? true);
        if (done) out.push(done);
      }
      for (const w of new Set(notes)) if (!inv.warnings.includes(w)) inv.warnings.push(w);
      const problemsFound = dedupeProblems(found);
      if (problemsFound.length > 0) throw new InputError(problemsFound);
      return out;
    },
  };
  return inv;
}

/** Whether a host's merged variables give it tunnels (a template that names them counts). */
function hasTunnels(vars: Map<string, VarEntry>): boolean {
  const t = vars.get('tunnels')?.value;
  return t !== undefined && t !== null && !(Array.isArray(t) && t.length === 0);
}

function compareGroups(a: string, b: string, depths: Map<string, number>, priorities: Map<string, bigint>): number {
  const d = (depths.get(a) ?? 0) - (depths.get(b) ?? 0);
  if (d !== 0) return d;
  const pa = priorities.get(a) ?? DEFAULT_GROUP_PRIORITY;
  const pb = priorities.get(b) ?? DEFAULT_GROUP_PRIORITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `ansible_group_priority` from each group's own vars (it is not inherited). */
function groupPriorities(tree: InventoryTree, problems: InputProblem[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const g of tree.groups.values()) {
    // Only an inventory source sets a group's priority (Group.set_variable); in group_vars/ files
    // it is a plain variable that orders nothing.
    const entry = g.vars.get('ansible_group_priority');
    if (!entry) continue;
    const r = HOST_VAR_SCHEMAS.ansible_group_priority.safeParse(plainNumbers(entry.value), { reportInput: true });
    if (r.success) out.set(g.name, r.data);
    else problems.push(...issuesToProblems(r.error.issues, entry.file, formatPath(entry.origin)));
  }
  return out;
}

/**
 * Resolves `{{ name }}` references in one variable's value (recursively through what they
 * name), and `{{ lookup('env', 'NAME') }}` (a password's as `{env: NAME}`, read on demand like
 * one, also where the password names a variable that holds the lookup; any other field's from
 * `env` now), leaving the value otherwise as is. `secret`: the chain started at a password.
 * Problems name the file and dot-path of the template that is not a plain term, or of the term
 * that cannot be followed.
 */
function resolveTemplates(
  entry: VarEntry,
  vars: Map<string, VarEntry>,
  problems: InputProblem[],
  stack: string[],
  env: NodeJS.ProcessEnv,
  secret = false,
): unknown {
  const problem = (path: PathSegment[], message: string): undefined => {
    problems.push({ file: entry.file, path: formatPath(path), message });
    return undefined;
  };
  const lookupEnv = (name: string, path: PathSegment[]): string | undefined =>
    env[name] ?? problem(path, `"{{ lookup('env', '${name}') }}": environment variable ${name} is not set`);
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (v instanceof VaultValue) {
      v.where ??= { file: entry.file, path: formatPath(path) };
      return v;
    }
    if (v instanceof UnsafeText) return v.text;
    if (typeof v !== 'string') {
      if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
      if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
      return v;
    }
    // a whole-value env lookup there is a secret read on demand ({env: NAME}), not text read at load
    const password = secret || SECRET_KEYS.has(String(path.at(-1)));
    const whole = WHOLE_TERM.exec(v);
    if (whole) {
      const [, name = '', single, double] = whole;
      const envName = single ?? double;
      // A password from the environment is read when a command needs it, as {env: NAME} is.
      if (envName !== undefined) return password ? { env: envName } : lookupEnv(envName, path);
      const target = vars.get(name);
      if (stack.includes(name)) return problem(path, `"{{ ${name} }}" refers back to itself (${[...stack, name].join(' -> ')})`);
      if (target === undefined) return problem(path, `"{{ ${name} }}": variable "${name}" is not defined for this host`);
      return resolveTemplates(target, vars, problems, [...stack, name], env, password);
    }
    // Plain terms inside text ("{{ inventory_hostname }}.vpn.example.com"): each is replaced by
    // its value as text, as Jinja renders it.
    if (PLAIN_TERMS.test(v)) {
      let failed = false;
      const text = v.replace(new RegExp(TERM, 'g'), (_all, name: string | undefined, single: string | undefined, double: string | undefined) => {
        const envName = single ?? double;
        if (envName !== undefined && password) {
          problem(path, `a password from the environment is "{{ lookup('env', '${envName}') }}" alone, or {env: ${envName}}`);
          failed = true;
          return '';
        }
        const value = envName !== undefined ? lookupEnv(envName, path) : walk(`{{ ${name ?? ''} }}`, path);
        if (value === undefined || value instanceof VaultValue || (typeof value === 'object' && value !== null && !(value instanceof PyFloat))) {
          if (value !== undefined) problem(path, `"{{ ${name ?? ''} }}" inside text must be a plain value (text, number, boolean)`);
          failed = true;
          return '';
        }
        // as Jinja writes Python's values: None, True, 12.0 (a PyFloat's text is its repr)
        return value === null ? 'None' : String(pythonText(value));
      });
      return failed ? undefined : text;
    }
    if (JINJA.test(v)) {
      return problem(
        path,
        'Jinja templates are not evaluated: only plain references to variables, "{{ name }}" alone or inside text, and "{{ lookup(\'env\', \'NAME\') }}" are supported here (no filters, other lookups or expressions)',
      );
    }
    return v;
  };
  return walk(entry.value, entry.origin);
}

/**
 * Ansible's connection options of type string that pptp-fleet reads: ansible-core turns a number
 * or a boolean there into its text (config ensure_type 'string': `ansible_ssh_pass=123456` in
 * INI is the int 123456, and the ssh connection logs in with "123456").
 */
const ANSIBLE_TEXT_VARS: ReadonlySet<string> = new Set(['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'ansible_user', 'ansible_ssh_user']);

/** A scalar as Python's str() writes it (1.0 is "1.0", True is "True"); anything else as it is. */
function pythonText(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat) return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return v;
}

/** Validates the merged vars of one host into a HostSpec; problems go to `problems`. */
function buildHost(
  name: string,
  where: { file: string; path: PathSegment[] },
  groups: string[],
  vars: Map<string, VarEntry>,
  lockedFiles: string[],
  { vaultSecrets, env }: { vaultSecrets: readonly VaultSecret[]; env: NodeJS.ProcessEnv },
  problems: InputProblem[],
  warnings: string[],
): { spec: HostSpec; finish: Finish } | undefined {
  const before = problems.length;
  // Ansible's magic variables a template may name (they are not inventory variables).
  const magic: [string, unknown][] = [
    ['inventory_hostname', name],
    ['inventory_hostname_short', name.split('.')[0] ?? name],
  ];
  const scope = new Map(vars);
  for (const [k, value] of magic) if (!scope.has(k)) scope.set(k, { value, origin: [...where.path, k], file: where.file });
  const parsed: Partial<Record<HostVarName, unknown>> = {};
  const used = new Map<string, VarEntry>();
  for (const key of Object.keys(HOST_VAR_SCHEMAS) as HostVarName[]) {
    const entry = vars.get(key);
    if (entry === undefined || key === 'ansible_group_priority') continue;
    const n = problems.length;
    const resolved = resolveTemplates(entry, scope, problems, [key], env);
    if (problems.length > n) continue;
    const value = ANSIBLE_TEXT_VARS.has(key) ? pythonText(resolved) : resolved;
    used.set(key, { ...entry, value });
    // (a float is a number to the schemas: `ansible_port: 22.0` is port 22, as ansible-core's int option reads it)
    const r = HOST_VAR_SCHEMAS[key].safeParse(plainNumbers(value), { reportInput: true });
    if (r.success) parsed[key] = r.data;
    else problems.push(...issuesToProblems(r.error.issues, entry.file, formatPath(entry.origin), (p) => nestedKeys(key, p)));
  }
  const get = <K extends HostVarName>(k: K): (typeof HOST_VAR_SCHEMAS)[K]['_output'] | undefined =>
    parsed[k] as (typeof HOST_VAR_SCHEMAS)[K]['_output'] | undefined;
  const at = (k: string): { file: string; path: string } => {
    const e = vars.get(k);
    return e ? { file: e.file, path: formatPath(e.origin) } : { file: where.file, path: formatPath(where.path) };
  };

  let address = get('ansible_ssh_host') ?? get('ansible_host') ?? get('host');
  if (address === undefined && !vars.has('ansible_ssh_host') && !vars.has('ansible_host') && !vars.has('host')) {
    if (sshAddress.safeParse(name).success) address = name;
    else problems.push({ file: where.file, path: formatPath(where.path), message: `host name "${name}" is not an address to connect to; set ansible_host` });
  }

  // Tunnel names are unique per host; checked on the raw list so the problem shows up
  // together with any other problem in the same tunnels.
  const rawTunnels = used.get('tunnels')?.value;
  if (Array.isArray(rawTunnels)) {
    const seen = new Map<string, number>();
    for (const [i, t] of (rawTunnels as unknown[]).entries()) {
      const n = typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : undefined;
      if (typeof n !== 'string') continue;
      const first = seen.get(n);
      if (first === undefined) seen.set(n, i);
      else problems.push({ file: at('tunnels').file, path: joinPath(at('tunnels').path, [i, 'name']), message: `duplicate tunnel name "${n}" (already used by tunnels[${first}])` });
    }
  }

  if (problems.length > before || address === undefined) return undefined;

  // A host-wide `manager` is every tunnel's that does not set its own.
  const hostManager = get('manager');
  const parsedTunnels = ((get('tunnels') ?? []) as ParsedTunnel[]).map((t) => (t.manager === undefined && hostManager !== undefined ? { ...t, manager: hostManager } : t));
  // ansible-core's ssh connection reads its password from the last of these that is set.
  const sshPassKey = (['ansible_ssh_password', 'ansible_ssh_pass'] as const).find((k) => vars.has(k)) ?? 'ansible_password';
  const sshPassRef = get(sshPassKey) as SecretRef | undefined;
  const placeholder = (): Secret => new Secret('', 'not read yet');
  // A literal that is (or refers, through {{ }}, to) a value from an encrypted vars file is not plain text.
  const sealed = (key: string, raw: unknown): boolean => {
    if (vars.get(key)?.encrypted) return true;
    let v = raw;
    for (let hops = 0; hops < 32 && typeof v === 'string'; hops++) {
      // (a variable's name is group 1; an env lookup names none)
      const name = WHOLE_TERM.exec(v)?.[1];
      const target = name === undefined ? undefined : vars.get(name);
      if (!target) return false;
      if (target.encrypted) return true;
      v = target.value;
    }
    return false;
  };
  const rawTunnel = (i: number): unknown => {
    const list = vars.get('tunnels')?.value;
    const t = Array.isArray(list) ? (list as unknown[])[i] : undefined;
    return isMapping(t) ? t.password : undefined;
  };
  const plain = (ref: SecretRef | undefined, w: { file: string; path: string }, key: string, raw: unknown): void => {
    if (ref?.kind === 'literal' && !sealed(key, raw)) warnings.push(`${w.file}: ${w.path}: password written in plain text in the inventory; prefer {env: VAR}, {file: PATH} or a vault value`);
  };
  for (const [i, t] of parsedTunnels.entries()) plain(t.password, { file: at('tunnels').file, path: joinPath(at('tunnels').path, [i, 'password']) }, 'tunnels', rawTunnel(i));
  plain(sshPassRef, at(sshPassKey), sshPassKey, vars.get(sshPassKey)?.value);

  const spec: HostSpec = {
    name,
    address,
    port: get('ansible_ssh_port') ?? get('ansible_port') ?? get('port') ?? DEFAULT_PORT,
    user: get('ansible_ssh_user') ?? get('ansible_user') ?? get('user') ?? DEFAULT_USER,
    groups,
    tunnels: parsedTunnels.map((t) => ({ ...t, password: placeholder() })),
    pppOptions: (get('ppp_options') ?? {}) as GlobalPppOptions,
    sshLegacyAlgorithms: get('ssh_legacy_algorithms') ?? false,
    vars: maskVars(Object.fromEntries([...vars].map(([k, v]) => [k, v.encrypted ? maskStrings(v.value, k) : v.value]))),
  };
  const wan = get('wan_gateway');
  if (wan !== undefined) spec.wanGateway = wan;
  const connection = vars.get('ansible_connection')?.value;
  if (typeof connection === 'string' && !SSH_CONNECTIONS.has(connection)) {
    spec.nonSshConnection = { value: connection, ...at('ansible_connection') };
  }
  if (hostManager !== undefined) spec.manager = hostManager;
  const keyVar = get('ansible_ssh_private_key_file') !== undefined ? 'ansible_ssh_private_key_file' : 'ansible_private_key_file';
  const key = get(keyVar);
  if (key !== undefined) spec.sshPrivateKeyFile = resolveUserPath(key, dirname(at(keyVar).file));
  const jump = get('jump_host');
  if (jump !== undefined) spec.jumpHost = jump;
  if (sshPassRef) spec.sshPassword = placeholder();

  const finish: Finish = async (secrets, found, warnings, tunnelPasswords) => {
    const n = found.length;
    for (const f of lockedFiles) {
      found.push({
        file: f,
        path: '',
        message: `vault-encrypted vars file for host ${name} cannot be decrypted: ${vaultSecrets.length === 0 ? 'no vault password given (--vault-password-file, --vault-id or ANSIBLE_VAULT_PASSWORD_FILE)' : `wrong vault password (tried ${vaultSecrets.map((s) => s.source).join(', ')})`}`,
      });
    }
    const tunnels: TunnelSpec[] = [];
    const tw = at('tunnels');
    for (const [i, t] of parsedTunnels.entries()) {
      const password = t.password === undefined || !tunnelPasswords
        ? new Secret('', t.password === undefined ? 'not needed: state absent' : 'not needed by this command')
        : await secrets.resolve(t.password, { file: tw.file, path: joinPath(tw.path, [i, 'password']) }, found, warnings, 'pppd');
      if (password) tunnels.push({ ...t, password });
    }
    let sshPassword: Secret | undefined;
    if (sshPassRef) sshPassword = await secrets.resolve(sshPassRef, at(sshPassKey), found, warnings);
    if (found.length > n) return undefined;
    const done: HostSpec = { ...spec, tunnels };
    if (sshPassword) done.sshPassword = sshPassword;
    return done;
  };
  return { spec, finish };
}

/** `~/x` → home/x; relative → against `base`; absolute unchanged. */
export function resolveUserPath(p: string, base: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Reads env vars, password files and vault values once each; problems name the file and dot-path. */
class SecretResolver {
  private readonly files = new Map<string, Promise<{ value: string } | { error: string }>>();
  constructor(private readonly env: NodeJS.ProcessEnv, private readonly vault: readonly VaultSecret[]) {}

  async resolve(
    ref: SecretRef,
    where: { file: string; path: string },
    problems: InputProblem[],
    warnings: string[],
    use: 'pppd' | 'ssh' = 'ssh',
  ): Promise<Secret | undefined> {
    const { file, path } = where;
    const fail = (message: string, at = where): undefined => {
      problems.push({ file: at.file, path: at.path, message });
      return undefined;
    };
    const secretProblem = (value: string): string | undefined => (use === 'pppd' ? pppdSecretProblem : lineProblem)(value);
    switch (ref.kind) {
      case 'literal': {
        const bad = secretProblem(ref.value);
        if (bad) return fail(`the password ${bad}`);
        return new Secret(ref.value, `${file}: ${path}`);
      }
      case 'vault': {
        const at = ref.value.where ?? where;
        let value: string;
        try {
          value = decryptVault(ref.value.ciphertext, this.vault);
        } catch (err) {
          if (err instanceof VaultError) return fail(`cannot decrypt the vault value: ${err.message}`, at);
          throw err;
        }
        const bad = secretProblem(value);
        if (bad) return fail(`the decrypted vault value ${bad}`, at);
        return new Secret(value, `vault:${at.file}: ${at.path}`);
      }
      case 'env': {
        const value = this.env[ref.name];
        if (value === undefined) return fail(`environment variable ${ref.name} is not set`);
        const bad = secretProblem(value);
        if (bad) return fail(`environment variable ${ref.name} ${bad}`);
        return new Secret(value, `env:${ref.name}`);
      }
      case 'file': {
        const abs = resolveUserPath(ref.path, dirname(file));
        let pending = this.files.get(abs);
        if (!pending) {
          pending = readFile(abs, 'utf8').then(
            (text) => ({ value: text.replace(/\r?\n$/, '') }),
            (err: unknown) => ({ error: describeFsError(err) }),
          );
          this.files.set(abs, pending);
        }
        const r = await pending;
        const shown = ref.path === abs ? `"${abs}"` : `"${ref.path}" (${abs})`;
        if ('error' in r) return fail(`cannot read password file ${shown}: ${r.error}`);
        const bad = secretProblem(r.value);
        if (bad) return fail(`password file ${shown} ${bad}`);
        return new Secret(r.value, `file:${abs}`);
      }
    }
  }
}

function lineProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (/[\r\n]/.test(value)) return 'must hold one line (it contains a newline)';
  if (value.includes('\u0000')) return 'must not contain a NUL byte';
  return undefined;
}

/** What pppd cannot take from chap-secrets (see render/chap-secrets.ts): checked before any connection. */
function pppdSecretProblem(value: string): string | undefined {
  const line = lineProblem(value);
  if (line) return line;
  if (value.startsWith('@/')) return 'starts with "@/", which pppd reads as the name of a file holding the secret';
  if (Buffer.byteLength(value) > 255) return 'is longer than 255 bytes, the most pppd reads from chap-secrets';
  return undefined;
}

/** A string value as written: plain, or `!unsafe` text. */
const isText = (v: unknown): v is string | UnsafeText => typeof v === 'string' || v instanceof UnsafeText;

/** A value that can be a secret: text, or a number (`ansible_ssh_pass=123456` is the int 123456). */
const isSecretScalar = (v: unknown): boolean => isText(v) || typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat;

/** A copy of `v` where every string is a Secret (values from vault-encrypted vars files). */
function maskStrings(v: unknown, key: string): unknown {
  if (isText(v)) return new Secret(String(v), key);
  if (Array.isArray(v)) return v.map((x) => maskStrings(x, key));
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskStrings(x, k)]));
  return v;
}

/** A copy of `vars` where text and numbers under secret-looking keys are Secrets (print as ***). */
export function maskVars(vars: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown, key: string): unknown => {
    if (isSecretScalar(v) && SECRET_VAR.test(key)) return new Secret(String(pythonText(v)), key);
    if (Array.isArray(v)) return v.map((x) => walk(x, ''));
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return walk(vars, '') as Record<string, unknown>;
}

function groupTree(tree: InventoryTree): GroupNode {
  const nodes = new Map<string, GroupNode>();
  const build = (name: string): GroupNode => {
    const existing = nodes.get(name);
    if (existing) return existing;
    const g = tree.groups.get(name);
    const node: GroupNode = { name, hosts: [...(g?.hosts ?? [])], children: [] };
    nodes.set(name, node);
    node.children = (g?.children ?? []).map(build);
    return node;
  };
  return build('all');
}
