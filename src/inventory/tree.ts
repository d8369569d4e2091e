// The group/host structure of an Ansible YAML inventory, read the way Ansible's `yaml`
// inventory plugin reads it, keeping for every variable the YAML path where it is written.
import type { InputProblem } from '../errors.js';
import { isIPv6 } from 'node:net';
import { describeValue, didYouMean, formatPath, suggest, type PathSegment } from '../config/input.js';

/** One variable as written: its value and where (YAML path of the key). */
export interface VarEntry {
  value: unknown;
  origin: PathSegment[];
  /** The file it is written in (inventory source or group_vars/host_vars file). */
  file: string;
  /** Read from a wholly vault-encrypted vars file: its strings are never shown. */
  encrypted?: boolean;
}

export interface GroupData {
  name: string;
  /** Parent group names, in the order the links were made. */
  parents: string[];
  /** Child group names, in definition order. */
  children: string[];
  /** Hosts listed directly under this group, in definition order. */
  hosts: string[];
  vars: Map<string, VarEntry>;
  /** YAML path of the first definition. */
  path: PathSegment[];
}

export interface HostData {
  name: string;
  vars: Map<string, VarEntry>;
  /** YAML path of the first definition (for problems about the host itself). */
  path: PathSegment[];
  /** The source file of the first definition. */
  file?: string;
}

export interface InventoryTree {
  /** By name, in first-definition order; always has `all` and `ungrouped`. */
  groups: Map<string, GroupData>;
  /** By name, in first-definition order (the inventory order). */
  hosts: Map<string, HostData>;
  /**
   * Variables from group_vars/NAME next to each source, one layer per source in source order
   * (Ansible's host_group_vars plugin runs once per source, a later source's files winning).
   */
  groupFileVars: Map<string, Map<string, VarEntry>>[];
  /** Variables from host_vars/NAME next to each source, one layer per source (the strongest level). */
  hostFileVars: Map<string, Map<string, VarEntry>>[];
  /** Vault-encrypted vars files that could not be decrypted, by group or host they apply to. */
  lockedFiles: { groups: Map<string, string[]>; hosts: Map<string, string[]> };
  /** What the sources hold that Ansible takes with a warning (a key written twice). */
  warnings: string[];
}

/** An empty tree with `all` and `ungrouped`, to read sources into. */
export function emptyTree(): InventoryTree {
  const tree: InventoryTree = {
    groups: new Map(),
    hosts: new Map(),
    groupFileVars: [],
    hostFileVars: [],
    lockedFiles: { groups: new Map(), hosts: new Map() },
    warnings: [],
  };
  addGroup(tree, 'all', ['all']);
  addGroup(tree, 'ungrouped', ['all']);
  linkChild(tree, 'all', 'ungrouped');
  return tree;
}

/** The group NAME, created (with no parent yet) if new. */
export function addGroup(tree: InventoryTree, name: string, path: PathSegment[]): GroupData {
  let g = tree.groups.get(name);
  if (!g) {
    g = { name, parents: [], children: [], hosts: [], vars: new Map(), path };
    tree.groups.set(name, g);
  }
  return g;
}

/**
 * Puts host NAME in group G (creating the host if new) and returns it. A `host:PORT` port is applied only when
 * the host is created, as Ansible's `InventoryData.add_host` does (`Host(name, port)`): a later
 * line naming the same host with another port does not change it; an `ansible_port` variable does.
 */
export function addHost(tree: InventoryTree, g: GroupData, name: string, path: PathSegment[], file?: string, port?: number): HostData {
  let h = tree.hosts.get(name);
  if (!h) {
    h = file === undefined ? { name, vars: new Map(), path } : { name, vars: new Map(), path, file };
    tree.hosts.set(name, h);
    if (port !== undefined && file !== undefined) h.vars.set('ansible_port', { value: port, origin: [...path, 'ansible_port'], file });
  }
  if (!g.hosts.includes(name)) g.hosts.push(name);
  return h;
}

/**
 * After every source is read: groups no one lists as a child hang under `all`, and hosts in
 * no group but `all` go to `ungrouped` (as ansible-inventory shows them).
 */
