// Reads inventory sources (`-i`, repeatable) the way `ansible-inventory` does:
//
// - a YAML file (`.yml`, `.yaml`, `.json`, or no extension, holding a YAML mapping: Ansible's
//   yaml plugin takes no other name);
// - an INI file (anything else, a `.yml` file holding INI too: Ansible's ini plugin rules, see
//   ini.ts);
// - a JSON file in `ansible-inventory --list` form (`_meta.hostvars`, groups with host lists);
// - an executable (or `#!` script): a dynamic inventory, run with `--list` (and `--host H` per
//   host when its output has no `_meta`);
// - a directory: every entry in name order, each read as above, except names Ansible ignores
//   (hidden, `group_vars`, `host_vars`, `vars_plugins`, and the extensions .pyc .pyo .swp .bak ~
//   .rpm .md .txt .rst .orig .ini .cfg .retry).
//
// Then group_vars/ and host_vars/ next to each source (the directory holding a file source, or
// the directory source itself), as Ansible's host_group_vars plugin finds them: for group or
// host NAME the first of NAME, NAME.yml, NAME.yaml, NAME.json that exists; when that is a
// directory, every file in it (recursively, name order, skipping hidden files and `~` backups;
// no extension or .yml/.yaml/.json) is merged, later files winning. Vars files may be wholly
// vault-encrypted.
import { execFile } from 'node:child_process';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve as resolvePath } from 'node:path';
import type { InputProblem } from '../errors.js';
import { describeFsError, describeValue, isExecutable, didYouMean, formatPath, parseYaml, UnsafeText, VaultValue, type PathSegment } from '../config/input.js';
import { InputError } from '../errors.js';
import { parse as parseYamlPackage, type ScalarTag } from 'yaml';
import { exactInteger, PyFloat } from '../config/pyyaml-scalars.js';
import { readIni } from './ini.js';
import { addGroup, addHost, emptyTree, finishTree, GROUP_NAME, hostNameProblem, isHostName, isDescendant, isMapping, linkChild, readTree, type InventoryTree, type VarEntry } from './tree.js';
import { decryptVault, isVaultText, VaultError, type VaultSecret } from './vault.js';

const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTS = new Set(['.yml', '.yaml', '.json']);
const SCRIPT_TIMEOUT_MS = 60_000;

export interface ReadSourcesOptions {
  vaultSecrets?: readonly VaultSecret[];
  /**
   * An Ansible playbook directory: its group_vars/ and host_vars/ are one more layer, above
   * every source's (Ansible's precedence: a playbook's group_vars/all above an inventory's,
   * below the inventory's group_vars/GROUP; its host_vars/ above all).
   */
  playbookDir?: string;
}

/**
 * Reads every source into one tree, then the group_vars/host_vars next to each source and in
 * the playbook directory.
 * Problems are returned, not thrown, so they are reported together with the variables' problems.
 */
export async function readSources(sources: readonly string[], opts: ReadSourcesOptions = {}): Promise<{ tree: InventoryTree; problems: InputProblem[] }> {
  const tree = emptyTree();
  const problems: InputProblem[] = [];
  const basedirs: string[] = [];
  for (const src of sources) {
    let st;
    try {
      st = await stat(src);
    } catch (err) {
      problems.push({ file: src, path: '', message: `cannot read inventory: ${describeFsError(err)}` });
      continue;
    }
    basedirs.push(st.isDirectory() ? src : dirname(src));
    await readSource(src, tree, problems, { directory: st.isDirectory(), inDirectory: false }, opts.vaultSecrets ?? []);
  }
  finishTree(tree);
  // (the playbook directory's layer even where it is a source's directory too: Ansible then
  // reads those files twice, and with several sources the second reading outranks the others)
  const layers = opts.playbookDir === undefined ? basedirs : [...basedirs, opts.playbookDir];
  const read = varsFileReader(opts.vaultSecrets ?? [], tree.warnings);
  for (const dir of layers) await readVarsDirs(dir, tree, problems, read);
  return { tree, problems };
}

