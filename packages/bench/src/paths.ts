// Where the benchmark finds the product it measures and its own fixtures, from its sources
// (vitest) and from its build (dist/packages/bench/src/, see tsconfig.json) alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory at or above this module whose package.json is named NAME. */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package ${name} above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/**
 * The product's built CLI, the command the benchmark times.
 * @example productCli() // '<repository>/dist/cli.js'
 */
export const productCli = (): string => join(packageDir('pptp-fleet'), 'dist', 'cli.js');

/**
 * A file of the benchmark's fixtures/ (the build does not copy them).
 * @example benchFixture('facts-whiterussian-converged.txt') // '<repository>/packages/bench/fixtures/…'
 */
export const benchFixture = (name: string): string => join(packageDir('pptp-fleet-bench'), 'fixtures', name);
