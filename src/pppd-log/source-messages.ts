// Recognises any message pppd or pptp prints, from the formats enumerated out of their sources
// (messages.gen.ts): a log holding only messages no rule gives a meaning to is still a pppd log
// (verdict `other`, exit 1), never "not a pppd log" (exit 2).

import { SOURCE_MESSAGES } from './messages.gen.js';

const CONVERSION = /%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:ll|l|h|z)?[diuxXsqvBIPmcf]|%%/g;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A printf format as a pattern: literal text kept, every conversion any text. */
export function formatPattern(fmt: string): string {
  const parts = fmt.trim().split(CONVERSION);
  return parts.map((p) => escape(p).replace(/\s+/g, '\\s+')).join('.*?');
}

/**
 * Patterns grouped by the literal first word they begin with (a message's first word must be
 * that word), so a message is tried against a handful of formats, not all of them; formats that
 * begin with a conversion (or a word glued to one) are tried for every message.
 */
function byFirstWord(items: { word: string | null; pattern: string }[], tail: string): (text: string) => boolean {
  const groups = new Map<string, string[]>();
  const any: string[] = [];
  for (const { word, pattern } of items) {
    if (word === null) any.push(pattern);
    else groups.set(word, [...(groups.get(word) ?? []), pattern]);
  }
  const compile = (ps: string[]): RegExp | null => (ps.length === 0 ? null : new RegExp(`^(?:${ps.join('|')})${tail}`));
  const compiled = new Map([...groups].map(([w, ps]) => [w, compile(ps)]));
  const wild = compile(any);
  return (text) => compiled.get(/^\S*/.exec(text)?.[0] ?? '')?.test(text) === true || wild?.test(text) === true;
}

const firstLiteral = (fmt: string): string | null => {
  const word = /^\S+/.exec(fmt.trim())?.[0] ?? '';
  return word === '' || word.includes('%') ? null : word;
};

const ALL = byFirstWord(
  SOURCE_MESSAGES.map(([, , , fmt]) => ({ word: firstLiteral(fmt), pattern: formatPattern(fmt) })),
  '\\s*$',
);

/**
 * The sources' formats that other programs print too: the radiusclient library pppd's radius
 * plugin carries (radiusclient-ng, freeradius-client in VoIP and VPN daemons), passprompt's
 * words on a child, multilink's "sending SIGHUP to process".
 */
const SHARED_REF = /plugins\/radius\/(?!radius\.c|radattr\.c|radrealms\.c)|plugins\/passprompt\.c|multilink\.c:sendhup/;
const SHARED = byFirstWord(
  SOURCE_MESSAGES.filter(([, , ref]) => SHARED_REF.test(ref)).map(([, , , fmt]) => ({ word: firstLiteral(fmt), pattern: formatPattern(fmt) })),
  '\\s*$',
);

/** Whether a message is one of those formats: it makes a log pppd's only under pppd's tag or none. */
export function isSharedSourceMessage(msg: string): boolean {
  return SHARED(msg.trim());
}

/** Whether a message (prefixes removed) is one pppd or pptp prints, by their sources. */
export function isSourceMessage(msg: string): boolean {
  return ALL(msg.trim());
}

const PPTP_ONLY = byFirstWord(
  SOURCE_MESSAGES.filter(([prog]) => prog === 'pptp').map(([, , , fmt]) => ({ word: firstLiteral(fmt), pattern: formatPattern(fmt) })),
  '\\s*$',
);

/**
 * Whether a message is one pptp-linux's call manager and control connection print (pptp.c,
 * pptp_ctrl.c, pptp_callmgr.c): pppd's pptp.so carries the same code and logs it under pppd's name.
 */
export function isPptpSourceMessage(msg: string): boolean {
  return PPTP_ONLY(msg.trim());
}

// The literal words a format begins with (up to its first conversion), when they are specific
// enough to tell a message start: at least two words, or one long one ("Fatal signal %d",
// "Script %s started" is "Script": too short, any wrapped remainder may begin with it).
const STARTS = byFirstWord(
  [
    ...new Set(
      SOURCE_MESSAGES.map(([, , , fmt]) => fmt.trim().split(CONVERSION)[0]?.trim() ?? '').filter(
        (lead) => /\S\s+\S/.test(lead) || lead.length >= 12,
      ),
    ),
  ].map((lead) => ({
    // A one-word lead may run on into a conversion ("auth_peer_success:%s"): tried on every line.
    word: /\s/.test(lead) ? firstLiteral(lead) : null,
    pattern: escape(lead).replace(/\s+/g, '\\s+'),
  })),
  '',
);

/** Whether a line begins like a message pppd or pptp prints (its first words, by their sources). */
export function startsSourceMessage(line: string): boolean {
  return STARTS(line.trim()) || isSourceMessage(line);
}

/** The words (letters only, lower case) pppd's and pptp's messages are made of. */
export const SOURCE_WORDS: ReadonlySet<string> = new Set(
  SOURCE_MESSAGES.flatMap(([, , , fmt]) => fmt.replace(CONVERSION, ' ').toLowerCase().match(/[a-z]{2,}/g) ?? []),
);

/** Each format's literal head (its text up to the first conversion), for cutMessage. */
export const SOURCE_HEADS: readonly string[] = [...new Set(SOURCE_MESSAGES.map(([, , , fmt]) => fmt.trim().split(CONVERSION)[0]?.trimEnd() ?? ''))].filter((h) => h.length > 0);

/**
 * The message a line that a paste cut off in the middle of a word was: the cut text made whole
 * up to the end of its last word, when every known message text that the cut text begins
 * (`heads`: the sources' literal heads, lines the rules were written from) goes on with the same
 * letters; null when the text is not cut inside a word of letters, is shorter than 16
 * characters, or is ambiguous. Only letters are restored: what a conversion prints (a name, an
 * address, a pid) cannot be.
 * @example cutMessage('CHAP authentication succeede', ['CHAP authentication succeeded']) // 'CHAP authentication succeeded'
 */
export function cutMessage(msg: string, heads: readonly string[] = SOURCE_HEADS): string | null {
  const cut = msg.trim();
  if (cut.length < 16 || !/[A-Za-z]$/.test(cut) || isSourceMessage(cut)) return null;
  // the rest of the cut word, from every head that goes on where the cut fell (letters only: a
  // number in a head is one example's value, not the message's text)
  const rests = new Set(heads.filter((h) => h.length > cut.length && h.startsWith(cut)).map((h) => /^[A-Za-z]*/.exec(h.slice(cut.length))?.[0] ?? ''));
  const [rest] = [...rests];
  return rests.size === 1 && rest ? cut + rest : null;
}
