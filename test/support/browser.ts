// Headless Debian chromium for the HTML report tests (never a downloaded browser): open a
// file, record every request the page makes and every dialog it opens.
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PPTP_FLEET_CHROMIUM ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenedPage {
  page: Page;
  /** Every URL the page requested, the file itself included. */
  requests: string[];
  /** Messages of alert/confirm/prompt dialogs: a script that ran would open one. */
  dialogs: string[];
  /** Console errors, e.g. a Content-Security-Policy violation. */
  consoleErrors: string[];
}

export async function openFile(browser: Browser, file: string, opts: { javaScript?: boolean; width?: number } = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScript ?? true, viewport: { width: opts.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, requests, dialogs, consoleErrors };
}
