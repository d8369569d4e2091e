// Table tests: test/fixtures/facts/<parser>/<case>.txt (raw output) → <case>.json (parsed).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FactsParseError,
  packageUpstreamVersion,
  parseApkInstalled,
  parseFacts,
  parseIpRouteDefault,
  parseIpkgStatus,
  parseLsLn,
  parseLsmod,
  parseOpenwrtRelease,
  parsePeerRoutes,
  parsePppdVersion,
  parseRouteN,
} from '../../src/facts/parse.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/facts/', import.meta.url));

const PARSERS: Record<string, (raw: string) => unknown> = {
  lsmod: parseLsmod,
  'route-n': parseRouteN,
  'ip-route-default': parseIpRouteDefault,
  'ipkg-status': parseIpkgStatus,
  'apk-installed': parseApkInstalled,
  'ls-ln': parseLsLn,
  'pppd-version': parsePppdVersion,
  'openwrt-release': parseOpenwrtRelease,
  facts: parseFacts,
};

for (const [dir, parse] of Object.entries(PARSERS)) {
  describe(`${dir} fixtures`, () => {
    const cases = readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.txt'));
    it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
    for (const file of cases) {
      const name = file.replace(/\.txt$/, '');
      it(`parses ${name}`, () => {
        const raw = readFileSync(join(FIXTURES, dir, file), 'utf8');
        const expected: unknown = JSON.parse(readFileSync(join(FIXTURES, dir, `${name}.json`), 'utf8'));
        expect(parse(raw)).toEqual(expected);
      });
    }
  });
}

describe('parsePeerRoutes: the kernel\'s host route to each tunnel\'s peer', () => {
  const fx = (dir: string, name: string): string => readFileSync(join(FIXTURES, dir, `${name}.txt`), 'utf8');
  it('route -n: the UH route via ppp0, not the WAN\'s host routes nor a PPPoE WAN', () => {
    expect(parsePeerRoutes(fx('route-n', 'openwrt-tunnel-up'), '')).toEqual({ ppp0: '192.168.0.1' });
    expect(parsePeerRoutes(fx('route-n', 'pppoe-wan'), '')).toEqual({});
    expect(parsePeerRoutes(fx('route-n', 'busybox-1.35-captured'), '')).toEqual({});
  });
  it('ip route: the kernel\'s link route to the peer of pptp-NAME (netifd), not default lines', () => {
    const ip = 'default via 192.0.2.254 dev eth1 proto static src 192.0.2.10 metric 10\n192.168.0.1 dev pptp-office proto kernel scope link src 192.168.255.7\n';
    expect(parsePeerRoutes('', ip)).toEqual({ 'pptp-office': '192.168.0.1' });
    expect(parsePeerRoutes('', fx('ip-route-default', 'iproute2-with-tunnel'))).toEqual({});
  });
});

describe('packageUpstreamVersion', () => {
  it.each([
    ['2.4.3-7', '2.4.3'], // White Russian ipkg
    ['2.4.9.git-2021-01-04-4', '2.4.9'], // OpenWrt 21.02-23.05 opkg
    ['2.5.0-r1', '2.5.0'],
    ['2.5.2-r2', '2.5.2'], // apk
    ['2.4', '2.4'],
    ['git-2021', null],
    ['', null],
    [undefined, null],
  ])('%s → %s', (input, want) => {
    expect(packageUpstreamVersion(input)).toBe(want);
  });
});

describe('parseFacts on foreign or broken output', () => {
  const good = readFileSync(join(FIXTURES, 'facts', 'openwrt-23-tunnel-up.txt'), 'utf8');

  it('rejects output that is not from our script', () => {
    expect(() => parseFacts('sh: syntax error: unexpected "("\n')).toThrow(FactsParseError);
    expect(() => parseFacts('')).toThrow(/no "@@pptp-fleet-facts 1" header/);
  });

  it('rejects output cut short before @@end', () => {
    const cut = good.slice(0, good.indexOf('@@route-n'));
    expect(() => parseFacts(cut)).toThrow(/without @@end/);
  });

  it('names the section and line of an unexpected line', () => {
    const bad = good.replace('@@lsmod\n', '@@lsmod\nthis is not framed\n');
    let err: unknown;
    try {
      parseFacts(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FactsParseError);
    expect((err as FactsParseError).section).toBe('lsmod');
    expect((err as FactsParseError).message).toMatch(/section lsmod, line \d+/);
  });

  it('never quotes file content (chap-secrets) in its error message', () => {
    expect(good).toContain('|LAB\\\\fleet office');
    const bad = good.replace(/\n@@end\n$/, '\n@@bogus\n@@end\n');
    let msg = '';
    try {
      parseFacts(bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/unknown section "bogus"/);
    expect(msg.length).toBeLessThan(400);
    expect(msg).not.toContain('fleet office');
    // Even when the first 200 chars are content lines.
    const secretFirst = '@@pptp-fleet-facts 1\n@@file /etc/ppp/chap-secrets\ntype=file\nls=-rw------- 1 0 0 9 Jan 1 00:00 x\nmd5=0\ncontent=text\nnl=1\n|user * s3cr3t-PASSWORD *\n@@nonsense\n';
    try {
      parseFacts(secretFirst);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).not.toContain('s3cr3t');
  });

  it('keeps a file\'s content only when it hashes to the md5 the router reported and holds no NUL', () => {
    const md5 = (t: string): string => createHash('md5').update(t).digest('hex');
    const file = (content: string, lines: string[], nl: 0 | 1, sum: string): string =>
      good.replace('@@file ', `@@file /etc/x\ntype=file\nls=-rw-r--r-- 1 0 0 ${Buffer.byteLength(content)} Jan 1 00:00 /etc/x\nmd5=${sum}\ncontent=text\nnl=${nl}\n${lines.map((l) => `|${l}\n`).join('')}@@file `);
    // Read right: kept.
    expect(parseFacts(file('a\nb\n', ['a', 'b'], 1, md5('a\nb\n'))).files['/etc/x']?.content).toBe('a\nb\n');
    // "abc\0" read by busybox awk as the line "abc": same length, but not the same bytes.
    const cut = parseFacts(file('abc\0', ['abc'], 1, md5('abc\0'))).files['/etc/x'];
    expect(cut).toMatchObject({ type: 'file', md5: md5('abc\0') });
    expect(cut?.content).toBeUndefined();
    // gawk keeps NULs: the bytes are right, but the shell could not write them back.
    expect(parseFacts(file('a\0b\n', ['a\0b'], 1, md5('a\0b\n'))).files['/etc/x']?.content).toBeUndefined();
  });

  it('keeps content lines that look like section markers', () => {
    const facts = parseFacts(good);
    expect(facts.files['/etc/ppp/ip-up']?.content).toContain('@@end\n');
  });
});
