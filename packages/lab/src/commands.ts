// `pptp-fleet lab up` / `lab reboot` / `lab wan` / `lab down` (or `pptp-fleet-lab up` / `reboot` / `down`): a simulated OpenWrt fleet
// of real dropbear routers on this machine, for the demo and the end-to-end tests.
//
// Example:
//   pptp-fleet lab up --routers 10 --dir /tmp/lab --firmware openwrt:4 --scenario wrong_password:1
//   pptp-fleet apply -i /tmp/lab/inventory.yaml --known-hosts /tmp/lab/known_hosts --key /tmp/lab/id_ed25519
//   pptp-fleet lab down --dir /tmp/lab
import { Command, CommanderError } from 'commander';
import { InputError } from './errors.js';
import { labDown, labUp, type Lab } from './index.js';
import { labReboot } from './reboot.js';
import { labWan, parseWanAction } from './wan.js';
import { COMMAND_LINE, parseCounts, parseRouterCount } from './options.js';
import { FIRMWARES, SCENARIOS } from './types.js';

interface LabUpFlags {
  routers?: string;
  dir?: string;
  firmware: string[];
  scenario: string[];
  passwordFile?: string;
  basePort?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new InputError([{ file: COMMAND_LINE, path: flag, message: 'is required' }]);
  return value;
}

function parseBasePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1024 && n <= 65535)) {
    throw new InputError([{ file: COMMAND_LINE, path: '--base-port', message: `expected a port from 1024 to 65535, got ${JSON.stringify(value)}` }]);
  }
  return n;
}

/** Above this many routers the table shows the first rows and a count per firmware/scenario. */
const FULL_TABLE_MAX = 30;

/**
 * The table `lab up` prints: one row per router (the first 10 and totals for big labs).
 * @example labSummary(lab) // 'router  port   firmware      scenario\nr001    40123  whiterussian  ok\n...'
 */
export function labSummary(lab: Lab): string {
  const shown = lab.routers.length > FULL_TABLE_MAX ? lab.routers.slice(0, 10) : lab.routers;
  const rows = [['router', 'port', 'firmware', 'scenario'], ...shown.map((r) => [r.name, String(r.port), r.firmware, r.scenario])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  if (shown.length < lab.routers.length) {
    const tally = (key: 'firmware' | 'scenario'): string => {
      const counts = new Map<string, number>();
      for (const r of lab.routers) counts.set(r[key], (counts.get(r[key]) ?? 0) + 1);
      return [...counts].map(([name, n]) => `${name}:${n}`).join(' ');
    };
    lines.push(`… and ${lab.routers.length - shown.length} more (see ${lab.inventoryPath})`);
    lines.push(`firmware: ${tally('firmware')}`, `scenario: ${tally('scenario')}`);
  }
  return lines.join('\n');
}

/** What `lab --help` says the lab is. */
export const LAB_DESCRIPTION = 'a simulated OpenWrt fleet (real dropbear routers in bubblewrap) on 127.0.0.1';

/**
 * The lab's command tree under NAME. A usage error (a typo in a flag) prints commander's one
 * line and where to look, not the whole help.
 * @example buildLabProgram('pptp-fleet lab').parseAsync(['up', '--routers', '2', '--dir', 'd'], { from: 'user' })
 */
export function buildLabProgram(name: string): Command {
  const program = new Command(name).description(LAB_DESCRIPTION).exitOverride();
  registerLab(program);
  program.showHelpAfterError(`(run '${name} --help' for the options)`);
  for (const sub of program.commands) sub.showHelpAfterError(`(run '${name} ${sub.name()} --help' for the options)`);
  return program;
}

/**
 * Runs one lab command line (ARGS without the program name) and returns its exit code: 0 done,
 * 2 bad input (the message names the flag), 1 anything else. NAME is how usage lines call it.
 * @example await runLabCli(['up', '--routers', '5', '--dir', '/tmp/lab'], 'pptp-fleet lab') // 0
 */
export async function runLabCli(args: readonly string[], name = 'pptp-fleet-lab'): Promise<number> {
  const program = buildLabProgram(name);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof InputError) {
      for (const line of err.message.split('\n')) process.stderr.write(`error: ${line}\n`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/**
 * Registers `up`, `reboot`, `wan` and `down` on LAB (the lab's own program, or a `lab` command).
 * @example registerLab(new Command('pptp-fleet-lab')); // pptp-fleet-lab up --routers 5 --dir /tmp/lab
 */
export function registerLab(lab: Command): void {

  lab
    .command('up')
    .description('build and start N routers, write DIR/inventory.yaml, DIR/known_hosts and an admin key')
    .option('--routers <n>', 'number of routers (r001..)')
    .option('--dir <dir>', 'lab directory (new or empty, or a stopped lab)')
    .option('--firmware <name:count>', `firmware of the next COUNT routers, repeatable (${FIRMWARES.join(', ')}; rest: whiterussian)`, collect, [])
    .option('--scenario <name:count>', `scenario of the next COUNT routers, repeatable (${SCENARIOS.join(', ')}; rest: ok)`, collect, [])
    .option('--password-file <file>', 'VPN password for the simulated server and the inventory (default: random)')
    .option('--base-port <port>', 'take ports from here upward (default: any free ports)')
    .action(async (flags: LabUpFlags) => {
      const routers = parseRouterCount(required(flags.routers, '--routers'));
      const dir = required(flags.dir, '--dir');
      const firmware = parseCounts('--firmware', flags.firmware, FIRMWARES);
      const scenario = parseCounts('--scenario', flags.scenario, SCENARIOS);
      const basePort = parseBasePort(flags.basePort);
      const started = Date.now();
      const up = await labUp({ dir, routers, firmware, scenario, passwordFile: flags.passwordFile, basePort });
      console.log(labSummary(up));
      console.log(`\n${up.routers.length} routers up in ${((Date.now() - started) / 1000).toFixed(1)} s. Try:`);
      console.log(`  pptp-fleet apply -i ${up.inventoryPath}`);
      console.log(`Stop it with: pptp-fleet lab down --dir ${up.dir}`);
    });

  lab
    .command('reboot')
    .description('reboot routers of the lab in DIR: processes killed, /tmp and /var/run emptied, boot scripts run, WAN up after a few seconds')
    .option('--dir <dir>', 'lab directory')
    .option('--host <name>', 'router to reboot, repeatable (default: all)', collect, [])
    .action(async (flags: { dir?: string; host: string[] }) => {
      const dir = required(flags.dir, '--dir');
      const started = Date.now();
      const names = await labReboot(dir, flags.host);
      console.log(`rebooted ${names.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s (SSH answers; boot scripts and the WAN follow)`);
    });

  lab
    .command('wan')
    .description('take the WAN (uplink) of routers of the lab in DIR away, or give it back: its interface and routes go, or come back as at boot')
    .argument('<action>', 'down or up')
    .option('--dir <dir>', 'lab directory')
    .option('--host <name>', 'router, repeatable (default: all)', collect, [])
    .action(async (word: string, flags: { dir?: string; host: string[] }) => {
      const action = parseWanAction(word);
      const dir = required(flags.dir, '--dir');
      const names = await labWan(dir, action, flags.host);
      console.log(`WAN ${action} on ${names.join(' ')}`);
    });

  lab
    .command('down')
    .description('stop every router of the lab in DIR (files are kept)')
    .option('--dir <dir>', 'lab directory')
    .action(async (flags: { dir?: string }) => {
      const dir = required(flags.dir, '--dir');
      await labDown(dir);
      console.log(`lab in ${dir} stopped`);
    });
}
