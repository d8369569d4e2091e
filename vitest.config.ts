import { execFileSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

// Tests import the router programs as embedded by the build step: keep them current.
execFileSync(process.execPath, ['scripts/embed-remote.mjs'], { stdio: 'inherit' });

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000, globalSetup: ['test/support/tmpdir-setup.ts', 'test/support/busybox-setup.ts'] } },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['test/support/tmpdir-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Lab tests start real dropbear fleets; two at once is what 2 cores carry.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
