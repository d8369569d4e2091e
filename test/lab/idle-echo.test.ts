// A tunnel that has been up and idle for a while, on a router whose /etc/ppp/options has `debug`
// (OpenWrt's own file on current trees; the lab's 25.12 routers): pppd logs every LCP echo
// request it sends and every reply, two lines per interval, so after a few dozen intervals its
// last lines are nothing else. The no-change rerun and `status` must still see the tunnel up
// (the echo chatter is left out of the lines they judge), in both managers. And once the start
// of the tunnel has rotated out of logread's ring buffer altogether, the kernel's route to the
// peer (and netifd's report) still show the link up.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../packages/lab/src/index.js';
import { editedInventory, hostOf, inventoryReport, routerPath, startLab, stopLab, type Report } from './helpers.js';

const ROUTERS = ['r001', 'r002'];
let lab: Lab;
let inv = '';
const cli = (args: string[]): Promise<Report> => inventoryReport(lab, inv, args, ROUTERS.length);

beforeAll(async () => {
  lab = await startLab({ routers: 2, firmware: [['openwrt-apk', 2]], manager: 'auto' });
  inv = await editedInventory(lab, 'idle', (doc) => {
    doc.setIn(['all', 'vars', 'tunnels', 0, 'lcp_echo_interval'], 1);
    doc.setIn(['all', 'vars', 'tunnels', 0, 'lcp_echo_failure'], 5);
    doc.setIn(['all', 'hosts', 'r002', 'manager'], 'pppd');
  });
  const report = await cli(['apply', '--forks', '2']);
  for (const name of ROUTERS) expect(hostOf(report, name).tunnels[0]?.verdict, JSON.stringify(hostOf(report, name))).toBe('up');
}, 240_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('an idle tunnel under pppd debug', () => {
  it('after 70 echo lines per pppd, a rerun changes nothing in one exec and status still says up', async () => {
    const echoes = async (name: string): Promise<number> =>
      (await readFile(routerPath(lab, name, 'lab/state/syslog'), 'utf8')).split('\n').filter((l) => /pppd\[\d+\]: (sent|rcvd) \[LCP Echo/.test(l)).length;
    const deadline = Date.now() + 90_000;
    while ((await echoes('r001')) < 70 || (await echoes('r002')) < 70) {
      expect(Date.now(), 'the routers\' pppd log their LCP echoes under debug').toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 2000));
    }
    const rerun = await cli(['apply', '--forks', '2']);
    for (const name of ROUTERS) {
      const h = hostOf(rerun, name);
      expect({ name, status: h.status, changes: h.changes.length, execs: h.sshExecs, verdict: h.tunnels[0]?.verdict }, JSON.stringify(h)).toEqual({
        name, status: 'ok', changes: 0, execs: 1, verdict: 'up',
      });
    }
    const status = await cli(['status']);
    for (const name of ROUTERS) expect(hostOf(status, name).tunnels[0], name).toMatchObject({ verdict: 'up', running: true });
  }, 180_000);

  it('with every line of its pppd rotated out of the log, a rerun and status still see the link up', async () => {
    for (const name of ROUTERS) {
      const path = routerPath(lab, name, 'lab/state/syslog');
      const kept = (await readFile(path, 'utf8')).split('\n').filter((l) => !/pppd\[\d+\]/.test(l)).join('\n');
      await writeFile(path, kept);
    }
    const rerun = await cli(['apply', '--forks', '2']);
    for (const name of ROUTERS) {
      const h = hostOf(rerun, name);
      expect({ name, status: h.status, execs: h.sshExecs, verdict: h.tunnels[0]?.verdict, peer: h.tunnels[0]?.remoteIp }, JSON.stringify(h)).toEqual({
        name, status: 'ok', execs: 1, verdict: 'up', peer: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) as unknown as string,
      });
    }
    const status = await cli(['status']);
    for (const name of ROUTERS) expect(hostOf(status, name).tunnels[0], name).toMatchObject({ verdict: 'up', running: true });
  }, 120_000);
});
