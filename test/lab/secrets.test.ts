// Secrets on the lab (issue 8): a hostile VPN password given by file or env var ends up in the
// router's chap-secrets and nowhere else — not in output, reports, diffs, errors, debug logs or
// any command line a router received — is never executed, and is read back exactly by the lab's
// pppd (the tunnel comes up). chap-secrets and peer files are mode 600 from the moment they
// appear. Host key checking cannot be switched off by --accept-new-host-keys.
import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, writeFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScript } from '../../src/apply/script.js';
import type { Change } from '../../src/plan/types.js';
import type { Lab } from '../../packages/lab/src/index.js';
import { auditLines, labArgs, routerPath, runCli, startLab, stopLab, type CliResult } from './helpers.js';
import { hostOf, routerExec, waitFor, writeInventory, type Report } from './fault-helpers.js';

// Distinctive cores make any partial leak visible; the rest is what breaks naive quoting.
const CORE1 = 'Zq7Kx9Wm3Pv8Tn2R';
const CORE2 = 'Hy4Lm8Qs2Wd6Jf9K';
const P1 = `${CORE1} $(touch /tmp/pwned)"; touch /tmp/pwned2; "\`touch /tmp/pwned3\`'#\\;x`;
const P2 = `${CORE2}'x' $(touch /tmp/pwned4) \\" #y`;

/** Every spelling a leak could take: raw, JSON-escaped, pppd-quoted pieces, and the cores. */
function spellings(p: string, core: string): string[] {
  return [p, JSON.stringify(p).slice(1, -1), core, core.slice(0, 8), core.slice(8)];
}

interface Output {
  what: string;
  text: string;
}

