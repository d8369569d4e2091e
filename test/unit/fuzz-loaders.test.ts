// Whatever the document, the loaders either succeed or throw an InputError whose every
// problem names the file and says something; never another exception (no stack traces).
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadInventoryText } from '../../src/inventory/load.js';
import { parsePlaybook } from '../../src/playbook/schema.js';
import { parseYaml } from '../../src/config/input.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { seed } from '../fixtures/property.js';

const FILE = 'test/fixtures/inventory/fuzz.yaml';
const ENV = { PW: 'secret', VPN_PW: 'secret' };

const VALID = {
  all: {
    vars: {
      ansible_user: 'root',
      ppp_options: { lcp_echo_interval: 30, lcp_echo_failure: 4, mppe: { stateless: true } },
      tunnels: [
        {
          name: 'office',
          server: '198.51.100.1',
          username: 'LAB\\fleet',
          password: { env: 'PW' },
          mppe: { required: true, stateless: true, no40: true, no56: true },
          refuse_eap: true,
          routes: ['10.20.0.0/16'],
          masquerade: true,
          forward: { outbound: true, inbound: false },
          extra_options: ['mtu 1400'],
        },
      ],
    },
    hosts: { r001: { ansible_host: '127.0.0.1', ansible_port: 40123 } },
    children: {
      eu: {
        vars: { jump_host: 'ops@bastion.example.com:2222' },
        hosts: { r002: { ansible_host: '192.0.2.2' }, 'r[03:05]': { ansible_host: '192.0.2.3' } },
        children: { canary: { hosts: { r002: null } } },
      },
      old: { vars: { ssh_legacy_algorithms: true, ansible_group_priority: 5 }, hosts: { r001: null } },
    },
  },
};

async function checkInventory(text: string): Promise<void> {
  try {
    const inv = await loadInventoryText(text, FILE, { env: ENV });
    expect(Array.isArray(inv.hosts)).toBe(true);
    // Any successfully loaded inventory also survives pattern selection.
    try {
      selectHosts(inv, 'all:!canary');
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.file).toBe(FILE);
      expect(typeof p.path).toBe('string');
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.message).not.toMatch(/\n\s+at /); // no stack traces
    }
  }
}

type Json = unknown;

/** Every path (list of keys / indexes) inside a JSON-like value. */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

const weird = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1, 0, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1.5, '10.0.0.300', '', 'a\nb', '\u0000', '🙂', 'Ωmega', 'chidlren', null, true, [], {}),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer().map((n) => n * 1e6),
  fc.nat(50).map((depth) => {
    let x: Json = 'deep';
    for (let i = 0; i < depth; i++) x = i % 2 ? [x] : { children: x };
    return x;
  }),
);

const mutation = fc.record({
  kind: fc.constantFrom('drop', 'rename', 'replace', 'wrap'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom('chidlren', 'hots', 'vars', 'hosts', 'children', 'tunnels', 'mppe', 'name', ''), fc.string({ maxLength: 8 })),
  value: weird,
});

function mutate(doc: Json, muts: { kind: string; at: number; key: string; value: Json }[]): Json {
  const copy = structuredClone(doc) as Json;
  for (const m of muts) {
    const all = paths(copy).filter((p) => p.length > 0);
    const path = all[m.at % Math.max(all.length, 1)];
    if (!path) continue;
    let parent = copy as Record<string | number, Json>;
    for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>;
    const last = path[path.length - 1] as string | number;
    if (m.kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (m.kind === 'rename' && !Array.isArray(parent)) {
      const v = parent[last];
      delete parent[last];
      parent[m.key] = v;
    } else if (m.kind === 'wrap') {
      parent[last] = [parent[last]];
    } else {
      parent[last] = m.value;
    }
  }
  return copy;
}

function toYaml(v: Json): string {
  try {
    return stringify(v);
  } catch {
    return String(v);
  }
}

// Hundreds of loads each: seconds on an idle machine, far more on a loaded one (a time limit here only makes noise).
describe('fuzz: loaders fail only with InputError', { timeout: 120_000 }, () => {
  it('the unmutated document loads', async () => {
    const inv = await loadInventoryText(toYaml(VALID), FILE, { env: ENV });
    expect(inv.hosts.map((h) => h.name)).toEqual(['r001', 'r002', 'r03', 'r04', 'r05']);
  });

  it('random text', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'grapheme-composite', maxLength: 200 }), checkInventory), { numRuns: 300, seed: seed(301) });
  });

  it('random YAML documents', async () => {
    await fc.assert(fc.asyncProperty(fc.anything({ maxDepth: 5 }), (v) => checkInventory(toYaml(v))), { numRuns: 300, seed: seed(302) });
  });

  it('near-valid inventories (keys dropped or renamed, wrong types, huge numbers, unicode, deep nesting)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => checkInventory(toYaml(mutate(VALID, muts)))),
      { numRuns: 500, seed: seed(303) },
    );
  });

  it('YAML-level damage: truncation and inserted characters', async () => {
    const text = toYaml(VALID);
    await fc.assert(
      fc.asyncProperty(fc.nat(text.length), fc.constantFrom('', ':', '- ', '{', '[', '"', '\t', '&a', '*a', '!vault ', '<<: *a'), (cut, insert) =>
        checkInventory(text.slice(0, cut) + insert + text.slice(cut)),
      ),
      { numRuns: 300, seed: seed(304) },
    );
  });

  it('playbooks: random documents give a playbook or problems, never an exception', () => {
    const step = fc.oneof(
      fc.constantFrom('packages', 'modules', 'verify', 'tunnel-up', 'remove'),
      fc.dictionary(fc.constantFrom('modules', 'tunnels-up', 'boot', 'x'), fc.anything({ maxDepth: 2 }), { maxKeys: 2 }),
      fc.anything({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.record({ name: fc.anything({ maxDepth: 1 }), steps: fc.array(step) }, { requiredKeys: [] }), fc.anything()), (doc) => {
        const r = parsePlaybook(doc, 'p.yaml');
        if (r.playbook === undefined) expect(r.problems.length).toBeGreaterThan(0);
        for (const p of r.problems) expect(p.file === 'p.yaml' && p.message.length > 0).toBe(true);
      }),
      { numRuns: 500, seed: seed(305) },
    );
  });

  it('parseYaml: any text parses or throws InputError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseYaml(text, 'x.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 500, seed: seed(306) },
    );
  });
});
