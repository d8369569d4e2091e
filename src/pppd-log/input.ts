// The bytes of a log as admins hand it over, decoded to text: a rotated syslog file
// (`/var/log/syslog.2.gz`, logrotate's gzip), a log saved by Windows Notepad or PowerShell's `>`
// (UTF-16 with its byte-order mark, or without one), UTF-8 with or without a BOM.
import { gunzipBounded, isGzip } from '../gzip.js';

/** The most a compressed log may inflate to (a month of a busy syslog). */
const MAX_INFLATED = 512 * 1024 * 1024;

/** Thrown for gzip data that cannot be inflated: the CLI reports the file as unreadable. */
export class UnreadableLogError extends Error {}

/** BUF as text: gunzipped when it is gzip (magic 1f 8b), UTF-16 when it says or looks so, else UTF-8. */
export function decodeLogBytes(buf: Buffer): string {
  if (isGzip(buf)) {
    try {
      // A file logrotate is still writing ends mid-stream: what inflates is read.
      return decodeLogBytes(gunzipBounded(buf, MAX_INFLATED));
    } catch (err) {
      throw new UnreadableLogError(`gzip data that cannot be decompressed (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const wide = utf16Without(buf);
  if (wide) return new TextDecoder(wide).decode(buf);
  // (TextDecoder drops a UTF-8 BOM; invalid bytes become U+FFFD, as a terminal shows them.)
  return new TextDecoder('utf-8').decode(buf);
}

/**
 * UTF-16 without a byte-order mark: ASCII text (all pppd and pptp print) has a NUL in every
 * other byte, on the odd side for little-endian, the even side for big-endian.
 */
function utf16Without(buf: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(buf.length, 4096) & ~1;
  if (n < 8) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++;
    if (buf[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= pairs * 0.9 && evenNul <= pairs * 0.1) return 'utf-16le';
  if (evenNul >= pairs * 0.9 && oddNul <= pairs * 0.1) return 'utf-16be';
  return null;
}
