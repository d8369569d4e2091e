// gzip data as the tool meets it: compressed router output (ssh/session.ts) and rotated log files
// handed to `diagnose` (pppd-log/input.ts). One inflater, bounded, that reads a stream cut short.
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

/** Whether BUF starts with gzip's magic bytes (1f 8b). */
export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * BUF inflated, at most MAX bytes. A truncated stream (a file still being written, output cut
 * off) gives what could be inflated; data that is not gzip after all, or inflates beyond MAX,
 * throws zlib's error.
 */
export function gunzipBounded(buf: Buffer, max: number): Buffer {
  return gunzipSync(buf, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: max });
}