async function readSource(src: string, tree: InventoryTree, problems: InputProblem[], where: { directory: boolean; inDirectory: boolean }, secrets: readonly VaultSecret[]): Promise<void> {
  if (where.directory) {
    let names: string[];
    try {
      names = (await readdir(src)).sort();
    } catch (err) {
      problems.push({ file: src, path: '', message: `cannot read inventory directory: ${describeFsError(err)}` });
      return;
    }
    for (const name of names) {
      if (IGNORED.test(name)) continue;
      const full = join(src, name);
      const st = await stat(full).catch(() => undefined);
      if (!st) continue;
      await readSource(full, tree, problems, { directory: st.isDirectory(), inDirectory: true }, secrets);
    }
    return;
  }
  let buf: Buffer;
  try {
    buf = await readFile(src);
  } catch (err) {
    problems.push({ file: src, path: '', message: `cannot read inventory: ${describeFsError(err)}` });
    return;
  }
  let text = buf.toString('utf8');
  const executable = await isExecutable(src);
  if (text.startsWith('#!') && !executable) {
    problems.push({ file: src, path: '', message: 'a dynamic inventory script (it starts with #!) that is not executable: chmod +x it' });
    return;
  }
  if (executable) {
    problems.push(...(await readScript(src, tree)));
    return;
  }
  // A vault-encrypted inventory file is read decrypted, as Ansible's loader reads it
  // (parsing/dataloader.py _decrypt_if_vault_data, used by its ini and yaml plugins).
  if (isVaultText(text)) {
    try {
      text = decryptVault(text, secrets);
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      problems.push({ file: src, path: '', message: `a vault-encrypted inventory that cannot be decrypted: ${err.message}` });
      return;
    }
  }
  // Ansible's yaml plugin takes only these names (verify_file: Python's splitext, case and all);
  // any other goes to its ini plugin.
  const ext = extname(src);
  const yamlName = ext === '' || YAML_EXTS.has(ext);
  let doc: unknown;
  let yamlError: InputError | undefined;
  const anchorHolders = new Set<string>();
  try {
    // (Ansible's yaml plugin loads the file as JSON first, as its DataLoader loads every file)
    const json = yamlName ? jsonFirst(text) : undefined;
    doc = json !== undefined ? json.value : parseYaml(text, src, { ansibleWarnings: yamlName ? tree.warnings : [], anchorHolders });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    yamlError = err;
  }
  const yamlLike = yamlError === undefined && isMapping(doc);
  if (yamlName && (yamlLike || (ext !== '' && yamlError === undefined && (doc === null || doc === undefined)))) {
    // Without an extension, a file that reads as a YAML mapping but not as a YAML inventory
    // (`r1:2222` alone) is tried as INI, as Ansible falls back from its yaml to its ini plugin.
    const iniFallback = ext === '' && isMapping(doc) && !('_meta' in doc) && readTree(doc, src, emptyTree(), false, anchorHolders).problems.length > 0 && readIni(text, src, emptyTree()).length === 0;
    if (!iniFallback) {
      if (isMapping(doc) && typeof doc.plugin === 'string') {
        // In a shared directory, a cloud or CMDB plugin's hosts (aws_ec2, netbox) are left out, as
        // Ansible skips a source its plugin cannot read. constructed and generator are refused
        // everywhere: Ansible would run them, and their groups and vars change other sources' hosts.
        if (where.inDirectory && !PLUGINS_OVER_OTHER_SOURCES.has(doc.plugin)) tree.warnings.push(`${src}: plugin: ${doc.plugin} is an inventory plugin pptp-fleet cannot run: its hosts are left out (${EXPORT_PLUGIN_HOSTS})`);
        else problems.push({ file: src, path: 'plugin', message: `inventory plugin configurations (plugin: ${doc.plugin}) are not supported (${EXPORT_PLUGIN_HOSTS})` });
        return;
      }
      // An empty .yml (nothing, or comments only) in a directory holds no host, as Ansible's ini
      // plugin reads it after its yaml plugin refused it ("Parsed empty YAML file"): a placeholder
      // among the others. Named alone it is an error ("the inventory is empty"): nothing to do.
      if (where.inDirectory && isBlankYaml(text)) {
        tree.warnings.push(`${src}: empty, no hosts from it`);
        return;
      }
      if (isListForm(doc)) problems.push(...readListForm(doc as Record<string, unknown>, src, tree));
      else problems.push(...readTree(doc, src, tree, false, anchorHolders).problems);
      return;
    }
  }
  // What is not a YAML mapping (or not in a file the yaml plugin takes) is read as INI, as
  // Ansible's ini plugin reads it after the yaml plugin failed: INI text in hosts.yml too.
  const ini = readIni(text, src, tree);
  if (ini.length === 0) return;
  if (!yamlName && yamlLike) {
    problems.push({ file: src, path: '', message: `YAML in a file named "*${ext}": Ansible reads YAML inventories only from files ending in .yml, .yaml or .json, or with no extension, and reads this one as INI, which fails (${ini[0]?.path ?? ''}: ${ini[0]?.message ?? ''}): rename it` });
    return;
  }
  // Read as neither: say both, as Ansible's warnings do (a YAML file named `hosts` with an
  // unquoted {{ }} is not an INI file with hosts named "all:"); a file that starts like YAML
  // and is named .yml (or reads as YAML, a list) gets its YAML problems only, one named `hosts`
  // that does not its INI ones.
  const asYaml = !yamlName ? [] : (yamlError?.problems ?? readTree(doc, src, emptyTree(), false, anchorHolders).problems);
  const yamlStart = startsLikeYaml(text);
  if (asYaml.length === 0 || (ext === '' && !yamlStart)) {
    problems.push(...ini);
    return;
  }
  if (ext !== '' && (yamlStart || yamlError === undefined)) {
    problems.push(...asYaml);
    return;
  }
  problems.push(...asYaml.map((p) => ({ ...p, message: `read as YAML: ${p.message}` })));
  problems.push(...ini.map((p) => ({ ...p, message: `read as INI: ${p.message}` })));
}

