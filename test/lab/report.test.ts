/// <reference lib="dom" />
// End to end: the reports people look at, on a lab with every scenario and one router whose
// package feed URL carries a terminal escape and markup. Terminal output, JSON on stdout, the
// Markdown step summary, JUnit and the HTML page (rendered in headless chromium) must show
// that text inert; `--detailed-exitcode` tells drift from no drift.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { labArgs, routerPath, runCli, startLab, stopLab, type Report } from './helpers.js';
import { launch, openFile } from '../support/browser.js';

const HOSTILE_FEED = 'https://feed.example/\u001b]0;pwned\u0007<script>window.__pwned=1</script>';
// The scenario of each router, in order (r001 … r008).
const SCENARIOS = ['feed_down', 'wrong_password', 'requires_stateless', 'eap_first', 'gre_blocked', 'control_refused', 'ok', 'ok'] as const;
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('reports on a lab with every scenario and a hostile router', () => {
  let lab: Lab;
  let out: string;
  let browser: Browser;
  const shardRuns: Array<{ code: number | null; stdout: string; stderr: string }> = [];
  let stepSummary: string;

  beforeAll(async () => {
    lab = await startLab({
      routers: SCENARIOS.length,
      firmware: [['openwrt-apk', 1], ['openwrt', SCENARIOS.length - 1]],
      scenario: SCENARIOS.map((s) => [s, 1] as [(typeof SCENARIOS)[number], number]),
    });
    await writeFile(routerPath(lab, 'r001', 'lab/feed-url'), HOSTILE_FEED);
    out = await mkdtemp(path.join(os.tmpdir(), 'pf-report-'));
    stepSummary = path.join(out, 'step_summary.md');
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await stopLab(lab);
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('apply --check --detailed-exitcode exits 4 while changes are pending', async () => {
    const r = await runCli(['apply', ...labArgs(lab), '--check', '--detailed-exitcode', '--report-json', path.join(out, 'check.json')]);
    expect(r.code, r.stderr).toBe(4);
    const report = JSON.parse(await readFile(path.join(out, 'check.json'), 'utf8')) as Report;
    expect(report.hosts.every((h) => h.changes.length > 0)).toBe(true);
  });

  it('two shards: JSON on stdout and nothing else there, terminal lines inert, step summary appended', async () => {
    for (const k of [1, 2]) {
      const r = await runCli(
        [
          'apply', ...labArgs(lab), '--shard', `${k}/2`,
          '--report-json', '-',
          '--report-html', path.join(out, `shard-${k}.html`),
          '--junit', path.join(out, `junit-${k}.xml`),
          '--report-md', path.join(out, `shard-${k}.md`),
        ],
        { GITHUB_STEP_SUMMARY: stepSummary },
      );
      shardRuns.push(r);
      expect(r.code, r.stderr).toBe(1);
      // stdout is exactly one JSON document: the report
      const report = JSON.parse(r.stdout) as Report;
      expect(r.stdout).toBe(`${JSON.stringify(report, null, 2)}\n`);
      await writeFile(path.join(out, `shard-${k}.json`), r.stdout);
      // progress lines and the summary table went to stderr
      expect(r.stderr).toMatch(/ batch 1: \d+ host\(s\)/);
      expect(r.stderr).toMatch(/\d+ hosts: \d+ ok, \d+ changed, \d+ failed/);
    }
    const names = shardRuns.flatMap((r) => (JSON.parse(r.stdout) as Report).hosts.map((h) => h.name)).sort();
    expect(names).toEqual(lab.routers.map((r) => r.name));

    // The hostile feed URL reached the terminal only as visible escapes.
    const terminal = shardRuns.map((r) => r.stdout + r.stderr).join('');
    expect(terminal).not.toMatch(RAW_CONTROL);
    expect(terminal).toContain('https://feed.example/\\x1b]0;pwned\\x07<script>');
    // The progress line names the packages it installed.
    expect(terminal).toMatch(/ r00[2-8] packages changed \(install [a-z0-9-]+( [a-z0-9-]+)*\)/);

    // One Markdown summary per shard appended; router text inert there too.
    const md = await readFile(stepSummary, 'utf8');
    expect(md.match(/^### ❌ pptp-fleet apply: /gm)).toHaveLength(2);
    expect(md).not.toMatch(RAW_CONTROL);
    expect(md).not.toContain('<script');
    for (const [name, verdict] of [['r002', 'auth_failed'], ['r005', 'no_response'], ['r006', 'control_refused']]) {
      expect(md).toMatch(new RegExp(`^\\| ${name} \\| failed \\| verify \\| office: \`${verdict}\` \\| office: .+ \\|$`, 'm'));
    }
    expect(md).toMatch(/^\| r001 \| failed \| packages \| - \| packages: .*\\\\x1b\\]0;pwned\\\\x07&lt;script&gt;/m);
  });

  it('JUnit carries the hostile text as inert text', async () => {
    const xml = (await readFile(path.join(out, 'junit-1.xml'), 'utf8')) + (await readFile(path.join(out, 'junit-2.xml'), 'utf8'));
    expect(xml).not.toMatch(RAW_CONTROL);
    expect(xml).not.toContain('<script');
    expect(xml).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    for (const k of [1, 2]) {
      const doc = new XMLParser({ ignoreAttributes: false }).parse(await readFile(path.join(out, `junit-${k}.xml`), 'utf8')) as { testsuites: unknown };
      expect(doc.testsuites).toBeDefined();
    }
  });

  it('`report --html` merges the shard reports into one page: every host and verdict, no request, no password, nothing runs', async () => {
    const page = path.join(out, 'fleet.html');
    const r = await runCli(['report', '--html', page, path.join(out, 'shard-1.json'), path.join(out, 'shard-2.json')]);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(page, 'utf8');
    const password = (await readFile(lab.passwordPath, 'utf8')).trim();
    expect(password.length).toBeGreaterThan(3);
    expect(html).not.toContain(password);

    const reports = [1, 2].map((k) => JSON.parse(shardRuns[k - 1]!.stdout) as Report);
    const hosts = reports.flatMap((x) => x.hosts);
    const { page: p, requests, dialogs, consoleErrors } = await openFile(browser, page);
    expect(requests).toEqual([`file://${page}`]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
    const seen = await p.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      scripts: document.scripts.length,
      title: document.title,
      hosts: [...document.querySelectorAll('details.host')].map((d) => [d.querySelector('summary b')?.textContent, d.getAttribute('data-status')]),
      runs: [...document.querySelectorAll('table.runs tbody tr td:first-child')].map((c) => c.textContent),
      text: document.body.innerText,
    }));
    expect(seen.pwned).toBeNull();
    expect(seen.scripts).toBe(1);
    expect(seen.title).toMatch(/^pptp-fleet apply: 8 hosts, \d+ failed or unreachable$/);
    expect(seen.runs).toEqual(['shard-1.json', 'shard-2.json']);
    expect(seen.hosts.map(([n]) => n).sort()).toEqual(lab.routers.map((x) => x.name));
    for (const h of hosts) {
      expect(seen.hosts).toContainEqual([h.name, h.status]);
      for (const t of h.tunnels) expect(seen.text).toContain(`${t.name}=${t.verdict}`);
    }
    const verdicts = new Set(hosts.flatMap((h) => h.tunnels.map((t) => t.verdict)));
    for (const v of ['up', 'auth_failed', 'no_response', 'control_refused']) expect(verdicts).toContain(v);
    expect(seen.text).toContain('https://feed.example/\\x1b]0;pwned\\x07<script>window.__pwned=1</script>');
    await p.screenshot({ path: path.join(os.tmpdir(), 'pptp-fleet-lab-report.png'), fullPage: true });

    // the page each shard wrote itself renders too
    const single = await openFile(browser, path.join(out, 'shard-1.html'));
    expect(single.requests).toHaveLength(1);
    expect(await single.page.evaluate(() => document.querySelectorAll('details.host').length)).toBe(reports[0]!.hosts.length);
  });

  it('status says "tunnel down" for a reachable router whose tunnel is not up, and writes its HTML page', async () => {
    const r = await runCli(['status', ...labArgs(lab), '--report-html', path.join(out, 'status.html')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ r002 tunnel down \(/);
    expect(r.stdout).toMatch(/ r007 ok \(/);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const html = await readFile(path.join(out, 'status.html'), 'utf8');
    expect(html).toContain('<title>pptp-fleet status: 8 hosts');
    expect(html).toMatch(/<summary><b>r002<\/b> <span class="badge s-ok">ok, tunnel down<\/span>/);
    expect(html).toMatch(/<summary><b>r007<\/b> <span class="badge s-ok">ok<\/span>/);
  });

  it('a converged router: --check --detailed-exitcode exits 0; bad input still exits 2', async () => {
    const ok = await runCli(['apply', ...labArgs(lab), '--limit', 'r007:r008', '--check', '--detailed-exitcode']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const bad = await runCli(['apply', ...labArgs(lab), '--check', '--detailed-exitcode', '--forks', '0']);
    expect(bad.code).toBe(2);
    const notApply = await runCli(['status', ...labArgs(lab), '--detailed-exitcode']);
    expect(notApply.code).toBe(2);
  });

  it('on a terminal, a batch with a failed router ends with a red ✖, a good one with a green ✔', async () => {
    // A real pseudo-terminal through util-linux `script`, 120 columns wide, colour allowed.
    const cli = path.join(process.cwd(), 'dist', 'cli.js');
    const cmd = `stty cols 120 rows 40; ${process.execPath} ${cli} up ${labArgs(lab).join(' ')} --limit r002:r007:r008 --serial 2`;
    const env = { ...process.env };
    delete env.CI;
    delete env.NO_COLOR;
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out: text }));
    });
    expect(r.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    const marks = new Set([...r.out.matchAll(/\u001b\[(3\dm)([✖✔])\u001b\[39m (batch \d)/g)].map((m) => `${m[1]}${m[2]} ${m[3]}`));
    expect([...marks].sort()).toEqual(['31m✖ batch 1', '32m✔ batch 2']);
  });

  it('ping prints its own columns', async () => {
    const r = await runCli(['ping', ...labArgs(lab), '--limit', 'r007']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HOST {2}REACHABLE {2}MS +ERROR$/m);
    expect(r.stdout).toMatch(/^r007 {2}yes +\d+ +-$/m);
  });
});
