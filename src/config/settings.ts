// Project settings (cosmiconfig, module name `pptp-fleet`) and how they combine with command
// line flags and built-in defaults.
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { describeValue, issuesToProblems, parseYaml } from './input.js';

/** What a settings file may hold. Every field is optional; unknown fields are errors. */
export interface Settings {
  inventory?: string;
  playbook?: string;
  forks?: number;
  knownHosts?: string;
  privateKey?: string;
  acceptNewHostKeys?: boolean;
  timeouts?: { connectMs?: number; commandMs?: number; tunnelSec?: number };
  retries?: number;
  reportJson?: string;
  junit?: string;
}

/** Command line flags in the same shape (undefined = not given). */
export type Flags = Settings;

/** Every option with a value: flags > settings > defaults. */
export interface ResolvedOptions {
  inventory?: string;
  playbook?: string;
  forks: number;
  knownHosts: string;
  privateKey?: string;
  acceptNewHostKeys: boolean;
  timeouts: { connectMs: number; commandMs: number; tunnelSec: number };
  retries: number;
  reportJson?: string;
  junit?: string;
}

export type Defaults = ResolvedOptions;

/** Built-in defaults; `home` only for tests. */
export function defaultOptions(home: string = homedir()): Defaults {
  return {
    forks: 20,
    knownHosts: resolve(home, '.ssh', 'known_hosts'),
    acceptNewHostKeys: false,
    timeouts: { connectMs: 10_000, commandMs: 60_000, tunnelSec: 30 },
    retries: 2,
  };
}

export const SETTINGS_KEYS = [
  'inventory', 'playbook', 'forks', 'knownHosts', 'privateKey', 'acceptNewHostKeys', 'timeouts', 'retries', 'reportJson', 'junit',
] as const;
const TIMEOUT_KEYS = ['connectMs', 'commandMs', 'tunnelSec'] as const;

const path = z.string({ error: (iss) => `expected a path, got ${describeValue(iss.input)}` }).min(1, { error: 'expected a path, got ""' });
function intIn(min: number, max: number): z.ZodInt {
  const msg = (iss: { input?: unknown }): string => `expected a whole number from ${min} to ${max}, got ${describeValue(iss.input)}`;
  return z.int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
}

export const settingsSchema = z.strictObject({
  inventory: path.optional(),
  playbook: path.optional(),
  forks: intIn(1, 10_000).optional(),
  knownHosts: path.optional(),
  privateKey: path.optional(),
  acceptNewHostKeys: z.boolean({ error: (iss) => `expected true or false, got ${describeValue(iss.input)}` }).optional(),
  timeouts: z.strictObject({
    connectMs: intIn(1, 3_600_000).optional(),
    commandMs: intIn(1, 86_400_000).optional(),
    tunnelSec: intIn(1, 86_400).optional(),
  }, { error: (iss) => `expected a mapping of timeouts, got ${describeValue(iss.input)}` }).optional(),
  retries: intIn(0, 100).optional(),
  reportJson: path.optional(),
  junit: path.optional(),
}, { error: (iss) => `expected a mapping of settings, got ${describeValue(iss.input)}` });

/** Where cosmiconfig looks, in order, in each directory from the start up to the project root. */
export const SEARCH_PLACES = [
  'package.json',
  '.pptp-fleetrc',
  '.pptp-fleetrc.json',
  '.pptp-fleetrc.yaml',
  '.pptp-fleetrc.yml',
  '.pptp-fleetrc.js',
  '.pptp-fleetrc.mjs',
  'pptp-fleet.config.js',
  'pptp-fleet.config.mjs',
  'pptp-fleet.config.json',
  'pptp-fleet.config.yaml',
  'pptp-fleet.config.yml',
] as const;

export interface LoadedSettings {
  settings: Settings;
  /** The file they came from (absolute), undefined when none was found. */
  filepath?: string;
}

/**
 * Finds and validates the settings file: `package.json` key `pptp-fleet`, `.pptp-fleetrc`
 * (YAML or JSON), `.pptp-fleetrc.{json,yaml,yml,js,mjs}`, `pptp-fleet.config.{js,mjs,json,yaml,yml}`,
 * searched from `cwd` up to the nearest directory with a package.json.
 *
 * `.ts` files are not searched: cosmiconfig loads them by importing `typescript` at run time,
 * which an installed pptp-fleet does not have (it is a dev dependency only).
 *
 * Relative paths in a settings file (inventory, playbook, knownHosts, privateKey, reportJson,
 * junit) are relative to that file's directory; `~/` is the home directory. Errors name the
 * file (relative to `cwd`) and the field: `.pptp-fleetrc.yaml: timeouts.connectMs: ...`.
 *
 * Example: const { settings } = await loadSettings({ cwd: process.cwd() });
 */
