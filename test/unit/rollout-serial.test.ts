import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { batches, parseSerial } from '../../src/rollout/serial.js';

const hosts = (n: number): string[] => Array.from({ length: n }, (_, i) => `r${String(i + 1).padStart(3, '0')}`);
const sizes = (n: number, spec: string | undefined): number[] => batches(hosts(n), parseSerial(spec)).map((b) => b.length);

describe('parseSerial', () => {
  it.each([
    ['1', [{ kind: 'count', value: 1 }]],
    ['30%', [{ kind: 'percent', value: 30 }]],
    ['1,10%,100%', [{ kind: 'count', value: 1 }, { kind: 'percent', value: 10 }, { kind: 'percent', value: 100 }]],
    [' 1 , 5 ,10 ', [{ kind: 'count', value: 1 }, { kind: 'count', value: 5 }, { kind: 'count', value: 10 }]],
  ])('reads %j', (spec, expected) => {
    expect(parseSerial(spec)).toEqual(expected);
  });

  it('reads no --serial as no batching', () => {
    expect(parseSerial(undefined)).toEqual([]);
  });

  it.each(['', ' ', '0', '-1', 'abc', '150%', '0%', '1.5', '12.5%', '1,,5', '1,', '%', '10 %x', '5%%'])(
    'rejects %j as an InputError on --serial',
    (spec) => {
      let caught: unknown;
      try {
        parseSerial(spec);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InputError);
      const problems = (caught as InputError).problems;
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.file).toBe('<command line>');
        expect(p.path).toBe('--serial');
      }
    },
  );

  it('names the bad entry of a list', () => {
    expect(() => parseSerial('1,abc,10%')).toThrow(/--serial: entry 2 "abc" is not a host count or a percentage/);
  });
});

describe('batches (Ansible serial semantics)', () => {
  it.each<[string, number, string | undefined, number[]]>([
    // Ansible docs: "serial: 3" with 6 hosts runs 3, then 3.
    ['a count', 6, '3', [3, 3]],
    // The last batch takes what is left.
    ['a count that does not divide the hosts', 10, '3', [3, 3, 3, 1]],
    // Ansible docs: serial [1, 5, 10]: 1, then 5, then 10 at a time until done.
    ['a list, last entry repeating', 20, '1,5,10', [1, 5, 10, 4]],
    ['a list, last entry repeating many times', 40, '1,5,10', [1, 5, 10, 10, 10, 4]],
    // Ansible docs: serial ["10%", "20%", "100%"]: percentages of ALL hosts, not of the rest.
    ['a percentage list', 20, '10%,20%,100%', [2, 4, 14]],
    ['a percentage list on 10 hosts', 10, '10%,20%,100%', [1, 2, 7]],
    // Ansible docs: serial "30%".
    ['a percentage', 10, '30%', [3, 3, 3, 1]],
    // Ansible docs: mixing counts and percentages, serial [1, 5, "20%"].
    ['mixed counts and percentages', 20, '1,5,20%', [1, 5, 4, 4, 4, 2]],
    // Ansible docs: "no matter how small the percentage, the number of hosts per pass will always be 1 or greater".
    ['a percentage below one host', 5, '10%', [1, 1, 1, 1, 1]],
    ['a percentage rounded down', 9, '50%', [4, 4, 1]],
    ['a batch larger than the fleet', 4, '10', [4]],
    ['100%', 7, '100%', [7]],
    ['the canary pattern', 100, '1,10%,100%', [1, 10, 89]],
    ['one host', 1, '1,10%,100%', [1]],
    // Integer arithmetic: Python's (29 / 100.0) * 100 is 28.999..., Ansible would say 28.
    ['29% of 100', 100, '29%', [29, 29, 29, 13]],
    ['no --serial', 5, undefined, [5]],
  ])('%s: %i hosts, --serial %s', (_what, n, spec, expected) => {
    expect(sizes(n, spec)).toEqual(expected);
  });

  it('makes no batches for no hosts', () => {
    expect(batches([], parseSerial('1,10%'))).toEqual([]);
    expect(batches([], [])).toEqual([]);
  });

  it('keeps inventory order and places every host once', () => {
    const all = hosts(23);
    const out = batches(all, parseSerial('2,25%,7'));
    expect(out.flat()).toEqual(all);
    expect(out.map((b) => b.length)).toEqual([2, 5, 7, 7, 2]);
  });

  it('never loops on a hand-built zero-size entry', () => {
    expect(batches(hosts(3), [{ kind: 'count', value: 0 }]).map((b) => b.length)).toEqual([1, 1, 1]);
  });
});
