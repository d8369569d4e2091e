// The apply script's lines for a `uci-batch` change: at the script's start the config's pending
// (uncommitted) changes (pf_uci_pending: ours, left by a run cut before its commit, are
// reverted; anyone else's fail the change before anything is written, as our commit would
// apply them too); then, in the change's place,
// the batch on stdin of `uci batch`, which reports a bad line on stderr and carries on (exit 0),
// so any output is a failure and our sections' uncommitted changes are reverted; then `uci
// commit CONFIG` and the reload.
import type { Change } from '../plan/types.js';
import { shQuote } from '../shell/quote.js';

/**
 * The line checking CONFIG's pending changes for one uci-batch change (pf_uci_pending). The
 * script runs these first, before any change: someone else's pending change fails the host
 * before anything is written.
 */
export function uciPendingLine(c: Extract<Change, { kind: 'uci-batch' }>, root: string): string {
  const t = shQuote(c.target.replace(/[%\s]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')));
  return `pf_uci_pending ${t} ${shQuote(root ? `${root}/etc/config` : '')} ${[c.target, ...c.sections].map(shQuote).join(' ')}`;
}

/** Shell lines for one uci-batch change; `fail(msg, code)` is the script's pf_fail call. */
export function uciBatchLines(c: Extract<Change, { kind: 'uci-batch' }>, root: string, fail: (msg: string, code?: string) => string): string[] {
  const uci = root ? `uci -c ${shQuote(`${root}/etc/config`)}` : 'uci';
  const body = c.commands.join('\n');
  let d = 'PFUCI';
  while (body.split('\n').includes(d)) d += '_';
  const revert = c.sections.map((s) => `${uci} revert ${shQuote(`${c.target}.${s}`)} </dev/null >/dev/null 2>&1`).join('; ');
  const [cmd, ...args] = c.reload.split(' ');
  const reload = [shQuote(root + (cmd ?? '')), ...args.map(shQuote)].join(' ');
  return [
    `# uci-batch ${c.target}: ${c.sections.join(' ')}`,
    `pf_out=$( { ${uci} batch <<'${d}'`,
    body,
    d,
    '} 2>&1 )',
    `if [ -n "$pf_out" ]; then ${revert}; ${fail('"uci batch: $pf_out"', '1')}; fi`,
    `pf_out=$(${uci} commit ${shQuote(c.target)} </dev/null 2>&1) || ${fail('"uci commit: $pf_out"')}`,
    `pf_out=$(${reload} </dev/null 2>&1) || ${fail(`"${c.reload} failed: $pf_out"`)}`,
  ];
}
