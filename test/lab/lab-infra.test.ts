// The lab's infrastructure: real dropbear routers in bubblewrap on 127.0.0.1, their rootfs,
// login shell and audit log, the supervisor, and that `labDown` leaves nothing running.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import ssh2 from 'ssh2';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { InputError } from '../../packages/lab/src/errors.js';
import { labSummary, registerLab } from '../../packages/lab/src/commands.js';
import { labDown, labUp, loadLab, passwordFromFile, randomPassword, type Lab } from '../../packages/lab/src/index.js';
import { renderLabInventory } from '../../packages/lab/src/inventory.js';
import { parsePublicKey } from '../../packages/lab/src/keys.js';
import { assignRouters, parseCounts, routerName } from '../../packages/lab/src/options.js';
import { bytesWithin, parseListeningPorts } from '../../packages/lab/src/ports.js';
import { findSandboxedProcesses, isAlive } from '../../packages/lab/src/procs.js';
import { appletLinks, parseLdd } from '../../packages/lab/src/rootfs.js';
import { readState } from '../../packages/lab/src/state.js';
import { FIRMWARES } from '../../packages/lab/src/types.js';

interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// The OpenSSH client with strict host key checking against the lab's known_hosts only.
function ssh(lab: Lab, name: string, command: string, knownHosts = lab.knownHostsPath): Promise<SshResult> {
  const router = lab.routers.find((r) => r.name === name);
  if (!router) throw new Error(`no router ${name}`);
  const args = [
    '-F', '/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=10',
    '-i', lab.keyPath,
    '-p', String(router.port),
    'root@127.0.0.1',
    command,
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

async function auditLog(lab: Lab, name: string): Promise<string[]> {
  const router = lab.routers.find((r) => r.name === name);
  return (await readFile(router?.auditLog ?? '/nonexistent', 'utf8')).split('\n').filter((l) => l !== '');
}

function recordedPids(state: Awaited<ReturnType<typeof readState>>): number[] {
  return [state.supervisorPid, ...state.routers.map((r) => r.pid)].filter((p): p is number => p !== null);
}

describe('lab options', () => {
  it('hands out firmware and scenarios in the order given from r001, leftovers whiterussian / ok', () => {
    expect(assignRouters(4, [['openwrt', 1], ['openwrt-apk', 2]], [['slow', 3]])).toEqual([
      { name: 'r001', firmware: 'openwrt', scenario: 'slow' },
      { name: 'r002', firmware: 'openwrt-apk', scenario: 'slow' },
      { name: 'r003', firmware: 'openwrt-apk', scenario: 'slow' },
      { name: 'r004', firmware: 'whiterussian', scenario: 'ok' },
    ]);
    expect(routerName(99)).toBe('r100');
  });

  it('rejects bad NAME:COUNT values and counts beyond --routers as input errors', () => {
    expect(parseCounts('--firmware', ['openwrt:2', 'whiterussian:1'], FIRMWARES)).toEqual([['openwrt', 2], ['whiterussian', 1]]);
    for (const bad of ['openwrt', 'openwrt:0', 'openwrt:x', 'ddwrt:2', ':3']) {
      expect(() => parseCounts('--firmware', [bad], FIRMWARES), bad).toThrow(InputError);
    }
    expect(() => assignRouters(2, [['openwrt', 3]])).toThrow(/more than the 2 routers/);
  });

  it('the CLI turns a bad --scenario into an InputError naming the command line', async () => {
    const program = new Command().exitOverride();
    registerLab(program.command('lab'));
    const run = program.parseAsync(['lab', 'up', '--routers', '3', '--dir', '/nonexistent/x', '--scenario', 'flaky:1'], { from: 'user' });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/<command line>: --scenario: unknown name "flaky"/);
  });

  it('summarises small labs router by router and big ones with totals', () => {
    const router = (i: number) => ({ name: routerName(i), port: 40000 + i, firmware: 'openwrt' as const, scenario: 'ok' as const, rootfs: '', auditLog: '' });
    const lab = (n: number): Lab => ({ dir: '/d', inventoryPath: '/d/inventory.yaml', knownHostsPath: '', keyPath: '', passwordPath: '', routers: Array.from({ length: n }, (_, i) => router(i)) });
    expect(labSummary(lab(2)).split('\n')).toEqual(['router  port   firmware  scenario', 'r001    40000  openwrt   ok', 'r002    40001  openwrt   ok']);
    const big = labSummary(lab(200)).split('\n');
    expect(big).toHaveLength(14);
    expect(big.slice(-3)).toEqual(['… and 190 more (see /d/inventory.yaml)', 'firmware: openwrt:200', 'scenario: ok:200']);
  });

  it('the CLI rejects a missing or out-of-range --routers', async () => {
    for (const routers of [[], ['--routers', '0'], ['--routers', 'ten']]) {
      const program = new Command().exitOverride();
      registerLab(program.command('lab'));
      await expect(program.parseAsync(['lab', 'up', ...routers, '--dir', '/nonexistent/x'], { from: 'user' })).rejects.toThrow(/--routers/);
    }
  });
});

describe('lab building blocks', () => {
  it('writes the inventory in the contract layout, username with its single backslash', () => {
    const text = renderLabInventory([
      { name: 'r001', port: 40123, firmware: 'whiterussian', scenario: 'ok' },
      { name: 'r002', port: 40124, firmware: 'openwrt-24', scenario: 'slow' },
    ]);
    expect(text).toContain("username: 'LAB\\fleet'");
    expect(text).toContain('r001: { ansible_host: 127.0.0.1, ansible_port: 40123, lab_firmware: whiterussian, lab_scenario: ok }');
    const inv = parse(text) as { all: { vars: { ansible_user: string; tunnels: Array<Record<string, unknown>> }; hosts: Record<string, unknown> } };
    expect(inv.all.vars.ansible_user).toBe('root');
    expect(inv.all.vars.tunnels[0]).toEqual({
      name: 'office',
      server: '198.51.100.1',
      username: 'LAB\\fleet',
      password: { file: 'vpn-password' },
      mppe: { required: true, stateless: true, no40: true, no56: true },
      refuse_eap: true,
      routes: ['10.20.0.0/16'],
      masquerade: true,
      forward: { outbound: true, inbound: false },
    });
    expect(inv.all.hosts['r002']).toEqual({ ansible_host: '127.0.0.1', ansible_port: 40124, lab_firmware: 'openwrt-24', lab_scenario: 'slow' });
  });

  it('parses ldd output, dropbearkey output and /proc/net/tcp', () => {
    expect(
      parseLdd(
        '\tlinux-vdso.so.1 (0x00007ffd)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f11)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f11)\n',
      ),
    ).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    expect(parsePublicKey('Public key portion is:\nssh-ed25519 AAAAC3Nz+/= root@vm\nFingerprint: SHA256:x\n')).toBe('ssh-ed25519 AAAAC3Nz+/=');
    const tcp =
      '  sl  local_address rem_address   st tx_queue rx_queue\n' +
      '   0: 0100007F:9C9B 00000000:0000 0A 00000000:00000000\n' +
      '   1: 0100007F:9C9C 0100007F:D2F0 01 00000000:00000000\n';
    expect([...parseListeningPorts(tcp)]).toEqual([0x9c9b]);
  });

  it('gives White Russian no sha256sum and no stat', () => {
    expect(appletLinks('whiterussian')).not.toContain('usr/bin/sha256sum');
    expect(appletLinks('whiterussian')).not.toContain('usr/bin/stat');
    expect(appletLinks('openwrt')).toContain('usr/bin/sha256sum');
    expect(appletLinks('openwrt')).toContain('bin/sh');
  });

  it('reads a password file without its trailing newline; hostile random passwords carry quoting hazards', () => {
    expect(passwordFromFile('a b"c\n')).toBe('a b"c');
    expect(randomPassword(false)).toMatch(/^[A-Za-z0-9]{20}$/);
    const hostile = randomPassword(true);
    for (const c of [' ', '#', '"', "'", '\\', '$']) expect(hostile).toContain(c);
  });
});

describe('a small lab (whiterussian ok, openwrt slow, openwrt ssh_hang, openwrt ok)', () => {
  let lab: Lab;
  let dir: string;
  const password = 'pa ss"w\\rd#1';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pf-infra-'));
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${password}\n`);
    lab = await labUp({
      dir: join(dir, 'lab'),
      routers: 4,
      firmware: [['whiterussian', 1], ['openwrt', 3]],
      scenario: [['ok', 1], ['slow', 1], ['ssh_hang', 1]],
      passwordFile,
    });
  });

  afterAll(async () => {
    if (lab) await labDown(lab.dir);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs commands inside the router rootfs, not on the host', async () => {
    const r = await ssh(lab, 'r001', 'cat /lab/firmware; cat /proc/sys/kernel/hostname; echo made > /tmp/pf-infra-marker; ls /proc | grep -c "^[0-9]"');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [firmware, hostname, pidCount] = r.stdout.trim().split('\n');
    expect(firmware).toBe('whiterussian');
    expect(hostname).toBe('r001');
    // A pid namespace of its own: bwrap's init, dropbear, its session child, the shell and grep/ls.
    expect(Number(pidCount)).toBeLessThan(10);
    const r001 = lab.routers.find((x) => x.name === 'r001');
    expect(await readFile(join(r001?.rootfs ?? '', 'tmp/pf-infra-marker'), 'utf8')).toBe('made\n');
    expect(existsSync('/tmp/pf-infra-marker')).toBe(false);
  });

  it('gives sessions OpenWrt PATH and the firmware busybox applets', async () => {
    const wr = await ssh(lab, 'r001', 'echo $PATH; command -v sha256sum || echo none; command -v md5sum');
    expect(wr.stdout.split('\n').slice(0, 3)).toEqual(['/usr/sbin:/usr/bin:/sbin:/bin', 'none', '/usr/bin/md5sum']);
    const ow = await ssh(lab, 'r004', 'command -v sha256sum');
    expect(ow.stdout.trim()).toBe('/usr/bin/sha256sum');
  });

  it('records each command line in the audit log, newlines and backslashes escaped', async () => {
    const command = "printf '%s\\n' 'a\\b'\necho second";
    const r = await ssh(lab, 'r004', command);
    expect(r.stdout).toBe('a\\b\nsecond\n');
    const lines = await auditLog(lab, 'r004');
    expect(lines.at(-1)).toBe("printf '%s\\\\n' 'a\\\\b'\\necho second");
    // A trailing newline of the command is kept, not lost to the shell.
    await ssh(lab, 'r004', 'true\n');
    expect((await auditLog(lab, 'r004')).at(-1)).toBe('true\\n');
  });

  it('presents the host key recorded in known_hosts, and strict checking rejects another key', async () => {
    const known = await readFile(lab.knownHostsPath, 'utf8');
    const r001 = lab.routers.find((x) => x.name === 'r001');
    const r004 = lab.routers.find((x) => x.name === 'r004');
    // White Russian's dropbear 0.4x has no ed25519: an RSA host key
    expect(known).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${r001?.port} ssh-rsa AAAA[A-Za-z0-9+/=]+$`, 'm'));
    expect(known).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${r004?.port} ssh-ed25519 AAAA[A-Za-z0-9+/=]+$`, 'm'));
    expect((await ssh(lab, 'r001', 'true')).code).toBe(0);
    // r004's key filed under r001's port: the server's real key no longer matches.
    const r004Key = known.split('\n').find((l) => l.startsWith(`[127.0.0.1]:${r004?.port} `))?.split(' ').slice(1).join(' ');
    const wrong = join(dir, 'wrong_known_hosts');
    await writeFile(wrong, `[127.0.0.1]:${r001?.port} ${r004Key}\n`);
    const bad = await ssh(lab, 'r001', 'true', wrong);
    expect(bad.code).toBe(255);
    expect(bad.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('white russian offers no ed25519 host key, and ssh2 connects verifying its RSA key', async () => {
    const r001 = lab.routers.find((x) => x.name === 'r001');
    const scan = await new Promise<string>((resolve) => {
      const child = spawn('ssh-keyscan', ['-p', String(r001?.port), '-t', 'ed25519,rsa', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(out));
    });
    expect(scan).toMatch(/ ssh-rsa AAAA/);
    expect(scan).not.toMatch(/ssh-ed25519/);
    const known = (await readFile(lab.knownHostsPath, 'utf8')).split('\n').find((l) => l.startsWith(`[127.0.0.1]:${r001?.port} `)) ?? '';
    const expected = Buffer.from(known.split(' ')[2] ?? '', 'base64');
    const out = await new Promise<string>((resolve, reject) => {
      const conn = new ssh2.Client();
      let seenKey: Buffer | undefined;
      conn.on('ready', () => {
        conn.exec('cat /lab/firmware', (err, stream) => {
          if (err) return reject(err);
          let o = '';
          stream.on('data', (d: Buffer) => (o += d.toString()));
          stream.on('close', () => {
            conn.end();
            resolve(`${o}${seenKey?.equals(expected) ? 'key ok' : 'key mismatch'}`);
          });
        });
      });
      conn.on('error', reject);
      conn.connect({
        host: '127.0.0.1',
        port: r001?.port,
        username: 'root',
        privateKey: readFileSync(lab.keyPath),
        hostVerifier: (key: Buffer) => {
          seenKey = key;
          return key.equals(expected);
        },
      });
    });
    expect(out).toBe('whiterussian\nkey ok');
  });

  it('writes an OpenSSH-format admin key that ssh2 reads', async () => {
    const key = ssh2.utils.parseKey(await readFile(lab.keyPath));
    expect(key).not.toBeInstanceOf(Error);
    expect((await stat(lab.keyPath)).mode & 0o777).toBe(0o600);
  });

  it('keeps /rom read-only inside the router', async () => {
    const r = await ssh(lab, 'r001', 'touch /rom/x');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
  });

  it('refuses writes through /etc/ppp/chap-secrets into /rom (when the firmware layer lays it)', async (ctx) => {
    const r001 = lab.routers.find((x) => x.name === 'r001');
    if (!existsSync(join(r001?.rootfs ?? '', 'rom/etc/ppp/chap-secrets'))) ctx.skip();
    const r = await ssh(lab, 'r001', 'echo x >> /etc/ppp/chap-secrets');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
  });

  it('gives the simulated server the password from --password-file, mode 600 in the rootfs and the lab dir', async () => {
    const r001 = lab.routers.find((x) => x.name === 'r001');
    const serverFile = join(r001?.rootfs ?? '', 'lab/server/password');
    expect(await readFile(serverFile, 'utf8')).toBe(password);
    expect((await stat(serverFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(lab.passwordPath, 'utf8')).toBe(password);
    expect((await stat(lab.passwordPath)).mode & 0o777).toBe(0o600);
  });

  it('ssh_hang accepts TCP but never sends a banner', async () => {
    const hang = lab.routers.find((x) => x.scenario === 'ssh_hang');
    expect(await bytesWithin(hang?.port ?? 0, 1500)).toBe('');
    const ok = lab.routers.find((x) => x.name === 'r001');
    expect(await bytesWithin(ok?.port ?? 0, 1500)).toMatch(/^SSH-2\.0-dropbear/);
  });

  it('slow delays every command by about 3 s', async () => {
    const fast = await ssh(lab, 'r004', 'true');
    const slow = await ssh(lab, 'r002', 'cat /lab/scenario');
    expect(slow.stdout).toBe('slow\n');
    expect(slow.ms).toBeGreaterThanOrEqual(3000);
    // The delay shows as the difference (both pay the same, load-dependent login cost).
    expect(slow.ms - fast.ms).toBeGreaterThan(1500);
  });

  it('loadLab reads back what labUp returned', async () => {
    expect(await loadLab(lab.dir)).toEqual(lab);
  });

  it('labDown stops every recorded process and anything else inside the sandboxes, and is idempotent', async () => {
    // Leave a background process in a router: labDown must take it down too.
    await ssh(lab, 'r004', 'sleep 300 > /dev/null 2>&1 < /dev/null &');
    const before = await readState(lab.dir);
    const pids = recordedPids(before);
    expect(before.status).toBe('running');
    expect(pids.length).toBe(5); // supervisor + 4 routers (ssh_hang's is the supervisor's)
    expect(findSandboxedProcesses(lab.routers.map((r) => r.rootfs)).length).toBeGreaterThan(3);

    await labDown(lab.dir);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    expect(findSandboxedProcesses(lab.routers.map((r) => r.rootfs))).toEqual([]);
    const after = await readState(lab.dir);
    expect(after.status).toBe('stopped');
    expect(recordedPids(after)).toEqual([]);
    await labDown(lab.dir);
  });
});

describe('the lab command', () => {
  it('lab up prints the routers and the apply hint; lab down stops them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-infra-cli-'));
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    try {
      const up = new Command().exitOverride();
      registerLab(up.command('lab'));
      await up.parseAsync(['lab', 'up', '--routers', '2', '--dir', dir, '--firmware', 'openwrt-apk:1', '--scenario', 'slow:1'], { from: 'user' });
      const out = printed.join('\n');
      expect(out).toMatch(/^r001 +\d+ +openwrt-apk +slow$/m);
      expect(out).toMatch(/^r002 +\d+ +whiterussian +ok$/m);
      // The inventory names its key and known_hosts: the hint needs no other flag.
      expect(out).toMatch(new RegExp(`pptp-fleet apply -i ${dir}/inventory\\.yaml$`, 'm'));
      const inv = await readFile(join(dir, 'inventory.yaml'), 'utf8');
      expect(inv).toContain(`ansible_ssh_private_key_file: ${dir}/id_ed25519`);
      expect(inv).toContain(`ansible_ssh_common_args: -o UserKnownHostsFile=${dir}/known_hosts`);
      const pids = recordedPids(await readState(dir));
      expect(pids).toHaveLength(3);

      const down = new Command().exitOverride();
      registerLab(down.command('lab'));
      await down.parseAsync(['lab', 'down', '--dir', dir], { from: 'user' });
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
    } finally {
      spy.mockRestore();
      await labDown(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fleet size', () => {
  it('starts and stops 50 routers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-infra50-'));
    let lab: Lab | undefined;
    try {
      const t0 = Date.now();
      lab = await labUp({ dir, routers: 50, firmware: [['openwrt', 20], ['openwrt-24', 10], ['openwrt-apk', 10]] });
      const upMs = Date.now() - t0;
      const state = await readState(dir);
      expect(state.routers.every((r) => r.pid !== null && isAlive(r.pid))).toBe(true);
      expect((await ssh(lab, 'r050', 'cat /lab/firmware')).stdout).toBe('whiterussian\n');
      const pids = recordedPids(state);
      const t1 = Date.now();
      await labDown(dir);
      const downMs = Date.now() - t1;
      console.log(`50 routers: up in ${(upMs / 1000).toFixed(1)} s, down in ${(downMs / 1000).toFixed(1)} s`);
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
      expect(findSandboxedProcesses(lab.routers.map((r) => r.rootfs))).toEqual([]);
    } finally {
      if (lab) await labDown(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
