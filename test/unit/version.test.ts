// `pptp-fleet --version` is package.json's version, not a literal in the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/version.js';

describe('version', () => {
  it("is package.json's and looks like semver", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(packageVersion()).toBe(pkg.version);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it('is no longer hard-coded in the CLI', () => {
    expect(readFileSync(new URL('../../src/cli.ts', import.meta.url), 'utf8')).not.toMatch(/\.version\(['"]/);
  });
});
