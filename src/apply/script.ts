// Changes → one POSIX-sh script for busybox ash, sent on stdin of one exec
// (`/bin/sh -s -- pptp-fleet:apply`): file contents and secrets never appear on a command line.
// Its fixed part is src/remote/programs/apply-lib.sh (after common.sh); this module writes the
// header and one block of lines per change, which call that part's functions.
//
// Protocol on stdout, one line per change, in order:
//   PF-OK <kind> <target>
//   PF-FAIL <kind> <target> <exit code> <message>     (then the script exits 1: nothing later runs)
//   PF-END                                            (every change done; a trailer's output follows)
// Targets have `%` and white space percent-encoded (they never hold any in practice).
import { createHash, randomBytes } from 'node:crypto';
import type { Change } from '../plan/types.js';
import { shQuote } from '../shell/quote.js';
import { PPPD, restartMarkerPath } from '../remote/paths.js';
import { commonVars, program } from '../remote/program.js';
import { explainInstallFailure } from '../resources/package.js';
import { uciBatchLines, uciPendingLine } from './uci.js';

export const APPLY_COMMAND = '/bin/sh -s -- pptp-fleet:apply';

export interface ApplyScriptOptions {
  /** sha256sum exists on the router (White Russian has md5sum only). */
  hasSha256sum: boolean;
  /** Script appended after PF-END (the facts gatherer), so one exec applies and re-gathers. */
  trailer?: string;
  /** Prefix for every file path: tests only, to apply into a temp dir. */
  root?: string;
  /** The router's pppd version (facts.pppdVersion): where tunnel-stop finds pid files. */
  pppdVersion?: string | null;
  /**
   * Tunnels that will run after this apply: only they get restart markers (a tunnel being
   * removed must not leave one behind). Default: every tunnel a change names.
   */
  runningTunnels?: readonly string[];
}