export function finishTree(tree: InventoryTree): void {
  for (const g of tree.groups.values()) {
    if (g.name !== 'all' && g.parents.length === 0) linkChild(tree, 'all', g.name);
  }
  const grouped = new Set<string>();
  for (const g of tree.groups.values()) if (g.name !== 'all' && g.name !== 'ungrouped') for (const h of g.hosts) grouped.add(h);
  const ungrouped = tree.groups.get('ungrouped');
  if (ungrouped) ungrouped.hosts = ungrouped.hosts.filter((h) => !grouped.has(h));
  for (const h of tree.hosts.keys()) if (!grouped.has(h) && !ungrouped?.hosts.includes(h)) ungrouped?.hosts.push(h);
}

export const GROUP_KEYS = ['hosts', 'children', 'vars'] as const;

/** Group names: what Ansible accepts without "invalid characters" warnings, plus `-` and `.`. */
export const GROUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const HOST_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_.@+-]*$/u;

/**
 * An inventory host's name: a host name, IPv4 address or FQDN, in letters of any script (Ansible
 * takes `příbor`), or an IPv6 address (`fd00::4`, `fe80::7%eth0`; with a port `[fd00::4]:2201`,
 * as Ansible's parse_address reads them; --limit takes the address alone as one term). Other
 * characters that mean something in --limit patterns (`, : ! & * ? [ ] ~`) and whitespace are
 * refused, or the host could never be selected.
 */
export function isHostName(name: unknown): name is string {
  return typeof name === 'string' && (HOST_NAME.test(name) || isIPv6(name));
}

/** The error for a name isHostName refuses. */
export function hostNameProblem(name: unknown): string {
  return `invalid host name ${describeValue(name)}: use letters, digits and "_", ".", "-", "@", "+", or an IPv6 address`;
}

const MAX_EXPANDED_HOSTS = 10_000;

/**
 * Reads the parsed YAML document into groups and hosts.
 *
 * - Top level: group names; `all` is the root, any other top-level group becomes a child of
 *   `all` unless it is also listed under some `children:` (as Ansible reconciles it).
 * - A group: `hosts:` (mapping host → vars or nothing), `children:` (mapping group → group),
 *   `vars:`. Any other key is an error (a typo like `chidlren` must not drop hosts), except in
 *   a top-level key that only holds YAML anchors (`anchorHolders`, from parseYaml).
 * - A group or host written in several places is one group or host; its vars are merged,
 *   later definitions (in file order) overriding earlier ones.
 * - Host names may use Ansible ranges: `r[01:20]`, `r[a:f]`, `r[0:20:5]`.
 * - Hosts in no group but `all` are put in `ungrouped`.
 */
