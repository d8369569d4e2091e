// Ansible host patterns for --limit: which hosts a run touches.
import { InputError, type InputProblem } from '../errors.js';
import type { GroupNode, Inventory } from './load.js';
import type { HostSpec } from './types.js';
import { splitPort } from './tree.js';

const LIMIT = '--limit';

/**
 * Selects hosts with Ansible's pattern language, as `--limit` does (what `ansible all --limit
 * PATTERN --list-hosts` selects):
 *
 * - `r001` a host, `branches` a group (its hosts and its child groups' hosts), `all` or `*`;
 * - globs `web*`, `r0[0-4]?`, `r0[!5]*` (fnmatch: `*`, `?`, `[seq]`, `[!seq]`; case-sensitive;
 *   a glob is matched against group names and host names);
 * - `~r0(1|2)` a regular expression, anchored at the start like Python's `re.match`;
 * - `a:b` or `a,b` union, `a:&b` intersection, `a:!b` exclusion; a pattern with only `&`/`!`
 *   terms starts from `all`;
 * - subscripts `group[0]`, `group[-1]`, `group[0:2]` (inclusive end, `[2:]` to the end; as in
 *   Ansible 2.14, `[0-2]` is `[0:2]`, with a warning, and `[1:0]` is `[1]`), so a term ending in
 *   `[digits]` is never a glob: `r0[2-4]` is hosts 2 to 4 of a group `r0`, `r0[2-4]*` the glob.
 *
 * Terms apply as in Ansible: union terms in the order written, then every `&` term, then every
 * `!` term. The hosts come in the order of Ansible's `all` (inventoryOrder), as `--limit`
 * restricts `all` (a play's own `hosts: r10,r01` would run r10 first; `--limit r10,r01` runs
 * r01 first), so `--serial` batches follow the inventory whatever order the pattern names.
 *
 * Differences from Ansible, on purpose: a term matching no host or group name (a comma part is
 * one term, `:` inside it included, as in Ansible: `a,b:!c` names a host `b:!c`) is an error,
 * not a warning (a typo in `!canary` must not roll out to the canaries), and
 * so is a pattern selecting nothing. Errors: InputError `--limit: no hosts matched "X"`; what Ansible only
 * warns about (`[x-y]`) is added to `inv.warnings`.
 *
 * `undefined` selects every host.
 */
export function selectHosts(inv: Inventory, pattern: string | undefined): HostSpec[] {
  if (pattern === undefined) return inventoryOrder(inv);
  const terms = splitPattern(pattern);
  if (terms.length === 0) throw new InputError([{ file: LIMIT, path: '', message: `no hosts matched "${pattern}" (empty pattern)` }]);

  const ctx = new Context(inv);
  const problems: InputProblem[] = [];
  const regular = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const ordered = [...(regular.length > 0 ? regular : ['all']), ...terms.filter((t) => t.startsWith('&')), ...terms.filter((t) => t.startsWith('!'))];

  let selected: HostSpec[] = [];
  // what the union and & terms chose, before any ! term removed hosts
  let chosenBeforeNot: number | undefined;
  for (const term of ordered) {
    const op = term.startsWith('&') ? '&' : term.startsWith('!') ? '!' : '';
    if (op === '!') chosenBeforeNot ??= selected.length;
    const body = op === '' ? term : term.slice(1);
    const exact = op === '' ? ctx.hostByName.get(body) : undefined;
    let matched: HostSpec[];
    if (exact) {
      matched = [exact];
    } else {
      const r = ctx.matchOne(body, op === '!', inv.warnings);
      if (typeof r === 'string') {
        problems.push({ file: LIMIT, path: '', message: r });
        continue;
      }
      matched = r;
    }
    const set = new Set(matched);
    if (op === '&') selected = selected.filter((h) => set.has(h));
    else if (op === '!') selected = selected.filter((h) => !set.has(h));
    else {
      const have = new Set(selected);
      selected.push(...matched.filter((h) => !have.has(h)));
    }
  }
  if (problems.length > 0) {
    // `routers:!fd00::5` is split on every colon, the address too (Ansible ignores the pieces)
    if (terms.length > 1 && !pattern.includes(',') && pattern.includes('::')) {
      problems.push({ file: LIMIT, path: '', message: `"${pattern}" is split on every ":", an IPv6 address's too: separate its terms with ","` });
    }
    throw new InputError(problems);
  }
  if (selected.length === 0) {
    const onlyLeftOut = ctx.leftOut.size > 0 && (chosenBeforeNot ?? 0) === 0;
    const leftOut = onlyLeftOut ? ` (it matched only hosts left out of the inventory, see the warnings: ${[...ctx.leftOut].join(', ')})` : '';
    throw new InputError([{ file: LIMIT, path: '', message: `no hosts matched "${pattern}"${leftOut}` }]);
  }
  const chosen = new Set(selected);
  return inventoryOrder(inv).filter((h) => chosen.has(h));
}

