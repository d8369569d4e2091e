// How `pptp-fleet inventory` shows an inventory: JSON with secrets masked, and a tree like
// `ansible-inventory --graph`. Pure: returns text, the CLI prints it.
import { randomUUID } from 'node:crypto';
import { PyFloat } from '../config/pyyaml-scalars.js';
import type { GroupNode } from './load.js';
import type { HostSpec } from './types.js';

/**
 * A HostSpec as plain JSON for `--list`: every Secret (tunnel passwords, SSH password,
 * secret-looking vars) becomes `***` through Secret.toJSON.
 *
 * Example: maskedHostJson(h).tunnels[0].password === '***'
 */
export function maskedHostJson(h: HostSpec): Record<string, unknown> {
  return jsonValue(h) as Record<string, unknown>;
}

/**
 * `v` as JSON carries it (each toJSON applied, so secrets are `***`; undefined members left
 * out), except that a bigint, an inventory integer past 2^53, stays one: JSON.stringify would
 * throw on it, and a number would lose its last digits; and a PyFloat (a Python float) stays
 * one, for jsonText to write as Python does (`12.0`). An infinite or NaN float is null.
 */
export function jsonValue(v: unknown, key = ''): unknown {
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v : null;
  const value: unknown = typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON: (k: string) => unknown }).toJSON(key) : v;
  if (Array.isArray(value)) return value.map((x, i) => jsonValue(x, String(i)) ?? null);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      const y = jsonValue(x, k);
      if (y !== undefined) out[k] = y;
    }
    return out;
  }
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/**
 * JSON text of `v` (JSON.stringify's, `indent` spaces), a bigint written as its digits and a
 * PyFloat as Python's repr, as ansible-inventory writes Python's ints and floats:
 * `{"serial": 12345678901234567890, "mtu": 1400.0, "big": 1e+16}`.
 */
export function jsonText(v: unknown, indent?: number): string {
  // a mark no inventory text holds, replaced by the number once the text is written
  const mark = `number-${randomUUID()}:`;
  const text = JSON.stringify(
    jsonValue(v),
    function (this: Record<string, unknown>, k: string, x: unknown): unknown {
      // (the holder's own member: JSON.stringify has already turned a PyFloat into its number)
      const own = this[k];
      if (own instanceof PyFloat) return `${mark}${own.toString()}`;
      return typeof x === 'bigint' ? `${mark}${x}` : x;
    },
    indent,
  );
  return text.replaceAll(new RegExp(`"${mark}(-?[0-9][0-9.e+-]*)"`, 'g'), '$1');
}

/**
 * The group tree as `ansible-inventory --graph` draws it, children before hosts, in
 * definition order:
 *
 *   @all:
 *     |--@ungrouped:
 *     |--@eu:
 *     |  |--r001
 *
 * With `only`, hosts not in it are left out, and so are groups left with no hosts unless
 * `prune` is false.
 */
export function renderGraph(root: GroupNode, only?: ReadonlySet<string>, prune = only !== undefined): string[] {
  const lines: string[] = [];
  const shown = (h: string): boolean => only?.has(h) ?? true;
  const hasHosts = (g: GroupNode): boolean => g.hosts.some(shown) || g.children.some(hasHosts);
  const draw = (g: GroupNode, depth: number): void => {
    lines.push(indent(`@${g.name}:`, depth));
    for (const c of g.children) if (!prune || hasHosts(c)) draw(c, depth + 1);
    if (g.name !== 'all') for (const h of g.hosts) if (shown(h)) lines.push(indent(h, depth + 1));
  };
  draw(root, 0);
  return lines;
}

function indent(name: string, depth: number): string {
  return depth === 0 ? name : `${'  |'.repeat(depth)}--${name}`;
}
