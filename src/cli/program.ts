// The command tree, apart from the entry point so tests can parse command lines (the README's
// examples) without running anything.
import { Command } from 'commander';
import { registerFleetCommands } from './commands/fleet.js';
import { registerDiagnose } from './commands/diagnose.js';
import { registerInventory } from './commands/inventory.js';
import { registerLab } from './commands/lab.js';
import { registerReport } from './commands/report.js';

export function buildProgram(): Command {
  const program = new Command('pptp-fleet')
    .description('Provision fleets of OpenWrt routers as PPTP VPN clients over SSH')
    .version('0.1.0')
    .exitOverride();
  registerFleetCommands(program);
  registerInventory(program);
  registerDiagnose(program);
  registerLab(program);
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

