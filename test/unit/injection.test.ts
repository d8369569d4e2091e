// Shell and pppd injection (issue 8): every value from an inventory that reaches the router is
// either rejected by validation (exit 2, a clear message, nothing contacted) or written so the
// router's shell and pppd read back exactly that value — never executed, never more words.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Document } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyScript, delimiter } from '../../src/apply/script.js';
import { InputError } from '../../src/errors.js';
import { loadInventoryText } from '../../src/inventory/load.js';
import { extraOptionProblem, MANAGED_PPP_OPTIONS } from '../../src/inventory/schema.js';
import type { Change } from '../../src/plan/types.js';
import { renderChapSecrets } from '../../src/render/chap-secrets.js';
import { renderPeer } from '../../src/render/peer.js';
import { pppdReadRecords, pppdReadWords } from '../../src/render/pppd-words.js';
import { shQuote } from '../../src/shell/quote.js';
import { FIRMWARES, factsFor, tunnel } from '../fixtures/resources/firmware.js';
import { sample, seed } from '../fixtures/property.js';

/** The lab's dynamic busybox (its ash is the router's shell), when a lab has been set up here. */
const BUSYBOX = path.join(process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache'), 'pptp-fleet', 'busybox', 'root', 'bin', 'busybox');
const SHELLS: Array<[string, string[]]> = [
  ['dash', ['/bin/sh']],
  ...(existsSync(BUSYBOX) ? ([['busybox ash', [BUSYBOX, 'sh']]] as Array<[string, string[]]>) : []),
];
const SECRETS_AWK = new URL('../../packages/lab/standins/lib/secrets.awk', import.meta.url).pathname;

/** Characters that break naive quoting, in every combination fast-check likes. */
const HOSTILE = ['$(touch /tmp/pwned)', '`touch /tmp/pwned`', '"; touch /tmp/pwned2; "', "'", '"', '\\', '\\\\', ';', '#', ' ', '\t', '$HOME', '${x}', '|', '&', '>', '<', '*', '?', '[', '~', '!', '\n', 'é', '€', '@/', '-', '=', '%', 'PFEOF_', 'EOF'];
const hostile = (opts: { newline?: boolean; tab?: boolean } = {}): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 3 })), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join(''))
    .filter((s) => s.length > 0 && !s.includes('\0'))
    .filter((s) => opts.newline === true || !/[\r\n]/.test(s))
    // eslint-disable-next-line no-control-regex
    .filter((s) => opts.tab === true || !/[\u0001-\u001f\u007f]/.test(s));

