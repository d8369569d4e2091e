import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { defaultOptions, loadSettings, resolveOptions } from '../../src/config/settings.js';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'settings-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe('resolveOptions: flags > settings > defaults', () => {
  const defaults = defaultOptions('/home/u');

  it('has the documented defaults', () => {
    expect(resolveOptions({}, {}, defaults)).toEqual({
      forks: 20,
      knownHosts: '/home/u/.ssh/known_hosts',
      acceptNewHostKeys: false,
      timeouts: { connectMs: 10_000, commandMs: 60_000, tunnelSec: 30 },
      retries: 2,
    });
  });

  it.each([
    ['flag wins', { forks: 5 }, { forks: 50 }, 5],
    ['settings beat the default', {}, { forks: 50 }, 50],
    ['default when neither', {}, {}, 20],
  ])('%s', (_name, flags, settings, forks) => {
    expect(resolveOptions(flags, settings, defaults).forks).toBe(forks);
  });

  it('merges timeouts field by field', () => {
    const r = resolveOptions({ timeouts: { connectMs: 1 } }, { timeouts: { connectMs: 2, tunnelSec: 3 } }, defaults);
    expect(r.timeouts).toEqual({ connectMs: 1, commandMs: 60_000, tunnelSec: 3 });
  });

  it('keeps false and 0 from a flag (not treated as unset)', () => {
    const r = resolveOptions({ acceptNewHostKeys: false, retries: 0 }, { acceptNewHostKeys: true, retries: 5 }, defaults);
    expect(r.acceptNewHostKeys).toBe(false);
    expect(r.retries).toBe(0);
  });

  it('passes optional paths through', () => {
    const r = resolveOptions({ junit: 'a.xml' }, { inventory: '/i.yaml', junit: 'b.xml' }, defaults);
    expect(r).toMatchObject({ inventory: '/i.yaml', junit: 'a.xml' });
    expect('playbook' in r).toBe(false);
  });
});

describe('loadSettings (cosmiconfig "pptp-fleet")', () => {
  it('finds .pptp-fleetrc.yaml and makes its paths relative to it', async () => {
    const dir = await project({ '.pptp-fleetrc.yaml': 'inventory: inv/fleet.yaml\nforks: 7\ntimeouts: { connectMs: 500 }\n' });
    const { settings, filepath } = await loadSettings({ cwd: dir });
    expect(filepath).toBe(join(dir, '.pptp-fleetrc.yaml'));
    expect(settings).toEqual({ inventory: join(dir, 'inv/fleet.yaml'), forks: 7, timeouts: { connectMs: 500 } });
  });

  it('reads the "pptp-fleet" key of package.json', async () => {
    const dir = await project({ 'package.json': JSON.stringify({ name: 'x', 'pptp-fleet': { retries: 0 } }) });
    expect((await loadSettings({ cwd: dir })).settings).toEqual({ retries: 0 });
  });

  it('reads .pptp-fleetrc without extension (YAML) and pptp-fleet.config.mjs', async () => {
    const a = await project({ '.pptp-fleetrc': 'forks: 3\n' });
    expect((await loadSettings({ cwd: a })).settings).toEqual({ forks: 3 });
    const b = await project({ 'pptp-fleet.config.mjs': 'export default { acceptNewHostKeys: true };\n' });
    expect((await loadSettings({ cwd: b })).settings).toEqual({ acceptNewHostKeys: true });
  });

  it('searches up to the project root from a subdirectory', async () => {
    const dir = await project({ 'package.json': '{}', '.pptp-fleetrc.json': '{"forks": 9}', 'sub/deeper/.keep': '' });
    expect((await loadSettings({ cwd: join(dir, 'sub/deeper') })).settings).toEqual({ forks: 9 });
  });

  it('returns no settings when there is no file', async () => {
    const dir = await project({ 'package.json': '{}' });
    expect(await loadSettings({ cwd: dir })).toEqual({ settings: {} });
  });

  it('reports every bad field with the file and the field path', async () => {
    const dir = await project({ '.pptp-fleetrc.yaml': 'forsk: 3\nforks: 0\ntimeouts: { connectMs: "fast", tunnelsec: 3 }\nacceptNewHostKeys: maybe\n' });
    const err = await loadSettings({ cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems).toEqual(expect.arrayContaining([
      { file: '.pptp-fleetrc.yaml', path: 'forsk', message: 'unknown key "forsk" (did you mean "forks"?)' },
      { file: '.pptp-fleetrc.yaml', path: 'forks', message: 'expected a whole number from 1 to 10000, got 0' },
      { file: '.pptp-fleetrc.yaml', path: 'timeouts.connectMs', message: 'expected a whole number from 1 to 3600000, got "fast"' },
      { file: '.pptp-fleetrc.yaml', path: 'timeouts.tunnelsec', message: 'unknown key "tunnelsec" (did you mean "tunnelSec"?)' },
      { file: '.pptp-fleetrc.yaml', path: 'acceptNewHostKeys', message: 'expected true or false, got "maybe"' },
    ]));
    expect((err as InputError).problems).toHaveLength(5);
  });

  it('names package.json fields under the pptp-fleet key', async () => {
    const dir = await project({ 'package.json': JSON.stringify({ 'pptp-fleet': { forks: 'many' } }) });
    const err = (await loadSettings({ cwd: dir }).catch((e: unknown) => e)) as InputError;
    expect(err.problems).toEqual([{ file: 'package.json', path: 'pptp-fleet.forks', message: 'expected a whole number from 1 to 10000, got "many"' }]);
  });

  it('turns YAML and JSON syntax errors into InputErrors naming the file', async () => {
    const a = await project({ '.pptp-fleetrc.yml': 'forks: [1\n' });
    const ea = (await loadSettings({ cwd: a }).catch((e: unknown) => e)) as InputError;
    expect(ea).toBeInstanceOf(InputError);
    expect(ea.problems[0]?.file).toBe('.pptp-fleetrc.yml');
    expect(ea.problems[0]?.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
    const b = await project({ '.pptp-fleetrc.json': '{"forks": }' });
    const eb = (await loadSettings({ cwd: b }).catch((e: unknown) => e)) as InputError;
    expect(eb).toBeInstanceOf(InputError);
    expect(eb.problems[0]?.file).toBe('.pptp-fleetrc.json');
  });

  it('loads an explicit file and reports a missing one', async () => {
    const dir = await project({ 'conf/fleet.yaml': 'retries: 4\n' });
    expect((await loadSettings({ cwd: dir, file: 'conf/fleet.yaml' })).settings).toEqual({ retries: 4 });
    const err = (await loadSettings({ cwd: dir, file: 'nope.yaml' }).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.problems[0]?.message).toBe('cannot read file: no such file or directory');
  });
});