export function readTree(doc: unknown, file: string, tree: InventoryTree = emptyTree(), finish = true, anchorHolders: ReadonlySet<string> = new Set()): { tree: InventoryTree; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const problem = (path: PathSegment[], message: string): void => {
    problems.push({ file, path: formatPath(path), message });
  };
  const group = (name: string, path: PathSegment[]): GroupData => addGroup(tree, name, path);

  if (doc === null || doc === undefined) {
    problem([], 'the inventory is empty; expected `all:` with hosts, children and vars');
    return { tree, problems };
  }
  if (!isMapping(doc)) {
    problem([], `expected a mapping of groups (all: ...), got ${describeValue(doc)}`);
    return { tree, problems };
  }

  const readGroup = (name: string, body: unknown, path: PathSegment[], parent: string | undefined): void => {
    if (!GROUP_NAME.test(name)) {
      problem(path, `invalid group name ${describeValue(name)}: use letters, digits, "_", "-" and "."`);
      return;
    }
    if (parent !== undefined) {
      if (name === 'all') {
        problem(path, 'group "all" is the root of the inventory and cannot be a child group');
        return;
      }
      if (name === parent || isDescendant(tree, name, parent)) {
        problem(path, `group "${name}" cannot be a child of "${parent}": that makes a loop`);
        return;
      }
    }
    const g = group(name, path);
    if (parent !== undefined) linkChild(tree, parent, name);
    if (body === null || body === undefined) return;
    if (!isMapping(body)) {
      problem(path, `expected a group (a mapping with hosts, children or vars), got ${describeValue(body)}`);
      return;
    }
    for (const [key, written] of Object.entries(body)) {
      const here = [...path, key];
      // A section written as one name is that name with nothing under it, as Ansible's YAML
      // plugin takes it ("hosts: gw.example.com", "children: branches"; "vars: x" sets x to null).
      const value = (GROUP_KEYS as readonly string[]).includes(key) && typeof written === 'string' ? { [written]: null } : written;
      if (key === 'vars') {
        if (value === null || value === undefined) continue;
        if (!isMapping(value)) {
          problem(here, `expected a mapping of variables, got ${describeValue(value)}`);
          continue;
        }
        for (const [k, v] of Object.entries(value)) g.vars.set(k, { value: v, origin: [...here, k], file });
      } else if (key === 'children') {
        if (value === null || value === undefined) continue;
        if (!isMapping(value)) {
          problem(here, `expected a mapping of child groups (name: {hosts, children, vars}), got ${describeValue(value)}`);
          continue;
        }
        for (const [child, childBody] of Object.entries(value)) readGroup(child, childBody, [...here, child], name);
      } else if (key === 'hosts') {
        if (value === null || value === undefined) continue;
        if (!isMapping(value)) {
          problem(here, `expected a mapping of hosts (name: {vars}), got ${describeValue(value)}`);
          continue;
        }
        for (const [pattern, hostBody] of Object.entries(value)) readHosts(g, pattern, hostBody, [...here, pattern]);
      } else {
        problem(here, `unknown group key "${key}"${didYouMean(key, GROUP_KEYS)}: a group has only hosts, children and vars`);
      }
    }
  };

  const readHosts = (g: GroupData, key: string, body: unknown, path: PathSegment[]): void => {
    const { pattern, port } = splitPort(key);
    const expanded = expandHostRange(pattern);
    if (typeof expanded === 'string') {
      problem(path, expanded);
      return;
    }
    if (body !== null && body !== undefined && !isMapping(body)) {
      problem(path, `expected the host's variables (a mapping) or nothing, got ${describeValue(body)}`);
      return;
    }
    for (const name of expanded) {
      if (!isHostName(name)) {
        problem(path, hostNameProblem(name));
        continue;
      }
      const h = addHost(tree, g, name, path, file, port);
      if (body) for (const [k, v] of Object.entries(body)) h.vars.set(k, { value: v, origin: [...path, k], file });
    }
  };

  for (const [name, body] of Object.entries(doc)) {
    // A top-level key kept for YAML anchors (`x-defaults: &d {ansible_user: admin}`, aliased
    // below as `<<: *d`) is no typo: Ansible makes it an empty group (warning about its keys),
    // or skips it when it is no mapping; so do we, silently. One holding hosts, children or vars,
    // or a key that looks like a typo of them (`hsots:` holding the anchor), is a group like any
    // other: its typo is an error, not hosts silently dropped.
    // (suggest: the key itself, or the one it is a typo of)
    const groupLike = isMapping(body) && Object.keys(body).some((k) => suggest(k, GROUP_KEYS) !== undefined);
    if (anchorHolders.has(name) && !groupLike) {
      if (isMapping(body) && GROUP_NAME.test(name)) addGroup(tree, name, [name]);
      continue;
    }
    readGroup(name, body, [name], undefined);
  }
  if (finish) finishTree(tree);
  return { tree, problems };
}

export function linkChild(tree: InventoryTree, parent: string, child: string): void {
  const p = tree.groups.get(parent);
  const c = tree.groups.get(child);
  if (!p || !c) return;
  if (!p.children.includes(child)) p.children.push(child);
  if (!c.parents.includes(parent)) c.parents.push(parent);
}

/** Whether `maybe` is below `group` (reachable through children). */
export function isDescendant(tree: InventoryTree, group: string, maybe: string): boolean {
  const seen = new Set<string>();
  const stack = [group];
  while (stack.length > 0) {
    const g = tree.groups.get(stack.pop() ?? '');
    if (!g || seen.has(g.name)) continue;
    seen.add(g.name);
    for (const c of g.children) {
      if (c === maybe) return true;
      stack.push(c);
    }
  }
  return false;
}

/**
 * Depth of each group as Ansible computes it: `all` is 0, a group is one deeper than its
 * deepest parent. Depth orders variable merging (deeper wins).
 */
export function groupDepths(tree: InventoryTree): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (name: string, d: number): void => {
    if ((depth.get(name) ?? -1) >= d) return;
    depth.set(name, d);
    for (const c of tree.groups.get(name)?.children ?? []) visit(c, d + 1);
  };
  visit('all', 0);
  return depth;
}