/**
 * The hosts in the order Ansible's `all` lists them (inventory/group.py _get_hosts, which walks
 * get_descendants(include_self=True, preserve_ordering=True)): group by group, the hosts written
 * under `all` itself first, then `all`'s children in the order they were defined (ungrouped
 * first), then their children level by level, each group's hosts in its order, a host where it
 * first appears. (Below the first level Ansible walks a set; definition order stands in for it.)
 */
export function inventoryOrder(inv: Inventory): HostSpec[] {
  const byName = new Map(inv.hosts.map((h) => [h.name, h]));
  const out = groupHostNames(inv.groups).flatMap((name) => byName.get(name) ?? []);
  const seen = new Set(out);
  // (a host no group of the tree lists, which buildHost puts in ungrouped, comes last rather than never)
  return [...out, ...inv.hosts.filter((h) => !seen.has(h))];
}

/**
 * A group's hosts as Ansible's Group.get_hosts lists them (inventory/group.py _get_hosts over
 * get_descendants(include_self=True, preserve_ordering=True)): its own hosts, then its
 * children's level by level, each name once. Names, left-out hosts' too (load.ts).
 */
function groupHostNames(root: GroupNode): string[] {
  const seen = new Set<string>();
  const visited = new Set<string>();
  for (let level = [root]; level.length > 0; ) {
    const next: GroupNode[] = [];
    for (const g of level) {
      if (visited.has(g.name)) continue;
      visited.add(g.name);
      for (const name of g.hosts) seen.add(name);
      next.push(...g.children);
    }
    level = next;
  }
  return [...seen];
}

/**
 * Splits a pattern into terms as Ansible's split_host_pattern does: a pattern with a comma is
 * split on commas only (`a:!b,c` is the terms `a:!b` and `c`); one without is kept whole when it
 * is a host address (`fe80::1`, `[::1]:22`, `host:22`, `web[01:10]:2222`), else split on the
 * colons outside `[...]` (host ranges, subscripts), a regex term (`~r:x`) included: write
 * `~^(a|b):c` as `~^(a|b),c`.
 */
export function splitPattern(pattern: string): string[] {
  const parts = pattern.includes(',')
    ? pattern.split(',')
    : isHostAddress(pattern.trim())
      ? [pattern]
      : [...pattern.matchAll(/(?:[^\s:[\]]|\[[^\]]*\])+/g)].map((m) => m[0]);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** An IPv6 group (0..ffff) or a hexadecimal range in its place, as in Ansible's addresses.py. */
const V6 = String.raw`(?:[0-9a-f]{1,4}|\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\])`;
/**
 * How Ansible's ipv6 pattern matches: its `$` binds to the last alternative only, so a pattern
 * that merely begins like an IPv6 address (`2001:db8::*`, `fe80::7%eth0`) counts as one.
 */
const IPV6_START = new RegExp(String.raw`^(?:(?:${V6}:){1,6}:|::|(?:${V6}:){7}${V6}|(?:0:){6}(?:${V6}\.){3}${V6}|(?:0:){5}ffff:(?:${V6}\.){3}${V6}$)`, 'i');

/**
 * What Ansible's parse_address(allow_ranges=True) accepts with a colon in it: an IPv6 address
 * (with a port in brackets), or a host name or range with a port (the port as splitPort finds it).
 */
function isHostAddress(p: string): boolean {
  const { pattern, port } = splitPort(p);
  return IPV6_START.test(pattern) || (port !== undefined && /^(?:[A-Za-z0-9_.-]|\[[^\]]*\])+$/.test(pattern));
}

class Context {
  readonly hostByName = new Map<string, HostSpec>();
  /** Every group's node by name, in the order the sources created them (Ansible's inventory.groups). */
  private readonly nodes = new Map<string, GroupNode>();
  /**
   * Every host name, left-out hosts' too (load.ts: a host without tunnels whose variables it
   * cannot read): in `all`'s order (Group.get_hosts), and in the order the sources created them.
   */
  private readonly allHosts: string[];
  private readonly hostOrder: string[];
  /** Left-out hosts a term matched (named when the selection is empty). */
  readonly leftOut = new Set<string>();

