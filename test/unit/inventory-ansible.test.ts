// pptp-fleet's inventory reading against Debian's real Ansible: for each fixture layout (INI,
// directory, `ansible-inventory --list` JSON, dynamic script, several -i), `ansible-inventory
// --list` and `ansible --list-hosts PATTERN` must give the same hosts, groups, merged
// variables and --limit selections as `pptp-fleet inventory`.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { jsonValue } from '../../src/inventory/format.js';
import { loadInventory, type GroupNode, type Inventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { PyFloat } from '../../src/config/pyyaml-scalars.js';
import { pyJson } from '../support/py-json.js';

const L = 'test/fixtures/inventory/layouts';
const hasAnsible = (() => {
  try {
    execFileSync('ansible-inventory', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const ANSIBLE_ENV = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_DEPRECATION_WARNINGS: '0', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_INVENTORY_UNPARSED_WARNING: '0' };

interface Layout {
  name: string;
  /** What pptp-fleet is given. */
  sources: string[];
  /** What ansible is given, when it differs (it has no static reader for --list JSON). */
  ansible?: string[];
  /** An Ansible playbook directory (--playbook-dir for both). */
  playbookDir?: string;
  limits: string[];
}

const LAYOUTS: Layout[] = [
  { name: 'INI file with group_vars/ and host_vars/', sources: [`${L}/ini/hosts.ini`], limits: ['all', 'emea', 'branches:!r3', 'emea:&branches', 'r*', 'ungrouped', '~r[0-9]$'] },
  { name: 'directory of YAML and INI files', sources: [`${L}/dir`], limits: ['all', 'office', 'lab:!o1', 'o*'] },
  { name: 'ansible-inventory --list JSON', sources: [`${L}/listjson/list.json`], ansible: [`${L}/listjson/list.sh`], limits: ['all', 'dc', 'core:!j2', 'ungrouped'] },
  { name: 'dynamic inventory script without _meta', sources: [`${L}/script/inventory.sh`], limits: ['all', 'edge', 'routers:!edge'] },
  { name: "dynamic inventory script whose _meta has variables for hosts no group lists (Ansible's script plugin leaves them out)", sources: [`${L}/script-meta/inventory.sh`], limits: ['all', 'routers', 'm*'] },
  { name: 'forms from real inventories: one-name sections, keys written twice, group_vars without extension and as a directory', sources: [`${L}/forms/hosts.yml`], limits: ['all', 'ungrouped', 'routers', 'branch:!br-02', 'core'] },
  { name: "a playbook directory's group_vars/ and host_vars/ (--playbook-dir), ranked among the inventory's as Ansible ranks them", sources: [`${L}/playbook-dir/inv/hosts`], playbookDir: `${L}/playbook-dir`, limits: ['all', 'g', 'h'] },
  { name: 'hosts named by IPv6 addresses (bare, [addr]:port, with a zone), selected as Ansible splits patterns', sources: [`${L}/ipv6/hosts.ini`], limits: ['all', 'fd00::4', '2001:db8::*', 'fe80::7%eth0', 'fe80::9%eth0', '0:0:0:0:0:ffff:192.0.2.3', 'v6:routers', 'fd00::4,gw1', 'routers,!2001:db8::5'] },
  { name: "hosts written under all itself, which Ansible's all lists first", sources: [`${L}/all-hosts/hosts.yml`], limits: ['all', 'a1,z1', 'b1,u1,z2', 'h', 'g:u1'] },
  { name: "subscripts over a group's own order (its hosts, then its children's), not the file's; [g:vars] with trailing comments", sources: [`${L}/subscripts/hosts.ini`], limits: ['routers[0]', 'routers[0:1]', 'routers[-1]', 'r*[3]', 'all[0]', 'emea[0]', 'emea[1]', 'emea[-1]', '*[0]', 'canary[0]:emea[2]'] },
  { name: 'several -i, later sources winning', sources: [`${L}/multi/a.yml`, `${L}/multi/b.ini`], limits: ['all', 'g', 'h:g', 'g:!m1'] },
  { name: 'rare YAML: keys kept for anchors, two merge keys, !!float, !!omap, !!pairs, integers past 2^53, a priority written as a string', sources: [`${L}/yaml-rare/hosts.yml`], limits: ['all', 'aa', 'zz:!r2', 'aa[1:0]'] },
  { name: "rare INI: a second sign, integers past 2^53, IPv6 ranges with a port, a priority written as a string; Ansible 2.14's [1:0] and [x-y] subscripts", sources: [`${L}/ini-rare/hosts.ini`], limits: ['all', 'routers', 'fd00::1', 'routers[1:0]', 'routers[0-1]', 'routers[2-]', 'fd0*[1-2]'] },
  { name: 'host ranges whose start is past their end (ansible-core names no host, the group stays), INI and YAML', sources: [`${L}/ranges/hosts.ini`, `${L}/ranges/hosts.yml`], limits: ['all', 'edge', 'core'] },
  { name: "ansible_group_priority as ansible-core's int() takes it: floats truncated, booleans 1 and 0, no upper bound, a string with blanks", sources: [`${L}/priorities/hosts.yml`, `${L}/priorities/hosts.ini`], limits: ['all'] },
  { name: 'YAML merge keys (<<) overridden in the mapping or given twice, in an inventory and a group_vars file', sources: [`${L}/merge-keys/hosts.yml`], limits: ['all'] },
  { name: 'floats kept as Python floats (12.0, 1e+16, 1e-05) from YAML, INI and a dynamic inventory\'s JSON', sources: [`${L}/floats/hosts.yml`, `${L}/floats/hosts.ini`, `${L}/floats/inventory.sh`], limits: ['all'] },
  { name: 'passwords and users written as numbers (ansible_ssh_pass=123456): ansible-core takes their text, the hosts are there', sources: [`${L}/numeric-passwords/hosts.ini`, `${L}/numeric-passwords/hosts.yml`], limits: ['all'] },
  { name: "inventory and vars files that are JSON, read as json.loads reads them (ansible-core's DataLoader tries JSON first): 1e3 is a float, a key twice keeps the last", sources: [`${L}/json/hosts.json`, `${L}/json/flow.yml`], limits: ['all'] },
  { name: "INI in a file named .yml (Ansible's yaml plugin fails, its ini plugin reads it)", sources: [`${L}/ini-in-yml/hosts.yml`], limits: ['all', 'routers[1]'] },
  { name: "a dynamic inventory using the script plugin's short form (\"web\": {} is the host web)", sources: [`${L}/script-short/inventory.sh`], limits: ['all', 'web', 'routers:!db'] },
];

/** Sources Ansible cannot read: pptp-fleet refuses them too, saying why (exit 2). */
const REFUSED: { name: string; source: string; message: RegExp }[] = [
  { name: 'an INI file saved with a UTF-8 byte order mark', source: `${L}/refused/bom.ini`, message: /line 1: the file starts with a UTF-8 byte order mark \(BOM\)/ },
  { name: 'YAML in a file named .txt (Ansible reads it as INI)', source: `${L}/refused/yaml.txt`, message: /YAML in a file named "\*\.txt": .*reads this one as INI, which fails \(line 2: .*\): rename it/ },
  { name: 'a host range [01:3] (begin and end of different widths)', source: `${L}/refused/range.ini`, message: /line 2: host range \[01:3\] in "db\[01:3\]": a start written with leading zeros needs an end of the same width \(\[01:03\]\)/ },
  { name: 'an ansible_group_priority that Python\'s int() refuses ("1.5")', source: `${L}/refused/priority.yml`, message: /g\.vars\.ansible_group_priority: expected a whole number, got "1\.5"/ },
  { name: "a dynamic inventory's group written null", source: `${L}/refused/script-null.sh`, message: /routers: expected a group \(hosts, children, vars\) or a list of hosts, got nothing/ },
];

type Json = Record<string, unknown>;

/** Ansible shows vault values as {__ansible_vault: ...}; pptp-fleet as ***; secret-looking keys are *** in pptp-fleet. */
function normalize(v: unknown, key = ''): unknown {
  // (a password may be a number: ansible_ssh_pass=123456)
  if ((typeof v === 'string' || typeof v === 'number' || v instanceof PyFloat) && /pass|secret|token|psk/i.test(key)) return '***';
  if (v instanceof PyFloat) return v;
  if (Array.isArray(v)) return v.map((x) => normalize(x));
  if (typeof v === 'object' && v !== null) {
    if ('__ansible_vault' in v) return '***';
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x, k)]));
  }
  return v;
}

