// diagnose: read pppd logs (files or stdin) and say whether the last attempt came up, and why not.
//
// Example:
//   pptp-fleet diagnose /tmp/ppp.log
//   pptp-fleet diagnose /var/log/syslog.2.gz   # rotated (gzip) and UTF-16 (Windows) files too
//   ssh root@router logread | pptp-fleet diagnose -
//   pptp-fleet diagnose --json a.log          # exactly one JSON object (the Diagnosis)
//   pptp-fleet diagnose --json a.log b.log    # one JSON object per line: {"file": ..., ...Diagnosis}
//
// Exit status: 0 when every log's verdict is `up`, 1 when one is not, 2 when a file is unreadable
// or is not a pppd log at all (2 wins over 1). A text is a pppd log when one line says what pppd
// or pptp says (a row of src/pppd-log/rules.ts), under any syslog tag or none: a single pasted
// pppd message is diagnosed (exit 0/1), never rejected.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { diagnoseParsed, parsePppdLog } from '../../pppd-log/parse.js';
import { decodeLogBytes } from '../../pppd-log/input.js';
import type { Diagnosis } from '../../pppd-log/types.js';
import { errorMessage } from '../../errors.js';
import { EXIT } from '../exit.js';
import { terminalSafe } from '../../report/text.js';

interface DiagnoseFlags {
  json?: boolean;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The human-readable report of one Diagnosis. */
export function formatDiagnosis(d: Diagnosis, file?: string): string {
  const out: string[] = [];
  if (file) out.push(`${file}:`);
  if (d.host) {
    out.push(`hosts:     ${(d.hosts ?? []).map((h) => `${h.host} ${h.verdict}`).join(', ')}`);
    out.push(`host:      ${d.host}  (the log holds several hosts' pppd: below is the last to log, a PPTP tunnel's first)`);
  }
  out.push(`verdict:   ${d.verdict}${d.attempts > 1 ? `  (last of ${d.attempts} attempts)` : ''}`);
  // pppd's "CHAP authentication succeeded" is the same for CHAP-MD5, MS-CHAP and MS-CHAPv2
  // (auth.c auth_withpeer_success names the protocol, not the digest): without the LCP lines
  // the protocol is not in the log, which is not "unknown"
  const notes = [d.auth.error, d.auth.protocol ? null : 'the log does not name the protocol'].filter((n) => n !== null);
  const auth = d.auth.protocol || d.auth.result !== 'none' ? `${d.auth.protocol ? `${d.auth.protocol} ` : ''}${d.auth.result}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` : 'not seen';
  out.push(`auth:      ${auth}`);
  out.push(
    `mppe:      ${d.mppe ? `${d.mppe.bits ?? '?'}-bit ${d.mppe.stateless ? 'stateless' : 'stateful'}${d.mppe.compression ? ' + MPPC compression' : ''}` : 'not negotiated'}`,
  );
  if (d.localIp || d.remoteIp) out.push(`addresses: local ${d.localIp ?? '?'}  remote ${d.remoteIp ?? '?'}`);
  if (d.scriptStatus) {
    const s = d.scriptStatus;
    const st = s.signal !== null ? `killed by signal ${s.signal}` : s.exitCode === null ? 'still running' : `exit ${s.exitCode}`;
    out.push(`script:    ${s.script} ${st}`);
  }
  if (d.endedBy) out.push(`ended:     ${d.endedBy}`);
  if (d.hint) out.push(`hint:      ${d.hint}`);
  if (d.evidence.length > 0) {
    out.push('evidence:');
    for (const e of d.evidence) out.push(`  ${e}`);
  }
  return out.join('\n');
}

/** Registers `pptp-fleet diagnose [--json] FILE... | -`. */
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('Read pppd logs (debug output, logread, syslog, journal, terminal pastes) and give a verdict with a fix hint and the next command to run on the router')
    .argument('<files...>', 'log files, or - for stdin')
    .option('--json', 'print the Diagnosis as JSON (one object; one per line with several files)')
    .action(async (files: string[], flags: DiagnoseFlags) => {
      let worst: number = EXIT.ok;
      const raise = (code: number): void => {
        if (code > worst) worst = code;
      };
      for (const file of files) {
        let text: string;
        try {
          text = decodeLogBytes(file === '-' ? await readStdin() : await readFile(file));
        } catch (err) {
          console.error(`${file}: cannot read: ${errorMessage(err)}`);
          raise(EXIT.badInput);
          continue;
        }
        const parsed = parsePppdLog(text);
        if (!parsed.isPppdLog) {
          console.error(`${file === '-' ? 'stdin' : file}: not a pppd log (no pppd or pptp lines found)`);
          raise(EXIT.badInput);
          continue;
        }
        const d = diagnoseParsed(parsed);
        if (flags.json) {
          console.log(JSON.stringify(files.length === 1 ? d : { file, ...d }));
        } else {
          if (files.length > 1 && file !== files[0]) console.log('');
          // A pasted log is router text: its escapes are shown, not executed.
          console.log(terminalSafe(formatDiagnosis(d, files.length > 1 ? file : undefined)));
        }
        if (d.verdict !== 'up') raise(EXIT.failed);
      }
      process.exitCode = worst;
    });
}