/** What `sh` prints for `printf %s WORD` of each word, in one shell run. */
function shellReadBack(argv: string[], words: string[]): string[] {
  const script = words.map((w) => `printf %s ${shQuote(w)}; printf '\\000'`).join('\n') + '\n';
  const r = spawnSync(argv[0]!, [...argv.slice(1), '-s'], { input: script, encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('shell quoting: the router shell reads back exactly the value', () => {
  for (const [name, argv] of SHELLS) {
    it(`${name}: shQuote round-trips hostile strings (quotes, $(), backticks, ;, newlines, #, unicode)`, () => {
      const words = sample(hostile({ newline: true, tab: true }), 400, 603);
      words.push(...HOSTILE, '', "'\\''", "a'b\"c`d$(e)f\\g\nh#i;j");
      expect(shellReadBack(argv, words)).toEqual(words);
    });

    it(`${name}: an apply script writes hostile file contents byte for byte and runs none of it`, () => {
      const root = mkdtempSync(path.join(tmpdir(), 'pf-inj-'));
      const contents = [
        ...sample(hostile({ newline: true, tab: true }), 30, 604),
        'PFEOF_0123456789ab\n',
        "EOF\n'EOF'\n",
        '$(touch pwned)\n`touch pwned2`\n',
        'no final newline $(touch pwned3)',
        '',
        '\n',
        '\n\n\n',
      ];
      const changes: Change[] = contents.map((content, i) => ({
        kind: 'write-file', resource: 'file', target: `/etc/ppp/f${i}`, content, maskedContent: '', maskedBefore: '', mode: '600', replaceSymlink: false, reason: 'test',
      }));
      for (const hasSha256sum of [true, false]) {
        const script = applyScript(changes, { hasSha256sum, root });
        const r = spawnSync(argv[0]!, [...argv.slice(1), '-s', '--', 'pptp-fleet:apply'], { input: script, encoding: 'utf8', cwd: root });
        expect(r.stdout).toContain('PF-END');
        expect(r.status, r.stderr).toBe(0);
        contents.forEach((c, i) => expect(readFileSync(path.join(root, `etc/ppp/f${i}`), 'utf8'), `f${i}`).toBe(c));
        for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(path.join(root, f)), f).toBe(false);
        expect(existsSync('/tmp/pwned'), 'nothing ran').toBe(false);
      }
    });
  }
});

describe('here-document delimiters: no content line is even a partial match', () => {
  // dash 0.5.12 drops the first byte >= 0x80 after a partial match of the delimiter.
  const CASES: Array<[string, string]> = [
    ['a line starting with the usual delimiter letter, then UTF-8', 'P\u00e9\n'],
    ['the delimiter\'s prefix, then UTF-8', 'PFEOF\u20ac\nPF\u00e9x\n'],
    ['lines taking the first few candidate letters', 'P\u00e9\nQ\u00e9\nX\u00e9\nZ\u00e9\n'],
    ['a full old-style delimiter line', 'PFEOF_0123456789ab\n\u00e9\n'],
    ['no final newline', 'P\u00e9 no newline'],
  ];
  for (const [what, content] of CASES) {
    it(`${what}: the delimiter's first character starts no line, and dash writes the file byte for byte`, () => {
      const d = delimiter(content);
      for (const line of content.split('\n')) expect(line.startsWith(d.charAt(0)), JSON.stringify(line)).toBe(false);
      const root = mkdtempSync(path.join(tmpdir(), 'pf-delim-'));
      const change: Change = { kind: 'write-file', resource: 'file', target: '/etc/ppp/f', content, maskedContent: '', maskedBefore: '', mode: '600', replaceSymlink: false, reason: 'test' };
      const r = spawnSync('/bin/sh', ['-s'], { input: applyScript([change], { hasSha256sum: true, root }), encoding: 'utf8' });
      expect(r.stdout, r.stderr).toContain('PF-END');
      expect(readFileSync(path.join(root, 'etc/ppp/f'), 'utf8')).toBe(content);
    });
  }

  it('refuses content whose lines start with every candidate character rather than send it corrupted', () => {
    const all = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'].map((c) => `${c}\n`).join('');
    expect(() => delimiter(all)).toThrow(RangeError);
    expect(delimiter(all.replace('k\n', ''))).toMatch(/^kPFEOF_[0-9a-f]{12}$/);
  });
});

describe('pppd words: chap-secrets and peer files read back exactly', () => {
  const EXISTING = [
    '#USERNAME  PROVIDER  PASSWORD  IPADDRESS',
    'alice "home net" "pa ss" *',
    '# BEGIN pptp-fleet other',
    'x other y *',
    '# END pptp-fleet other',
    'bob * "s#3" 10.0.0.2',
    '',
  ].join('\n');

  it('the full chap-secrets renderer → pppd reader gives back hostile usernames and passwords, other records untouched', () => {
    fc.assert(
      fc.property(hostile({ tab: true }), hostile({ tab: true }).filter((p) => !p.startsWith('@/')), (username, password) => {
        const text = renderChapSecrets(EXISTING, [{ name: 'office', username, password }], []);
        const records = pppdReadRecords(text);
        expect(records.filter((r) => r[1] === 'office')).toEqual([[username, 'office', password, '*']]);
        expect(records).toContainEqual(['alice', 'home net', 'pa ss', '*']);
        expect(records).toContainEqual(['x', 'other', 'y', '*']);
        expect(records).toContainEqual(['bob', '*', 's#3', '10.0.0.2']);
        // Our record comes first: pppd takes the first exact match.
        expect(records[0]).toEqual([username, 'office', password, '*']);
        // A second render (update in place) is stable.
        expect(renderChapSecrets(text, [{ name: 'office', username, password }], [])).toBe(text);
      }),
      { numRuns: 1500, seed: seed(601) },
    );
  });

  it('the lab pppd’s own chap-secrets reader (secrets.awk) finds exactly the hostile password', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pf-inj-awk-'));
    // The lab reader knows \\ \" and quotes but not pppd's octal escapes: control characters stay out.
    const cases = sample(fc.tuple(hostile(), hostile().filter((p) => !p.startsWith('@/'))), 80, 605);
    cases.push(['LAB\\fleet', `$(touch /tmp/pwned)"; touch /tmp/pwned2; "\`id\`'#\\ x`]);
    for (const [username, password] of cases) {
      const file = path.join(dir, 'chap-secrets');
      writeFileSync(file, renderChapSecrets(EXISTING, [{ name: 'office', username, password }], []));
      const r = spawnSync('awk', ['-f', SECRETS_AWK, file], { env: { SECRET_CLIENT: username, SECRET_SERVER: 'office' }, encoding: 'utf8' });
      expect({ username, secret: r.stdout }).toEqual({ username, secret: password });
    }
  });

  for (const fw of FIRMWARES) {
    it(`${fw}: the peer file's name line reads back the hostile username and adds no option`, () => {
      const facts = factsFor(fw);
      const benign = pppdReadWords(renderPeer(tunnel({ username: 'user' }), facts)).map((w) => w.word);
      fc.assert(
        fc.property(hostile({ tab: true }), (username) => {
          const words = pppdReadWords(renderPeer(tunnel({ username }), facts)).map((w) => w.word);
          expect(words).toHaveLength(benign.length);
          const i = words.indexOf('name');
          expect(words[i + 1]).toBe(username);
          expect(words.filter((w, j) => j !== i + 1)).toEqual(benign.filter((_, j) => j !== i + 1));
        }),
        { numRuns: 400, seed: seed(602) },
      );
    });
  }
});

/** An inventory (YAML text) with one host and one tunnel built from `over`. */
function inventoryWith(over: Record<string, unknown>): string {
  return new Document({
    all: {
      hosts: {
        r1: {
          ansible_host: '127.0.0.1',
          tunnels: [{ name: 'office', server: '198.51.100.1', username: 'u', password: { env: 'PF_INJ_PW' }, ...over }],
        },
      },
    },
  }).toString();
}

async function loadError(over: Record<string, unknown>, env: NodeJS.ProcessEnv = { PF_INJ_PW: 'ok-password' }): Promise<InputError | undefined> {
  try {
    const inv = await loadInventoryText(inventoryWith(over), '/inv.yaml', { env });
    await inv.resolveSecrets(inv.hosts);
    return undefined;
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
}

describe('validation rejects what cannot be written safely (exit 2 before any contact)', () => {
  it('rejects tunnel names with anything but letters, digits, _ and -, naming the path', async () => {
    for (const name of sample(hostile(), 60, 606).concat(['a b', 'a/b', '..', 'x;y', '$(id)', '`id`', 'a\nb', '#x', '', 'x'.repeat(33)])) {
      if (/^[A-Za-z0-9_-]{1,32}$/.test(name)) continue;
      const err = await loadError({ name });
      expect(err, JSON.stringify(name)).toBeInstanceOf(InputError);
      expect(err!.message).toMatch(/tunnels\[0\]\.name|tunnels\.0\.name/);
    }
  });

  it('rejects servers that are not a host name or IPv4 address', async () => {
    for (const server of ['$(touch /tmp/pwned)', '1.2.3.4; id', 'a b', 'host\nname', '"x"', "x'y", '`id`', '-oProxyCommand=id', '1.2.3.4 --nolaunchpppd']) {
      expect(await loadError({ server }), server).toBeInstanceOf(InputError);
    }
  });

  it('rejects routes that are not an IPv4 CIDR', async () => {
    for (const route of ['10.0.0.0/8; id', '$(id)/8', '10.0.0.0/8\n', '10.0.0.0 /8', '10.0.0.0/8 dev ppp9']) {
      expect(await loadError({ routes: [route] }), route).toBeInstanceOf(InputError);
    }
  });

  it('rejects usernames and passwords with newlines or control characters, without echoing the password', async () => {
    expect(await loadError({ username: 'a\nb' })).toBeInstanceOf(InputError);
    expect(await loadError({ username: 'a\u0007b' })).toBeInstanceOf(InputError);
    const pw = 'S3cr3t-line1\nline2-S3cr3t';
    const err = await loadError({}, { PF_INJ_PW: pw });
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).not.toContain('S3cr3t');
  });

  it('rejects at load time a password pppd would read as a file name (@/...) or that is too long', async () => {
    // chapSecretLine refuses these, but only at plan time, after the router was contacted.
    for (const pw of ['@/etc/shadow', 'x'.repeat(256)]) {
      const err = await loadError({}, { PF_INJ_PW: pw });
      expect(err, pw.slice(0, 20)).toBeInstanceOf(InputError);
    }
  });

  it('accepts hostile but writable usernames and passwords (they are quoted, not refused)', async () => {
    const pw = `$(touch /tmp/pwned)"; touch /tmp/pwned2; "\`id\`'#\\ ;x`;
    const inv = await loadInventoryText(inventoryWith({ username: 'DOM\\u $(id) "#;' }), '/inv.yaml', { env: { PF_INJ_PW: pw } });
    const [h] = await inv.resolveSecrets(inv.hosts);
    expect(h!.tunnels[0]!.password.reveal()).toBe(pw);
    expect(h!.tunnels[0]!.username).toBe('DOM\\u $(id) "#;');
  });
});

describe('extra_options cannot smuggle in options pptp-fleet manages', () => {
  const managed = Object.keys(MANAGED_PPP_OPTIONS);

  it('rejects a line starting with a managed option', () => {
    for (const o of managed) expect(extraOptionProblem(`${o} x`), o).toMatch(/managed by pptp-fleet/);
  });

  it('an accepted line never makes pppd read a managed option (pppd reads words, not lines)', () => {
    // pppd's options parser takes words one after another; quotes and escapes are undone first.
    const smuggled = ['mtu 1400 name evil', '"name" evil', 'na\\me evil', "'user' evil", 'debug plugin /tmp/evil.so', 'mtu 1400 \\'];
    const accepted = smuggled.filter((l) => extraOptionProblem(l) === undefined);
    const leaks = accepted.filter((l) => {
      const words = pppdReadWords(`${l}\nlinkname office\n`).map((w) => w.word);
      return words.slice(0, -2).some((w) => managed.includes(w)) || words.at(-2) !== 'linkname';
    });
    expect(leaks, 'accepted extra_options lines that pppd reads as managed options').toEqual([]);
  });

  it('keeps each accepted line to itself: a trailing backslash must not join the next line', () => {
    expect(extraOptionProblem('mtu 1400\\'), 'mtu 1400\\ + next line debug = "1400debug"').toBeDefined();
  });
});

