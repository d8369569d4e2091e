// Kernel module lists read at boot: /etc/modules (White Russian) or /etc/modules.d/ (newer).
import { bare, editBlocks, unmanagedText, splitLines } from './blocks.js';

export const MODULES_BLOCK = 'modules';

/**
 * /etc/modules with the modules nobody listed yet appended in a block of ours (so `remove`
 * takes out only what we added); other lines are kept in place and order:
 *
 *     wl
 *     # BEGIN pptp-fleet modules
 *     slhc
 *     ppp_generic
 *     ppp_async
 *     # END pptp-fleet modules
 *
 * A module counts as listed when a line outside our block starts with its name.
 */
export function renderEtcModules(existing: string, modules: string[]): string {
  const listed = new Set(
    splitLines(unmanagedText(existing))
      .map((l) => bare(l).trim().split(/\s+/)[0] ?? '')
      .filter((w) => w !== '' && !w.startsWith('#')),
  );
  const missing = modules.filter((m) => !listed.has(m));
  return editBlocks(existing, {
    set: missing.length > 0 ? [{ id: MODULES_BLOCK, body: missing.map((m) => `${m}\n`).join('') }] : [],
    remove: missing.length > 0 ? [] : [MODULES_BLOCK],
    insertAt: (l) => l.length,
  });
}

/** /etc/modules without our block. */
export function removeFromEtcModules(existing: string): string {
  return editBlocks(existing, { set: [], remove: [MODULES_BLOCK], insertAt: (l) => l.length });
}

/**
 * Our own /etc/modules.d file: one module name a line, in load order, nothing else
 * (kmodloader reads `name [options]` lines): `slhc\nppp_generic\nppp_async\ngre\npptp\n`.
 */
export function renderModulesD(modules: string[]): string {
  return modules.map((m) => `${m}\n`).join('');
}