const encodeTarget = (t: string): string =>
  t.replace(/[%\s]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
const decodeTarget = (t: string): string => t.replace(/%([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** What a here-document delimiter may start with (itself inside the single quotes). */
const DELIMITER_FIRST = 'PQXZYWVUTSRONMLKJIHGFEDCBAqxzywvutsrponmlkjihgfedcba0123456789_';

/**
 * A here-document delimiter whose first character starts no line of `content`, so no line is
 * even a partial match: after one, dash 0.5.12 drops the line's next byte if it is ≥ 0x80
 * ("PF\xc3\xa9" under PFEOF_… reads back "PF\xa9"; the checksum then refuses the file).
 */
export function delimiter(content: string): string {
  const taken = new Set(content.split('\n').map((line) => line.charAt(0)));
  const first = [...DELIMITER_FIRST].find((c) => !taken.has(c));
  if (first === undefined) throw new RangeError('file content whose lines start with every letter and digit cannot be sent as a here-document');
  return `${first === 'P' ? '' : first}PFEOF_${randomBytes(6).toString('hex')}`;
}

/** The script's fixed part: header, then the shared helpers and the apply functions. */
function preamble(root: string, pppdVersion: string | null | undefined): string {
  return program('apply', { ...commonVars(root, pppdVersion), PPPD }, 'common.sh', 'pppd-pid.sh', 'apply-lib.sh');
}

function writeFile(c: Extract<Change, { kind: 'write-file' }>, opts: ApplyScriptOptions): string[] {
  const root = opts.root ?? '';
  const dst = root + c.target;
  const dir = dst.replace(/\/[^/]*$/, '') || '/';
  const base = c.target.replace(/^.*\//, '');
  const t = shQuote(encodeTarget(c.target));
  const fail = (msg: string): string => `pf_fail write-file ${t} $? ${shQuote(msg)}`;
  const d = delimiter(c.content);
  const hash = createHash(opts.hasSha256sum ? 'sha256' : 'md5').update(c.content, 'utf8').digest('hex');
  const sum = opts.hasSha256sum ? 'sha256sum' : 'md5sum';
  const lines = [
    `# write-file ${c.target} (mode ${c.mode})`,
    `pf_dst=${shQuote(dst)}`,
    `[ -d ${shQuote(dir)} ] || mkdir -p ${shQuote(dir)} </dev/null || ${fail(`cannot create ${dir}`)}`,
    `pf_tmp=${shQuote(`${dir}/.pptp-fleet.${base}.`)}"$$"${shQuote('.tmp')}`,
  ];
  // A here-document ends every line with "\n"; content without a final newline goes through
  // a command substitution, which strips exactly that one newline.
  if (c.content === '') {
    lines.push(`: > "$pf_tmp" || ${fail('cannot write temp file')}`);
  } else if (c.content.endsWith('\n')) {
    lines.push(`cat > "$pf_tmp" <<'${d}' || ${fail('cannot write temp file')}`, c.content + d);
  } else {
    lines.push(`printf %s "$(cat <<'${d}'`, c.content, d, `)" > "$pf_tmp" || ${fail('cannot write temp file')}`);
  }
  lines.push(
    `pf_sum=$(${sum} < "$pf_tmp") || ${fail(`${sum} failed`)}`,
    `case "$pf_sum" in ${hash}*) ;; *) ${fail('content changed in transfer (checksum mismatch)')} ;; esac`,
    // Mode before the rename: the file is right the moment it appears under its name.
    `chmod ${shQuote(c.mode)} "$pf_tmp" || ${fail('chmod failed')}`,
  );
  if (c.replaceSymlink) {
    // rename() replaces a symlink itself, never its target; removing it first also covers a
    // link to a directory, into which mv would move the file.
    lines.push(`if [ -L "$pf_dst" ]; then rm -f "$pf_dst" || ${fail('cannot remove symlink')}; fi`);
  }
  lines.push(...restartMarkers(c, root, opts.runningTunnels));
  lines.push(`mv -f "$pf_tmp" "$pf_dst" </dev/null || ${fail('rename failed')}`, 'pf_tmp=', `echo PF-OK write-file ${t}`);
  return lines;
}

/**
 * Before a tunnel's file changes, leave /var/run/pptp-fleet/restart-NAME: if the connection
 * drops between this write and the tunnels-up exec, the next run still knows that tunnel runs
 * an old config and restarts it (tunnels-up removes the marker when it starts the tunnel).
 */
export function restartMarkers(c: { tunnels?: string[] }, root: string, running?: readonly string[]): string[] {
  const names = (c.tunnels ?? []).filter((n) => !running || running.includes(n));
  if (names.length === 0) return [];
  const files = names.map((n) => root + restartMarkerPath(n));
  const dir = files[0]!.replace(/\/[^/]*$/, '');
  return [`mkdir -p ${shQuote(dir)} </dev/null 2>&1 && : > ${files.map(shQuote).join(' && : > ')} || true`];
}

function step(c: Change, opts: ApplyScriptOptions): string[] {
  const root = opts.root ?? '';
  const t = shQuote(encodeTarget(c.target));
  const ok = `echo PF-OK ${c.kind} ${t}`;
  const fail = (msg: string, code = '$?'): string => `pf_fail ${c.kind} ${t} ${code} ${msg}`;
  switch (c.kind) {
    case 'write-file':
      return writeFile(c, opts);
    case 'chmod':
      return [`chmod ${shQuote(c.mode)} ${shQuote(root + c.target)} || ${fail(shQuote('chmod failed'))}`, ok];
    case 'delete-file':
      return [...restartMarkers(c, root, opts.runningTunnels), `rm -f ${shQuote(root + c.target)} </dev/null || ${fail(shQuote('rm failed'))}`, ok];
    case 'install':
      return [
        `# install ${c.packages.join(' ')} (retried while another run holds the package lock)`,
        `pf_install ${c.manager} ${c.updateLists ? 1 : 0} ${t} ${c.packages.map(shQuote).join(' ')}`,
        ok,
      ];
    case 'remove-package':
      return [`pf_remove ${t} ${shQuote(c.target)}`, ok];
    case 'load-module':
      return [`pf_load ${t} ${shQuote(c.target)}`, ok];
    case 'enable-service':
    case 'disable-service': {
      const verb = c.kind === 'enable-service' ? 'enable' : 'disable';
      return [`pf_out=$(${shQuote(root + c.target)} ${verb} </dev/null 2>&1) || ${fail('"$pf_out"')}`, ok];
    }
    case 'tunnel-stop':
      // By the tunnel's own pid file, never killall pppd (a PPPoE WAN link is a pppd too).
      return [`pf_stop_tunnel tunnel-stop ${t} ${shQuote(c.target)}`, ok];
    case 'tunnel-restart':
      return [`pf_restart_tunnel ${t} ${shQuote(c.target)}`, ok];
    case 'interface-down':
      return [`pf_ifdown ${t} ${shQuote(c.target)}`, ok];
    case 'uci-batch':
      return [...uciBatchLines(c, root, fail), ok];
    case 'network-restart':
    case 'interface-restore':
      // The tunnels-up step restarts the network when netifd lacks pptp, and brings back what it took down (tunnels-netifd.sh).
      throw new Error(`internal error: ${c.kind} is run by the tunnels-up step, never by an apply script`);
    case 'uci-revert':
      return [`pf_uci_revert ${t} ${shQuote(root ? `${root}/etc/config` : '')} ${[c.target, ...c.sections].map(shQuote).join(' ')}`, ok];
  }
}

/**
 * The script applying `changes` in order. A write goes to `.pptp-fleet.<base>.<pid>.tmp` in
 * the target's directory, is checked against the planned checksum (md5sum, or sha256sum when
 * the router has it), gets its mode, then is renamed over the target: a dropped connection
 * leaves the old file or the new one, never half of one.
 */
export function applyScript(changes: Change[], opts: ApplyScriptOptions): string {
  const lines = [preamble(opts.root ?? '', opts.pppdVersion)];
  // Tests: a fake root's own tools (package manager, lsmod, insmod) come first.
  if (opts.root) lines.push(`PATH=${['/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((d) => shQuote((opts.root ?? '') + d)).join(':')}:$PATH`);
  // Our own leftover pending UCI changes are reverted, then anyone else's are checked, before
  // anything is written (apply/uci.ts).
  for (const c of changes) if (c.kind === 'uci-revert') lines.push(...step(c, opts), '');
  for (const c of changes) if (c.kind === 'uci-batch') lines.push(uciPendingLine(c, opts.root ?? ''));
  for (const c of changes) if (c.kind !== 'uci-revert') lines.push(...step(c, opts), '');
  lines.push('echo PF-END');
  if (opts.trailer) lines.push('set +u', opts.trailer);
  return lines.join('\n') + '\n';
}

export interface ApplyOutput {
  /** Changes the script reported done, in order. */
  done: Array<{ kind: string; target: string }>;
  /** The change that failed (the script stopped there). */
  failed?: { kind: string; target: string; exitCode: number; message: string };
  /** PF-END was reached: every change was applied. */
  complete: boolean;
  /** Everything the trailer printed (after PF-END). */
  trailerOutput: string;
}

/** Reads the script's stdout back into what was done and what failed. */
export function parseApplyOutput(stdout: string): ApplyOutput {
  const out: ApplyOutput = { done: [], complete: false, trailerOutput: '' };
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === 'PF-END') {
      out.complete = true;
      out.trailerOutput = lines.slice(i + 1).join('\n');
      break;
    }
    const ok = /^PF-OK (\S+) (\S+)$/.exec(line);
    if (ok) {
      out.done.push({ kind: ok[1] ?? '', target: decodeTarget(ok[2] ?? '') });
      continue;
    }
    const f = /^PF-FAIL (\S+) (\S+) (-?\d+) ?(.*)$/.exec(line);
    if (f && !out.failed) {
      const message = (f[4] ?? '').trim();
      out.failed = { kind: f[1] ?? '', target: decodeTarget(f[2] ?? ''), exitCode: parseInt(f[3] ?? '1', 10), message: f[1] === 'install' ? explainInstallFailure(message) : message };
    }
  }
  return out;
}
