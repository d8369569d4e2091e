// Random inventories against Debian's ansible-core: INI and YAML files with host ranges, ports,
// nested and multi-parent groups, [g:vars] and group_vars/ host_vars/ files (plain, .yml, .yaml,
// directories of several files), values of every spelling Ansible types differently (Python
// literals in INI, PyYAML's YAML 1.1 scalars). `ansible-inventory --list` and pptp-fleet must
// give the same hosts and the same merged variables for each. Fixed seeds (FC_SEED=n for others);
// a failing case's files are kept and their directory printed.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { InputError } from '../../src/errors.js';
import { sample } from '../fixtures/property.js';
import { jsonText, jsonValue } from '../../src/inventory/format.js';
import { pyJson } from '../support/py-json.js';

const run = promisify(execFile);
const hasAnsible = await run('ansible-inventory', ['--version']).then(
  () => true,
  () => false,
);
const ANSIBLE_ENV = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_DEPRECATION_WARNINGS: '0', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_INVENTORY_UNPARSED_WARNING: '0' };

/** mulberry32: a small deterministic generator per case. */
function rng(seed: number): { f: () => number; pick: <T>(a: readonly T[]) => T; n: (lo: number, hi: number) => number } {
  let a = seed >>> 0;
  const f = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { f, pick: (arr) => arr[Math.floor(f() * arr.length)] as (typeof arr)[number], n: (lo, hi) => lo + Math.floor(f() * (hi - lo + 1)) };
}

// Values Ansible types differently by where they are written.
const INI_VALUES = ['1', '01', '09', '1.5', '1e3', '-3', '0x10', '1_0', 'True', 'true', 'yes', 'None', '"a b"', "'q'", "u'x'", "r'a\\b'", '[1,2]', "{'k':1}", '(1,2)', 'True,', '80,443', 'x=y', '10.0.0.1', '~', '""', "'{{ v0 }}'"];
const YAML_VALUES = ['1', '"01"', '09', '010', '1.5', '1e3', '1.0e3', '1.5e+3', '12:30', '00:11:22:33:44:55', 'true', 'yes', 'y', 'n', 'on', 'Off', 'null', '~', '"a b"', "'x'", '[1, 2]', '{k: 1}', '2001-01-01', '"10.0.0.1"', '0x1F', '.5'];
const GROUPS = ['emea', 'apac', 'branch', 'core', 'edge'];
const HOSTS = ['r1', 'r2', 'r3', 'gw-a', 'gw-b', 'x.example.com'];

type Rng = ReturnType<typeof rng>;

/** A host word: a name, a range, maybe with a port. */
function hostWord(r: Rng, g: string): string {
  let h = r.pick(HOSTS);
  const x = r.f();
  if (x < 0.2) h = `${g}[0${r.n(0, 2)}:0${r.n(3, 5)}]`;
  else if (x < 0.3) h = `${g}-[a:c]`;
  if (r.f() < 0.15) h = `${h}:22${r.n(0, 9)}`;
  return h;
}

function writeVarsDirs(r: Rng, dir: string, groups: string[]): void {
  const gv = join(dir, 'group_vars');
  const hv = join(dir, 'host_vars');
  mkdirSync(gv);
  mkdirSync(hv);
  const body = (): string =>
    [...new Set(Array.from({ length: r.n(1, 3) }, () => r.n(0, 3)))].map((k) => `v${k}: ${r.pick(YAML_VALUES)}`).join('\n') +
    // in a group_vars file it is a plain variable, not the group's priority
    (r.f() < 0.15 ? `\nansible_group_priority: ${r.pick([3, 20])}\n` : '\n');
  for (const g of ['all', ...groups]) {
    const form = r.f();
    if (form < 0.4) continue;
    if (form < 0.6) writeFileSync(join(gv, `${g}.yml`), `---\n${body()}`);
    else if (form < 0.75) writeFileSync(join(gv, `${g}.yaml`), body());
    else if (form < 0.85) writeFileSync(join(gv, g), body());
    else {
      mkdirSync(join(gv, g));
      writeFileSync(join(gv, g, '10-a.yml'), body());
      writeFileSync(join(gv, g, '20-b.yml'), body());
    }
  }
  for (const h of HOSTS) if (r.f() < 0.3) writeFileSync(join(hv, `${h}.yml`), body());
}

