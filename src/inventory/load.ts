// Reads an Ansible-layout YAML inventory into validated HostSpecs (issue 3): structure,
// variable precedence, schemas, secrets. Every problem is collected and reported at once;
// nothing is contacted.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError, type InputProblem } from '../errors.js';
import { Secret } from '../secret.js';
import { dedupeProblems, describeFsError, formatPath, issuesToProblems, joinPath, parseYaml, readYamlFile, type PathSegment } from '../config/input.js';
import { HOST_VAR_SCHEMAS, nestedKeys, sshAddress, type HostVarName, type ParsedTunnel, type SecretRef } from './schema.js';
import { groupDepths, groupsOfHost, readTree, type InventoryTree, type VarEntry } from './tree.js';
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
  /** The inventory path as the user gave it. */
  file: string;
  /** Every host, in inventory order (first appearance in the file). */
  hosts: HostSpec[];
  /** The group tree rooted at `all` (a group under several parents appears under each). */
  groups: GroupNode;
  /** Things the caller should show but that do not stop a run (e.g. plain-text passwords). */
  warnings: string[];
}

export interface LoadInventoryOptions {
  /** Where `{env: VAR}` secrets are looked up; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_PORT = 22;
const DEFAULT_USER = 'root';
const DEFAULT_GROUP_PRIORITY = 1;

/** Variable names whose string values are secrets: masked in `HostSpec.vars`. */
const SECRET_VAR = /pass|secret|token|psk/i;

/**
 * Loads, validates and resolves an inventory.
 *
 * Variable precedence is what `ansible-inventory --list` shows:
 *   host vars > group vars > `all` vars, where groups are merged in the order
 *   (depth, ansible_group_priority, name) and later wins:
 *   - a deeper group (more levels below `all`; a group under several parents takes its
 *     deepest position) beats its parents;
 *   - at the same depth the higher `ansible_group_priority` (default 1) wins;
 *   - at the same depth and priority the group whose name sorts last (alphabetically) wins.
 * Merging is per top-level variable (Ansible's `hash_behaviour = replace`): a host's
 * `tunnels` list replaces a group's, it is not appended to it.
 *
 * Connection aliases: `ansible_host` / `ansible_port` / `ansible_user` win over plain `host` /
 * `port` / `user` whatever level each is set at (Ansible also picks between aliases by name,
 * not by level); `ansible_password` wins over `ansible_ssh_pass`. Defaults: address = the
 * inventory name, port 22, user root.
 *
 * Paths: `{file: PATH}` passwords and `ansible_ssh_private_key_file` are relative to the
 * inventory file's directory (`~/` is the home directory). Secrets are read here, so a missing
 * env var or file is an input error before anything is contacted.
 *
 * Example:
 *   const inv = await loadInventory('inventory/branch-offices.yaml');
 *   inv.hosts[0].tunnels[0].password.reveal();
 */
export async function loadInventory(file: string, opts: LoadInventoryOptions = {}): Promise<Inventory> {
  return resolveInventory(await readYamlFile(file, file), file, opts);
}

/** loadInventory for text already in memory; `file` names it in messages and anchors relative paths. */
export async function loadInventoryText(text: string, file: string, opts: LoadInventoryOptions = {}): Promise<Inventory> {
  return resolveInventory(parseYaml(text, file), file, opts);
}

async function resolveInventory(doc: unknown, file: string, opts: LoadInventoryOptions): Promise<Inventory> {
  const { tree, problems } = readTree(doc, file);
  const warnings: string[] = [];
  const secrets = new SecretResolver(file, opts.env ?? process.env);
  const hosts: HostSpec[] = [];
  const depths = groupDepths(tree);
  const priorities = groupPriorities(tree, file, problems);

  for (const host of tree.hosts.values()) {
    const member = groupsOfHost(tree, host.name);
    const order = [...member].sort((a, b) => compareGroups(a, b, depths, priorities));
    const merged = new Map<string, VarEntry>();
    for (const g of order) for (const [k, v] of tree.groups.get(g)?.vars ?? []) merged.set(k, v);
    for (const [k, v] of host.vars) merged.set(k, v);
    const groups = order.filter((g) => g !== 'all');
    const spec = await buildHost(host.name, host.path, groups.length > 0 ? groups : ['ungrouped'], merged, file, secrets, problems, warnings);
    if (spec) hosts.push(spec);
  }

  const all = dedupeProblems(problems);
  if (all.length > 0) throw new InputError(all);
  return { file, hosts, groups: groupTree(tree), warnings: [...new Set(warnings)] };
}

function compareGroups(a: string, b: string, depths: Map<string, number>, priorities: Map<string, number>): number {
  const d = (depths.get(a) ?? 0) - (depths.get(b) ?? 0);
  if (d !== 0) return d;
  const p = (priorities.get(a) ?? DEFAULT_GROUP_PRIORITY) - (priorities.get(b) ?? DEFAULT_GROUP_PRIORITY);
  if (p !== 0) return p;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `ansible_group_priority` from each group's own vars (it is not inherited). */
function groupPriorities(tree: InventoryTree, file: string, problems: InputProblem[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of tree.groups.values()) {
    const entry = g.vars.get('ansible_group_priority');
    if (!entry) continue;
    const r = HOST_VAR_SCHEMAS.ansible_group_priority.safeParse(entry.value, { reportInput: true });
    if (r.success) out.set(g.name, r.data);
    else problems.push(...issuesToProblems(r.error.issues, file, formatPath(entry.origin)));
  }
  return out;
}

/** Validates the merged vars of one host into a HostSpec; problems go to `problems`. */
async function buildHost(
  name: string,
  hostPath: PathSegment[],
  groups: string[],
  vars: Map<string, VarEntry>,
  file: string,
  secrets: SecretResolver,
  problems: InputProblem[],
  warnings: string[],
): Promise<HostSpec | undefined> {
  const before = problems.length;
  const parsed: Partial<Record<HostVarName, unknown>> = {};
  for (const key of Object.keys(HOST_VAR_SCHEMAS) as HostVarName[]) {
    const entry = vars.get(key);
    if (entry === undefined) continue;
    const r = HOST_VAR_SCHEMAS[key].safeParse(entry.value, { reportInput: true });
    if (r.success) parsed[key] = r.data;
    else problems.push(...issuesToProblems(r.error.issues, file, formatPath(entry.origin), (p) => nestedKeys(key, p)));
  }
  const get = <K extends HostVarName>(k: K): (typeof HOST_VAR_SCHEMAS)[K]['_output'] | undefined =>
    parsed[k] as (typeof HOST_VAR_SCHEMAS)[K]['_output'] | undefined;
  const origin = (k: string): string => formatPath(vars.get(k)?.origin ?? hostPath);

  let address = get('ansible_host') ?? get('host');
  if (address === undefined && !vars.has('ansible_host') && !vars.has('host')) {
    if (sshAddress.safeParse(name).success) address = name;
    else problems.push({ file, path: formatPath(hostPath), message: `host name "${name}" is not an address to connect to; set ansible_host` });
  }

  // Tunnel names are unique per host; checked on the raw list so the problem shows up
  // together with any other problem in the same tunnels.
  const rawTunnels = vars.get('tunnels')?.value;
  if (Array.isArray(rawTunnels)) {
    const seen = new Map<string, number>();
    for (const [i, t] of (rawTunnels as unknown[]).entries()) {
      const n = typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : undefined;
      if (typeof n !== 'string') continue;
      const first = seen.get(n);
      if (first === undefined) seen.set(n, i);
      else problems.push({ file, path: joinPath(origin('tunnels'), [i, 'name']), message: `duplicate tunnel name "${n}" (already used by tunnels[${first}])` });
    }
  }

  const tunnels: TunnelSpec[] = [];
  for (const [i, t] of ((get('tunnels') ?? []) as ParsedTunnel[]).entries()) {
    const password = t.password === undefined
      ? new Secret('', 'not needed: state absent')
      : await secrets.resolve(t.password, joinPath(origin('tunnels'), [i, 'password']), problems, warnings, 'pppd');
    if (password) tunnels.push({ ...t, password });
  }

  let sshPassword: Secret | undefined;
  const sshPassKey = vars.has('ansible_password') ? 'ansible_password' : 'ansible_ssh_pass';
  const sshPassRef = get(sshPassKey) as SecretRef | undefined;
  if (sshPassRef) sshPassword = await secrets.resolve(sshPassRef, origin(sshPassKey), problems, warnings);

  if (problems.length > before || address === undefined) return undefined;

  const spec: HostSpec = {
    name,
    address,
    port: get('ansible_port') ?? get('port') ?? DEFAULT_PORT,
    user: get('ansible_user') ?? get('user') ?? DEFAULT_USER,
    groups,
    tunnels,
    pppOptions: (get('ppp_options') ?? {}) as GlobalPppOptions,
    sshLegacyAlgorithms: get('ssh_legacy_algorithms') ?? false,
    vars: maskVars(Object.fromEntries([...vars].map(([k, v]) => [k, v.value]))),
  };
  const wan = get('wan_gateway');
  if (wan !== undefined) spec.wanGateway = wan;
  const key = get('ansible_ssh_private_key_file');
  if (key !== undefined) spec.sshPrivateKeyFile = resolveUserPath(key, dirname(file));
  const jump = get('jump_host');
  if (jump !== undefined) spec.jumpHost = jump;
  if (sshPassword) spec.sshPassword = sshPassword;
  return spec;
}

/** `~/x` → home/x; relative → against `base`; absolute unchanged. */
export function resolveUserPath(p: string, base: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Reads env vars and password files once each; problems name the YAML path and the file. */
class SecretResolver {
  private readonly files = new Map<string, Promise<{ value: string } | { error: string }>>();
  constructor(private readonly file: string, private readonly env: NodeJS.ProcessEnv) {}

  async resolve(
    ref: SecretRef,
    path: string,
    problems: InputProblem[],
    warnings: string[],
    use: 'pppd' | 'ssh' = 'ssh',
  ): Promise<Secret | undefined> {
    const fail = (message: string): undefined => {
      problems.push({ file: this.file, path, message });
      return undefined;
    };
    const secretProblem = (value: string): string | undefined => (use === 'pppd' ? pppdSecretProblem : lineProblem)(value);
    switch (ref.kind) {
      case 'literal': {
        warnings.push(`${this.file}: ${path}: password written in plain text in the inventory; prefer {env: VAR} or {file: PATH}`);
        const bad = secretProblem(ref.value);
        if (bad) return fail(`the password ${bad}`);
        return new Secret(ref.value, `${this.file}: ${path}`);
      }
      case 'env': {
        const value = this.env[ref.name];
        if (value === undefined) return fail(`environment variable ${ref.name} is not set`);
        const bad = secretProblem(value);
        if (bad) return fail(`environment variable ${ref.name} ${bad}`);
        return new Secret(value, `env:${ref.name}`);
      }
      case 'file': {
        const abs = resolveUserPath(ref.path, dirname(this.file));
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

/** A copy of `vars` where string values under secret-looking keys are Secrets (print as ***). */
export function maskVars(vars: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string' && SECRET_VAR.test(key)) return new Secret(v, key);
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
