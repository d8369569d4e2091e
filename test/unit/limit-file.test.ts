// `--limit @FILE` (Ansible's .retry files): the hosts selected are those Debian's `ansible
// --list-hosts` selects for the same inventory, pattern and file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { expandLimitFiles } from '../../src/inventory/limit-file.js';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/pattern.js';

const dir = mkdtempSync(join(tmpdir(), 'pptp-fleet-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inventory = join(dir, 'inventory.yaml');
writeFileSync(
  inventory,
  `all:
  children:
    branches:
      hosts:
        r1: { ansible_host: 127.0.0.1 }
        r2: { ansible_host: 127.0.0.1 }
        r3: { ansible_host: 127.0.0.1 }
    hq:
      hosts:
        r4: { ansible_host: 127.0.0.1 }
        r5: { ansible_host: 127.0.0.1 }
`,
);
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const retry = file('site.retry', 'r2\nr4\n');
const groups = file('groups.retry', '  hq  \n\nr1\n');

function ansibleHosts(limit: string): string[] {
  const out = execFileSync('ansible', ['all', '-i', inventory, '--list-hosts', '--limit', limit], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false', ANSIBLE_NOCOLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.split('\n').slice(1).map((l) => l.trim()).filter(Boolean).sort();
}

describe('--limit @FILE selects what ansible --list-hosts selects', () => {
  it.each([`@${retry}`, `@${groups}`, `@${retry},!r4`, `@${retry}:&hq`, `r5,@${retry}`, `@${retry},@${groups}`])('%s', async (limit) => {
    const inv = await loadInventory(inventory);
    const ours = selectHosts(inv, await expandLimitFiles(limit)).map((h) => h.name).sort();
    expect(ours).toEqual(ansibleHosts(limit));
    expect(ours.length).toBeGreaterThan(0);
  });

  it('keeps a line whole, a single line too: `branches:!r3` in the file is one pattern, which Ansible matches to no host', async () => {
    const one = file('one-line.retry', 'branches:!r3\n');
    expect(await expandLimitFiles(`@${one}`)).toBe('branches:!r3,');
    const inv = await loadInventory(inventory);
    expect(() => selectHosts(inv, 'branches:!r3,')).toThrow(/no hosts matched/);
    expect(() => ansibleHosts(`@${one}`)).toThrow();
  });

  it('refuses a line with a comma, naming the file and the line: Ansible reads it as one pattern, which names no host', async () => {
    const comma = file('comma.retry', 'r1\nr2,r4\n');
    await expect(expandLimitFiles(`@${comma}`)).rejects.toThrow(/comma\.retry: --limit, line 2: a line holds a comma/);
    expect(() => ansibleHosts(`@${comma}`)).not.toContain('r4');
  });

  it('a pattern without @ is returned unchanged', async () => {
    expect(await expandLimitFiles('r1:&hq')).toBe('r1:&hq');
    expect(await expandLimitFiles(undefined)).toBeUndefined();
  });

  it.each([
    ['a missing file', join(dir, 'nope.retry'), /nope\.retry: --limit: cannot read the limit file: no such file/],
    ['a directory', dir, /a directory, expected a file/],
    ['an empty file', file('empty.retry', '\n \n'), /lists no host/],
  ])('%s is an input error naming the file', async (_name, path, message) => {
    mkdirSync(dir, { recursive: true });
    const err = await expandLimitFiles(`@${path}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
});
