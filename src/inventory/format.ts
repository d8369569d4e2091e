// How `pptp-fleet inventory` shows an inventory: JSON with secrets masked, and a tree like
// `ansible-inventory --graph`. Pure: returns text, the CLI prints it.
import type { GroupNode } from './load.js';
import type { HostSpec } from './types.js';

/**
 * A HostSpec as plain JSON for `--list`: every Secret (tunnel passwords, SSH password,
 * secret-looking vars) becomes `***` through Secret.toJSON.
 *
 * Example: maskedHostJson(h).tunnels[0].password === '***'
 */
export function maskedHostJson(h: HostSpec): Record<string, unknown> {
  return JSON.parse(JSON.stringify(h)) as Record<string, unknown>;
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
