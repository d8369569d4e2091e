// End to end, issue 3: the orchestrator core on a 53-router lab. Fifty routers answer a ping
// with --forks 10; SSH host keys are verified (unknown refused unless --accept-new-host-keys,
// changed always refused); a hanging router times out without holding the fleet up; bad input
// exits 2 before anything is contacted; facts cost one exec per host; `inventory --list`
// masks secrets.
//
// Routers: r001 ssh_hang (first, so it holds a fork from the start), r002..r051 ok (the ping
// fleet), r052 and r053 ok (host key cases).
// The tests run in order and some rely on audit logs still being empty: bad input first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Lab } from '../../packages/lab/src/index.js';
import { auditLines, labArgs, runCli, startLab, stopLab, type CliResult, readReport, hostOf } from './helpers.js';

const PING_FLEET = Array.from({ length: 50 }, (_, i) => `r${String(i + 2).padStart(3, '0')}`);
const HANG = 'r001';
const UNKNOWN_KEY = 'r052';
const CHANGED_KEY = 'r053';
const NOT_PING_FLEET = `all:!${HANG}:!${UNKNOWN_KEY}:!${CHANGED_KEY}`;

/** OpenSSH's fingerprint of a base64 key blob: `SHA256:` + unpadded base64 of its sha256. */
function fingerprint(blobBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

function expectNoStackTrace(r: CliResult): void {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(all, all).not.toMatch(/^\s+at\s/m);
  expect(all).not.toMatch(/\b(TypeError|ReferenceError|InputError)\b/);
}

describe('orchestrator core on a 53-router lab', () => {
  let lab: Lab;
  /** How long pinging the 50 healthy routers took (the baseline for the hanging-router run). */
  let pingFleetMs = 0;
  /** known_hosts lines by router name: `[127.0.0.1]:PORT TYPE BLOB`. */
  const knownLine = new Map<string, { line: string; type: string; blob: string }>();

  function portOf(name: string): number {
    const r = lab.routers.find((x) => x.name === name);
    if (!r) throw new Error(`no router ${name}`);
    return r.port;
  }

  async function auditSnapshot(): Promise<Map<string, number>> {
    const m = new Map<string, number>();
    for (const r of lab.routers) m.set(r.name, (await auditLines(lab, r.name)).length);
    return m;
  }

  async function expectAllAuditLogsEmpty(why: string): Promise<void> {
    for (const r of lab.routers) expect(await auditLines(lab, r.name), `${r.name} after ${why}`).toEqual([]);
  }

  beforeAll(async () => {
    lab = await startLab({ routers: 53, scenario: [['ssh_hang', 1], ['ok', 52]] });
    const text = await readFile(lab.knownHostsPath, 'utf8');
    for (const line of text.split('\n').filter(Boolean)) {
      const [hostField, type, blob] = line.split(/\s+/);
      const port = Number(/^\[127\.0\.0\.1\]:(\d+)$/.exec(hostField ?? '')?.[1]);
      const r = lab.routers.find((x) => x.port === port);
      if (r && type && blob) knownLine.set(r.name, { line, type, blob });
    }
    expect(knownLine.size).toBe(53);
  });

  afterAll(async () => {
    await stopLab(lab);
  });

  describe('bad input exits 2 with `file: dot.path: message` and contacts nothing', () => {
    async function badInventory(name: string, edit: (text: string) => string): Promise<string> {
      const file = path.join(lab.dir, `${name}.yaml`);
      await writeFile(file, edit(await readFile(lab.inventoryPath, 'utf8')));
      return file;
    }

    const cases: Array<{ name: string; edit: (lab: Lab, text: string) => string; line: (file: string) => RegExp }> = [
      {
        name: 'yaml-syntax',
        edit: (_lab, text) => text.replace(/^(\s+r002: \{[^}]*)\}$/m, '$1\n  oops: [\n'),
        line: (f) => new RegExp(`^error: ${esc(f)}: YAML syntax error at line \\d+, column \\d+: .+$`, 'm'),
      },
      {
        name: 'chidlren-typo',
        edit: (_lab, text) => text.replace(/^ {2}hosts:$/m, '  chidlren:\n    branches:\n      hosts: {}\n  hosts:'),
        line: (f) => new RegExp(`^error: ${esc(f)}: all\\.chidlren: .*did you mean "children".*$`, 'm'),
      },
      {
        name: 'bad-ip',
        edit: (_lab, text) => {
          const doc = parseDocument(text);
          doc.setIn(['all', 'hosts', 'r002', 'ansible_host'], '10.0.0.300');
          return doc.toString();
        },
        line: (f) => new RegExp(`^error: ${esc(f)}: all\\.hosts\\.r002\\.ansible_host: .*10\\.0\\.0\\.300.*$`, 'm'),
      },
      {
        name: 'bad-cidr',
        edit: (_lab, text) => text.replace('10.20.0.0/16', '10.20.0.0/33'),
        line: (f) => new RegExp(`^error: ${esc(f)}: all\\.vars\\.tunnels\\[0\\]\\.routes\\[0\\]: .*10\\.20\\.0\\.0/33.*$`, 'm'),
      },
      {
        name: 'missing-password-file',
        edit: (_lab, text) => text.replace('file: vpn-password', 'file: no-such-password'),
        line: (f) => new RegExp(`^error: ${esc(f)}: all\\.vars\\.tunnels\\[0\\]\\.password: .*no-such-password.*$`, 'm'),
      },
    ];

    for (const c of cases) {
      it(`inventory: ${c.name}`, async () => {
        const file = await badInventory(c.name, (t) => c.edit(lab, t));
        const r = await runCli(['apply', '-i', file, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath]);
        expect(r.code, r.stderr + r.stdout).toBe(2);
        expect(r.stderr).toMatch(c.line(file));
        // Every line is a problem line; nothing else (no progress, no summary, no stack).
        for (const l of r.stderr.split('\n').filter(Boolean)) expect(l).toMatch(/^error: [^:]+: .+/);
        expect(r.stdout).toBe('');
        expectNoStackTrace(r);
        await expectAllAuditLogsEmpty(c.name);
      });
    }

    const flagCases: Array<{ flags: string[]; line: RegExp }> = [
      { flags: ['--forks', '0'], line: /^error: <command line>: --forks: .*"0".*$/m },
      { flags: ['--serial', 'abc'], line: /^error: <command line>: --serial: "abc" .*$/m },
      { flags: ['--shard', '3/2'], line: /^error: <command line>: --shard: "3\/2" .*$/m },
    ];
    for (const c of flagCases) {
      it(`flags: ${c.flags.join(' ')}`, async () => {
        const r = await runCli(['apply', ...labArgs(lab), ...c.flags]);
        expect(r.code, r.stderr + r.stdout).toBe(2);
        expect(r.stderr).toMatch(c.line);
        expect(r.stdout).toBe('');
        expectNoStackTrace(r);
        await expectAllAuditLogsEmpty(c.flags.join(' '));
      });
    }
  });

  describe('host keys', () => {
    it('refuses an unknown host key, showing its SHA256 fingerprint and naming --accept-new-host-keys', async () => {
      const k = knownLine.get(UNKNOWN_KEY)!;
      const kh = path.join(lab.dir, 'known_hosts.unknown');
      const withoutIt = (await readFile(lab.knownHostsPath, 'utf8'))
        .split('\n')
        .filter((l) => l !== k.line)
        .join('\n');
      await writeFile(kh, withoutIt);
      const report = path.join(lab.dir, 'unknown-key.json');
      const r = await runCli([
        'ping', '-i', lab.inventoryPath, '--known-hosts', kh, '--key', lab.keyPath, '--limit', UNKNOWN_KEY, '--report-json', report,
      ]);
      expect(r.code, r.stderr + r.stdout).toBe(1);
      const h = hostOf(await readReport(report), UNKNOWN_KEY);
      expect(h.status).toBe('unreachable');
      expect(h.step).toBe('connect');
      for (const text of [h.error ?? '', r.stdout]) {
        expect(text).toContain(fingerprint(k.blob));
        expect(text).toContain('--accept-new-host-keys');
      }
      expect(await auditLines(lab, UNKNOWN_KEY)).toEqual([]);
      // Refusing does not record anything either.
      expect(await readFile(kh, 'utf8')).toBe(withoutIt);
    });

    it('with --accept-new-host-keys connects and records the key', async () => {
      const k = knownLine.get(UNKNOWN_KEY)!;
      const kh = path.join(lab.dir, 'known_hosts.unknown');
      const r = await runCli([
        'ping', '-i', lab.inventoryPath, '--known-hosts', kh, '--key', lab.keyPath, '--limit', UNKNOWN_KEY, '--accept-new-host-keys',
      ]);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(await auditLines(lab, UNKNOWN_KEY)).toEqual(['true']);
      const recorded = (await readFile(kh, 'utf8')).split('\n').filter(Boolean);
      const mine = recorded.filter((l) => l.split(/\s+/).slice(1, 3).join(' ') === `${k.type} ${k.blob}`);
      expect(mine).toHaveLength(1);
      // Under `[127.0.0.1]:PORT`, or hashed when the ssh config says HashKnownHosts yes (Debian's
      // /etc/ssh/ssh_config does): OpenSSH finds it either way.
      expect(execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${portOf(UNKNOWN_KEY)}`, '-f', kh], { encoding: 'utf8' })).toContain(k.blob);
      // The other entries are untouched.
      expect(recorded.length).toBe(53);
      // And the next run trusts it without the flag.
      const again = await runCli(['ping', '-i', lab.inventoryPath, '--known-hosts', kh, '--key', lab.keyPath, '--limit', UNKNOWN_KEY]);
      expect(again.code, again.stderr + again.stdout).toBe(0);
    });

    it('refuses a changed host key even with --accept-new-host-keys, showing both fingerprints', async () => {
      const mine = knownLine.get(CHANGED_KEY)!;
      const other = knownLine.get(UNKNOWN_KEY)!;
      const kh = path.join(lab.dir, 'known_hosts.changed');
      const text = (await readFile(lab.knownHostsPath, 'utf8'))
        .split('\n')
        .map((l) => (l === mine.line ? `[127.0.0.1]:${portOf(CHANGED_KEY)} ${other.type} ${other.blob}` : l))
        .join('\n');
      await writeFile(kh, text);
      const report = path.join(lab.dir, 'changed-key.json');
      const r = await runCli([
        'ping', '-i', lab.inventoryPath, '--known-hosts', kh, '--key', lab.keyPath, '--limit', CHANGED_KEY,
        '--accept-new-host-keys', '--report-json', report,
      ]);
      expect(r.code, r.stderr + r.stdout).toBe(1);
      const h = hostOf(await readReport(report), CHANGED_KEY);
      expect(h.status).toBe('unreachable');
      expect(h.step).toBe('connect');
      const expected = fingerprint(other.blob);
      const presented = fingerprint(mine.blob);
      expect(expected).not.toBe(presented);
      for (const t of [h.error ?? '', r.stdout]) {
        expect(t).toContain(expected);
        expect(t).toContain(presented);
        expect(t).toMatch(/CHANGED/);
      }
      expect(await auditLines(lab, CHANGED_KEY)).toEqual([]);
      // The wrong key stays; --accept-new-host-keys never overwrites a known key.
      expect(await readFile(kh, 'utf8')).toBe(text);
    });
  });

  it('pings 50 routers with --forks 10: exactly one `true` exec on each', async () => {
    const report = path.join(lab.dir, 'ping50.json');
    const t0 = Date.now();
    const r = await runCli(['ping', ...labArgs(lab), '--forks', '10', '--limit', NOT_PING_FLEET, '--report-json', report]);
    const wallMs = Date.now() - t0;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const rep = await readReport(report);
    expect(rep.hosts.map((h) => h.name)).toEqual(PING_FLEET);
    for (const h of rep.hosts) {
      expect(h.status, JSON.stringify(h)).toBe('ok');
      expect(h.sshExecs).toBe(1);
      expect(await auditLines(lab, h.name), h.name).toEqual(['true']);
    }
    pingFleetMs = rep.durationMs;
    console.log(`ping 50 routers, --forks 10: run ${rep.durationMs} ms, wall ${wallMs} ms`);
  });

  it('a hanging router is unreachable at connect after --connect-timeout; the rest finish, and the run is not held up', async () => {
    const before = await auditSnapshot();
    const report = path.join(lab.dir, 'hang.json');
    const t0 = Date.now();
    const r = await runCli(['ping', ...labArgs(lab), '--forks', '10', '--connect-timeout', '2000', '--retries', '0', '--report-json', report]);
    const exitedAt = Date.now();
    const wallMs = exitedAt - t0;
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const rep = await readReport(report);
    expect(rep.hosts).toHaveLength(53);
    for (const h of rep.hosts) {
      const added = (await auditLines(lab, h.name)).slice(before.get(h.name));
      if (h.name === HANG) {
        expect(h.status).toBe('unreachable');
        expect(h.step).toBe('connect');
        expect(h.error).toMatch(/2000 ms/);
        expect(h.durationMs).toBeGreaterThanOrEqual(1900);
        // One attempt (--retries 0), not several: generous, the machine is shared.
        expect(h.durationMs).toBeLessThan(2000 * 4);
        expect(added).toEqual([]);
      } else {
        expect(h.status, JSON.stringify(h)).toBe('ok');
        expect(added, h.name).toEqual(['true']);
      }
    }
    expect(r.stdout).toMatch(/r001\s+unreachable\s.*connect: no SSH handshake/);
    // One hanging host holds one fork for 2 s while the others carry on: the whole run takes
    // about the longer of the timeout and the healthy fleet's own time (measured just before;
    // the machine is shared, so no absolute figure), not their sum or several timeouts.
    expect(rep.durationMs).toBeLessThan(Math.max(2000, pingFleetMs) * 1.5 + 2500);
    // And the process exits once the run is over: no socket to the hanging router keeps it
    // alive. (Measured from the run's end, not its start: under load node's own start-up can
    // take many seconds.)
    const lingerMs = exitedAt - (Date.parse(rep.startedAt) + rep.durationMs);
    expect(lingerMs).toBeLessThan(15_000);
    console.log(`ping 53 routers with one hanging (--connect-timeout 2000): run ${rep.durationMs} ms, wall ${wallMs} ms, exit ${lingerMs} ms after the run`);
  });

  it('gathers facts in exactly one exec per host (apply --check, converged and not)', async () => {
    const converged = ['r002', 'r003', 'r004', 'r005', 'r006', 'r007', 'r008', 'r009'];
    const conv = await runCli(['apply', ...labArgs(lab), '--forks', '10', '--limit', converged.join(','), '-q']);
    expect(conv.code, conv.stderr + conv.stdout).toBe(0);
    const before = await auditSnapshot();
    const report = path.join(lab.dir, 'check.json');
    const r = await runCli(['apply', ...labArgs(lab), '--check', '--forks', '10', '--limit', NOT_PING_FLEET, '--report-json', report]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const rep = await readReport(report);
    expect(rep.hosts).toHaveLength(50);
    for (const h of rep.hosts) {
      const added = (await auditLines(lab, h.name)).slice(before.get(h.name));
      expect(added, h.name).toEqual(['/bin/sh -s -- pptp-fleet:facts']);
      expect(h.sshExecs, h.name).toBe(1);
      if (converged.includes(h.name)) {
        expect({ host: h.name, status: h.status, changes: h.changes }).toEqual({ host: h.name, status: 'ok', changes: [] });
      } else {
        expect(h.status, h.name).toBe('changed');
        expect(h.changes.length, h.name).toBeGreaterThan(0);
      }
    }
  });

  it('routers behind one jump host share its connection: one login on the bastion for 8 routers', async () => {
    // r052 is the bastion (dropbear forwards TCP); r044-r051 are reached through it. Its
    // dropbear log has a line per login.
    const bastion = lab.routers.find((x) => x.name === 'r052')!;
    const logins = async (): Promise<number> =>
      (await readFile(path.join(lab.dir, 'routers', 'r052', 'dropbear.log'), 'utf8')).split('\n').filter((l) => /Pubkey auth succeeded/.test(l)).length;
    const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
    const behind = ['r044', 'r045', 'r046', 'r047', 'r048', 'r049', 'r050', 'r051'];
    for (const name of behind) doc.setIn(['all', 'hosts', name, 'jump_host'], `root@127.0.0.1:${bastion.port}`);
    const inv = path.join(lab.dir, 'jump.yaml');
    await writeFile(inv, doc.toString({ lineWidth: 0 }));
    const before = await logins();
    const bastionAudit = await auditLines(lab, 'r052');
    const report = path.join(lab.dir, 'jump.json');
    const r = await runCli(['ping', '-i', inv, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--forks', '8', '--limit', behind.join(','), '--report-json', report]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const rep = await readReport(report);
    expect(rep.hosts.map((h) => [h.name, h.status])).toEqual(behind.map((n) => [n, 'ok']));
    expect((await logins()) - before).toBe(1);
    expect(await auditLines(lab, 'r052')).toEqual(bastionAudit); // a bastion only forwards: no command ran on it
  });

  describe('inventory --list', () => {
    it('masks the password as ***', async () => {
      const password = (await readFile(lab.passwordPath, 'utf8')).replace(/\r?\n$/, '');
      const r = await runCli(['inventory', '-i', lab.inventoryPath, '--list']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.includes(password)).toBe(false);
      const list = JSON.parse(r.stdout) as { hosts: Array<{ name: string; tunnels: Array<{ password: unknown }> }> };
      expect(list.hosts).toHaveLength(53);
      for (const h of list.hosts) expect(h.tunnels.map((t) => t.password), h.name).toEqual(['***']);
    });

    const limits: Array<[string, string[]]> = [
      ['r01*', ['r010', 'r011', 'r012', 'r013', 'r014', 'r015', 'r016', 'r017', 'r018', 'r019']],
      ['r001,r050', ['r001', 'r050']],
      ['~^r05[1-3]$', ['r051', 'r052', 'r053']],
      // a character class needs a glob after it: a term ending in [1-3] is a subscript, as in Ansible
      ['r00[1-3]*', ['r001', 'r002', 'r003']],
      ['all[1:3]', ['r002', 'r003', 'r004']],
      ['r04*:!r045:!r049', ['r040', 'r041', 'r042', 'r043', 'r044', 'r046', 'r047', 'r048']],
    ];
    for (const [pattern, names] of limits) {
      it(`--limit '${pattern}' picks ${names.length} hosts`, async () => {
        const r = await runCli(['inventory', '-i', lab.inventoryPath, '--list', '--limit', pattern]);
        expect(r.code, r.stderr).toBe(0);
        const list = JSON.parse(r.stdout) as { hosts: Array<{ name: string }> };
        expect(list.hosts.map((h) => h.name)).toEqual(names);
      });
    }
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
