// A converged netifd router costs one exec and changes nothing, however quickly the second apply
// follows the first: the first apply's tunnels-up consumes every restart marker it leaves, also
// when netifd already has the interface up again (after the apply's `network reload`) by the time
// tunnels-up looks at it.
import { access, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { restartMarkerPath } from '../../src/plan/plan.js';
import { applyWith, hostOf, writeInventory } from './fault-helpers.js';
import { routerPath, startLab, stopLab } from './helpers.js';

const HOSTS = ['r001', 'r002', 'r003'];
const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

const NAMES = ['office', 'office2', 'office3'];

/** Three tunnels, their LCP echo interval by VARIANT (an interface change); office with ROUTES. */
function tunnels(variant: number, routes: string[] = ['10.20.0.0/16']): (vars: Record<string, unknown>) => void {
  return (vars) => {
    const office = { ...(vars['tunnels'] as Array<Record<string, unknown>>)[0]! };
    vars['tunnels'] = NAMES.map((name, i) => ({ ...office, name, lcp_echo_interval: 10 + variant + i, ...(i === 0 ? { routes } : {}) }));
  };
}

let lab: Lab;
let work: string;

beforeAll(async () => {
  lab = await startLab({ routers: 3, firmware: [['openwrt', 1], ['openwrt-24', 1], ['openwrt', 1]] });
  work = await mkdtemp(path.join(os.tmpdir(), 'pf-conv-'));
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

describe('netifd tunnels: a second apply right after converging', () => {
  it('is one exec and ok on every router, also after an apply that found a restart marker and changed only routes', async () => {
    const outcomes: string[] = [];
    const markers = async (): Promise<string[]> => {
      const left: string[] = [];
      for (const h of HOSTS) for (const n of NAMES) if (await exists(routerPath(lab, h, restartMarkerPath(n).slice(1)))) left.push(`${h}:${n}`);
      return left;
    };
    for (let k = 0; k < 2; k++) {
      const base = await writeInventory(lab, path.join(work, `base${k}.yaml`), {}, tunnels(k));
      const first = await applyWith(lab, { inventory: base, reportName: `conv-first-${k}`, args: ['--forks', '3'] });
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const afterFirst = await markers();
      // A connection lost between an apply's file writes and its tunnels-up leaves a restart
      // marker (apply/script.ts restartMarkers): the next run must restart that tunnel and consume it.
      for (const h of HOSTS) await writeFile(routerPath(lab, h, restartMarkerPath('office').slice(1)), '');
      // That next run also changes office's routes only: the apply's `network reload` updates them
      // without restarting the interface, so office is still up (the same pppd) at tunnels-up.
      const rerun = await applyWith(lab, { inventory: await writeInventory(lab, path.join(work, `routes${k}.yaml`), {}, tunnels(k, [`10.${60 + k}.0.0/16`])), reportName: `conv-rerun-${k}`, args: ['--forks', '3'] });
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      // office was restarted (its marker says its pppd runs old files), everything up
      for (const h of HOSTS) {
        const r = hostOf(rerun.report, h);
        expect(r.status, `round ${k} ${h}`).toBe('changed');
        expect(r.tunnels.map((t) => `${t.name}=${t.verdict}`).sort(), `round ${k} ${h}`).toEqual(NAMES.map((n) => `${n}=up`).sort());
      }
      const afterRerun = await markers();
      const again = await applyWith(lab, { inventory: path.join(work, `routes${k}.yaml`), reportName: `conv-again-${k}`, args: ['--forks', '3'] });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const per = HOSTS.map((h) => `${h}=${hostOf(again.report, h).status}/${hostOf(again.report, h).sshExecs}`);
      outcomes.push(`round ${k}: markers after the first apply [${afterFirst.join(' ')}], after the rerun [${afterRerun.join(' ')}]; second apply ${per.join(' ')}`);
      expect.soft(afterFirst, `round ${k}`).toEqual([]);
      expect.soft(afterRerun, `round ${k}`).toEqual([]);
      for (const h of HOSTS) expect.soft(hostOf(again.report, h), `round ${k} ${h}`).toMatchObject({ status: 'ok', changes: [], sshExecs: 1 });
    }
    console.log(outcomes.join('\n'));
  }, 900_000);
});
