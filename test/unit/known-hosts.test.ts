// known_hosts parsing and lookup, as OpenSSH does it.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  formatKnownHostLine,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  knownKeysFor,
  matchPatternList,
  parseKnownHosts,
  readKnownHosts,
  readKnownHostsFiles,
} from '../../src/ssh/known-hosts.js';

const fixtureDir = new URL('../fixtures/ssh/', import.meta.url);
const keys = JSON.parse(readFileSync(new URL('keys.json', fixtureDir), 'utf8')) as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'RSA', string>;
const blob = (k: keyof typeof keys): Buffer => Buffer.from(keys[k].split(' ')[1] ?? '', 'base64');
const fixture = parseKnownHosts(readFileSync(new URL('known_hosts', fixtureDir), 'utf8'));
const unseen = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIFZXcA1kSXbn2r2Sbl2SbJP7YB7bDHTQnkVC9Vxq1RDs', 'base64');

describe('known_hosts basics', () => {
  it('names port 22 plainly and other ports as [host]:port', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('computes OpenSSH SHA256 fingerprints (same as ssh-keygen -l)', () => {
    expect(fingerprint(blob('A'))).toBe('SHA256:CTLaXee71X3UbIyykgepoMQUfIxZBDnsoWXGnJPOttw');
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOfBlob(blob('A'))).toBe('ssh-ed25519');
    expect(keyTypeOfBlob(blob('RSA'))).toBe('ssh-rsa');
    expect(keyTypeOfBlob(Buffer.from([0, 0, 0]))).toBeUndefined();
  });

  it('skips comments, blank, malformed lines and unknown markers', () => {
    expect(fixture.map((e) => e.line)).toEqual([4, 5, 6, 9, 10, 11, 12, 13, 14]);
    expect(fixture.filter((e) => e.marker === 'revoked')).toHaveLength(1);
    expect(fixture.filter((e) => e.marker === 'cert-authority')).toHaveLength(1);
  });
});

describe('pattern lists', () => {
  it.each([
    ['a.lab.example', ['*.lab.example'], 1],
    ['bad.lab.example', ['*.lab.example', '!bad.lab.example'], -1],
    ['BAD.LAB.EXAMPLE', ['*.lab.example', '!bad.lab.example'], -1],
    ['lab.example', ['*.lab.example'], 0],
    ['10.1.5.1', ['10.1.?.1'], 1],
    ['10.1.55.1', ['10.1.?.1'], 0],
    ['[10.0.0.2]:2222', ['[10.0.0.2]:*'], 1],
    ['x', ['!y'], 0],
  ] as const)('%s against %j → %i', (name, patterns, expected) => {
    expect(matchPatternList(name, patterns)).toBe(expected);
  });
});

describe('looking a host up in a large known_hosts', () => {
  // knownKeysFor and checkHostKey index plain names; the answer must be what trying every line
  // in order gives (matchPatternList, the hashed form), in file order.
  const names = Array.from({ length: 300 }, (_, i) => `r${i}.lab.example`);
  const hashed = (name: string): string => {
    const salt = randomBytes(20);
    return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  };
  const line = (host: string, k: keyof typeof keys): string => `${host} ${keys[k]}`;
  const text = [
    ...names.map((n, i) => line(i % 3 === 0 ? hashed(n) : i % 3 === 1 ? n.toUpperCase() : `${n},[${n}]:2222`, 'A')),
    line('*.lab.example,!r7.lab.example', 'B'),
    line('r5.lab.example', 'C'),
    `@revoked r8.lab.example ${keys.D}`,
    line('r1?.lab.example', 'E'),
  ].join('\n');
  const entries = parseKnownHosts(text);
  const byScan = (name: string): number[] =>
    entries.filter((e) => e.marker === undefined && (e.hosts.kind === 'hashed' ? createHmac('sha1', e.hosts.salt).update(name).digest().equals(e.hosts.hash) : matchPatternList(name, e.hosts.patterns) === 1)).map((e) => e.line);
  it.each(['r0.lab.example', 'r1.lab.example', 'R2.LAB.EXAMPLE', 'r5.lab.example', 'r7.lab.example', 'r8.lab.example', 'r12.lab.example', 'r299.lab.example', 'nowhere.example'])('finds the entries of %s that a scan of every line finds, in order', (name) => {
    expect(knownKeysFor(entries, name, 22).map((e) => e.line)).toEqual(byScan(name));
  });
  it('still reads revoked, changed and unknown keys right', () => {
    expect(checkHostKey(entries, 'r8.lab.example', 22, '', blob('D')).status).toBe('revoked');
    expect(checkHostKey(entries, 'r5.lab.example', 22, '', blob('C')).status).toBe('match');
    expect(checkHostKey(entries, 'r4.lab.example', 22, '', blob('C')).status).toBe('changed');
    expect(checkHostKey(entries, 'nowhere.example', 22, '', blob('A')).status).toBe('unknown');
    expect(checkHostKey(entries, 'r2.lab.example', 2222, '', blob('A')).status).toBe('match');
  });
});

