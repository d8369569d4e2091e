#!/usr/bin/env node
// pptp-fleet entry point: parse the command line, run one command, map errors to exit codes
// (0 ok, 1 a host failed or was unreachable, 2 bad input, 130 interrupted).
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';
import { InputError, errorMessage } from './errors.js';
import { runLab } from './cli/commands/lab.js';
import { terminalSafe } from './report/text.js';
import { EXIT } from './cli/exit.js';

export { buildProgram };

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
      for (const line of err.message.split('\n')) process.stderr.write(`error: ${terminalSafe(line)}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    process.stderr.write(`error: ${terminalSafe(errorMessage(err))}\n`);
    if (process.env.PPTP_FLEET_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT.failed;
  }
}

await main(process.argv);