function iniInventory(r: Rng, dir: string): string {
  const groups = GROUPS.slice(0, r.n(2, 5));
  const lines: string[] = [];
  if (r.f() < 0.5) lines.push(`${r.pick(HOSTS)} ansible_host=10.0.0.${r.n(1, 200)}`);
  if (r.f() < 0.3) lines.push('; a comment');
  for (const g of groups) {
    lines.push(`[${g}]`);
    for (let i = r.n(1, 3); i > 0; i--) {
      const vars = Array.from({ length: r.n(0, 2) }, () => `v${r.n(0, 3)}=${r.pick(INI_VALUES)}`);
      if (r.f() < 0.2) vars.push('# trailing comment');
      lines.push([hostWord(r, g), ...vars].join(' '));
    }
    if (r.f() < 0.6) {
      lines.push(`[${g}:vars]`);
      for (let j = r.n(1, 3); j > 0; j--) lines.push(`v${r.n(0, 3)}${r.pick(['=', ' = '])}${r.pick(INI_VALUES)}`);
    }
  }
  if (r.f() < 0.7) {
    const parent = r.pick(['world', groups[0] ?? 'world']);
    lines.push(`[${parent}:children]`);
    for (const g of groups.slice(1)) if (g !== parent && r.f() < 0.7) lines.push(g);
    if (r.f() < 0.7) lines.push(`[${parent}:vars]`, `v0=${r.pick(INI_VALUES)}`, `ansible_group_priority=${r.pick(['1', '5', '10'])}`);
  }
  if (r.f() < 0.5) lines.push('[all:vars]', `v1=${r.pick(INI_VALUES)}`, `v3=${r.pick(INI_VALUES)}`);
  writeFileSync(join(dir, 'hosts.ini'), `${lines.join('\n')}\n`);
  writeVarsDirs(r, dir, groups);
  return join(dir, 'hosts.ini');
}

function yamlInventory(r: Rng, dir: string): string {
  const groups = GROUPS.slice(0, r.n(2, 5));
  const vars = (indent: string): string[] => [...new Set(Array.from({ length: r.n(1, 2) }, () => r.n(0, 3)))].map((k) => `${indent}v${k}: ${r.pick(YAML_VALUES)}`);
  const hosts = (g: string, indent: string): string[] => {
    const out = [`${indent}hosts:`];
    const seen = new Set<string>();
    for (let i = r.n(1, 3); i > 0; i--) {
      const h = hostWord(r, g);
      if (seen.has(h)) continue;
      seen.add(h);
      if (r.f() < 0.5) out.push(`${indent}  ${h}:`);
      else out.push(`${indent}  ${h}:`, ...vars(`${indent}    `));
    }
    return out;
  };
  const lines = ['all:'];
  if (r.f() < 0.5) lines.push('  vars:', ...vars('    '));
  if (r.f() < 0.4) lines.push(...hosts('top', '  '));
  lines.push('  children:');
  const [first, ...rest] = groups;
  for (const g of groups) {
    lines.push(`    ${g}:`, ...hosts(g, '      '));
    if (r.f() < 0.5) lines.push('      vars:', ...vars('        '), ...(r.f() < 0.5 ? [`        ansible_group_priority: ${r.pick([1, 5, 10])}`] : []));
  }
  // a nested group, under one or two parents
  if (first !== undefined && rest.length > 0) {
    const child = r.pick(rest);
    lines.push(`    ${first}:`.replace(first, `${first}_parent`), '      children:', `        ${child}:`, `        ${first}:`);
    if (r.f() < 0.5) lines.push('      vars:', ...vars('        '));
  }
  writeFileSync(join(dir, 'hosts.yml'), `${lines.join('\n')}\n`);
  writeVarsDirs(r, dir, groups);
  return join(dir, 'hosts.yml');
}

type Vars = Record<string, unknown>;

async function theirs(sources: string[]): Promise<Record<string, Vars> | 'ansible-failed'> {
  try {
    const { stdout } = await run('ansible-inventory', [...sources.flatMap((x) => ['-i', x]), '--list'], { env: ANSIBLE_ENV, maxBuffer: 1 << 24 });
    // (Python's floats kept: 1.5e+3 is 1500.0, not the integer 1500)
    const list = pyJson(stdout) as Record<string, { hosts?: string[]; hostvars?: Record<string, Vars> }>;
    const out: Record<string, Vars> = { ...(list._meta?.hostvars ?? {}) };
    // Hosts without variables are in no _meta entry, only in their groups.
    for (const [g, body] of Object.entries(list)) if (g !== '_meta') for (const h of body.hosts ?? []) out[h] ??= {};
    return out;
  } catch {
    return 'ansible-failed';
  }
}

async function ours(sources: string[]): Promise<Record<string, Vars> | string> {
  try {
    const inv = await loadInventory(sources);
    return Object.fromEntries(inv.hosts.map((h) => [h.name, jsonValue(h.vars) as Vars]));
  } catch (err) {
    if (err instanceof InputError) return `input error: ${err.message}`;
    throw err;
  }
}

const sorted = (v: Vars): Vars => Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));

