// The command tree, apart from the entry point so tests can parse command lines (the README's
// examples) without running anything.
import { Command } from 'commander';
import { registerFleetCommands } from './commands/fleet.js';
import { registerDiagnose } from './commands/diagnose.js';
import { registerInventory } from './commands/inventory.js';
import { registerReport } from './commands/report.js';
import { packageVersion } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('pptp-fleet')
    .description('Provision fleets of OpenWrt routers as PPTP VPN clients over SSH')
    .version(packageVersion())
    .exitOverride();
  registerFleetCommands(program);
  registerInventory(program);
  registerDiagnose(program);
  // Listed in --help; `lab …` itself is dispatched before parsing (cli.ts main), to the lab package.
  program.command('lab').description('a simulated OpenWrt fleet on 127.0.0.1 (the pptp-fleet-lab package): lab up|down --help');
  registerReport(program);
  helpHintOnError(program);
  return program;
}

// A usage error (a typo in a flag) prints commander's one line and where to look, not the
// whole help.
function helpHintOnError(cmd: Command, prefix = ''): void {
  const name = `${prefix}${cmd.name()}`;
  cmd.showHelpAfterError(`(run '${name} --help' for the options)`);
  for (const sub of cmd.commands) helpHintOnError(sub, `${name} `);
}

