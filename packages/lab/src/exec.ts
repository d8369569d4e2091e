// Running host tools for the lab: one promise-returning helper whose error names the command.
import { execFile } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program (no shell) and resolves with its output; rejects with the command line,
 * exit code and stderr in the message when it fails.
 * @example const { stdout } = await run('ldd', ['/usr/sbin/dropbear']);
 */
export function run(file: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as { code?: unknown }).code;
          reject(
            new Error(`${[file, ...args].join(' ')} failed (${String(code ?? err.message)}): ${stderr.trim() || err.message}`, {
              cause: err,
            }),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}
