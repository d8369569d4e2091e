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

const ROUTER_KERNEL = /\s*\(router kernel: ([^()\s]*)\)\s*$/;
/** The kernel release in a kernel package version: `5.15.167-1-0ff9…` / `6.12.57~4d3c…-r1` → `5.15.167`. */
const kernelRelease = (pkgVersion: string): string => /^\d+(?:\.\d+)+/.exec(pkgVersion)?.[0] ?? pkgVersion;

/**
 * A failed install's message (the apply script's excerpt of the package manager's output, ending
 * in `(router kernel: RELEASE)`) made plain when it is a kernel mismatch: kmods are built for one
 * exact kernel, and the feed's is not the router's. opkg says `Cannot satisfy the following
 * dependencies for kmod-X: * kernel (= 5.15.167-1-HASH)` (or `cannot find dependency kernel (= …)`);
 * apk says `unable to select packages: kernel-6.12.50~HASH-r1: breaks: kmod-X-…[kernel=6.12.57~HASH-r1]`.
 * Other failures come back as they were, without the kernel note.
 * @example explainInstallFailure(' * \tkernel (= 5.15.167-1-abc) * (router kernel: 5.15.150)')
 * // → 'kernel mismatch: the router runs Linux 5.15.150, the package feed's kernel modules are built for 5.15.167 ...'
 */
export function explainInstallFailure(message: string): string {
  const running = ROUTER_KERNEL.exec(message)?.[1] || null;
  const raw = message.replace(ROUTER_KERNEL, '');
  const feed = /kernel \(= ([^)\s]+)\s*\)/.exec(raw)?.[1] ?? /breaks: \S*?\[?kernel=([^\]\s]+)\]?/.exec(raw)?.[1];
  if (feed) {
    const installed = /(?:^|\s)kernel-(\d[^:\s]*):/.exec(raw)?.[1];
    const router = running ?? (installed ? kernelRelease(installed) : null);
    const routerText = router ? `the router runs Linux ${router}${installed ? ` (kernel package ${installed})` : ''}` : 'the router runs another kernel';
    return (
      `kernel mismatch: ${routerText}, the package feed's kernel modules are built for ${kernelRelease(feed)} (kernel ${feed}); ` +
      'kmods install only on the exact kernel they were built for: point the package feed at the router\'s own release ' +
      '(or install the kmods from its image builder), or upgrade the router to the feed\'s release. Nothing was configured. ' +
      `Package manager said: ${raw.trim()}`
    );
  }
  if (/incompatible with the architectures configured/.test(raw)) {
    return `the package feed is for another architecture than the router's (opkg: "incompatible with the architectures configured"); check /etc/opkg/distfeeds.conf. Package manager said: ${raw.trim()}`;
  }
  return raw.trim();
}
