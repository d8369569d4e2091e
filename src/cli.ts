#!/usr/bin/env node
// pptp-fleet entry point: parse the command line, run one command, map errors to exit codes
// (0 ok, 1 a host failed or was unreachable, 2 bad input, 130 interrupted).
import { Command, CommanderError } from 'commander';
import { InputError, errorMessage } from './errors.js';
import { registerFleetCommands } from './cli/commands/fleet.js';
import { registerDiagnose } from './cli/commands/diagnose.js';
import { registerInventory } from './cli/commands/inventory.js';
import { runLab } from './cli/commands/lab.js';
import { EXIT } from './cli/exit.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('pptp-fleet')
    .description('Provision fleets of OpenWrt routers as PPTP VPN clients over SSH')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerFleetCommands(program);
  registerInventory(program);
  registerDiagnose(program);
  // Listed in --help; `lab …` itself is dispatched before parsing (see main), to the lab package.
  program.command('lab').description('a simulated OpenWrt fleet on 127.0.0.1 (the pptp-fleet-lab package): lab up|down --help');
  return program;
}

async function main(argv: string[]): Promise<void> {
  if (argv[2] === 'lab') {
    process.exitCode = await runLab(argv.slice(3));
    return;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors are bad input.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.badInput;
      return;
    }
    if (err instanceof InputError) {
      for (const line of err.message.split('\n')) process.stderr.write(`error: ${line}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    if (process.env.PPTP_FLEET_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT.failed;
  }
}

await main(process.argv);
