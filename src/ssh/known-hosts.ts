// OpenSSH known_hosts: parse, look a presented host key up, append a newly trusted key.
// Matching follows OpenSSH (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT", hostfile.c, match.c):
// the lookup name is `host` for port 22 and `[host]:port` otherwise, patterns may use `*`, `?`
// and `!negation`, hashed names are `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readParsed } from './file-cache.js';

/** Which hosts one known_hosts line is for. */
export type HostMatcher =
  | { kind: 'patterns'; patterns: string[] }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostEntry {
  /** 1-based line number in the file, for messages. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  hosts: HostMatcher;
  /** Key type as written on the line, e.g. `ssh-ed25519`. */
  keyType: string;
  /** The decoded public key blob (SSH wire format). */
  keyBlob: Buffer;
}

export interface KnownKey {
  keyType: string;
  fingerprint: string;
}

export type HostKeyStatus =
  | { status: 'match' }
  | { status: 'unknown' }
  | { status: 'changed'; expectedFingerprints: string[]; expectedKeys: KnownKey[] }
  | { status: 'revoked' };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` on any other port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH fingerprint of a public key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type string at the start of an SSH public key blob, or undefined if malformed. */
export function keyTypeOfBlob(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) return undefined;
  const type = keyBlob.subarray(4, 4 + len).toString('latin1');
  return /^[A-Za-z0-9@._+-]+$/.test(type) ? type : undefined;
}

/**
 * Parse known_hosts text. Lines OpenSSH would skip (malformed, unknown marker, bad base64)
 * are skipped here too.
 *
 * @example parseKnownHosts('[127.0.0.1]:2222 ssh-ed25519 AAAAC3Nz...')
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/[ \t]+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hostField, keyType, keyBase64] = fields;
    if (hostField === undefined || keyType === undefined || keyBase64 === undefined) return;
    const hosts = parseHostField(hostField);
    if (!hosts) return;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return;
    const keyBlob = Buffer.from(keyBase64, 'base64');
    if (keyBlob.length === 0) return;
    entries.push({ line: index + 1, ...(marker ? { marker } : {}), hosts, keyType, keyBlob });
  });
  return entries;
}

function parseHostField(field: string): HostMatcher | undefined {
  if (field.startsWith('|')) {
    const parts = field.split('|');
    // ['', '1', salt, hash]
    if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return undefined;
    const salt = Buffer.from(parts[2], 'base64');
    const hash = Buffer.from(parts[3], 'base64');
    if (salt.length !== 20 || hash.length !== 20) return undefined;
    return { kind: 'hashed', salt, hash };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  return patterns.length > 0 ? { kind: 'patterns', patterns } : undefined;
}

/** OpenSSH wildcard match: `*` any run of characters, `?` exactly one; case-insensitive. */
export function matchPattern(name: string, pattern: string): boolean {
  const s = name.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative glob match with backtracking on the last `*`.
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) {
      si++;
      pi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = si;
    } else if (star !== -1) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * OpenSSH match_pattern_list: 1 if some positive pattern matches and no negated one does,
 * -1 if a negated pattern matches (the whole list then fails), 0 if nothing matches.
 */
export function matchPatternList(name: string, patterns: readonly string[]): 1 | 0 | -1 {
  let got: 1 | 0 = 0;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchPattern(name, pattern.slice(1))) return -1;
    } else if (matchPattern(name, pattern)) {
      got = 1;
    }
  }
  return got;
}

/** HMAC-SHA1 name hash as in a `|1|salt|hash` entry (what `ssh-keygen -H` writes). */
export function hashHostName(name: string, salt: Buffer): Buffer {
  return createHmac('sha1', salt).update(name).digest();
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.kind === 'hashed') {
    const h = hashHostName(name, entry.hosts.salt);
    return h.length === entry.hosts.hash.length && timingSafeEqual(h, entry.hosts.hash);
  }
  return matchPatternList(name, entry.hosts.patterns) === 1;
}

/**
 * Where a name's entries can be: entries whose host field is plain names only (no `*`, `?` or
 * `!`) are indexed by name (lower case, as matching is case-insensitive); hashed and wildcard
 * entries must be tried one by one. A fleet checks hundreds of hosts against a known_hosts of
 * hundreds of lines: without the index that is every pattern of every line for every host.
 */
interface KnownHostsIndex {
  byName: Map<string, number[]>;
  scan: number[];
}
const indexes = new WeakMap<readonly KnownHostEntry[], KnownHostsIndex>();

function lookupIndex(entries: readonly KnownHostEntry[]): KnownHostsIndex {
  let index = indexes.get(entries);
  if (index) return index;
  index = { byName: new Map(), scan: [] };
  entries.forEach((e, i) => {
    if (e.hosts.kind === 'hashed' || e.hosts.patterns.some((p) => /[*?!]/.test(p))) {
      index.scan.push(i);
      return;
    }
    for (const p of new Set(e.hosts.patterns.map((x) => x.toLowerCase()))) {
      const at = index.byName.get(p);
      if (at) at.push(i);
      else index.byName.set(p, [i]);
    }
  });
  indexes.set(entries, index);
  return index;
}

/** The entries that match NAME, in file order. */
function entriesFor(entries: readonly KnownHostEntry[], name: string): KnownHostEntry[] {
  const { byName, scan } = lookupIndex(entries);
  const named = byName.get(name.toLowerCase()) ?? [];
  const matching = scan.filter((i) => entryMatches(entries[i] as KnownHostEntry, name));
  return [...named, ...matching].sort((a, b) => a - b).map((i) => entries[i] as KnownHostEntry);
}

/** Plain (non-marker) entries for the host, in file order. */
export function knownKeysFor(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  return entriesFor(entries, knownHostsName(host, port)).filter((e) => e.marker === undefined);
}

/**
 * Look a presented host key up. A key of the same type that differs, or known keys of other
 * types only, is `changed`: we refuse rather than guess (OpenSSH with StrictHostKeyChecking
 * refuses a key of a new type too). `@cert-authority` lines are ignored: we never ask for
 * host certificates.
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
): HostKeyStatus {
  void keyType; // the blob carries its own type; kept in the signature for callers' clarity
  const name = knownHostsName(host, port);
  const forHost = entriesFor(entries, name);
  if (forHost.some((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob))) return { status: 'revoked' };
  const plain = forHost.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.keyBlob.equals(keyBlob))) return { status: 'match' };
  if (plain.length === 0) return { status: 'unknown' };
  const expectedKeys = uniqueKeys(plain);
  return { status: 'changed', expectedFingerprints: expectedKeys.map((k) => k.fingerprint), expectedKeys };
}

function uniqueKeys(entries: readonly KnownHostEntry[]): KnownKey[] {
  const seen = new Set<string>();
  const out: KnownKey[] = [];
  for (const e of entries) {
    const fp = fingerprint(e.keyBlob);
    if (seen.has(fp)) continue;
    seen.add(fp);
    out.push({ keyType: keyTypeOfBlob(e.keyBlob) ?? e.keyType, fingerprint: fp });
  }
  return out;
}

/** Read and parse a known_hosts file; a missing file is an empty one. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  return readParsed(file, parseKnownHosts, NO_ENTRIES);
}
const NO_ENTRIES: KnownHostEntry[] = [];

/**
 * Read and parse several known_hosts files into one list, in order (OpenSSH reads every
 * UserKnownHostsFile and GlobalKnownHostsFile); missing files are empty.
 */
export async function readKnownHostsFiles(files: readonly string[]): Promise<KnownHostEntry[]> {
  const lists = await Promise.all(files.map((f) => readKnownHosts(f)));
  // The same files unchanged give the same list (the one readParsed cached per file, joined
  // once), so a fleet's connections share one lookup index (lookupIndex) instead of one each.
  if (lists.length === joined.lists.length && lists.every((l, i) => l === joined.lists[i])) return joined.entries;
  joined = { lists, entries: lists.length === 1 ? (lists[0] as KnownHostEntry[]) : lists.flat() };
  return joined.entries;
}
let joined: { lists: readonly KnownHostEntry[][]; entries: KnownHostEntry[] } = { lists: [], entries: [] };

/**
 * The line appendKnownHost writes: `name type base64`, or with `salt` (HashKnownHosts yes) the
 * name hashed as `ssh-keygen -H` does: `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
 */
