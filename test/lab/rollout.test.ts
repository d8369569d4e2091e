// End to end, issue 6: staged rollouts on a 20-router lab. `--serial 2,25%,100%` makes batches
// r001-r002 | r003-r007 (25% of 20) | r008-r020; four broken VPN servers sit in batch 2, so
// `--max-fail-percent 10` stops the rollout there and batch 3 is never contacted. Then:
// --any-errors-fatal, rollback of a config that does not verify (and --no-rollback), --shard
// coverage and --retry-failed.
//
// The tests run in order: the first one needs r008..r020 never contacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseDocument } from 'yaml';
import type { Lab } from '../../packages/lab/src/index.js';
import { auditLines, labArgs, routerPath, runCli, startLab, stopLab, type CliResult, readReport, hostOf, type Report, type ReportHost, type ReportTunnel } from './helpers.js';

const names = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `r${String(from + i).padStart(3, '0')}`);

/** Broken simulated VPN servers, all in batch 2, and how each must fail. */
const FAILING: Record<string, { step: string; verdict: string | null }> = {
  r003: { step: 'verify', verdict: 'auth_failed' }, // wrong_password
  r004: { step: 'verify', verdict: 'no_response' }, // gre_blocked
  r006: { step: 'verify', verdict: 'control_refused' }, // control_refused
  r007: { step: 'packages', verdict: null }, // feed_down: the pptp packages cannot be installed
};
const BATCH1 = names(1, 2);
const BATCH2 = names(3, 7);
const BATCH3 = names(8, 20);

const out = (r: CliResult): string => `${r.stdout}\n${r.stderr}`;

interface JUnitCase {
  '@_name': string;
  failure?: { '#text'?: string; '@_message': string; '@_type': string };
  skipped?: { '@_message': string } | string;
}
interface JUnitSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped': string;
  testcase?: JUnitCase[];
}

