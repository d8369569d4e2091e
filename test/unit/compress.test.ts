// gzipOutput runs a script with its stdout compressed by the router's gzip, under dash and busybox
// ash, with a fake root that has gzip and one that has not.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPRESS_FROM_TUNNELS, gzipOutput, gzipOutputFor } from '../../src/shell/compress.js';
import { gunzipIfCompressed, UNREADABLE_COMPRESSED } from '../../src/ssh/session.js';
import { shells } from '../fixtures/facts/fakeroot.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fakeRoot(withGzip: boolean): string {
  const r = mkdtempSync(join(tmpdir(), 'pptp-fleet-gz-'));
  dirs.push(r);
  mkdirSync(join(r, 'bin'));
  if (withGzip) symlinkSync('/bin/gzip', join(r, 'bin/gzip'));
  return r;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

for (const sh of shells()) {
  describe(`gzipOutput under ${sh.name}`, () => {
    const run = (script: string, root: string): { stdout: Buffer; stderr: string; status: number | null; ms: number } => {
      const t0 = Date.now();
      const res = spawnSync(sh.cmd, ['-s'], { input: gzipOutput(script, { root }), env: { PATH: sh.path }, timeout: 20_000 });
      return { stdout: res.stdout, stderr: res.stderr.toString(), status: res.status, ms: Date.now() - t0 };
    };
    const body = 'i=0\nwhile [ $i -lt 300 ]; do echo "line $i of a chatty log"; i=$((i + 1)); done\necho to-stderr >&2\n';

    it('compresses stdout when the router has gzip, and keeps stderr and the exit status', () => {
      const r = run(`${body}exit 3\n`, fakeRoot(true));
      expect(r.stdout.subarray(0, 2).equals(GZIP_MAGIC)).toBe(true);
      const text = gunzipSync(r.stdout).toString();
      expect(text.split('\n')[299]).toBe('line 299 of a chatty log');
      expect(r.stdout.length).toBeLessThan(Buffer.byteLength(text) / 4);
      expect(r.stderr).toBe('to-stderr\n');
      expect(r.status).toBe(3);
    });

    it('sends plain text, same status, on a router without gzip', () => {
      const r = run(`${body}exit 4\n`, fakeRoot(false));
      expect(r.stdout.toString().split('\n')[0]).toBe('line 0 of a chatty log');
      expect(r.status).toBe(4);
    });

    it('returns 0 for a script that ends normally', () => {
      expect(run('echo ok\n', fakeRoot(true)).status).toBe(0);
    });

    it('does not let a daemon the script starts hold the session open through the status fds', () => {
      // Held open, the session would last the daemon's 20 s: the bound is generous (a loaded machine) and still tells.
      const r = run('sleep 20 >/dev/null 2>&1 </dev/null &\necho started\n', fakeRoot(true));
      expect(gunzipSync(r.stdout).toString()).toBe('started\n');
      expect(r.ms).toBeLessThan(12_000);
    });
  });
}

describe('gzipOutputFor', () => {
  it(`leaves the script alone below ${COMPRESS_FROM_TUNNELS} tunnels`, () => {
    expect(gzipOutputFor(1, 'echo x\n')).toBe('echo x\n');
    expect(gzipOutputFor(COMPRESS_FROM_TUNNELS, 'echo x\n')).toContain('pf_body()');
  });

  it('refuses a root that would break out of its quotes', () => {
    expect(() => gzipOutput('true', { root: "/tmp/x'; reboot; '" })).toThrow(RangeError);
  });
});

describe('gunzipIfCompressed', () => {
  const text = Buffer.from('@@pptp-fleet-facts 1\n' + '|a log line that repeats\n'.repeat(500) + '@@end\n');

  it('decompresses gzip data and leaves anything else alone', () => {
    expect(gunzipIfCompressed(gzipSync(text)).equals(text)).toBe(true);
    expect(gunzipIfCompressed(text)).toBe(text);
    expect(gunzipIfCompressed(Buffer.alloc(0)).length).toBe(0);
  });

  it('gives the part that arrived of a stream cut short, so the parser sees a cut output', () => {
    const z = gzipSync(text);
    const got = gunzipIfCompressed(z.subarray(0, Math.floor(z.length / 2))).toString();
    expect(text.toString().startsWith(got)).toBe(true);
    expect(got.length).toBeGreaterThan(0);
    expect(got).not.toContain('@@end');
  });

  it('never hands on the raw bytes of data that only looks like gzip (parsers quote what they get)', () => {
    const fake = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x00]), Buffer.from('LAB\\fleet office s3cret *\n')]);
    expect(gunzipIfCompressed(fake).toString()).toBe(UNREADABLE_COMPRESSED);
  });
});