describe.skipIf(!hasAnsible)('random inventories read as ansible-inventory reads them', () => {
  const cases = (fixed: number, n: number): number[] => sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), n, fixed);

  /** Two sources with their own group_vars/ and host_vars/ (`-i a/ -i b/hosts.ini`), hosts and groups shared. */
  const several = (r: Rng, dir: string): string[] => {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const one = (r.f() < 0.5 ? iniInventory : yamlInventory)(r, join(dir, 'a'));
    const two = (r.f() < 0.5 ? iniInventory : yamlInventory)(r, join(dir, 'b'));
    return [r.f() < 0.5 ? one : join(dir, 'a'), two];
  };

  it.each([
    ['one INI file', (r: Rng, dir: string) => [iniInventory(r, dir)], 20260912],
    ['one YAML file', (r: Rng, dir: string) => [yamlInventory(r, dir)], 20261205],
    ['two sources (-i twice)', several, 20261206],
  ] as const)('%s with group_vars/ and host_vars/', { timeout: 120_000 }, async (_name, make, fixed) => {
    const root = mkdtempSync(join(tmpdir(), 'inv-random-'));
    const failures: string[] = [];
    let compared = 0;
    const seeds = cases(fixed, 16);
    // Two at a time: ansible-inventory takes ~0.5 s of one core per run.
    for (let i = 0; i < seeds.length; i += 2) {
      await Promise.all(
        seeds.slice(i, i + 2).map(async (s) => {
          const dir = join(root, `case-${s}`);
          mkdirSync(dir);
          const sources = make(rng(s), dir);
          const [a, b] = await Promise.all([theirs(sources), ours(sources)]);
          // Inputs Ansible itself cannot list (a set or complex literal it cannot print) say nothing.
          if (a === 'ansible-failed') return;
          compared++;
          if (typeof b === 'string') return void failures.push(`${dir}: ansible reads it, pptp-fleet: ${b}`);
          const names = (o: Record<string, Vars>): string => Object.keys(o).sort().join(',');
          if (names(a) !== names(b)) return void failures.push(`${dir}: hosts differ: ansible ${names(a)}, pptp-fleet ${names(b)}`);
          for (const h of Object.keys(a)) {
            // as ansible-inventory writes them: 1500.0 and 1500 differ
            const x = jsonText(sorted(a[h] ?? {}));
            const y = jsonText(sorted(b[h] ?? {}));
            if (x !== y) return void failures.push(`${dir}: variables of ${h} differ: ansible ${x}, pptp-fleet ${y}`);
          }
          rmSync(dir, { recursive: true });
        }),
      );
    }
    expect(failures).toEqual([]);
    // Most cases must be comparable, or the generator tests nothing.
    expect(compared).toBeGreaterThanOrEqual(12);
  });
});

describe.skipIf(!hasAnsible)('random --limit patterns select what ansible all --limit selects, in its order', () => {
  const ATOMS = ['emea', 'apac', 'core', 'edge', 'dc_1', 'all', 'ungrouped', 'r1', 'r3', 'gw-a', 'top1', 'web05', 'x.example.com', '10.0.0.5', 'r*', 'gw-*', '*', 'web0*', 'e*', '~^r', '~web1[0-2]', '~.*\\.com', 'emea[0]', 'emea[1:3]', 'emea[-1]', 'core[2:]', 'emea[:2]', '10.0.0.*', 'web[01:03]', '*.example.com', 'r[13]'];
  const JOIN = [':', ',', ':&', ':!', ',!', ',&'];
  const INI = 'top1\n[emea]\nr1\nr2\ngw-a\nweb[01:12]\n[apac]\nr3\ngw-b\nr2\n[core:children]\nemea\n[edge]\nx.example.com\n10.0.0.5\n[dc_1]\nr3\n';

  it('the same hosts, or an error where Ansible warns that a term matched nothing', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-patterns-'));
    const source = join(dir, 'hosts.ini');
    writeFileSync(source, INI);
    const inv = await loadInventory([source]);
    const patterns = sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 24, 20261207).map((s) => {
      const r = rng(s);
      let p = r.pick(ATOMS);
      for (let k = r.n(0, 2); k > 0; k--) p += r.pick(JOIN) + r.pick(ATOMS);
      return p;
    });
    const failures: string[] = [];
    let compared = 0;
    for (let i = 0; i < patterns.length; i += 2) {
      await Promise.all(
        patterns.slice(i, i + 2).map(async (p) => {
          const { stdout, stderr } = await run('ansible', ['-i', source, 'all', '--limit', p, '--list-hosts'], { env: ANSIBLE_ENV }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}ERROR` }));
          let ours: string[] | 'error';
          try {
            ours = selectHosts(inv, p).map((h) => h.name);
          } catch {
            ours = 'error';
          }
          if (/Could not match supplied host pattern|No hosts matched|ERROR/.test(stderr + stdout)) {
            if (ours !== 'error') failures.push(`${p}: Ansible matched nothing for a term, pptp-fleet selected ${ours.join(',')}`);
            return;
          }
          compared++;
          const theirs = stdout.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
          if (JSON.stringify(theirs) !== JSON.stringify(ours)) failures.push(`${p}: ansible ${theirs.join(',')}, pptp-fleet ${String(ours)}`);
        }),
      );
    }
    rmSync(dir, { recursive: true });
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(10);
  });
});