describe('secrets on a 5-router lab with a hostile password', () => {
  let lab: Lab;
  let work: string;
  const outputs: Output[] = [];
  const watchLogs = new Map<string, string>();
  let first: CliResult & { report: Report };

  const collect = async (what: string, r: CliResult, files: string[] = []): Promise<void> => {
    outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
    for (const f of files) outputs.push({ what: `${what} ${path.basename(f)}`, text: await readFile(f, 'utf8').catch(() => '') });
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'pf-secrets-'));
    const pwFile = path.join(work, 'hostile-password');
    await writeFile(pwFile, `${P1}\n`);
    // `lab up --password-file`: the lab's VPN server expects exactly P1.
    lab = await startLab({
      routers: 5,
      firmware: [
        ['whiterussian', 1],
        ['openwrt', 1],
        ['openwrt-24', 1],
        ['openwrt-apk', 1],
        ['openwrt', 1],
      ],
      scenario: [
        ['ok', 4],
        ['wrong_password', 1],
      ],
      passwordFile: pwFile,
    });
    expect(await readFile(lab.passwordPath, 'utf8')).toBe(P1);
    // Watchers: record the mode of every chap-secrets / peer / temp file as it appears.
    for (const r of lab.routers) {
      await routerExec(
        lab,
        r,
        '( while [ ! -f /tmp/pf-watch-stop ]; do ls -lna /etc/ppp/ /etc/ppp/peers/ 2>/dev/null; /bin/busybox usleep 1000; done > /tmp/pf-watch.log 2>&1; : > /tmp/pf-watch-done ) </dev/null >/dev/null 2>&1 &',
      );
    }
    for (const rt of lab.routers) {
      await waitFor(`${rt.name}: the watcher runs`, async () => ((await stat(routerPath(lab, rt.name, 'tmp/pf-watch.log')).catch(() => null))?.size ?? 0) > 0);
    }
    const json = path.join(work, 'first.json');
    const junit = path.join(work, 'first.xml');
    const r = await runCli(['apply', ...labArgs(lab), '--report-json', json, '--junit', junit, '--forks', '5'], { PPTP_FLEET_DEBUG: '1' });
    first = { ...r, report: JSON.parse(await readFile(json, 'utf8')) as Report };
    await collect('first apply (debug)', r, [json, junit]);
    for (const rt of lab.routers) {
      await routerExec(lab, rt, 'touch /tmp/pf-watch-stop');
    }
    for (const rt of lab.routers) {
      await waitFor(`${rt.name}: the watcher stopped`, async () => (await stat(routerPath(lab, rt.name, 'tmp/pf-watch-done')).catch(() => null)) !== null);
    }
    for (const rt of lab.routers) watchLogs.set(rt.name, await readFile(routerPath(lab, rt.name, 'tmp/pf-watch.log'), 'utf8'));
  });

  afterAll(async () => {
    await stopLab(lab);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('brings the tunnel up on every firmware: the lab pppd read back exactly the hostile password', () => {
    expect(first.code, first.stdout + first.stderr).toBe(1);
    for (const name of ['r001', 'r002', 'r003', 'r004']) {
      expect(hostOf(first.report, name).tunnels[0]?.verdict, name).toBe('up');
    }
    expect(hostOf(first.report, 'r005').tunnels[0]?.verdict).toBe('auth_failed');
  });

  it('never runs what the password holds', async () => {
    for (const r of lab.routers) {
      const tmp = await readdir(routerPath(lab, r.name, 'tmp'));
      expect(tmp.filter((f) => f.startsWith('pwned')), r.name).toEqual([]);
    }
    for (const f of ['pwned', 'pwned2', 'pwned3', 'pwned4']) await expect(stat(path.join('/tmp', f))).rejects.toThrow();
  });

  it('writes chap-secrets and the peer file mode 600 on every firmware, and they are 600 at every moment they were seen', async () => {
    for (const r of lab.routers) {
      // hand-run pppd (White Russian) has a peer file; netifd an interface in /etc/config/network
      const pppd = r.firmware === 'whiterussian';
      if (!pppd) {
        expect(await readFile(routerPath(lab, r.name, 'etc/config/network'), 'utf8'), r.name).toMatch(/config interface 'office'\n\toption proto 'pptp'\n/);
        await expect(lstat(routerPath(lab, r.name, 'etc/ppp/peers/office')), r.name).rejects.toThrow();
      }
      for (const f of pppd ? ['etc/ppp/chap-secrets', 'etc/ppp/peers/office'] : ['etc/ppp/chap-secrets']) {
        const st = await lstat(routerPath(lab, r.name, f));
        expect(st.isFile(), `${r.name} ${f}`).toBe(true);
        expect((st.mode & 0o777).toString(8), `${r.name} ${f}`).toBe('600');
      }
      const log = watchLogs.get(r.name) ?? '';
      const seen = new Map<string, Set<string>>();
      for (const line of log.split('\n')) {
        const m = /^([-lrwxsStT]{10})\s.*\s(chap-secrets|office|\.pptp-fleet\.(?:chap-secrets|office)\.\d+\.tmp)(?: -> \S+)?$/.exec(line);
        if (!m) continue;
        const key = m[2]!.replace(/\.\d+\.tmp$/, '.N.tmp');
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(m[1]!);
      }
      expect(seen.get('chap-secrets'), `${r.name}: the watcher saw chap-secrets`).toBeDefined();
      // Before: the /rom symlink; after: a private file. Never a readable regular file.
      for (const [name, modes] of seen) {
        for (const mode of modes) {
          if (mode.startsWith('l')) expect(name, r.name).toBe('chap-secrets');
          else expect(mode, `${r.name} ${name}`).toBe('-rw-------');
        }
      }
      expect(seen.get('chap-secrets')!.has('-rw-------'), r.name).toBe(true);
      if (pppd) expect(seen.get('office')?.has('-rw-------'), r.name).toBe(true);
      else expect(seen.get('office'), r.name).toBeUndefined();
    }
  });

  it('the apply script sets umask 077 before any write and chmods each file before its rename', () => {
    const w = (target: string, mode: string): Change => ({
      kind: 'write-file', resource: 'file', target, content: `${P1}\n`, maskedContent: '***', maskedBefore: '', mode, replaceSymlink: true, reason: 't',
    });
    for (const hasSha256sum of [true, false]) {
      const lines = applyScript([w('/etc/ppp/chap-secrets', '600'), w('/etc/ppp/peers/office', '600')], { hasSha256sum }).split('\n');
      const umask = lines.indexOf('umask 077');
      const writes = lines.map((l, i) => (/^(cat|printf|:) .*"\$pf_tmp"/.test(l) ? i : -1)).filter((i) => i >= 0);
      const chmods = lines.map((l, i) => (/^chmod 600 "\$pf_tmp"/.test(l) ? i : -1)).filter((i) => i >= 0);
      const mvs = lines.map((l, i) => (/^mv -f "\$pf_tmp" "\$pf_dst"/.test(l) ? i : -1)).filter((i) => i >= 0);
      expect(writes).toHaveLength(2);
      expect(chmods).toHaveLength(2);
      expect(mvs).toHaveLength(2);
      expect(umask).toBeGreaterThanOrEqual(0);
      expect(umask).toBeLessThan(writes[0]!);
      for (let i = 0; i < 2; i++) {
        expect(writes[i]!).toBeLessThan(chmods[i]!);
        expect(chmods[i]!).toBeLessThan(mvs[i]!);
      }
    }
  });

  it('--check --diff with a new password from an env var shows the change masked', async () => {
    const inv = await writeInventory(lab, path.join(work, 'env.yaml'), {}, (vars) => {
      (vars['tunnels'] as Array<Record<string, unknown>>)[0]!['password'] = { env: 'PF_SECRET_PW' };
    });
    const args = labArgs(lab);
    args[1] = inv;
    const r = await runCli(['apply', ...args, '--check', '--diff', '--limit', 'r001,r002'], { PF_SECRET_PW: P2, PPTP_FLEET_DEBUG: '1' });
    await collect('check --diff', r);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The change is planned and its diff shown, but masked on both sides a password-only change
    // has no visible hunk (nothing to leak): the diff says so instead.
    // Identical on both routers (masked alike): printed once with both names.
    expect(r.stdout).toMatch(/^### \/etc\/ppp\/chap-secrets on (r001|2 hosts: r001, r002)$/m);
    expect(r.stdout).toContain('only a masked secret (***) changed');
    expect(r.stdout).toMatch(/r001 +changed +1 /);
  });

  it('a failing run with the new password (auth fails, rollback) and a bad-input run leak nothing either', async () => {
    const inv = await writeInventory(lab, path.join(work, 'env2.yaml'), {}, (vars) => {
      (vars['tunnels'] as Array<Record<string, unknown>>)[0]!['password'] = { env: 'PF_SECRET_PW' };
    });
    const args = labArgs(lab);
    args[1] = inv;
    const json = path.join(work, 'p2.json');
    const junit = path.join(work, 'p2.xml');
    const r = await runCli(['apply', ...args, '--limit', 'r002,r003,r005', '--report-json', json, '--junit', junit], { PF_SECRET_PW: P2, PPTP_FLEET_DEBUG: '1' });
    await collect('apply with P2 (fails)', r, [json, junit]);
    expect(r.code).toBe(1);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    for (const h of report.hosts) expect(h.status, h.name).toBe('failed');
    // Rolled back: the router that was up has P1 in chap-secrets again.
    expect(await readFile(routerPath(lab, 'r002', 'etc/ppp/chap-secrets'), 'utf8')).toContain(CORE1);
    // Bad input: a password with a newline in it (exit 2, nothing contacted).
    const auditBefore = (await auditLines(lab, 'r002')).length;
    const bad = await runCli(['apply', ...args, '--limit', 'r002'], { PF_SECRET_PW: `${P2}\n${P1}`, PPTP_FLEET_DEBUG: '1' });
    await collect('bad input', bad);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('PF_SECRET_PW');
    expect((await auditLines(lab, 'r002')).length).toBe(auditBefore);
    // Unreachable / down / status runs too.
    const st = await runCli(['status', ...labArgs(lab)], { PPTP_FLEET_DEBUG: '1' });
    await collect('status', st);
  });

  it('the passwords appear nowhere: output, reports, JUnit, diffs, errors, debug logs, audit logs, router files, lab files', async () => {
    const needles = [...spellings(P1, CORE1), ...spellings(P2, CORE2)];
    const leaks: string[] = [];
    for (const o of outputs) for (const n of needles) if (o.text.includes(n)) leaks.push(`${o.what} contains ${JSON.stringify(n)}`);
    for (const r of lab.routers) {
      for (const line of await auditLines(lab, r.name)) for (const n of needles) if (line.includes(n)) leaks.push(`${r.name} audit: ${line.slice(0, 80)}`);
    }
    // Every file of every router: only chap-secrets, its rollback copy and the simulated server's own copy may hold it.
    const allowed = (rel: string): boolean =>
      rel === 'etc/ppp/chap-secrets' || rel.startsWith('etc/pptp-fleet/prev/') || rel === 'lab/server/password';
    const grepTree = async (base: string, label: string, ok: (rel: string) => boolean): Promise<void> => {
      const walk = async (rel: string): Promise<void> => {
        for (const e of await readdir(path.join(base, rel), { withFileTypes: true }).catch(() => [])) {
          const r = path.join(rel, e.name);
          if (e.isDirectory()) await walk(r);
          else if (e.isFile()) {
            const buf = await readFile(path.join(base, r)).catch(() => Buffer.alloc(0));
            const hit = needles.find((n) => buf.includes(n));
            if (hit && !ok(r)) leaks.push(`${label}/${r} contains ${JSON.stringify(hit)}`);
          }
        }
      };
      await walk('');
    };
    for (const r of lab.routers) await grepTree(r.rootfs, r.name, allowed);
    await grepTree(lab.dir, 'lab dir', (rel) => rel === 'vpn-password' || rel.startsWith('routers/'));
    expect(leaks).toEqual([]);
    // The rollback copies are as private as the original.
    for (const r of lab.routers) {
      const prev = routerPath(lab, r.name, 'etc/pptp-fleet/prev');
      const st = await stat(prev).catch(() => null);
      if (!st) continue;
      expect((st.mode & 0o777).toString(8), `${r.name} prev dir`).toBe('700');
      for (const f of await readdir(prev)) {
        const fst = await lstat(path.join(prev, f));
        const content = fst.isFile() ? await readFile(path.join(prev, f), 'utf8') : '';
        if (content.includes(CORE1) || content.includes(CORE2)) expect((fst.mode & 0o777).toString(8), `${r.name} prev/${f}`).toBe('600');
      }
    }
  });

  it('--accept-new-host-keys accepts an unknown key (and records it) but never a changed one', async () => {
    const r2 = lab.routers.find((r) => r.name === 'r002')!;
    const r3 = lab.routers.find((r) => r.name === 'r003')!;
    const full = await readFile(lab.knownHostsPath, 'utf8');
    const line2 = full.split('\n').find((l) => l.startsWith(`[127.0.0.1]:${r2.port} `))!;
    const line3 = full.split('\n').find((l) => l.startsWith(`[127.0.0.1]:${r3.port} `))!;
    const keyDir = await mkdtemp(path.join(work, 'k-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keyDir, 'k')]);
    const fake = (await readFile(path.join(keyDir, 'k.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    const kh = path.join(work, 'kh-mixed');
    // r002 unknown (no line), r003 changed (another key under its name).
    const text = full.replace(`${line2}\n`, '').replace(line3, `[127.0.0.1]:${r3.port} ${fake}`);
    const args = labArgs(lab);
    args[3] = kh;
    const audit = async (): Promise<number[]> => [(await auditLines(lab, 'r002')).length, (await auditLines(lab, 'r003')).length];

    await writeFile(kh, text);
    let before = await audit();
    const json1 = path.join(work, 'hk1.json');
    const plain = await runCli(['ping', ...args, '--limit', 'r002,r003', '--report-json', json1]);
    expect(plain.code).toBe(1);
    const rep1 = JSON.parse(await readFile(json1, 'utf8')) as Report;
    expect(hostOf(rep1, 'r002')).toMatchObject({ status: 'unreachable', step: 'connect' });
    expect(hostOf(rep1, 'r002').error).toMatch(/not known/);
    expect(hostOf(rep1, 'r003').error).toMatch(/HAS CHANGED/);
    expect(await audit()).toEqual(before);
    expect(await readFile(kh, 'utf8')).toBe(text);

    before = await audit();
    const json2 = path.join(work, 'hk2.json');
    const accept = await runCli(['ping', ...args, '--limit', 'r002,r003', '--accept-new-host-keys', '--report-json', json2]);
    expect(accept.code).toBe(1);
    const rep2 = JSON.parse(await readFile(json2, 'utf8')) as Report;
    expect(hostOf(rep2, 'r002').status).toBe('ok');
    expect(hostOf(rep2, 'r003')).toMatchObject({ status: 'unreachable', step: 'connect' });
    expect(hostOf(rep2, 'r003').error).toMatch(/HAS CHANGED/);
    const after = await audit();
    expect(after[0]).toBe(before[0]! + 1); // the ping of r002
    expect(after[1]).toBe(before[1]); // nothing reached r003
    const khAfter = await readFile(kh, 'utf8');
    expect(khAfter).toContain(`${line2.split(' ').slice(1).join(' ')}`);
    expect(khAfter).toContain(`[127.0.0.1]:${r3.port} ${fake}`);
    expect(khAfter).not.toContain(line3);
  });
});
