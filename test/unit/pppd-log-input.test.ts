// decodeLogBytes: the bytes of the logs admins hand to `diagnose`, as text.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { decodeLogBytes, UnreadableLogError } from '../../src/pppd-log/input.js';

const LOG = 'Jan  5 10:20:30 gw pppd[12]: Connect: ppp0 <--> /dev/pts/1\nJan  5 10:20:31 gw pppd[12]: CHAP authentication succeeded\n';

describe('decodeLogBytes', () => {
  it('reads UTF-8 as it is, without its byte-order mark; invalid bytes as U+FFFD', () => {
    expect(decodeLogBytes(Buffer.from(LOG))).toBe(LOG);
    expect(decodeLogBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LOG)]))).toBe(LOG);
    expect(decodeLogBytes(Buffer.from([0x61, 0xe9, 0x62]))).toBe('a\uFFFDb');
  });

  it('inflates gzip (logrotate), also several members and a stream cut short', () => {
    expect(decodeLogBytes(gzipSync(LOG))).toBe(LOG);
    expect(decodeLogBytes(Buffer.concat([gzipSync('one\n'), gzipSync('two\n')]))).toBe('one\ntwo\n');
    const big = LOG.repeat(2000);
    const gz = gzipSync(big);
    const cut = decodeLogBytes(gz.subarray(0, Math.floor(gz.length / 2)));
    expect(cut.length).toBeGreaterThan(0);
    expect(big.startsWith(cut)).toBe(true);
    expect(() => decodeLogBytes(Buffer.from([0x1f, 0x8b, 0x07, 0x00, 0x41]))).toThrow(UnreadableLogError);
  });

  it('reads UTF-16 with a byte-order mark (Notepad, PowerShell) and without one', () => {
    const le = Buffer.from(LOG, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(decodeLogBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(LOG);
    expect(decodeLogBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(LOG);
    expect(decodeLogBytes(le)).toBe(LOG);
    expect(decodeLogBytes(be)).toBe(LOG);
    // a UTF-8 log with a few NUL bytes (a binary reason field) is not UTF-16
    const nuls = Buffer.from(`${LOG}pppd[12]: LCP terminated by peer (\0\0\0\0)\n`);
    expect(decodeLogBytes(nuls)).toBe(nuls.toString('utf8'));
  });
});
