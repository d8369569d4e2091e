// A netifd tunnel whose pppd fails within a fraction of a second (the PPTP control connection
// refused: no interface, no "Using interface" line) on an OpenWrt router that has run a while,
// its logd ring full. OpenWrt's busybox sleeps whole seconds, so tunnels-netifd.sh scans /proc
// once a second and misses so short a pppd; its lines are then found in the log after the mark
// taken before the attempt. With the ring full each new line pushes an old one out: a line count
// is no such mark (it found nothing, and the verdict was `other`), the last line read is.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { routerShell } from './fault-helpers.js';
import { hostOf, labArgs, readReport, runCli, startLab, stopLab, type ReportHost } from './helpers.js';

const R = 'r001';
let lab: Lab;
let host: ReportHost;
let out = '';
let ring = 0;

beforeAll(async () => {
  lab = await startLab({ routers: 1, firmware: [['openwrt-24', 1]], scenario: [['control_refused', 1]], manager: 'netifd' });
  // 900 lines of about 90 bytes: more than the 64 KB ring holds
  const sh = routerShell(lab, R);
  ring = Number(
    await sh(`awk 'BEGIN { for (i = 0; i < 900; i++) printf "Thu Jan  1 00:00:30 1970 daemon.info noise: filler line %d of a router that has run a while\\n", i }' >>/lab/state/syslog; logread | wc -c`),
  );
  const file = path.join(lab.dir, 'apply.json');
  const r = await runCli(['apply', ...labArgs(lab), '--tunnel-timeout', '20', '--report-json', file]);
  out = r.stdout + r.stderr;
  host = hostOf(await readReport(file), R);
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('a netifd tunnel that fails at once on a router whose log ring is full', () => {
  it('is judged from its pppd lines: control_refused', () => {
    expect(ring).toBeGreaterThan(65_000);
    const t = host.tunnels[0];
    expect(t?.verdict, out).toBe('control_refused');
  });
});
