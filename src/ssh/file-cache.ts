// Every connection of a run reads the same known_hosts, ssh config and key. Parsing them once
// per file version instead of once per connection matters at fleet scale: known_hosts with
// 1000 entries re-parsed by 1000 connections is a million entries of work and garbage.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

const cache = new Map<string, { mtimeMs: number; size: number; value: Promise<unknown> }>();

/**
 * `parse(text)` of a file, reused while the file's mtime and size stay the same (an append by
 * accept-new changes the size, so the next reader sees it). Returns `missing` when the file
 * does not exist. Callers must treat the value as read-only.
 * @example const entries = await readParsed('~/.ssh/known_hosts', parseKnownHosts, []);
 */
export async function readParsed<T>(file: string, parse: (text: string) => T, missing: T): Promise<T> {
  const path = resolve(file);
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return missing;
    throw err;
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value as Promise<T>;
  const value = readFile(path, 'utf8').then(parse);
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, value });
  value.catch(() => cache.delete(path));
  return value;
}
