// /etc/ppp/options.pptp: shipped by the pptp / ppp-mod-pptp package, shared by all tunnels.
// We own one block holding the global options the inventory sets; the package's lines stay,
// except an `mppe ...` line on a ppp 2.5 firmware, which pppd 2.5 rejects ("unrecognized
// option 'mppe'": OpenWrt 24.10's ppp-mod-pptp ships one) — commented out and translated.
import type { MppeDialect } from '../facts/types.js';
import type { GlobalPppOptions, MppeSettings } from '../inventory/types.js';
import { bare, editBlocks, findBlocks, splitLines } from './blocks.js';
import { mppeLines, parseMppcArgument } from './mppe.js';
import { pppdReadWords } from './pppd-words.js';

export const OPTIONS_BLOCK = 'options';
/** Prefix of a package line we commented out. */
export const DISABLED_PREFIX = '#pptp-fleet-disabled# ';
/** First line of an options.pptp pptp-fleet had to create (no package shipped one). */
export const CREATED_HEADER = '# Created by pptp-fleet (no options.pptp was installed)';

/**
 * Baseline when no package provided the file: `noauth` (pppd otherwise demands the server
 * authenticate itself once a default route exists) and no BSD/deflate compression, which
 * MS servers do not speak.
 */
const BASELINE = ['noauth', 'nobsdcomp', 'nodeflate'];

export interface OptionsPptpResult {
  content: string;
  /** Why the file changes beyond our block, e.g. the mppe line correction. */
  notes: string[];
}

/** The global options as pppd lines (an empty list when the inventory sets none). */
export function globalOptionLines(opts: GlobalPppOptions, dialect: MppeDialect): string[] {
  const lines: string[] = [];
  if (opts.lcpEchoFailure !== undefined) lines.push(`lcp-echo-failure ${opts.lcpEchoFailure}`);
  if (opts.lcpEchoInterval !== undefined) lines.push(`lcp-echo-interval ${opts.lcpEchoInterval}`);
  if (opts.idle !== undefined) lines.push(`idle ${opts.idle}`);
  if (opts.refuseEap) lines.push('refuse-eap');
  if (opts.persist === true) lines.push('persist');
  if (opts.persist === false) lines.push('nopersist');
  if (opts.mppe) lines.push(...mppeLines(opts.mppe, dialect));
  return lines;
}

/**
 * options.pptp as it should be. Example on OpenWrt 24.10 with `lcp_echo_interval: 30`:
 *
 *     noipdefault
 *     #pptp-fleet-disabled# mppe required,no40,no56,stateless
 *     ...the package's other lines...
 *     # BEGIN pptp-fleet options
 *     lcp-echo-interval 30
 *     require-mppe-128
 *     nomppe-stateful
 *     # END pptp-fleet options
 *
 * `existing` null: the file does not exist; it is created with a small baseline.
 */
export function renderOptionsPptp(existing: string | null, opts: GlobalPppOptions, dialect: MppeDialect): OptionsPptpResult {
  const notes: string[] = [];
  let text = existing ?? `${CREATED_HEADER}\n${BASELINE.join('\n')}\n`;
  let translated: MppeSettings | null = null;
  if (dialect === 'upstream') {
    const lines = splitLines(text);
    const inside = new Set<number>();
    for (const s of findBlocks(lines)) for (let i = s.begin; i <= s.end; i++) inside.add(i);
    text = lines
      .map((line, i) => {
        if (inside.has(i)) return line;
        if (line.startsWith(DISABLED_PREFIX)) {
          // Disabled on an earlier run: keep translating it, so the plan stays the same.
          const old = pppdReadWords(bare(line.slice(DISABLED_PREFIX.length)));
          const parsed = old[0]?.word === 'mppe' && old[1] ? parseMppcArgument(old[1].word) : null;
          if (parsed) translated = parsed;
          return line;
        }
        const words = pppdReadWords(bare(line));
        if (words[0]?.word !== 'mppe') return line;
        const parsed = words[1] ? parseMppcArgument(words[1].word) : null;
        if (parsed) translated = parsed;
        notes.push(`"${bare(line).trim()}" is MPPE-MPPC syntax that this pppd (ppp 2.5) rejects: commented out${parsed ? ', translated into the pptp-fleet block' : ''}`);
        return DISABLED_PREFIX + line;
      })
      .join('');
  }
  const body = globalOptionLines(opts, dialect);
  if (!opts.mppe && translated) body.push(...mppeLines(translated, 'upstream'));
  return {
    content: editBlocks(text, {
      set: body.length > 0 ? [{ id: OPTIONS_BLOCK, body: body.join('\n') + '\n' }] : [],
      remove: body.length > 0 ? [] : [OPTIONS_BLOCK],
      insertAt: (l) => l.length,
    }),
    notes,
  };
}

/** options.pptp without our block; null when only what we created would remain (delete it). */
export function removeFromOptionsPptp(existing: string): string | null {
  const out = editBlocks(existing, { set: [], remove: [OPTIONS_BLOCK], insertAt: (l) => l.length });
  if (out === `${CREATED_HEADER}\n${BASELINE.join('\n')}\n`) return null;
  return out;
}
