// `lab wan down|up`: a router loses its uplink and gets it back, as when the WAN cable is pulled
// or the upstream DHCP lease goes: the simulated kernel drops the WAN's interface and every route
// through it (the default route, netifd's host route to the VPN server), and gets them back as
// they were at boot. Nothing on the router is told: pppd notices by its unanswered LCP echo
// requests (when lcp-echo-interval and lcp-echo-failure are set), netifd's pptp handler by the
// missing route to the server when it next sets the interface up.
import { mkdir, readFile, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from './errors.js';
import { COMMAND_LINE } from './options.js';
import { readState } from './state.js';
import type { LabStateRouter } from './types.js';

export type WanAction = 'down' | 'up';

/**
 * The action word of `lab wan`; InputError (exit 2) for anything else.
 * @example parseWanAction('down') // 'down'
 */
export function parseWanAction(word: string | undefined): WanAction {
  if (word === 'down' || word === 'up') return word;
  throw new InputError([{ file: COMMAND_LINE, path: 'ACTION', message: `expected down or up, got ${JSON.stringify(word ?? '')}` }]);
}

/**
 * The kernel's interface or route table without the WAN device's rows (down), or with the boot
 * image's WAN rows put back once (up). COLUMN: where a row names its device (ifaces 0, routes 5).
 * @example wanTable('eth1 ...\nlo ...\n', '', 'eth1', 0, 'down') // 'lo ...\n'
 */
export function wanTable(current: string, atBoot: string, wan: string, column: number, action: WanAction): string {
  const rows = current.split('\n').filter((l) => l.trim() !== '');
  const onWan = (l: string): boolean => l.trim().split(/\s+/)[column] === wan;
  const kept = rows.filter((l) => !onWan(l));
  const back = action === 'up' ? atBoot.split('\n').filter((l) => l.trim() !== '' && onWan(l)) : [];
  const out = [...kept, ...back];
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

// One change to the simulated kernel at a time (standins/lib/common.sh kernel_lock): the lock's
// holder is written as pid 1 of the router's pid namespace (its dropbear, which never takes the
// lock), so the stand-ins see a live holder and wait.
async function withKernelLock<T>(state: string, f: () => Promise<T>): Promise<T> {
  const lock = join(state, '.kernel-lock');
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // the stand-ins give up after 3000 tries of 10 ms too
      if (i >= 3000) break;
      await sleep(10);
    }
  }
  try {
    await writeFile(join(lock, 'pid'), '1\n');
    return await f();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

// The firmware's syslog line (standins/lib/common.sh lab_log).
function syslogLine(firmware: string, tag: string, prio: string, msg: string, now = new Date()): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][now.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][now.getUTCMonth()];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const time = `${p2(now.getUTCHours())}:${p2(now.getUTCMinutes())}:${p2(now.getUTCSeconds())}`;
  const dd = String(now.getUTCDate()).padStart(2, ' ');
  const stamp = firmware === 'whiterussian' ? `${mon} ${dd} ${time} (none)` : `${day} ${mon} ${dd} ${time} ${now.getUTCFullYear()}`;
  return `${stamp} ${prio} ${tag}: ${msg}\n`;
}

async function switchWan(r: LabStateRouter, action: WanAction): Promise<void> {
  const lab = join(r.rootfs, 'lab');
  const state = join(lab, 'state');
  const wan = (await readFile(join(lab, 'wan'), 'utf8')).trim();
  await withKernelLock(state, async () => {
    for (const [file, column] of [['ifaces', 0], ['routes', 5]] as const) {
      const current = await readFile(join(state, file), 'utf8').catch(() => '');
      const atBoot = await readFile(join(lab, 'boot-state', file), 'utf8').catch(() => '');
      await writeFile(join(state, `${file}.wan`), wanTable(current, atBoot, wan, column, action));
      await rename(join(state, `${file}.wan`), join(state, file));
    }
  });
  const msg =
    r.firmware === 'whiterussian'
      ? syslogLine(r.firmware, 'udhcpc', 'daemon.info', action === 'up' ? 'Lease of 192.0.2.10 obtained, lease time 86400' : 'Sending renew...')
      : syslogLine(r.firmware, 'netifd', 'daemon.notice', `Interface 'wan' is now ${action}`);
  await appendFile(join(state, 'syslog'), msg);
}

/**
 * Takes the WAN of HOSTS (every router when empty) of the lab in DIR down or back up; resolves
 * with their names. Throws InputError (exit 2) for a name that is not a router of the lab.
 * @example await labWan('/tmp/lab', 'down', ['r001']) // ['r001']
 */
export async function labWan(dir: string, action: WanAction, hosts: readonly string[] = []): Promise<string[]> {
  const abs = resolve(dir);
  const state = await readState(abs).catch((err: unknown) => {
    throw new Error(`no lab in ${abs} (${err instanceof Error ? err.message : String(err)}): start one with \`pptp-fleet lab up --dir ${abs}\``, { cause: err });
  });
  if (state.status !== 'running') throw new Error(`no lab is running in ${abs}: start one with \`pptp-fleet lab up --dir ${abs}\``);
  const unknown = hosts.filter((h) => !state.routers.some((r) => r.name === h));
  if (unknown.length > 0) {
    throw new InputError(unknown.map((h) => ({ file: COMMAND_LINE, path: '--host', message: `${JSON.stringify(h)} is not a router of this lab (${state.routers[0]?.name ?? 'r001'}..)` })));
  }
  const routers = state.routers.filter((r) => hosts.length === 0 || hosts.includes(r.name));
  for (const r of routers) await switchWan(r, action);
  return routers.map((r) => r.name);
}