/** ansible-core's plugins that rework the other sources' hosts (groups and vars from theirs). */
const PLUGINS_OVER_OTHER_SOURCES = new Set(['constructed', 'ansible.builtin.constructed', 'generator', 'ansible.builtin.generator']);
const EXPORT_PLUGIN_HOSTS = 'export them with ansible-inventory -i FILE --list > inventory.json';

/** Text with no YAML node at all: blank lines, comments, `---` and `...` (not `~` or `null`, which Ansible's ini plugin reads as a host). */
function isBlankYaml(text: string): boolean {
  return text.split(/\r?\n/).every((l) => /^\s*(?:#.*)?$/.test(l) || /^(?:---|\.\.\.)\s*(?:#.*)?$/.test(l));
}

/** A first line (past comments and blanks) of `---` or `name:` alone: YAML's, never an INI file's. */
function startsLikeYaml(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l)) ?? '';
  return /^(?:---|[A-Za-z_][\w.-]*:)\s*(?:#.*)?$/.test(first);
}

/** Whether a parsed file is `ansible-inventory --list` output (it always has `_meta`) rather than a YAML inventory. */
function isListForm(doc: unknown): boolean {
  return isMapping(doc) && '_meta' in doc;
}

const LIST_GROUP_KEYS = ['hosts', 'children', 'vars'] as const;

/** A dynamic inventory's group written with none of hosts, children and vars: a host (script.py _parse_group). */
const isSimpleHost = (body: Record<string, unknown>): boolean => !LIST_GROUP_KEYS.some((k) => k in body);

/**
 * `ansible-inventory --list` / dynamic inventory JSON: `{GROUP: {hosts: [..], vars: {..},
 * children: [..]} | [hosts..], _meta: {hostvars: {HOST: {..}}}}`.
 */
export function readListForm(doc: Record<string, unknown>, file: string, tree: InventoryTree, opts: { script?: boolean } = {}): InputProblem[] {
  const problems: InputProblem[] = [];
  const problem = (path: PathSegment[], message: string): void => {
    problems.push({ file, path: formatPath(path), message });
  };
  const listed = new Set<string>();
  const host = (g: string, name: unknown, path: PathSegment[]): void => {
    if (!isHostName(name)) return problem(path, hostNameProblem(name));
    listed.add(name);
    addHost(tree, addGroup(tree, g, [g]), name, path, file);
  };
  const children: [string, unknown, PathSegment[]][] = [];
  for (const [name, body] of Object.entries(doc)) {
    if (name === '_meta') continue;
    if (!GROUP_NAME.test(name)) {
      problem([name], `invalid group name ${describeValue(name)}`);
      continue;
    }
    const g = addGroup(tree, name, [name]);
    if (Array.isArray(body)) {
      body.forEach((h, i) => host(name, h, [name, i]));
      continue;
    }
    if (body === null || body === undefined) {
      // (the script plugin fails on it: "bad data for the host list")
      if (opts.script === true) problem([name], 'expected a group (hosts, children, vars) or a list of hosts, got nothing');
      continue;
    }
    if (!isMapping(body)) {
      problem([name], `expected a group (hosts, children, vars) or a list of hosts, got ${describeValue(body)}`);
      continue;
    }
    if (opts.script === true && isSimpleHost(body)) {
      // (`"all": {}` would be a host named all in ungrouped: Ansible stops on the loop it makes)
      if (name === 'all') {
        problem([name], 'expected a group (hosts, children, vars): the short form (a group with none of them) would make "all" a host, which Ansible refuses (a recursive dependency loop)');
        continue;
      }
      // The script plugin's short form: a "group" with none of hosts, children and vars is one
      // host of that name in a group of that name, its keys the group's variables ("web": {}
      // is the host web). A key that looks like a typo of them stays an error.
      const typos = Object.keys(body).filter((k) => didYouMean(k, LIST_GROUP_KEYS) !== '');
      for (const key of typos) problem([name, key], `unknown group key "${key}"${didYouMean(key, LIST_GROUP_KEYS)}: a group has only hosts, children and vars`);
      if (typos.length > 0) continue;
      host(name, name, [name]);
      for (const [k, v] of Object.entries(body)) g.vars.set(k, { value: revive(v), origin: [name, k], file });
      continue;
    }
    for (const [key, value] of Object.entries(body)) {
      if (key === 'hosts') {
        if (!Array.isArray(value)) problem([name, key], `expected a list of host names, got ${describeValue(value)}`);
        else value.forEach((h, i) => host(name, h, [name, key, i]));
      } else if (key === 'children') {
        if (!Array.isArray(value)) problem([name, key], `expected a list of group names, got ${describeValue(value)}`);
        else value.forEach((c, i) => children.push([name, c, [name, key, i]]));
      } else if (key === 'vars') {
        if (!isMapping(value)) problem([name, key], `expected a mapping of variables, got ${describeValue(value)}`);
        else for (const [k, v] of Object.entries(value)) g.vars.set(k, { value: revive(v), origin: [name, key, k], file });
      } else {
        problem([name, key], `unknown group key "${key}"${didYouMean(key, LIST_GROUP_KEYS)}: a group has only hosts, children and vars`);
      }
    }
  }
  for (const [parent, child, path] of children) {
    if (typeof child !== 'string' || !GROUP_NAME.test(child)) {
      problem(path, `invalid group name ${describeValue(child)}`);
      continue;
    }
    if (child === 'all') continue;
    if (child === parent || isDescendant(tree, child, parent)) {
      problem(path, `group "${child}" cannot be a child of "${parent}": that makes a loop`);
      continue;
    }
    addGroup(tree, child, path);
    linkChild(tree, parent, child);
  }
  const meta = doc._meta;
  if (meta !== undefined) {
    if (!isMapping(meta)) problem(['_meta'], `expected a mapping with hostvars, got ${describeValue(meta)}`);
    else {
      for (const key of Object.keys(meta)) if (key !== 'hostvars') problem(['_meta', key], `unknown key "${key}" (expected hostvars)`);
      const hv = meta.hostvars ?? {};
      if (!isMapping(hv)) problem(['_meta', 'hostvars'], `expected a mapping of hosts to variables, got ${describeValue(hv)}`);
      else {
        for (const [name, vars] of Object.entries(hv)) {
          const path: PathSegment[] = ['_meta', 'hostvars', name];
          if (!isMapping(vars)) {
            if (vars !== null) problem(path, `expected a mapping of variables, got ${describeValue(vars)}`);
            continue;
          }
          if (!isHostName(name)) {
            problem(path, hostNameProblem(name));
            continue;
          }
          // Ansible's script plugin gives _meta's variables only to the hosts the script's groups
          // list (plugins/inventory/script.py parse: `for host in self._hosts`): another is no host.
          if (opts.script === true && !listed.has(name)) {
            tree.warnings.push(`${file}: _meta.hostvars.${name}: no group of the script lists this host: left out, as Ansible leaves it out`);
            continue;
          }
          const h = tree.hosts.get(name) ?? addHost(tree, addGroup(tree, 'ungrouped', ['ungrouped']), name, path, file);
          for (const [k, v] of Object.entries(vars)) h.vars.set(k, { value: revive(v), origin: [...path, k], file });
        }
      }
    }
  }
  return problems;
}

/** `ansible-inventory --list` prints vault values as `{"__ansible_vault": "$ANSIBLE_VAULT;..."}`, `!unsafe` ones as `{"__ansible_unsafe": "..."}`. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (isMapping(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '__ansible_vault' && typeof v.__ansible_vault === 'string') return new VaultValue(v.__ansible_vault);
    if (keys.length === 1 && keys[0] === '__ansible_unsafe' && typeof v.__ansible_unsafe === 'string') return new UnsafeText(v.__ansible_unsafe);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

/** Runs a dynamic inventory with `--list` (and `--host H` when there is no `_meta`). */
async function readScript(file: string, tree: InventoryTree): Promise<InputProblem[]> {
  const run = async (args: string[]): Promise<unknown> => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(resolvePath(file), args, { timeout: SCRIPT_TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`dynamic inventory ${args.join(' ')} failed: ${(stderr.trim().split('\n').pop() ?? '') || err.message.split('\n', 1)[0]}`));
        else resolve(stdout);
      });
    });
    try {
      return parseJsonExact(out);
    } catch {
      throw new Error(`dynamic inventory ${args.join(' ')} did not print JSON`);
    }
  };
  let doc: unknown;
  try {
    doc = await run(['--list']);
  } catch (err) {
    return [{ file, path: '', message: (err as Error).message }];
  }
  if (!isMapping(doc)) return [{ file, path: '', message: `dynamic inventory --list printed ${describeValue(doc)}, expected a JSON object of groups` }];
  const problems = readListForm(doc, file, tree, { script: true });
  if (!('_meta' in doc)) {
    const names = new Set<string>();
    for (const [g, body] of Object.entries(doc)) {
      const hosts = Array.isArray(body) ? body : isMapping(body) && Array.isArray(body.hosts) ? body.hosts : isMapping(body) && isSimpleHost(body) ? [g] : [];
      for (const h of hosts) if (typeof h === 'string' && tree.groups.get(g)?.hosts.includes(h)) names.add(h);
    }
    for (const name of names) {
      try {
        const vars = await run(['--host', name]);
        if (!isMapping(vars)) throw new Error(`dynamic inventory --host ${name} printed ${describeValue(vars)}, expected a JSON object`);
        const h = tree.hosts.get(name);
        for (const [k, v] of Object.entries(vars)) h?.vars.set(k, { value: v, origin: ['--host', name, k], file });
      } catch (err) {
        problems.push({ file, path: '', message: (err as Error).message });
      }
    }
  }
  return problems;
}

