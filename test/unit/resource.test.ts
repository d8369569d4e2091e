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
import { packageChanges, type DesiredPackages } from '../../src/resources/package.js';
import { ResourceError } from '../../src/resources/problem.js';
import { factsFor } from '../fixtures/resources/firmware.js';

const DIR = join(import.meta.dirname, '../fixtures/resources');

const emptyRouter = (): Facts => ({ ...factsFor('openwrt'), files: {}, packages: [], loadedModules: [] });

const kinds: Record<string, (desired: never, facts: Facts) => Change[]> = {
  package: (d: DesiredPackages, f) => packageChanges(d, f),
  module: (d: DesiredModules, f) => moduleChanges(d, f),
  file: (d: DesiredFile, f) => fileChanges(d, f),
  'managed-block': (d: DesiredBlocks, f) => blockChanges(d, f),
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