describe('checkHostKey', () => {
  const cases: Array<[string, string, number, keyof typeof keys | 'unseen', string]> = [
    ['plain name, port 22', 'router1.example.net', 22, 'A', 'match'],
    ['plain name, other key type known too', 'router1.example.net', 22, 'RSA', 'match'],
    ['plain name on another port is a different entry', 'router1.example.net', 2222, 'A', 'unknown'],
    ['comma list: name', 'r2.example.net', 22, 'B', 'match'],
    ['comma list: address', '10.0.0.2', 22, 'B', 'match'],
    ['comma list: [address]:port', '10.0.0.2', 2222, 'B', 'match'],
    ['[host]:port entry', '10.0.0.3', 2200, 'A', 'match'],
    ['[host]:port entry does not cover port 22', '10.0.0.3', 22, 'A', 'unknown'],
    ['wildcard', 'r7.lab.example', 22, 'C', 'match'],
    ['negated wildcard', 'bad.lab.example', 22, 'C', 'unknown'],
    ['? wildcard', '10.1.4.1', 22, 'C', 'match'],
    ['hashed |1| entry', '10.9.9.9', 2222, 'E', 'match'],
    ['hashed entry for another name', '10.9.9.9', 22, 'E', 'unknown'],
    ['@cert-authority lines do not vouch for plain host keys', 'x.example.net', 22, 'E', 'unknown'],
    ['@revoked key, even when otherwise unknown', 'anything', 22, 'D', 'revoked'],
    ['changed key', 'router1.example.net', 22, 'unseen', 'changed'],
    ['changed key on a [host]:port entry', '10.0.0.3', 2200, 'unseen', 'changed'],
  ];
  it.each(cases)('%s', (_title, host, port, key, status) => {
    const b = key === 'unseen' ? unseen : blob(key);
    expect(checkHostKey(fixture, host, port, keyTypeOfBlob(b) ?? '', b).status).toBe(status);
  });

  it('a changed key lists every expected fingerprint', () => {
    const r = checkHostKey(fixture, 'router1.example.net', 22, 'ssh-ed25519', unseen);
    expect(r).toEqual({
      status: 'changed',
      expectedFingerprints: [fingerprint(blob('A')), fingerprint(blob('RSA'))],
      expectedKeys: [
        { keyType: 'ssh-ed25519', fingerprint: fingerprint(blob('A')) },
        { keyType: 'ssh-rsa', fingerprint: fingerprint(blob('RSA')) },
      ],
    });
  });

  it('matches hashed entries generated with a random salt, as ssh-keygen -H writes them', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[192.0.2.7]:2022').digest();
    const entries = parseKnownHosts(`|1|${salt.toString('base64')}|${hash.toString('base64')} ${keys.A}\n`);
    expect(checkHostKey(entries, '192.0.2.7', 2022, 'ssh-ed25519', blob('A')).status).toBe('match');
    expect(checkHostKey(entries, '192.0.2.7', 2022, 'ssh-ed25519', blob('B')).status).toBe('changed');
    expect(checkHostKey(entries, '192.0.2.8', 2022, 'ssh-ed25519', blob('A')).status).toBe('unknown');
  });

  it('lists known key types so the client can prefer them', () => {
    expect(knownKeyTypes(fixture, 'router1.example.net', 22)).toEqual(['ssh-ed25519', 'ssh-rsa']);
    expect(knownKeyTypes(fixture, 'nowhere', 22)).toEqual([]);
  });
});