/**
 * JSON as Python's json.loads reads it, as the script plugin passes it on: integers past 2^53
 * exact (bigints, pyyaml-scalars.ts), and a number written with a point or an exponent a
 * float (PyFloat: `12.0` is not 12). JSON.parse, read again token by token only when the text
 * has such a number. Throws on text that is not JSON.
 */
export function parseJsonExact(text: string): unknown {
  const fast = JSON.parse(text) as unknown;
  const inexact = (v: unknown): boolean =>
    typeof v === 'number' ? Number.isInteger(v) && !Number.isSafeInteger(v) : typeof v === 'object' && v !== null && Object.values(v).some(inexact);
  // (a number token outside strings with a point or an exponent: a float)
  const floats = [...text.matchAll(/"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/g)].some((m) => !m[0].startsWith('"') && /[.eE]/.test(m[0]));
  if (!floats && !inexact(fast)) return fast;
  const exact = (v: unknown): unknown => {
    if (typeof v === 'bigint') return exactInteger(v);
    if (Array.isArray(v)) return v.map(exact);
    if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exact(x)]));
    return v;
  };
  const FLOAT = 'tag:yaml.org,2002:float';
  return exact(
    parseYamlPackage(text, {
      schema: 'json',
      intAsBigInt: true,
      uniqueKeys: false,
      customTags: (tags) => tags.map((t): typeof t => (typeof t === 'object' && t.tag === FLOAT && !('collection' in t && t.collection) ? ({ ...t, resolve: (str: string) => new PyFloat(parseFloat(str)) } as ScalarTag) : t)),
    }),
  );
}

