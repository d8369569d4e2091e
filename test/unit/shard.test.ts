import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseShard, shard } from '../../src/rollout/shard.js';
import { seed } from '../fixtures/property.js';

const named = (names: string[]): Array<{ name: string; port: number }> => names.map((name, i) => ({ name, port: 2200 + i }));
const uniqueNames = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 60 });
const shardCount = fc.integer({ min: 1, max: 5 });

describe('parseShard', () => {
  it.each([
    ['1/1', { k: 1, n: 1 }],
    ['2/5', { k: 2, n: 5 }],
    ['5/5', { k: 5, n: 5 }],
    [' 3 / 4 ', { k: 3, n: 4 }],
  ])('reads %j', (spec, expected) => {
    expect(parseShard(spec)).toEqual(expected);
  });

  it.each(['0/3', '4/3', '1/0', '0/0', '-1/3', '1', '1/', '/3', 'a/b', '1.5/3', '1/3/5', ''])('rejects %j on --shard', (spec) => {
    let caught: unknown;
    try {
      parseShard(spec);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).problems[0]).toMatchObject({ file: '<command line>', path: '--shard' });
  });
});

describe('shard', () => {
  it('puts every host in exactly one of N shards (N = 1..5)', () => {
    fc.assert(
      fc.property(uniqueNames, shardCount, (names, n) => {
        const hosts = named(names);
        const seen = new Map<string, number>();
        for (let k = 1; k <= n; k++) for (const h of shard(hosts, k, n)) seen.set(h.name, (seen.get(h.name) ?? 0) + 1);
        expect(seen.size).toBe(names.length);
        for (const count of seen.values()) expect(count).toBe(1);
      }),
      { seed: seed(201) },
    );
  });

  it('does not change membership when the inventory is reordered', () => {
    fc.assert(
      fc.property(
        uniqueNames.chain((names) => fc.tuple(fc.constant(names), fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }))),
        shardCount,
        ([names, shuffled], n) => {
          for (let k = 1; k <= n; k++) {
            const a = new Set(shard(named(names), k, n).map((h) => h.name));
            const b = new Set(shard(named(shuffled), k, n).map((h) => h.name));
            expect(b).toEqual(a);
          }
        },
      ),
      { seed: seed(202) },
    );
  });

  it('balances shards within one host', () => {
    fc.assert(
      fc.property(uniqueNames, shardCount, (names, n) => {
        const sizes = Array.from({ length: n }, (_, i) => shard(named(names), i + 1, n).length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { seed: seed(203) },
    );
  });

  it('keeps inventory order inside a shard', () => {
    fc.assert(
      fc.property(uniqueNames, shardCount, (names, n) => {
        for (let k = 1; k <= n; k++) {
          const mine = shard(named(names), k, n).map((h) => h.name);
          expect(mine).toEqual(names.filter((x) => mine.includes(x)));
        }
      }),
      { seed: seed(204) },
    );
  });

  it('returns the host objects themselves', () => {
    const hosts = named(['r1', 'r2', 'r3']);
    expect(shard(hosts, 1, 1)).toEqual(hosts);
    expect(shard(hosts, 1, 1)[0]).toBe(hosts[0]);
  });

  // Pinned so that a change of hash or dealing (which would reshuffle every CI matrix) is seen.
  it('assigns the same shards as before', () => {
    const hosts = named(Array.from({ length: 10 }, (_, i) => `r${String(i + 1).padStart(3, '0')}`));
    const got = [1, 2, 3].map((k) => shard(hosts, k, 3).map((h) => h.name));
    expect(got).toEqual([
      ['r004', 'r008', 'r009', 'r010'],
      ['r001', 'r002', 'r007'],
      ['r003', 'r005', 'r006'],
    ]);
  });

  it('rejects K outside 1..N', () => {
    expect(() => shard(named(['a']), 0, 2)).toThrow(InputError);
    expect(() => shard(named(['a']), 3, 2)).toThrow(InputError);
  });
});