describe('staged rollout on a 20-router lab', () => {
  let lab: Lab;
  let password = '';
  const first = { result: undefined as CliResult | undefined, report: undefined as Report | undefined, junit: '', reportFile: '' };

  beforeAll(async () => {
    lab = await startLab({
      routers: 20,
      firmware: [
        ['openwrt', 10],
        ['openwrt-24', 10],
      ],
      scenario: [
        ['ok', 2],
        ['wrong_password', 1],
        ['gre_blocked', 1],
        ['ok', 1],
        ['control_refused', 1],
        ['feed_down', 1],
      ],
    });
    password = (await readFile(lab.passwordPath, 'utf8')).replace(/\r?\n$/, '');
    first.reportFile = path.join(lab.dir, 'rollout.json');
    const junitFile = path.join(lab.dir, 'rollout.xml');
    first.result = await runCli([
      'apply', ...labArgs(lab), '--serial', '2,25%,100%', '--max-fail-percent', '10', '--junit', junitFile, '--report-json', first.reportFile,
    ]);
    first.report = await readReport(first.reportFile);
    first.junit = await readFile(junitFile, 'utf8');
  });

  afterAll(async () => {
    await stopLab(lab);
  });

  it('stops after batch 2 with exit 1, and the summary says which batch and why', () => {
    const r = first.result!;
    const rep = first.report!;
    expect(r.code, out(r)).toBe(1);
    // The report lists the batches that ran; batch 3's hosts carry `batch: 3` (below).
    expect(rep.batches.map((b) => b.hosts)).toEqual([BATCH1, BATCH2]);
    expect(rep.stopped?.batch).toBe(2);
    expect(rep.stopped?.reason).toMatch(/4 of 5 hosts failed \(80%\) > --max-fail-percent 10/);
    expect(rep.batches[1]?.stopped).toBe(rep.stopped?.reason);
    expect(rep.batches[1]?.failed).toBe(4);
    expect(rep.summary).toEqual({ ok: 0, changed: 3, failed: 4, unreachable: 0, skipped: 13 });
    expect(r.stdout).toMatch(/^rollout stopped after batch 2: 4 of 5 hosts failed \(80%\) > --max-fail-percent 10$/m);
    expect(r.stdout).toContain('20 hosts: 0 ok, 3 changed, 4 failed, 0 unreachable, 13 skipped');
    expect(out(r).includes(password)).toBe(false);
  });

  it('fails exactly the four broken routers, each at its step with its verdict and a hint', () => {
    for (const h of first.report!.hosts.filter((x) => BATCH1.includes(x.name) || BATCH2.includes(x.name))) {
      const f = FAILING[h.name];
      if (!f) {
        expect({ host: h.name, status: h.status, verdict: h.tunnels[0]?.verdict }).toEqual({ host: h.name, status: 'changed', verdict: 'up' });
        continue;
      }
      expect({ host: h.name, status: h.status, step: h.step }, JSON.stringify(h)).toEqual({ host: h.name, status: 'failed', step: f.step });
      expect(h.error, h.name).toBeTruthy();
      if (f.verdict) {
        expect(h.tunnels[0]?.verdict, h.name).toBe(f.verdict);
        expect(h.tunnels[0]?.hint, h.name).toBeTruthy();
      }
      expect(h.rolledBack).toBe(false);
    }
  });

  it('never contacts the routers of batch 3: empty audit logs, reported skipped', async () => {
    for (const name of BATCH3) {
      expect(await auditLines(lab, name), name).toEqual([]);
      const h = hostOf(first.report!, name);
      expect({ host: name, status: h.status, sshExecs: h.sshExecs, batch: h.batch }).toEqual({ host: name, status: 'skipped', sshExecs: 0, batch: 3 });
      expect(h.error).toMatch(/rollout stopped after batch 2/);
    }
    for (const name of [...BATCH1, ...BATCH2]) expect((await auditLines(lab, name)).length, name).toBeGreaterThan(0);
  });

  it('writes JUnit that parses: one testsuite per batch, exactly the 4 failures and 13 skipped', () => {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    });
    const xml = parser.parse(first.junit) as { testsuites: { '@_tests': string; '@_failures': string; testsuite: JUnitSuite[] } };
    const suites = xml.testsuites.testsuite;
    expect(xml.testsuites['@_tests']).toBe('20');
    expect(xml.testsuites['@_failures']).toBe('4');
    expect(suites.map((s) => s['@_name'])).toEqual(['batch 1', 'batch 2', 'batch 3']);
    expect(suites.map((s) => (s.testcase ?? []).map((c) => c['@_name']))).toEqual([BATCH1, BATCH2, BATCH3]);
    expect(suites.map((s) => [s['@_tests'], s['@_failures'], s['@_skipped']])).toEqual([
      ['2', '0', '0'],
      ['5', '4', '0'],
      ['13', '0', '13'],
    ]);
    const cases = suites.flatMap((s) => s.testcase ?? []);
    const failed = cases.filter((c) => c.failure !== undefined);
    expect(failed.map((c) => c['@_name']).sort()).toEqual(Object.keys(FAILING).sort());
    for (const c of failed) {
      const f = FAILING[c['@_name']]!;
      const body = c.failure?.['#text'] ?? '';
      expect(c.failure?.['@_type']).toBe('failed');
      expect(c.failure?.['@_message'].startsWith(`${f.step}: `), c.failure?.['@_message']).toBe(true);
      expect(body).toContain(`step: ${f.step}`);
      if (f.verdict) expect(body, body).toMatch(new RegExp(`^tunnel office: ${f.verdict} \\(hint: .+\\)$`, 'm'));
      else expect(body).toMatch(/^error: .+/m);
    }
    const skipped = cases.filter((c) => c.skipped !== undefined);
    expect(skipped.map((c) => c['@_name'])).toEqual(BATCH3);
    for (const c of skipped) expect(JSON.stringify(c.skipped)).toMatch(/rollout stopped after batch 2/);
    expect(first.junit.includes(password)).toBe(false);
  });

  it('--any-errors-fatal stops after the batch of the first failing host', async () => {
    const before = new Map<string, number>();
    for (const r of lab.routers) before.set(r.name, (await auditLines(lab, r.name)).length);
    // r002's host key is unknown in this run: unreachable, alongside r003/r004 failing.
    const kh = path.join(lab.dir, 'known_hosts.no-r002');
    const r002 = lab.routers.find((x) => x.name === 'r002')!;
    const lines = (await readFile(lab.knownHostsPath, 'utf8')).split('\n');
    await writeFile(kh, lines.filter((l) => !l.startsWith(`[127.0.0.1]:${r002.port} `)).join('\n'));
    const reportFile = path.join(lab.dir, 'fatal.json');
    const r = await runCli([
      'apply', '-i', lab.inventoryPath, '--known-hosts', kh, '--key', lab.keyPath, '--serial', '4', '--any-errors-fatal', '--report-json', reportFile,
    ]);
    expect(r.code, out(r)).toBe(1);
    const rep = await readReport(reportFile);
    expect(rep.batches.map((b) => b.hosts)).toEqual([names(1, 4)]);
    expect(rep.hosts.map((h) => h.batch)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]);
    expect(rep.stopped?.batch).toBe(1);
    expect(rep.stopped?.reason).toMatch(/--any-errors-fatal/);
    expect(r.stdout).toMatch(/^rollout stopped after batch 1: .*--any-errors-fatal/m);
    expect(rep.hosts.map((h) => [h.name, h.status])).toEqual([
      ['r001', 'ok'],
      ['r002', 'unreachable'],
      ['r003', 'failed'],
      ['r004', 'failed'],
      ...names(5, 20).map((n) => [n, 'skipped']),
    ]);
    for (const name of names(5, 20)) {
      const added = (await auditLines(lab, name)).slice(before.get(name));
      expect(added, name).toEqual([]);
    }
    expect((await auditLines(lab, 'r002')).slice(before.get('r002'))).toEqual([]);
  });

  it('--retry-failed selects exactly the failed and unreachable hosts of a report', async () => {
    const cases: Array<[string, string[]]> = [
      [first.reportFile, ['r003', 'r004', 'r006', 'r007']],
      [path.join(lab.dir, 'fatal.json'), ['r002', 'r003', 'r004']],
    ];
    for (const [file, expected] of cases) {
      const reportFile = path.join(lab.dir, `retry-${path.basename(file)}`);
      const r = await runCli(['apply', ...labArgs(lab), '--check', '--retry-failed', file, '--report-json', reportFile]);
      expect(r.code, out(r)).toBe(0);
      const rep = await readReport(reportFile);
      expect(rep.hosts.map((h) => h.name), file).toEqual(expected);
      for (const h of rep.hosts) expect(['ok', 'changed']).toContain(h.status);
    }
  });

  it('--shard K/N for N = 1..5 covers every host exactly once', async () => {
    const all = names(1, 20);
    for (let n = 1; n <= 5; n++) {
      const shards = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const reportFile = path.join(lab.dir, `shard-${i + 1}-of-${n}.json`);
          const r = await runCli(['apply', ...labArgs(lab), '--check', '--shard', `${i + 1}/${n}`, '--report-json', reportFile]);
          expect(r.code, out(r)).toBe(0);
          const rep = await readReport(reportFile);
          for (const h of rep.hosts) expect(['ok', 'changed']).toContain(h.status);
          return rep.hosts.map((h) => h.name);
        }),
      );
      const union = shards.flat();
      expect(union.slice().sort(), `N=${n}`).toEqual(all);
      expect(new Set(union).size, `N=${n}: a host in two shards`).toBe(20);
      // Balanced: sizes differ by at most one.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes), `N=${n} sizes ${sizes.join(',')}`).toBeLessThanOrEqual(1);
    }
  });

  describe('rollback of a config that does not verify', () => {
    const ROLLBACK = 'r009';
    const KEEP = 'r010';
    let badInventory = '';
    const wrongPassword = 'not-the-vpn-password-42';
    const oldFiles = new Map<string, { peer: string; network: string; chap: string }>();

    async function files(name: string): Promise<{ peer: string; network: string; chap: string }> {
      return {
        // a netifd tunnel has no peer file: its options are in /etc/config/network
        peer: await readFile(routerPath(lab, name, 'etc/ppp/peers/office'), 'utf8').catch(() => ''),
        network: await readFile(routerPath(lab, name, 'etc/config/network'), 'utf8'),
        chap: await readFile(routerPath(lab, name, 'etc/ppp/chap-secrets'), 'utf8'),
      };
    }

    async function status(name: string): Promise<ReportTunnel | undefined> {
      const reportFile = path.join(lab.dir, `status-${name}-${Date.now()}.json`);
      await runCli(['status', ...labArgs(lab), '--limit', name, '--report-json', reportFile]);
      return hostOf(await readReport(reportFile), name).tunnels[0];
    }

    beforeAll(async () => {
      // netifd runs these two (the default on OpenWrt): a rollback restores its files and UCI configs too.
      const conv = await runCli(['apply', ...labArgs(lab), '--limit', `${ROLLBACK},${KEEP}`, '-q']);
      expect(conv.code, out(conv)).toBe(0);
      for (const name of [ROLLBACK, KEEP]) {
        expect((await status(name))?.verdict, name).toBe('up');
        oldFiles.set(name, await files(name));
      }
      // The new config: a wrong password for these two hosts only (host vars beat `all` vars;
      // a host's `tunnels` list replaces the group's).
      await writeFile(path.join(lab.dir, 'wrong-password'), `${wrongPassword}\n`, { mode: 0o600 });
      const doc = parseDocument(await readFile(lab.inventoryPath, 'utf8'));
      const tunnels = (doc.getIn(['all', 'vars', 'tunnels']) as { toJSON(): Array<Record<string, unknown>> }).toJSON();
      tunnels[0]!['password'] = { file: 'wrong-password' };
      for (const name of [ROLLBACK, KEEP]) doc.setIn(['all', 'hosts', name, 'tunnels'], tunnels);
      badInventory = path.join(lab.dir, 'inventory.wrong-password.yaml');
      await writeFile(badInventory, doc.toString());
    });

    const applyBad = (name: string, extra: string[], reportFile: string): Promise<CliResult> =>
      runCli(['apply', '-i', badInventory, '--known-hosts', lab.knownHostsPath, '--key', lab.keyPath, '--limit', name, '--report-json', reportFile, ...extra]);

    let rolled: ReportHost | undefined;

    it('reports the host failed, rolledBack, with both verdicts; the old files are back and the tunnel is up', async () => {
      const reportFile = path.join(lab.dir, 'rollback.json');
      const r = await applyBad(ROLLBACK, [], reportFile);
      expect(r.code, out(r)).toBe(1);
      rolled = hostOf(await readReport(reportFile), ROLLBACK);
      expect(rolled.status).toBe('failed');
      expect(rolled.rolledBack).toBe(true);
      expect(rolled.error).toMatch(/rolled back/);
      const t = rolled.tunnels[0]!;
      expect(t.verdict, JSON.stringify(rolled)).toBe('up');
      expect(t.previousVerdict, JSON.stringify(rolled)).toBeDefined();
      expect(t.previousVerdict).not.toBe('up');
      expect(r.stdout).toMatch(new RegExp(`${ROLLBACK}\\s+failed\\s.*office=up\\(was \\w+\\).*\\(rolled back\\)`));
      expect(await files(ROLLBACK)).toEqual(oldFiles.get(ROLLBACK));
      const s = await status(ROLLBACK);
      expect(s?.verdict).toBe('up');
      expect(s?.running).toBe(true);
      expect((await auditLines(lab, ROLLBACK)).some((l) => l.includes('pptp-fleet:rollback'))).toBe(true);
    });

    it("previousVerdict is the new config's own verdict (auth_failed for a wrong password)", () => {
      // Not stopped_locally: the log judged must be the new pppd's, not that of the old pppd
      // the restart stopped ("Terminating on signal 15").
      expect(rolled?.tunnels[0]?.previousVerdict, JSON.stringify(rolled)).toBe('auth_failed');
    });

    it('--no-rollback leaves the new, broken config in place', async () => {
      const reportFile = path.join(lab.dir, 'no-rollback.json');
      const r = await applyBad(KEEP, ['--no-rollback'], reportFile);
      expect(r.code, out(r)).toBe(1);
      const h = hostOf(await readReport(reportFile), KEEP);
      expect(h.status).toBe('failed');
      expect(h.rolledBack).toBe(false);
      expect(h.tunnels[0]?.verdict, JSON.stringify(h)).toBe('auth_failed');
      expect(h.tunnels[0]?.previousVerdict).toBeUndefined();
      const now = await files(KEEP);
      expect(now.chap).not.toEqual(oldFiles.get(KEEP)?.chap);
      expect(now.chap).toContain(wrongPassword);
      expect(now.chap.includes(password)).toBe(false);
      expect((await auditLines(lab, KEEP)).some((l) => l.includes('pptp-fleet:rollback'))).toBe(false);
      const s = await status(KEEP);
      expect(s?.verdict).not.toBe('up');
      expect(s?.running).toBe(false);
    });
  });
});