function ansibleList(sources: string[], extra: string[] = []): Json {
  const args = [...sources.flatMap((s) => ['-i', s]), '--list', ...extra];
  // (Python's exact integers, one past 2^53 a bigint, and its floats, PyFloats: 12.0 is not 12)
  return pyJson(execFileSync('ansible-inventory', args, { env: ANSIBLE_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Json;
}

function ansibleLimit(sources: string[], pattern: string, extra: string[] = []): string[] {
  const out = execFileSync('ansible', [...sources.flatMap((s) => ['-i', s]), ...extra, 'all', '--limit', pattern, '--list-hosts'], { env: ANSIBLE_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
}

/** ansible-inventory's group map: group → direct hosts and children. */
function ourGroups(root: GroupNode): Record<string, { hosts: string[]; children: string[] }> {
  const out: Record<string, { hosts: string[]; children: string[] }> = {};
  const walk = (g: GroupNode): void => {
    if (out[g.name]) return;
    out[g.name] = { hosts: [...g.hosts].sort(), children: g.children.map((c) => c.name).sort() };
    g.children.forEach(walk);
  };
  walk(root);
  // ansible-inventory --list prints no hosts under all: the hosts written there are listed in
  // their groups, or in ungrouped
  const all = out.all;
  if (all) all.hosts = [];
  return out;
}

function theirGroups(list: Json): Record<string, { hosts: string[]; children: string[] }> {
  const out: Record<string, { hosts: string[]; children: string[] }> = {};
  for (const [name, g] of Object.entries(list)) {
    if (name === '_meta') continue;
    const body = g as { hosts?: string[]; children?: string[] };
    out[name] = { hosts: [...(body.hosts ?? [])].sort(), children: [...(body.children ?? [])].sort() };
  }
  // Listed under all.children but not printed when empty.
  out.ungrouped ??= { hosts: [], children: [] };
  return out;
}

/**
 * pptp-fleet's groups as ansible-inventory --list prints them (cli/inventory.py json_inventory):
 * a group with neither hosts nor children has no entry of its own (ungrouped always has one),
 * though its parent still lists it among its children.
 */
function nonEmpty(groups: Record<string, { hosts: string[]; children: string[] }>): Record<string, { hosts: string[]; children: string[] }> {
  return Object.fromEntries(Object.entries(groups).filter(([n, g]) => n === 'all' || n === 'ungrouped' || g.hosts.length > 0 || g.children.length > 0));
}

function ourVars(inv: Inventory): Json {
  return Object.fromEntries(inv.hosts.map((h) => [h.name, jsonValue(h.vars)]));
}

describe.skipIf(!hasAnsible)('inventories read as Debian ansible-inventory reads them', () => {
  describe.each(LAYOUTS)('$name', (layout) => {
    const theirSources = layout.ansible ?? layout.sources;
    const extra = layout.playbookDir === undefined ? [] : ['--playbook-dir', layout.playbookDir];
    const load = (): Promise<Inventory> => loadInventory(layout.sources, layout.playbookDir === undefined ? {} : { playbookDir: layout.playbookDir });

    it('the same hosts, groups and merged variables', async () => {
      const inv = await load();
      const list = ansibleList(theirSources, extra);
      const hostvars = (list._meta as { hostvars: Json }).hostvars;
      // (a host without variables has no hostvars entry, only its groups list it)
      for (const [g, body] of Object.entries(list)) if (g !== '_meta') for (const h of (body as { hosts?: string[] }).hosts ?? []) hostvars[h] ??= {};
      expect(inv.hosts.map((h) => h.name).sort()).toEqual(Object.keys(hostvars).sort());
      expect(normalize(ourVars(inv))).toEqual(normalize(hostvars));
      expect(nonEmpty(ourGroups(inv.groups))).toEqual(theirGroups(list));
    });

    it.each(layout.limits)('--limit %s selects the same hosts, in the same order, as ansible all --limit', async (pattern) => {
      const inv = await load();
      // in the same order: --serial batches follow it
      expect(selectHosts(inv, pattern).map((h) => h.name)).toEqual(ansibleLimit(theirSources, pattern, extra));
    });
  });
});

describe.skipIf(!hasAnsible)('templates as Ansible renders them', () => {
  it('a float inside text is written as Jinja writes it ("f{{ n }}" with n 1.0 is f1.0)', async () => {
    const source = `${L}/floats/hosts.yml`;
    const out = execFileSync('ansible', ['-i', source, 'r1', '-m', 'debug', '-a', 'msg={{ ansible_host }}'], { env: ANSIBLE_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const theirs = (/"msg": "([^"]*)"/.exec(out) ?? [])[1];
    expect(theirs).toBe('f1.0.example.com');
    const inv = await loadInventory([source]);
    expect(inv.hosts.find((h) => h.name === 'r1')?.address).toBe(theirs);
  });
});

describe.skipIf(!hasAnsible)('warnings where ansible-core warns', () => {
  it('a key that a YAML merge key (<<) also brings: a warning for each mapping and key ansible-core warns of', async () => {
    const source = `${L}/merge-keys/hosts.yml`;
    // ansible-core: "While constructing a mapping from FILE, line L, column C, found a duplicate dict key (K)"
    const { stderr } = spawnSync('ansible-inventory', ['-i', source, '--list'], { env: ANSIBLE_ENV, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    const theirs = [...stderr.replace(/\s+/g, ' ').matchAll(/merge-keys\/(\S+), line (\d+), column \d+, found a duplicate dict key \((\w+)\)/g)].map((m) => `${m[1] ?? ''} ${m[3] ?? ''}`);
    const inv = await loadInventory([source]);
    const ours = inv.warnings.flatMap((w) => {
      const m = /merge-keys\/(\S+): line \d+: key "(\w+)" is (?:written in the mapping and also merged in|merged in by more than one)/.exec(w);
      return m ? [`${m[1] ?? ''} ${m[2] ?? ''}`] : [];
    });
    expect(theirs.length).toBe(7);
    expect(ours.sort()).toEqual(theirs.sort());
  });
});

describe.skipIf(!hasAnsible)('sources Debian ansible-inventory cannot read are refused, saying why', () => {
  it.each(REFUSED)('$name', async ({ source, message }) => {
    // (ansible-inventory only warns and lists nothing, unless unparsed sources are failures)
    expect(() => ansibleList([source], [])).not.toThrow();
    expect(() => execFileSync('ansible-inventory', ['-i', source, '--list'], { env: { ...ANSIBLE_ENV, ANSIBLE_INVENTORY_UNPARSED_FAILED: '1' }, stdio: 'ignore' })).toThrow();
    const err = await loadInventory([source]).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(message);
  });

  it('a dynamic inventory\'s "all" written {}: Ansible stops on the loop its short form makes, we refuse it', async () => {
    const source = `${L}/refused/script-all.sh`;
    expect(() => execFileSync('ansible-inventory', ['-i', source, '--list'], { env: ANSIBLE_ENV, stdio: 'pipe' })).toThrow(/recursive dependency loop/);
    const err = await loadInventory([source]).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/all: expected a group \(hosts, children, vars\): the short form .* would make "all" a host/);
  });
});