/** Every group a host is in, directly or through a child group (`all` included). */
export function groupsOfHost(tree: InventoryTree, host: string): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const g of tree.groups.values()) if (g.hosts.includes(host)) stack.push(g.name);
  while (stack.length > 0) {
    const name = stack.pop() ?? '';
    if (out.has(name)) continue;
    out.add(name);
    for (const p of tree.groups.get(name)?.parents ?? []) stack.push(p);
  }
  out.add('all');
  return out;
}

/**
 * Expands Ansible host ranges: `web[01:03]` → web01, web02, web03 (width kept),
 * `db-[a:c]` → db-a, db-b, db-c, `r[0:10:5]` → r0, r5, r10. Several ranges multiply.
 * `r[3:1]` names none (Python's range(3, 2) is empty; letters backwards are Ansible's error).
 * Returns the names, or a message saying what is wrong.
 */
export function expandHostRange(pattern: string): string[] | string {
  const m = /^(.*?)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, head = '', range = '', tail = ''] = m;
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) return `invalid host range [${range}] in ${describeValue(pattern)}: expected [start:end] or [start:end:step]`;
  const [beg = '', end = '', stepText] = parts;
  const step = stepText === undefined || stepText === '' ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) return `invalid step in host range [${range}]`;
  let items: string[] = [];
  if (/^[0-9]*$/.test(beg) && /^[0-9]+$/.test(end)) {
    const b = beg === '' ? 0 : Number(beg);
    const e = Number(end);
    if ((e - b) / step >= MAX_EXPANDED_HOSTS) return `host range [${range}] is too large (at most ${MAX_EXPANDED_HOSTS} hosts)`;
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    // Ansible refuses [01:3] ("host range must specify equal-length begin and end formats"):
    // db01..db3 or db01..db03 would be a guess
    if (width > 0 && end.length !== width) return `host range [${range}] in ${describeValue(pattern)}: a start written with leading zeros needs an end of the same width ([${beg.padStart(Math.max(width, end.length), '0')}:${end.padStart(Math.max(width, end.length), '0')}]), as Ansible requires`;
    // A start past the end names no host, as Python's range(3, 2) is empty: Ansible defines the
    // group (and any other host on the line's group) and adds nobody for r[3:1]
    for (let i = b; i <= e; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[a-z]$/.test(beg) && /^[a-z]$/.test(end) || /^[A-Z]$/.test(beg) && /^[A-Z]$/.test(end)) {
    const b = beg.charCodeAt(0);
    const e = end.charCodeAt(0);
    if (b > e) return `host range [${range}] runs backwards`;
    for (let i = b; i <= e; i += step) items.push(String.fromCharCode(i));
  } else {
    return `invalid host range [${range}] in ${describeValue(pattern)}: expected numbers or single letters`;
  }
  const rest = expandHostRange(tail);
  if (typeof rest === 'string') return rest;
  if (items.length * rest.length > MAX_EXPANDED_HOSTS) return `host range in ${describeValue(pattern)} is too large (at most ${MAX_EXPANDED_HOSTS} hosts)`;
  items = items.flatMap((i) => rest.map((r) => `${head}${i}${r}`));
  return items;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * `host:2222` → port 2222; `[::1]:22` → ::1 and 22 (`[fd00::[1:2]]:22`: a range of them);
 * `r[01:20]:2222` → the range and 2222 (the
 * port is split off before ranges are expanded, as Ansible's `parse_address(allow_ranges=True)`
 * does); anything else (an IPv6 address without brackets, a range alone) has no port.
 */
export function splitPort(token: string): { pattern: string; port?: number } {
  // (Ansible's bracketed_hostport: an IPv6 address, maybe with ranges, `[fd00::[1:2]]:2200`)
  const v6 = /^\[((?:[0-9A-Fa-f:.]|\[[0-9A-Fa-f]+:[0-9A-Fa-f]+(?::[0-9]+)?\])+(?:%[^\]]+)?)\]:([0-9]+)$/.exec(token);
  if (v6) return { pattern: v6[1] ?? '', port: Number(v6[2]) };
  const m = /^((?:[^:[\]]|\[[^\]]*\])+):([0-9]+)$/.exec(token);
  if (m) return { pattern: m[1] ?? '', port: Number(m[2]) };
  return { pattern: token };
}