/**
 * A file's data as ansible-core's DataLoader reads it when the text is JSON (parsing/utils/yaml.py
 * from_yaml tries json.loads before YAML, for inventory and vars files alike): `1e3` is the
 * float 1000.0 (YAML 1.1 has it a string), a key given twice keeps its last value without a
 * warning, and `{"__ansible_vault": ...}` is a vault value (AnsibleJSONDecoder). Undefined for
 * text that is not JSON, which is YAML's to read.
 */
function jsonFirst(text: string): { value: unknown } | undefined {
  let data: unknown;
  try {
    data = parseJsonExact(text);
  } catch {
    return undefined;
  }
  return { value: revive(data) };
}

/** A vars file's reading, and whether an earlier layer read the same file (its problems are reported once). */
type VarsFileReader = (file: string) => Promise<{ result: VarsFileResult; again: boolean }>;

/** Reads each vars file once, however many layers name it (`.` and the absolute current directory are one). */
function varsFileReader(secrets: readonly VaultSecret[], warnings: string[]): VarsFileReader {
  const done = new Map<string, VarsFileResult>();
  return async (file) => {
    const key = await realpath(file).catch(() => resolvePath(file));
    const earlier = done.get(key);
    if (earlier) return { result: earlier, again: true };
    const result = await readVarsFile(file, secrets, warnings);
    done.set(key, result);
    return { result, again: false };
  };
}

