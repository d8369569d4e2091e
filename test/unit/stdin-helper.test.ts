// The tests' stdin helper (test/fixtures/stdin.ts): a child that exits without reading its input
// must not fail the run with an unhandled EPIPE (CI on 2b34c94 did, from test/lab/standins.test.ts).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { endStdin } from '../fixtures/stdin.js';

describe('endStdin', () => {
  it("lets a child that never reads its input exit with its own status (our write's EPIPE is no error)", async () => {
    for (let k = 0; k < 5; k++) {
      const child = spawn('sh', ['-c', 'exit 3'], { stdio: ['pipe', 'ignore', 'ignore'] });
      const status = new Promise<number | null>((resolve) => child.on('close', resolve));
      endStdin(child, 'x'.repeat(4 * 1024 * 1024));
      expect(await status).toBe(3);
    }
  });
  it('delivers the whole input to a child that reads it', async () => {
    const child = spawn('wc', ['-c'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise((resolve) => child.on('close', resolve));
    endStdin(child, 'y'.repeat(100_000));
    await done;
    expect(out.trim()).toBe('100000');
  });
});
