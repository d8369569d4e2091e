import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadInventory, type Inventory } from '../../src/inventory/load.js';
import { selectHosts, splitPattern } from '../../src/inventory/pattern.js';

let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory('test/fixtures/inventory/patterns.yaml');
});

const names = (pattern: string | undefined): string[] => selectHosts(inv, pattern).map((h) => h.name);

// pattern → hosts, in the order `ansible all --limit PATTERN --list-hosts` lists them (inventory order).
const CASES: [pattern: string | undefined, hosts: string[]][] = [
  [undefined, ['r01', 'r02', 'r03', 'r04', 'r10', 'web1', 'web2', 'db1']],
  ['all', ['r01', 'r02', 'r03', 'r04', 'r10', 'web1', 'web2', 'db1']],
  ['*', ['r01', 'r02', 'r03', 'r04', 'r10', 'web1', 'web2', 'db1']],
  ['r03', ['r03']],
  ['routers', ['r02', 'r03', 'r04', 'r10']],
  ['canary', ['r03']],
  ['ungrouped', ['r01']],
  ['web*', ['r02', 'web1', 'web2']], // the glob matches group "web" and hosts web1, web2
  ['r0[2-4]*', ['r02', 'r03', 'r04']], // a character class: a term ending in [2-4] is a subscript (below)
  ['r0[!2]', ['r01', 'r03', 'r04']],
  ['r?0', ['r10']],
  ['~r0(1|2)', ['r01', 'r02']],
  ['~web', ['r02', 'web1', 'web2']], // anchored at the start only, like re.match
  ['db:web', ['r02', 'web1', 'web2', 'db1']],
  ['db,web', ['r02', 'web1', 'web2', 'db1']],
  ['routers:&web', ['r02']],
  ['routers:!canary', ['r02', 'r04', 'r10']],
  ['!canary:routers', ['r02', 'r04', 'r10']], // exclusions apply after unions whatever the order written
  ['&routers:!r04:web', ['r02']],
  ['!routers', ['r01', 'web1', 'web2', 'db1']], // only exclusions: start from all
  ['routers[0]', ['r02']],
  ['routers[-1]', ['r10']],
  ['routers[1:2]', ['r03', 'r04']],
  ['routers[2:]', ['r04', 'r10']],
  ['routers[1:0]', ['r03']], // Ansible 2.14: an end of 0 picks the start alone
  ['routers[0-1]', ['r02', 'r03']], // Ansible 2.14's old [x-y] form, with a warning (below)
  ['web,r01,!r02', ['r01', 'web1', 'web2']],
  ['r10,r01', ['r01', 'r10']],
];

describe('selectHosts (Ansible host patterns)', () => {
  it('warns about the [x-y] subscript as Ansible 2.14 does, in the inventory\'s warnings', async () => {
    const own = await loadInventory('test/fixtures/inventory/patterns.yaml');
    expect(selectHosts(own, 'routers[1-2]').map((h) => h.name)).toEqual(['r03', 'r04']);
    expect(own.warnings).toEqual(['--limit: "routers[1-2]": write [x:y] (inclusive) instead of [x-y], which Ansible reads the same way but calls removed']);
  });

  for (const [pattern, hosts] of CASES) {
    it(`${String(pattern)} → ${hosts.join(' ')}`, () => {
      expect(names(pattern)).toEqual(hosts);
    });
  }

  const NO_MATCH: [pattern: string, messages: string[]][] = [
    ['nosuch', ['no hosts matched "nosuch"']],
    ['routers:!typo', ['no hosts matched "typo"']],
    ['r0[0-4]?', ['no hosts matched "r0[0-4]?"']],
    // Ansible 2.14 reads a final [2-4] as the subscript [2:4] of "r0", which names nothing
    ['r0[2-4]', ['no hosts matched "r0[2-4]" (read as Ansible reads it: a subscript of "r0", which names no group or host; a character class is written r0[2-4]*)']],
    ['empty', ['no hosts matched "empty"']], // the group exists but selects nothing
    ['routers:&db', ['no hosts matched "routers:&db"']],
    ['db[3]', ['no hosts matched the subscripted pattern "db[3]" (it has 1 hosts)']],
    ['~(', [expect.stringMatching(/^invalid regular expression "~\(":/) as unknown as string]],
    ['a,b', ['no hosts matched "a"', 'no hosts matched "b"']],
    // with a comma Ansible splits on commas only: "r01:!r02" is one term naming nothing
    ['web,r01:!r02', ['no hosts matched "r01:!r02"']],
    // an address among other terms is cut at its colons (Ansible warns and ignores the pieces)
    ['routers:!fd00::5', ['no hosts matched "5"', 'no hosts matched "fd00"', '"routers:!fd00::5" is split on every ":", an IPv6 address\'s too: separate its terms with ","']],
    // an address kept whole that names no host: no word of splitting
    ['fd00::9', ['no hosts matched "fd00::9"']],
  ];
  for (const [pattern, messages] of NO_MATCH) {
    it(`${pattern} is an InputError: ${messages.join('; ')}`, () => {
      let err: unknown;
      try {
        selectHosts(inv, pattern);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      const problems = (err as InputError).problems;
      expect(problems.map((p) => p.message)).toEqual(messages);
      expect(problems.every((p) => p.file === '--limit')).toBe(true);
    });
  }

  it('formats as `--limit: no hosts matched "X"`', () => {
    expect(() => selectHosts(inv, 'nosuch')).toThrow('--limit: no hosts matched "nosuch"');
  });
});

describe('splitPattern', () => {
  it.each([
    ['a:b', ['a', 'b']],
    ['a,b', ['a', 'b']],
    ['a:&b:!c', ['a', '&b', '!c']],
    ['g[1:3]:x', ['g[1:3]', 'x']],
    // as ansible's split_host_pattern: commas first and then no colon splitting; a host address whole
    ['~r(1|2):x', ['~r(1|2)', 'x']],
    ['~r(1|2),x', ['~r(1|2)', 'x']],
    ['a:!b,c', ['a:!b', 'c']],
    ['fe80::1', ['fe80::1']],
    // Ansible's ipv6 expression anchors its end on the last alternative only: what begins like an address is one
    ['2001:db8::*', ['2001:db8::*']],
    ['fe80::7%eth0', ['fe80::7%eth0']],
    // ...and its one alternative anchored at the end, an IPv4-mapped address written out
    ['0:0:0:0:0:ffff:192.0.2.3', ['0:0:0:0:0:ffff:192.0.2.3']],
    ['routers:!fd00::5', ['routers', '!fd00', '5']],
    ['[::1]:22', ['[::1]:22']],
    ['h1:22', ['h1:22']],
    ['web[01:10]:2222', ['web[01:10]:2222']],
    [' a , b ', ['a', 'b']],
  ])('%s → %j', (p, terms) => {
    expect(splitPattern(p)).toEqual(terms);
  });
});