export async function loadSettings(opts: { cwd?: string; file?: string } = {}): Promise<LoadedSettings> {
  const cwd = opts.cwd ?? process.cwd();
  const display = (p: string): string => {
    const rel = relative(cwd, p);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const yamlLoader: Loader = (filepath, content) => parseYaml(content, display(filepath));
  const jsonLoader: Loader = (filepath, content) => {
    try {
      return JSON.parse(content) as unknown;
    } catch (err) {
      throw new InputError([{ file: display(filepath), path: '', message: `JSON syntax error: ${err instanceof Error ? err.message : String(err)}` }]);
    }
  };
  const explorer = cosmiconfig('pptp-fleet', {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'project',
    loaders: { '.yaml': yamlLoader, '.yml': yamlLoader, noExt: yamlLoader, '.json': jsonLoader },
  });

  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    result = opts.file !== undefined ? await explorer.load(resolve(cwd, opts.file)) : await explorer.search(cwd);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const filepath = (err as { filepath?: unknown } | null)?.filepath;
    const where = typeof filepath === 'string' ? display(filepath) : opts.file ?? 'settings';
    const code = (err as { code?: unknown } | null)?.code;
    const message = code === 'ENOENT' ? 'cannot read file: no such file or directory' : (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    throw new InputError([{ file: where, path: '', message }], { cause: err });
  }
  if (result === null) return { settings: {} };
  const file = display(result.filepath);
  if (result.isEmpty === true || result.config === null || result.config === undefined) return { settings: {}, filepath: result.filepath };

  const prefix = result.filepath.endsWith('package.json') ? 'pptp-fleet' : '';
  const parsed = settingsSchema.safeParse(result.config, { reportInput: true });
  if (!parsed.success) {
    throw new InputError(
      issuesToProblems(parsed.error.issues, file, prefix, (p) => (p.length === 0 ? SETTINGS_KEYS : p[0] === 'timeouts' ? TIMEOUT_KEYS : [])),
    );
  }
  return { settings: resolveSettingPaths(parsed.data, dirname(result.filepath)), filepath: result.filepath };
}

/** Makes the path fields of settings absolute, relative to `base` (the settings file's directory). */
export function resolveSettingPaths(s: Settings, base: string, home: string = homedir()): Settings {
  const abs = (p: string | undefined): string | undefined => {
    if (p === undefined) return undefined;
    if (p === '~' || p.startsWith('~/')) return resolve(home, p.slice(2));
    return resolve(base, p);
  };
  const out: Settings = { ...s };
  for (const key of ['inventory', 'playbook', 'knownHosts', 'privateKey', 'reportJson', 'junit'] as const) {
    const v = abs(s[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Combines the three sources field by field: a flag that was given wins, then the settings
 * file, then the default. Pure.
 *
 * Example: resolveOptions({ forks: 5 }, { forks: 50, retries: 0 }, defaultOptions()).forks === 5
 */
export function resolveOptions(flags: Flags, settings: Settings, defaults: Defaults): ResolvedOptions {
  const out: ResolvedOptions = {
    forks: flags.forks ?? settings.forks ?? defaults.forks,
    knownHosts: flags.knownHosts ?? settings.knownHosts ?? defaults.knownHosts,
    acceptNewHostKeys: flags.acceptNewHostKeys ?? settings.acceptNewHostKeys ?? defaults.acceptNewHostKeys,
    timeouts: {
      connectMs: flags.timeouts?.connectMs ?? settings.timeouts?.connectMs ?? defaults.timeouts.connectMs,
      commandMs: flags.timeouts?.commandMs ?? settings.timeouts?.commandMs ?? defaults.timeouts.commandMs,
      tunnelSec: flags.timeouts?.tunnelSec ?? settings.timeouts?.tunnelSec ?? defaults.timeouts.tunnelSec,
    },
    retries: flags.retries ?? settings.retries ?? defaults.retries,
  };
  for (const key of ['inventory', 'playbook', 'privateKey', 'reportJson', 'junit'] as const) {
    const v = flags[key] ?? settings[key] ?? defaults[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