export function formatKnownHostLine(host: string, port: number, keyType: string, keyBlob: Buffer, salt?: Buffer): string {
  const name = knownHostsName(host, port);
  const field = salt ? `|1|${salt.toString('base64')}|${hashHostName(name, salt).toString('base64')}` : name;
  return `${field} ${keyType} ${keyBlob.toString('base64')}`;
}

// Appends to the same file are chained so concurrent connections never interleave or race
// on the "does the file end with a newline" check.
const appendQueues = new Map<string, Promise<void>>();

/**
 * Append a trusted key (OpenSSH `accept-new`). One `O_APPEND` write per line, so other
 * processes appending too cannot interleave inside it; within this process appends to one
 * file are serialized. Creates the directory (0700) and the file (0600) when missing.
 */
export function appendKnownHost(
  file: string,
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
  options: { hash?: boolean } = {},
): Promise<void> {
  const path = resolve(file);
  const line = formatKnownHostLine(host, port, keyTypeOfBlob(keyBlob) ?? keyType, keyBlob, options.hash ? randomBytes(20) : undefined);
  const previous = appendQueues.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => appendLine(path, line));
  appendQueues.set(path, next);
  void next.finally(() => {
    if (appendQueues.get(path) === next) appendQueues.delete(path);
  }).catch(() => undefined);
  return next;
}

async function appendLine(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const needsNewline = !(await endsWithNewlineOrEmpty(path));
  await appendFile(path, `${needsNewline ? '\n' : ''}${line}\n`, { mode: 0o600, flag: 'a' });
}

async function endsWithNewlineOrEmpty(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Known key types for a host, so the client can prefer them in the host key negotiation. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = knownKeysFor(entries, host, port).map((e) => keyTypeOfBlob(e.keyBlob) ?? e.keyType);
  return [...new Set(types)];
}
