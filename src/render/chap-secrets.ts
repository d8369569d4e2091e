// /etc/ppp/chap-secrets: one managed block per tunnel, every other line kept byte for byte.
import type { TunnelSpec } from '../inventory/types.js';
import { bare, editBlocks, firstRecordOutsideBlocks } from './blocks.js';
import { pppdQuote, pppdReadWords } from './pppd-words.js';

export const CHAP_SECRETS = '/etc/ppp/chap-secrets';

/** pppd's MAXSECRETLEN and MAXNAMELEN are 256 bytes including the NUL. */
const MAX_LEN = 255;

/** A value pppd cannot read back from chap-secrets as written. */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
}

/**
 * The chap-secrets record of a tunnel: `client server secret *`, each word in pppd syntax:
 * `LAB\\fleet office "pa ss#1" *`. The client must match the peer file's `name`, the
 * server its `remotename` (the tunnel name); `*` lets the server pick our address.
 * pppd reads a secret starting with `@/` as a file name to read the secret from, so such
 * a password cannot be written (nor can one longer than 255 bytes).
 */
export function chapSecretLine(tunnel: Pick<TunnelSpec, 'name' | 'username'>, password: string): string {
  if (password.startsWith('@/')) {
    throw new SecretFormatError(`password of tunnel ${tunnel.name} starts with "@/": pppd would read it as a file name`);
  }
  if (Buffer.byteLength(password) > MAX_LEN) throw new SecretFormatError(`password of tunnel ${tunnel.name} is longer than ${MAX_LEN} bytes`);
  if (Buffer.byteLength(tunnel.username) > MAX_LEN) throw new SecretFormatError(`username of tunnel ${tunnel.name} is longer than ${MAX_LEN} bytes`);
  return `${pppdQuote(tunnel.username)} ${pppdQuote(tunnel.name)} ${pppdQuote(password)} *\n`;
}

export interface ChapEntry {
  name: string;
  username: string;
  password: string;
}

/**
 * chap-secrets with a block per entry, blocks of `remove` taken out, the rest untouched.
 * New blocks go before the first record anybody else wrote: pppd takes the first exact
 * client/server match, so a stale hand-written line for the same tunnel must not win.
 *
 *     #USERNAME  PROVIDER  PASSWORD  IPADDRESS
 *     # BEGIN pptp-fleet office
 *     LAB\\fleet office s3cret *
 *     # END pptp-fleet office
 */
export function renderChapSecrets(existing: string, entries: ChapEntry[], remove: string[]): string {
  return editBlocks(existing, {
    set: entries.map((e) => ({ id: e.name, body: chapSecretLine(e, e.password) })),
    remove,
    insertAt: beforeFirstRecord,
  });
}

/** Where new blocks go: before the first record (a line pppd reads words from) outside our blocks. */
export const beforeFirstRecord = (lines: string[]): number => firstRecordOutsideBlocks(lines, (l) => pppdReadWords(bare(l)).length > 0);
