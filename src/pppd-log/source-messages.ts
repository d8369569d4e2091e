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

const ALL = new RegExp(`^(?:${SOURCE_MESSAGES.map(([, , , fmt]) => formatPattern(fmt)).join('|')})\\s*$`);

/** Whether a message (prefixes removed) is one pppd or pptp prints, by their sources. */
export function isSourceMessage(msg: string): boolean {
  return ALL.test(msg.trim());
}

// The literal words a format begins with (up to its first conversion), when they are specific
// enough to tell a message start: at least two words, or one long one ("Fatal signal %d",
// "Script %s started" is "Script": too short, any wrapped remainder may begin with it).
const STARTS = new RegExp(
  `^(?:${[
    ...new Set(
      SOURCE_MESSAGES.map(([, , , fmt]) => fmt.trim().split(CONVERSION)[0]?.trim() ?? '').filter(
        (lead) => /\S\s+\S/.test(lead) || lead.length >= 12,
      ),
    ),
  ]
    .map((lead) => escape(lead).replace(/\s+/g, '\\s+'))
    .join('|')})`,
);

/** Whether a line begins like a message pppd or pptp prints (its first words, by their sources). */
export function startsSourceMessage(line: string): boolean {
  return STARTS.test(line.trim()) || isSourceMessage(line);
}

/** The words (letters only, lower case) pppd's and pptp's messages are made of. */
export const SOURCE_WORDS: ReadonlySet<string> = new Set(
  SOURCE_MESSAGES.flatMap(([, , , fmt]) => fmt.replace(CONVERSION, ' ').toLowerCase().match(/[a-z]{2,}/g) ?? []),
);
