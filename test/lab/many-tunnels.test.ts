// A router with many hand-run tunnels: ip-up and ip-down carry an arm of ~1 KB per tunnel, so
// with 8 of them they pass the 8 KB the facts report as content while the output is plain text.
// The facts are compressed from two tunnels on and then report files up to 64 KB (facts/gather.ts),
// so a second apply plans against their content (converged: one exec, nothing changed) and the
// remove playbook takes the arms out again.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { MAX_CONTENT_BYTES } from '../../src/facts/gather.js';
import { applyWith, hostOf, writeInventory } from './fault-helpers.js';
import { routerPath, startLab, stopLab } from './helpers.js';

const NAMES = ['office', 'office2', 'office3', 'office4', 'office5', 'office6', 'office7', 'office8'];

let lab: Lab;
let work: string;
let inventory: string;

beforeAll(async () => {
  lab = await startLab({ routers: 1, firmware: [['openwrt', 1]], manager: 'pppd' });
  work = await mkdtemp(path.join(os.tmpdir(), 'pf-many-'));
  inventory = await writeInventory(lab, path.join(work, 'eight.yaml'), {}, (vars) => {
    const office = { ...(vars['tunnels'] as Array<Record<string, unknown>>)[0]! };
    vars['tunnels'] = NAMES.map((name, i) => ({ ...office, name, routes: [`10.${40 + i}.0.0/16`] }));
  });
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

describe('eight hand-run tunnels on one router', () => {
  it('apply brings all up; ip-up is past the plain-text content limit', async () => {
    const first = await applyWith(lab, { inventory, reportName: 'many-first' });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(hostOf(first.report, 'r001').tunnels.map((t) => `${t.name}=${t.verdict}`).sort()).toEqual(NAMES.map((n) => `${n}=up`).sort());
    const ipUp = await readFile(routerPath(lab, 'r001', 'etc/ppp/ip-up'));
    expect(ipUp.length).toBeGreaterThan(MAX_CONTENT_BYTES);
  }, 240_000);

  it('a second apply plans against the files it read: one exec, no change', async () => {
    const again = await applyWith(lab, { inventory, reportName: 'many-again' });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(hostOf(again.report, 'r001')).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
  }, 120_000);

  it('the remove playbook takes every arm out of ip-up and ip-down', async () => {
    const removed = await applyWith(lab, { inventory, reportName: 'many-remove', args: ['-p', 'playbooks/pptp-remove.yaml'] });
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    for (const f of ['etc/ppp/ip-up', 'etc/ppp/ip-down']) {
      const text = await readFile(routerPath(lab, 'r001', f), 'utf8').catch(() => '');
      expect(text, f).not.toMatch(/pptp-fleet/);
    }
  }, 240_000);
});
