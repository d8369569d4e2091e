// `--shard K/N`: split the selected hosts over N CI runners, so a matrix job covers a fleet.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

export interface ShardSpec {
  /** 1-based shard number, 1 <= k <= n. */
  k: number;
  /** Number of shards, >= 1. */
  n: number;
}

function problem(spec: string, message: string): InputError {
  return new InputError([{ file: '<command line>', path: '--shard', message: `${JSON.stringify(spec)} ${message}` }]);
}

/**
 * Parse `--shard K/N`.
 *
 * @example parseShard('2/5') // { k: 2, n: 5 }
 */
export function parseShard(spec: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw problem(spec, 'is not K/N (e.g. 1/4: the first of four shards)');
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) throw problem(spec, 'has N < 1: there must be at least one shard');
  if (!Number.isSafeInteger(k) || k < 1 || k > n) throw problem(spec, `has K outside 1..${n}`);
  return { k, n };
}

// A stable, platform-independent key for a host name (sha256, not Math.random or a JS hash).
function nameKey(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

/**
 * The hosts of shard K of N, in their input (inventory) order.
 *
 * All selected names are sorted by sha256(name) and dealt round-robin over the N shards, so:
 * - a host's shard depends only on the set of selected names, never on inventory order;
 * - every host is in exactly one shard and shard sizes differ by at most one.
 * Trade-off: adding or removing a host can move others to a different shard (rendezvous
 * hashing would not, but its shard sizes are only balanced on average). Every runner of one
 * CI matrix sees the same inventory and `--limit`, which is all this needs.
 *
 * @example shard(hosts, 1, 3) // about a third of hosts, in inventory order
 */
export function shard<T extends { name: string }>(hosts: readonly T[], k: number, n: number): T[] {
  if (!Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(k) || k < 1 || k > n) {
    throw problem(`${k}/${n}`, `has K outside 1..${n} or N < 1`);
  }
  const names = [...new Set(hosts.map((h) => h.name))];
  const keyed = names.map((name) => ({ name, key: nameKey(name) }));
  // Ties (identical hashes) cannot happen in practice; the name breaks them anyway.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const mine = new Set<string>();
  keyed.forEach(({ name }, i) => {
    if (i % n === k - 1) mine.add(name);
  });
  return hosts.filter((h) => mine.has(h.name));
}
