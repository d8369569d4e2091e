// The packages as a new user gets them: `npm pack` of the product and of the lab, installed into
// an empty prefix, then `pptp-fleet --version`, `lab up`, `apply` and `lab down` from that
// prefix alone (no file of this checkout on the way).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './helpers.js';

const run = promisify(execFile);

interface Installed {
  tmp: string;
  bin: string;
  productFiles: string[];
  labFiles: string[];
}

async function packAndInstall(): Promise<Installed> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'pf-pack-'));
  const pack = async (args: string[]): Promise<{ filename: string; files: string[] }> => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp, ...args], { cwd: root, maxBuffer: 64 << 20 });
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error(`npm pack ${args.join(' ')} printed no package`);
    return { filename: path.join(tmp, info.filename), files: info.files.map((f) => f.path) };
  };
  const product = await pack([]);
  const lab = await pack(['-w', 'pptp-fleet-lab']);
  const prefix = path.join(tmp, 'prefix');
  await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', product.filename, lab.filename], { cwd: tmp, maxBuffer: 64 << 20 });
  return { tmp, bin: path.join(prefix, 'node_modules', '.bin'), productFiles: product.files, labFiles: lab.files };
}

describe('the published packages', () => {
  let pkg: Installed | undefined;
  beforeAll(async () => {
    pkg = await packAndInstall();
  }, 300_000);
  afterAll(async () => {
    if (pkg) await rm(pkg.tmp, { recursive: true, force: true });
  });

  it('the product tarball has a LICENSE and none of the lab, the benchmark or the tests', () => {
    const files = pkg?.productFiles ?? [];
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/cli.js');
    expect(files.filter((f) => /^(dist\/(lab|bench)\/|test\/|packages\/|src\/)/.test(f))).toEqual([]);
  });

  it('the lab tarball carries its stand-ins and its own command', () => {
    const files = pkg?.labFiles ?? [];
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'dist/cli.js', 'dist/supervisor.js', 'standins/bin/pppd', 'standins/lib/common.sh']));
  });

  it('installed: --version is package.json\'s, and lab up, apply, lab down work', async () => {
    if (!pkg) throw new Error('not installed');
    const env = { ...process.env, PATH: `${pkg.bin}:${process.env.PATH ?? ''}`, CI: 'true', NO_COLOR: '1' };
    const opts = { cwd: pkg.tmp, env, maxBuffer: 64 << 20 };
    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect((await run('pptp-fleet', ['--version'], opts)).stdout.trim()).toBe(version);

    const dir = path.join(pkg.tmp, 'lab');
    try {
      const up = await run('pptp-fleet', ['lab', 'up', '--routers', '2', '--dir', dir, '--firmware', 'openwrt:1', '--firmware', 'whiterussian:1'], opts);
      expect(up.stdout).toMatch(/2 routers up/);
      const apply = await run('pptp-fleet', ['apply', '-i', `${dir}/inventory.yaml`, '--known-hosts', `${dir}/known_hosts`, '--key', `${dir}/id_ed25519`], opts);
      expect(apply.stdout).toMatch(/2 hosts: 0 ok, 2 changed, 0 failed/);
    } finally {
      await run('pptp-fleet-lab', ['down', '--dir', dir], opts);
    }
  }, 300_000);
});