  constructor(private readonly inv: Inventory) {
    for (const h of inv.hosts) this.hostByName.set(h.name, h);
    const found = new Map<string, GroupNode>();
    const walk = (node: GroupNode): void => {
      if (found.has(node.name)) return;
      found.set(node.name, node);
      node.children.forEach(walk);
    };
    walk(inv.groups);
    // Terms walk the groups in the order the sources created them, as Ansible's
    // _enumerate_matches walks inventory.groups.
    for (const g of inv.groupOrder) {
      const node = found.get(g);
      if (node) this.nodes.set(g, node);
    }
    // Every host is in `all`, whatever the tree says.
    const listed = groupHostNames(inv.groups);
    const hosts = inv.hosts.map((h) => h.name);
    this.allHosts = [...new Set([...listed, ...hosts])];
    this.hostOrder = [...new Set([...hosts, ...listed])];
  }

  /** Hosts of one term (without its & or !), or a message when it names nothing; `excluding`: a `!` term's. */
  matchOne(term: string, excluding = false, warnings?: string[]): HostSpec[] | string {
    const found: string[] = [];
    const { expr, subscript } = splitSubscript(term, found);
    for (const w of found) if (!warnings?.includes(w)) warnings?.push(w);
    let test: (name: string) => boolean;
    try {
      test = compileTerm(expr);
    } catch (err) {
      return `invalid regular expression "${expr}": ${err instanceof Error ? err.message : String(err)}`;
    }
    const groups = [...this.nodes.values()].filter((g) => test(g.name));
    const special = expr.startsWith('~') || /[.?*[]/.test(expr);
    const named = groups.length === 0 || special ? this.hostOrder.filter(test) : [];
    if (groups.length === 0 && named.length === 0) {
      // a term ending in [N], [x:y] or [x-y] is a subscript, never a glob (splitSubscript): say so
      const read = subscript ? ` (read as Ansible reads it: a subscript of "${expr}", which names no group or host; a character class is written ${term}*)` : '';
      return `no hosts matched "${term}"${read}`;
    }
    // Ansible's list (inventory/manager.py _enumerate_matches): each matching group's hosts in
    // its own order (Group.get_hosts), group after group without removing repeats, then the
    // hosts matched by name; a subscript picks from that list, and only then are repeats
    // dropped. Left-out hosts count in it, and are dropped from what it picks.
    const list = [...groups.flatMap((g) => (g.name === 'all' ? this.allHosts : groupHostNames(g))), ...named];
    const picked = subscript ? applySubscript(list, subscript) : list;
    if (picked === undefined) return `no hosts matched the subscripted pattern "${term}" (it has ${list.length} hosts)`;
    const names = [...new Set(picked)];
    if (!excluding) for (const name of names) if (!this.hostByName.has(name)) this.leftOut.add(name);
    return names.flatMap((name) => this.hostByName.get(name) ?? []);
  }
}

type Subscript = { index: number } | { start: number; end: number | undefined };

/**
 * A term's subscript as Ansible 2.14 reads it (inventory/manager.py PATTERN_WITH_SUBSCRIPT and
 * _split_subscript): `[i]`, `[x:y]`, `[x:]`, and `[x-y]` read as `[x:y]` (Ansible warns that
 * it "has been removed"; `warnings` gets that). An end of 0 picks the start alone, as
 * _apply_subscript's `if end:` does: `[1:0]` is `[1]`.
 */
function splitSubscript(term: string, warnings?: string[]): { expr: string; subscript?: Subscript } {
  if (term.startsWith('~')) return { expr: term };
  const m = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/.exec(term);
  if (!m) return { expr: term };
  const expr = m[1] ?? term;
  if (m[2] !== undefined) return { expr, subscript: { index: Number(m[2]) } };
  const start = Number(m[3]);
  if (m[4] === '-') warnings?.push(`--limit: "${term}": write [x:y] (inclusive) instead of [x-y], which Ansible reads the same way but calls removed`);
  if (m[5] === '') return { expr, subscript: { start, end: undefined } };
  const end = Number(m[5]);
  return { expr, subscript: end === 0 ? { index: start } : { start, end } };
}

function applySubscript<T>(items: T[], s: Subscript): T[] | undefined {
  if ('index' in s) {
    const i = s.index < 0 ? items.length + s.index : s.index;
    const item = items[i];
    return item === undefined ? undefined : [item];
  }
  return items.slice(s.start, s.end === undefined ? undefined : s.end + 1);
}

/** Name test for a term: regex (`~`), fnmatch glob, or exact name. */
function compileTerm(expr: string): (name: string) => boolean {
  if (expr.startsWith('~')) {
    const re = new RegExp(`^(?:${expr.slice(1)})`);
    return (n) => re.test(n);
  }
  if (/[*?[]/.test(expr)) {
    const re = new RegExp(`^${globToRegexSource(expr)}$`);
    return (n) => re.test(n);
  }
  return (n) => n === expr;
}

/** Python's fnmatch.translate, enough of it: `*`, `?`, `[seq]`, `[!seq]`. */
export function globToRegexSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', glob[i + 1] === '!' ? i + 3 : i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return out;
}