describe('appendKnownHost', () => {
  it('creates the directory (0700) and file (0600) and writes one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    const file = join(dir, 'sub', 'known_hosts');
    await appendKnownHost(file, '127.0.0.1', 2222, 'ssh-ed25519', blob('A'));
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:2222 ${keys.A}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    expect(checkHostKey(await readKnownHosts(file), '127.0.0.1', 2222, 'ssh-ed25519', blob('A')).status).toBe('match');
  });

  it('adds a newline first when the file does not end with one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
    writeFileSync(file, `host1 ${keys.B}`);
    await appendKnownHost(file, 'host2', 22, 'ssh-ed25519', blob('A'));
    expect(readFileSync(file, 'utf8')).toBe(`host1 ${keys.B}\nhost2 ${keys.A}\n`);
  });

  it('serializes concurrent appends to one file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
    writeFileSync(file, '# no trailing newline');
    await Promise.all(Array.from({ length: 50 }, (_, i) => appendKnownHost(file, `h${i}`, 22, 'ssh-ed25519', blob('A'))));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toBe('# no trailing newline');
    expect(lines.at(-1)).toBe('');
    expect(new Set(lines.slice(1, -1))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `h${i} ${keys.A}`)));
  });

  it('reads a missing file as empty', async () => {
    expect(await readKnownHosts(join(tmpdir(), 'does-not-exist-known-hosts'))).toEqual([]);
  });
});

describe('several files: user known_hosts, then global ones (hashed by ssh-keygen -H itself)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pptp-fleet-kh-'));
  const user = join(dir, 'known_hosts');
  const global = join(dir, 'ssh_known_hosts');
  writeFileSync(user, `[10.0.0.1]:2222 ${keys.A}\nrouter-b ${keys.B}\n`);
  writeFileSync(global, `10.0.0.3 ${keys.C}\n[10.0.0.4]:2200,gw ${keys.D}\n`);
  // OpenSSH hashes the user file (what HashKnownHosts users have), keeping a .old copy.
  execFileSync('ssh-keygen', ['-H', '-f', user], { stdio: 'ignore' });

  it.each([
    ['[host]:port, hashed, user file', '10.0.0.1', 2222, 'A', 'match'],
    ['same host on port 22 is another name', '10.0.0.1', 22, 'A', 'unknown'],
    ['port 22 name, hashed', 'router-b', 22, 'B', 'match'],
    ['global file only', '10.0.0.3', 22, 'C', 'match'],
    ['global file, [host]:port in a list', '10.0.0.4', 2200, 'D', 'match'],
    ['global file, other key of the host', '10.0.0.3', 22, 'A', 'changed'],
    ['in neither file', '10.0.0.9', 22, 'A', 'unknown'],
  ] as const)('%s', async (_name, host, port, key, status) => {
    expect(readFileSync(user, 'utf8')).not.toContain('10.0.0.1');
    const entries = await readKnownHostsFiles([user, global, join(dir, 'missing')]);
    expect(checkHostKey(entries, host, port, 'ssh-ed25519', blob(key)).status).toBe(status);
  });

  it('formatKnownHostLine with a salt writes what ssh-keygen -F finds', () => {
    const file = join(dir, 'hashed_by_us');
    writeFileSync(file, `${formatKnownHostLine('10.0.0.7', 2201, 'ssh-ed25519', blob('E'), randomBytes(20))}\n`);
    const found = execFileSync('ssh-keygen', ['-F', '[10.0.0.7]:2201', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(keys.E.split(' ')[1]);
    expect(() => execFileSync('ssh-keygen', ['-F', '10.0.0.7', '-f', file], { stdio: 'ignore' })).toThrow();
  });
});
