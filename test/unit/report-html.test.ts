/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser: they use the DOM types.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHtml } from '../../src/report/html.js';
import { VERDICTS } from '../../src/pppd-log/types.js';
import { fleetReport, HOSTILE, PASSWORD } from '../fixtures/reports/fleet.js';
import { launch, openFile } from '../support/browser.js';

const shard1 = fleetReport('a');
const shard2 = fleetReport('b');
const single = buildHtml([{ label: 'report.json', report: shard1 }], { generatedAt: new Date(0) });
const merged = buildHtml(
  [
    { label: 'report-1.json', report: shard1 },
    { label: 'report-2.json', report: shard2 },
  ],
  { generatedAt: new Date(0) },
);

describe('buildHtml (the markup)', () => {
  it('allows no request of any kind: a CSP with default-src none, hashes for its own style and script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(single)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'/);
    expect(single.match(/<script/g)).toHaveLength(1);
    expect(single.match(/<style/g)).toHaveLength(1);
    // nothing that loads: no tag with src=, no <link>, no url(), no @import; links are in-page anchors
    expect(single).not.toMatch(/<[^>]*\ssrc=|<link|url\(|@import/i);
    for (const [, href] of single.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#h\d+$/);
  });

  it('escapes router text: the hostile feed URL is text, not markup', () => {
    expect(single).not.toContain(HOSTILE);
    expect(single).not.toContain('\u001b');
    expect(single).toContain('\\x1b]0;pwned\\x07&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
  });

  it('stays small: under 2 KB per host for this fleet', () => {
    expect(Buffer.byteLength(merged) / (shard1.hosts.length + shard2.hosts.length)).toBeLessThan(2048);
  });
});

describe('the HTML report in headless chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launch();
    dir = await mkdtemp(join(tmpdir(), 'pf-html-'));
    await writeFile(join(dir, 'single.html'), single);
    await writeFile(join(dir, 'merged.html'), merged);
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('merges two shards: every host of both, counts summed, each shard listed, no request, no script injected', async () => {
    const { page, requests, dialogs, consoleErrors } = await openFile(browser, join(dir, 'merged.html'));
    expect(requests).toEqual([`file://${join(dir, 'merged.html')}`]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
    const seen = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      scripts: document.scripts.length,
      imgs: document.images.length,
      title: document.title,
      details: [...document.querySelectorAll('details.host')].map((d) => [d.querySelector('summary b')?.textContent, d.getAttribute('data-status')]),
      cells: [...document.querySelectorAll('#grid .cell')].map((c) => c.textContent),
      counts: [...document.querySelectorAll('#summary .count')].map((c) => c.textContent),
      runs: [...document.querySelectorAll('table.runs tbody tr td:first-child')].map((c) => c.textContent),
      stopped: document.querySelector('table.runs .stopped')?.textContent ?? '',
      shown: document.getElementById('shown')?.textContent,
      text: document.body.innerText,
    }));
    expect(seen.pwned).toBeNull();
    expect(seen.scripts).toBe(1);
    expect(seen.imgs).toBe(0);
    const all = [...shard1.hosts, ...shard2.hosts];
    expect(seen.details).toEqual(all.map((h) => [h.name, h.status]));
    expect(seen.cells).toHaveLength(all.length);
    const sum = (k: 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped'): number => shard1.summary[k] + shard2.summary[k];
    expect(seen.counts).toEqual([`${sum('ok')} ok`, `${sum('changed')} changed`, `${sum('failed')} failed`, `${sum('unreachable')} unreachable`, `${sum('skipped')} skipped`]);
    expect(seen.runs).toEqual(['report-1.json', 'report-2.json']);
    expect(seen.stopped).toContain('stopped after batch 3');
    expect(seen.shown).toBe(`${all.length} host(s) shown`);
    for (const v of VERDICTS) expect(seen.text).toContain(`office=${v}`);
    // the hostile text is shown, as text
    expect(seen.text).toContain('\\x1b]0;pwned\\x07<script>window.__pwned=1</script>');
    expect(seen.text).not.toContain(PASSWORD);
    await page.screenshot({ path: join(tmpdir(), 'pptp-fleet-report-merged.png'), fullPage: true });
  });

  it('filters by status, verdict and group', async () => {
    const { page } = await openFile(browser, join(dir, 'single.html'));
    const visible = (): Promise<string[]> =>
      page.evaluate(() => [...document.querySelectorAll('details.host:not([hidden]) summary b')].map((b) => b.textContent ?? ''));
    await page.selectOption('select[name=verdict]', 'auth_failed');
    expect(await visible()).toEqual(shard1.hosts.filter((h) => h.tunnels.some((t) => t.verdict === 'auth_failed')).map((h) => h.name));
    await page.selectOption('select[name=verdict]', '');
    for (const s of ['ok', 'changed', 'skipped']) await page.uncheck(`input[name=status][value=${s}]`);
    expect(await visible()).toEqual(shard1.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable').map((h) => h.name));
    await page.selectOption('select[name=group]', 'whiterussian');
    expect(await visible()).toEqual(
      shard1.hosts.filter((h) => (h.status === 'failed' || h.status === 'unreachable') && h.groups?.includes('whiterussian')).map((h) => h.name),
    );
    expect(await page.locator('#grid .cell:not([hidden])').count()).toBe((await visible()).length);
  });

  it('reads with JavaScript off: every host, verdict, hint and evidence line is in the page', async () => {
    const { page, requests } = await openFile(browser, join(dir, 'single.html'), { javaScript: false });
    expect(requests).toHaveLength(1);
    const text = await page.evaluate(() => document.body.innerText);
    for (const h of shard1.hosts) {
      expect(text).toContain(h.name);
      for (const t of h.tunnels) {
        expect(text).toContain(`office=${t.verdict}`);
        if (t.hint) expect(text).toContain(t.hint);
        for (const line of t.evidence ?? []) if (!line.includes('\u001b')) expect(text).toContain(line);
      }
    }
    // failing hosts' details are open without a click
    const open = await page.evaluate(() => [...document.querySelectorAll('details.host[open] summary b')].map((b) => b.textContent));
    expect(open).toEqual(shard1.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable').map((h) => h.name));
    await page.screenshot({ path: join(tmpdir(), 'pptp-fleet-report-nojs.png'), fullPage: true });
  });
});
