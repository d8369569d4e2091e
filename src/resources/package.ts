// Packages: install what is missing, in one command, lists updated first.
import type { Facts } from '../facts/types.js';
import type { Change } from '../plan/types.js';
import { ResourceError } from './problem.js';

export interface DesiredPackages {
  packages: string[];
}

/**
 * `{ packages: ['pptp', 'kmod-mppe'] }` on a router with `pptp` installed →
 * `[{ kind: 'install', target: 'kmod-mppe', packages: ['kmod-mppe'], manager: 'ipkg', updateLists: true, ... }]`;
 * everything installed → `[]`. No package manager → ResourceError.
 */
export function packageChanges(desired: DesiredPackages, facts: Facts): Change[] {
  const installed = new Set(facts.packages);
  const missing = desired.packages.filter((p, i) => !installed.has(p) && desired.packages.indexOf(p) === i);
  if (missing.length === 0) return [];
  if (!facts.packageManager) throw new ResourceError('no package manager found (ipkg/opkg/apk)');
  return [
    {
      kind: 'install',
      resource: 'package',
      target: missing.join(','),
      packages: missing,
      manager: facts.packageManager,
      updateLists: true,
      reason: `not installed: ${missing.join(' ')}`,
    },
  ];
}
