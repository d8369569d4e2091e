// Kernel modules: load what lsmod does not list, in the given (dependency) order.
import type { Facts } from '../facts/types.js';
import type { Change } from '../plan/types.js';

export interface DesiredModules {
  /** In load order. */
  modules: string[];
}

/**
 * `{ modules: ['slhc', 'ppp_generic', 'ppp_async'] }` with only `slhc` loaded →
 * `load-module ppp_generic`, `load-module ppp_async`, in that order.
 */
export function moduleChanges(desired: DesiredModules, facts: Facts): Change[] {
  const loaded = new Set(facts.loadedModules);
  return desired.modules
    .filter((m, i) => !loaded.has(m) && desired.modules.indexOf(m) === i)
    .map((m): Change => ({ kind: 'load-module', resource: 'module', target: m, reason: 'not loaded (lsmod)' }));
}