/** group_vars/ and host_vars/ under `dir`, for every group and host in the tree: one more layer of each. */
async function readVarsDirs(dir: string, tree: InventoryTree, problems: InputProblem[], read: VarsFileReader): Promise<void> {
  const groupLayer = new Map<string, Map<string, VarEntry>>();
  const hostLayer = new Map<string, Map<string, VarEntry>>();
  tree.groupFileVars.push(groupLayer);
  tree.hostFileVars.push(hostLayer);
  const kinds = [
    { sub: 'group_vars', names: [...tree.groups.keys()], into: groupLayer, locked: tree.lockedFiles.groups },
    { sub: 'host_vars', names: [...tree.hosts.keys()], into: hostLayer, locked: tree.lockedFiles.hosts },
  ];
  for (const k of kinds) {
    const base = join(dir, k.sub);
    const st = await stat(base).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    for (const name of k.names) {
      for (const file of await findVarsFiles(base, name)) {
        const { result: r, again } = await read(file);
        if ('locked' in r) {
          if (!again) k.locked.set(name, [...(k.locked.get(name) ?? []), file]);
          continue;
        }
        if ('problems' in r) {
          if (!again) problems.push(...r.problems);
          continue;
        }
        let vars = k.into.get(name);
        if (!vars) k.into.set(name, (vars = new Map()));
        for (const [key, entry] of r.vars) vars.set(key, entry);
      }
    }
  }
}

/** What Ansible's DataLoader.find_vars_files finds for NAME under `base`. */
async function findVarsFiles(base: string, name: string): Promise<string[]> {
  for (const ext of ['', '.yml', '.yaml', '.json']) {
    const full = join(base, name + ext);
    const st = await stat(full).catch(() => undefined);
    if (!st) continue;
    return st.isDirectory() ? dirVarsFiles(full) : [full];
  }
  return [];
}

async function dirVarsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    const st = await stat(full).catch(() => undefined);
    if (st?.isDirectory() && ext === '') out.push(...(await dirVarsFiles(full)));
    else if (st?.isFile() && (ext === '' || YAML_EXTS.has(ext))) out.push(full);
  }
  return out;
}

type VarsFileResult = { vars: Map<string, VarEntry> } | { problems: InputProblem[] } | { locked: string };

/** One vars file: a YAML/JSON mapping, possibly wholly vault-encrypted; what Ansible only warns about goes to `warnings`. */
async function readVarsFile(file: string, secrets: readonly VaultSecret[], warnings: string[]): Promise<VarsFileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { problems: [{ file, path: '', message: `cannot read vars file: ${describeFsError(err)}` }] };
  }
  const encrypted = isVaultText(text);
  if (encrypted) {
    try {
      text = decryptVault(text, secrets);
    } catch (err) {
      if (err instanceof VaultError) return { locked: err.message };
      throw err;
    }
  }
  let doc: unknown;
  try {
    const json = jsonFirst(text);
    doc = json !== undefined ? json.value : parseYaml(text, file, { ansibleWarnings: warnings });
  } catch (err) {
    if (err instanceof InputError) return { problems: [...err.problems] };
    throw err;
  }
  if (doc === null || doc === undefined) return { vars: new Map() };
  if (!isMapping(doc)) return { problems: [{ file, path: '', message: `expected a mapping of variables, got ${describeValue(doc)}` }] };
  const vars = new Map<string, VarEntry>();
  for (const [k, v] of Object.entries(doc)) {
    vars.set(k, encrypted ? { value: v, origin: [k], file, encrypted } : { value: v, origin: [k], file });
  }
  return { vars };
}
