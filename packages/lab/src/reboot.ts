// `lab reboot`: asks the supervisor (which owns every router process) to reboot routers, and
// waits until each answers SSH again. The request is a file per router in DIR/reboot plus a
// signal to the supervisor, whose pid /proc confirms first.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from './errors.js';
import { COMMAND_LINE } from './options.js';
import { waitForSshBanner } from './ports.js';
import { isOurProcess } from './procs.js';
import { readState } from './state.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** Directory of the lab dir holding reboot requests (NAME.request) and answers (NAME.done). */
export const REBOOT_DIR = 'reboot';
/** What tells the supervisor to look at REBOOT_DIR (SIGUSR1 is node's debugger signal). */
export const REBOOT_SIGNAL = 'SIGUSR2';
const SUPERVISOR_SCRIPT = 'supervisor.js';
const REBOOT_TIMEOUT_MS = 60_000;


/**
 * Reboots HOSTS of the lab in DIR (every router when HOSTS is empty): each router's processes are
 * killed, /tmp and /var emptied, its boot scripts run in order, its WAN up a few seconds later.
 * Resolves with the rebooted names once each answers SSH again (its boot may still be running).
 * Throws InputError (exit 2) for a name that is not a router of the lab.
 * @example await labReboot('/tmp/lab', ['r001']) // ['r001']
 */
export async function labReboot(dir: string, hosts: readonly string[] = []): Promise<string[]> {
  const abs = resolve(dir);
  const state = await readState(abs).catch((err: unknown) => {
    throw new Error(`no lab in ${abs} (${err instanceof Error ? err.message : String(err)}): start one with \`pptp-fleet lab up --dir ${abs}\``, { cause: err });
  });
  if (state.status !== 'running' || state.supervisorPid === null || !isOurProcess(state.supervisorPid, [SUPERVISOR_SCRIPT, abs])) {
    throw new Error(`no lab is running in ${abs}: start one with \`pptp-fleet lab up --dir ${abs}\``);
  }
  const unknown = hosts.filter((h) => !state.routers.some((r) => r.name === h));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((h) => ({ file: COMMAND_LINE, path: '--host', message: `${JSON.stringify(h)} is not a router of this lab (${state.routers[0]?.name ?? 'r001'}..)` })),
    );
  }
  const routers = state.routers.filter((r) => (hosts.length === 0 || hosts.includes(r.name)) && r.scenario !== 'ssh_hang');
  const rdir = join(abs, REBOOT_DIR);
  await mkdir(rdir, { recursive: true });
  for (const r of routers) {
    await rm(join(rdir, `${r.name}.done`), { force: true });
    await writeFile(join(rdir, `${r.name}.request`), '');
  }
  process.kill(state.supervisorPid, REBOOT_SIGNAL);
  const deadline = Date.now() + REBOOT_TIMEOUT_MS;
  const failed: string[] = [];
  for (const r of routers) {
    let answer: string | null = null;
    while (answer === null) {
      answer = await readFile(join(rdir, `${r.name}.done`), 'utf8').catch(() => null);
      if (answer !== null) break;
      if (Date.now() > deadline) throw new Error(`router ${r.name} did not come back within ${REBOOT_TIMEOUT_MS / 1000} s (see ${join(abs, 'supervisor.log')})`);
      await sleep(50);
    }
    await rm(join(rdir, `${r.name}.done`), { force: true });
    if (answer !== 'ok') failed.push(`${r.name}: ${answer}`);
    else await waitForSshBanner(r.port, 15_000);
  }
  if (failed.length > 0) throw new Error(`reboot failed: ${failed.join('; ')}`);
  return routers.map((r) => r.name);
}
