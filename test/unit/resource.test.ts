// Resource tables: test/fixtures/resources/<kind>/<case>.json is `{ desired, facts } → { changes }`,
// facts merged over an empty router.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/facts/types.js';
import type { Change } from '../../src/plan/types.js';
import { fileChanges, type DesiredFile } from '../../src/resources/file.js';
import { blockChanges, type DesiredBlocks } from '../../src/resources/managed-block.js';
import { moduleChanges, type DesiredModules } from '../../src/resources/module.js';
import { explainInstallFailure, packageChanges, type DesiredPackages } from '../../src/resources/package.js';
import { ResourceError } from '../../src/resources/problem.js';
import { uciChanges, type DesiredUci } from '../../src/resources/uci.js';
import { factsFor } from '../fixtures/resources/firmware.js';

const DIR = join(import.meta.dirname, '../fixtures/resources');

const emptyRouter = (): Facts => ({ ...factsFor('openwrt'), files: {}, packages: [], loadedModules: [] });

const kinds: Record<string, (desired: never, facts: Facts) => Change[]> = {
  package: (d: DesiredPackages, f) => packageChanges(d, f),
  module: (d: DesiredModules, f) => moduleChanges(d, f),
  file: (d: DesiredFile, f) => fileChanges(d, f),
  'managed-block': (d: DesiredBlocks, f) => blockChanges(d, f),
  uci: (d: DesiredUci, f) => uciChanges(d, f.firewall.sections),
};

for (const [kind, fn] of Object.entries(kinds)) {
  describe(`resource ${kind}`, () => {
    for (const file of readdirSync(join(DIR, kind)).filter((f) => f.endsWith('.json'))) {
      it(file.replace(/\.json$/, '').replace(/-/g, ' '), () => {
        const c = JSON.parse(readFileSync(join(DIR, kind, file), 'utf8')) as { desired: never; facts: Partial<Facts>; changes: Change[] };
        expect(fn(c.desired, { ...emptyRouter(), ...c.facts })).toEqual(c.changes);
      });
    }
  });
}

describe('managed-block: a second tunnel', () => {
  it("goes after the first one's block, never between its markers (before-first-record: the first record is inside it)", () => {
    const text = '# Secrets for authentication using CHAP\n# BEGIN pptp-fleet office\nLAB\\\\fleet office pw1 *\n# END pptp-fleet office\n';
    const f = { ...emptyRouter(), files: { '/etc/ppp/chap-secrets': { path: '/etc/ppp/chap-secrets', type: 'file' as const, mode: '600', md5: 'x', content: text } } };
    const blocks = [
      { id: 'office', body: 'LAB\\\\fleet office pw1 *\n' },
      { id: 'office2', body: 'LAB\\\\fleet office2 pw2 *\n' },
    ];
    const [c] = blockChanges({ path: '/etc/ppp/chap-secrets', mode: '600', blocks, remove: [], insert: 'before-first-record', reason: 'r' }, f);
    expect(c?.kind === 'write-file' ? c.content : c).toBe(`${text}# BEGIN pptp-fleet office2\nLAB\\\\fleet office2 pw2 *\n# END pptp-fleet office2\n`);
  });
});

describe('resource errors', () => {
  it('package: no package manager', () => {
    expect(() => packageChanges({ packages: ['ppp'] }, { ...emptyRouter(), packageManager: null })).toThrow(ResourceError);
  });
  it('file: a directory where a file should be', () => {
    const f = { ...emptyRouter(), files: { '/etc/x': { path: '/etc/x', type: 'dir' as const } } };
    expect(() => fileChanges({ path: '/etc/x', state: 'present', content: '', mode: '644', reason: 'r' }, f)).toThrow(ResourceError);
  });
  it('managed-block: content not gathered', () => {
    const f = { ...emptyRouter(), files: { '/etc/modules': { path: '/etc/modules', type: 'file' as const, md5: 'x' } } };
    expect(() => blockChanges({ path: '/etc/modules', mode: '644', blocks: [], remove: [], insert: 'end', reason: 'r' }, f)).toThrow(ResourceError);
  });
});

// What the apply script sends back of a failed install (kernel lines, the last lines, the router's
// kernel), from real package manager output (opkg: openwrt/packages#14606, openwrt/openwrt#13357;
// apk: openwrt/openwrt#21288).
describe('explainInstallFailure', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'opkg: Cannot satisfy the following dependencies',
      " * \tkernel (= 5.4.93-1-6b0e6ccfc1a63ac8682d721effce8201) * Collected errors: * satisfy_dependencies_for: Cannot satisfy the following dependencies for kmod-swconfig: * \tkernel (= 5.4.93-1-6b0e6ccfc1a63ac8682d721effce8201) * opkg_install_cmd: Cannot install package kmod-swconfig. (router kernel: 5.4.92)",
      /^kernel mismatch: the router runs Linux 5\.4\.92, the package feed's kernel modules are built for 5\.4\.93 \(kernel 5\.4\.93-1-6b0e6ccfc1a63ac8682d721effce8201\); .*Nothing was configured\. Package manager said: .*Cannot install package kmod-swconfig\.$/,
    ],
    [
      'opkg: cannot find dependency kernel',
      ' * pkg_hash_check_unresolved: cannot find dependency kernel (= 5.15.127-1-df0702829e821b8558390aba459f6aa4) for kmod-crypto-aead (router kernel: 5.15.123)',
      /^kernel mismatch: the router runs Linux 5\.15\.123, the package feed's kernel modules are built for 5\.15\.127 /,
    ],
    [
      'apk: unable to select packages, kernel breaks the kmod',
      'kernel-6.12.63~a64cdc69add322a87084e41c2857026c-r1: breaks: kmod-nf-conntrack-netlink-6.12.62-r1[kernel=6.12.62~cdbbaf6403094fd68db5b0a1ec5c9fd8-r1] satisfies: world[kernel=6.12.63~a64cdc69add322a87084e41c2857026c-r1] ERROR: unable to select packages: (router kernel: 6.12.63)',
      /^kernel mismatch: the router runs Linux 6\.12\.63 \(kernel package 6\.12\.63~a64cdc69add322a87084e41c2857026c-r1\), the package feed's kernel modules are built for 6\.12\.62 \(kernel 6\.12\.62~cdbbaf6403094fd68db5b0a1ec5c9fd8-r1\)/,
    ],
    [
      'opkg: a feed for another architecture',
      ' * pkg_hash_fetch_best_installation_candidate: Packages for kmod-pptp found, but incompatible with the architectures configured (router kernel: 5.15.167)',
      /^the package feed is for another architecture than the router's/,
    ],
    ['anything else comes back as it was, without the kernel note', 'Failed to establish connection (router kernel: 5.15.167)', /^Failed to establish connection$/],
  ];
  for (const [name, message, want] of cases) it(name, () => expect(explainInstallFailure(message)).toMatch(want));
});
