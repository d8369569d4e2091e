// WAN loss, end to end: `lab wan down` takes a router's uplink away (its WAN interface and every
// route through it), `lab wan up` gives it back. A netifd tunnel (24.10) and a hand-run pppd
// with persist (White Russian), both with LCP echoes every second: the link dies from the
// unanswered echo requests, `status` reports it down with pppd's own lines as evidence, and once
// the WAN is back the tunnel comes up again within 60 s without the tool.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labWan, type Lab } from '../../packages/lab/src/index.js';
import { InputError } from '../../packages/lab/src/errors.js';
import { waitFor } from './fault-helpers.js';
import { editedInventory, hostOf, inventoryReport, routerPath, startLab, stopLab, type Report, type ReportTunnel } from './helpers.js';

const ROUTERS = ['r001', 'r002'];
let lab: Lab;
let inv = '';
const cli = (args: string[]): Promise<Report> => inventoryReport(lab, inv, args, ROUTERS.length);
const tunnels = async (): Promise<Map<string, ReportTunnel | undefined>> => {
  const report = await cli(['status']);
  return new Map(ROUTERS.map((name) => [name, hostOf(report, name).tunnels[0]]));
};

beforeAll(async () => {
  lab = await startLab({ routers: 2, firmware: [['openwrt-24', 1], ['whiterussian', 1]], manager: 'auto' });
  inv = await editedInventory(lab, 'wan', (doc) => {
    doc.setIn(['all', 'vars', 'tunnels', 0, 'lcp_echo_interval'], 1);
    doc.setIn(['all', 'vars', 'tunnels', 0, 'lcp_echo_failure'], 3);
    doc.setIn(['all', 'vars', 'tunnels', 0, 'persist'], true);
  });
  const report = await cli(['apply', '--forks', '2']);
  for (const name of ROUTERS) expect(hostOf(report, name).tunnels[0]?.verdict, JSON.stringify(hostOf(report, name))).toBe('up');
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('lab wan', () => {
  it('a name that is not a router of the lab is bad input', async () => {
    await expect(labWan(lab.dir, 'down', ['r999'])).rejects.toBeInstanceOf(InputError);
  });

  it('WAN down: the link dies from unanswered LCP echoes, status says down; WAN up: back up within 60 s without the tool', async () => {
    const tDown = Date.now();
    await labWan(lab.dir, 'down', ROUTERS);
    const routes = await readFile(routerPath(lab, 'r001', 'lab/state/routes'), 'utf8');
    expect(routes).not.toMatch(/ eth1$/m);
    let down = new Map<string, ReportTunnel | undefined>();
    // netifd records PEER_DEAD once it has reaped the pppd: a status read in between sees the
    // tunnel down without it yet, as on a router, so the wait is for both
    await waitFor('both tunnels down, netifd reporting PEER_DEAD', async () => {
      down = await tunnels();
      return [...down.values()].every((t) => t?.running === false) && (down.get('r001')?.evidence ?? []).includes('netifd: PEER_DEAD');
    }, 30_000);
    // 3 echo requests a second apart, then the next status run
    expect(Date.now() - tDown).toBeLessThan(15_000);
    for (const name of ROUTERS) {
      const t = down.get(name);
      const syslog = await readFile(routerPath(lab, name, 'lab/state/syslog'), 'utf8');
      expect(syslog, name).toMatch(/pppd\[\d+\]: No response to 3 echo-requests/);
      expect(syslog, name).toMatch(/pppd\[\d+\]: Serial link appears to be disconnected\./);
      // netifd's pppd (no persist) exited: its lines end with the echo timeout until the WAN is
      // back. The hand-run pppd with persist tries again after its holdoff (capped at 2 s in the
      // lab), and then its last attempt is a control connection that found no route.
      const expected = name === 'r001' ? ['link_dead'] : ['link_dead', 'control_refused'];
      expect({ name, running: t?.running, ok: expected.includes(t?.verdict ?? '') }, JSON.stringify(t)).toEqual({ name, running: false, ok: true });
    }
    expect(down.get('r001')?.evidence).toContain('netifd: PEER_DEAD');
    const t0 = Date.now();
    await labWan(lab.dir, 'up', ROUTERS);
    await waitFor('both tunnels up again', async () => [...(await tunnels()).values()].every((t) => t?.verdict === 'up' && t.running === true), 60_000);
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 180_000);
});
