// Reading user input files (inventory, playbook, settings): YAML with line/column errors,
// dot-paths for messages, zod issues turned into InputProblems, "did you mean" hints.
import { access, constants, readFile } from 'node:fs/promises';
import { isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit, type Document, type Node, type YAMLMap } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { PyFloat, pyyamlScalars } from './pyyaml-scalars.js';

/** A path segment: a mapping key or a sequence index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Formats a YAML location the way messages show it: `all.children.eu.hosts.r7.tunnels[0].server`.
 * Keys that are not plain words are quoted: `all.hosts["r1.example.com"].ansible_port`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Joins an already formatted prefix with more segments. */
export function joinPath(prefix: string, segments: readonly PathSegment[]): string {
  const rest = formatPath(segments);
  if (prefix === '') return rest;
  if (rest === '' ) return prefix;
  return rest.startsWith('[') ? prefix + rest : `${prefix}.${rest}`;
}

/**
 * An Ansible Vault value (`!vault |`), kept encrypted until a command needs it (only passwords
 * may be vault values). Prints as `***`; `where` is set by the inventory reader.
 */
export class VaultValue {
  /** File and dot-path where the value is written, for messages. */
  where?: { file: string; path: string };
  constructor(readonly ciphertext: string) {}
  toJSON(): string {
    return '***';
  }
  toString(): string {
    return '***';
  }
}

const vaultTag = {
  tag: '!vault',
  resolve: (text: string): VaultValue => new VaultValue(text),
};

/**
 * Text Ansible never templates: a `!unsafe` scalar (or `{"__ansible_unsafe": ...}` in
 * `ansible-inventory --list` output), e.g. a password holding `{{`. It is its text everywhere
 * else (JSON, messages).
 */
export class UnsafeText {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

const unsafeTag = {
  tag: '!unsafe',
  resolve: (text: string): UnsafeText => new UnsafeText(text),
};

export interface ParseYamlOptions {
  /**
   * Read as Ansible reads inventories and vars files: `!unsafe` is text never templated (on a
   * scalar, or on every string inside a list or mapping, as its constructor wraps them), and a
   * key written twice keeps its last value, with a warning pushed here, and a float is a
   * PyFloat (Python's float: `12.0` stays one). Without it (settings, playbooks) the first two
   * are errors and a float is a number.
   */
  ansibleWarnings?: string[];
  /**
   * Filled with the keys of the top-level mapping whose value holds an anchor that an alias
   * elsewhere uses (`x-defaults: &d {ansible_user: admin}`): a place kept for YAML anchors.
   */
  anchorHolders?: Set<string>;
}

/**
 * Parses YAML text the way Ansible reads inventories (PyYAML, YAML 1.1: `yes`/`no` are
 * booleans, `<<` merge keys work; plain scalars resolved as PyYAML does, pyyaml-scalars.ts).
 * Syntax errors, duplicate keys (unless `ansibleWarnings` collects them) and alias bombs become
 * InputErrors with line and column.
 */
export function parseYaml(text: string, file: string, opts: ParseYamlOptions = {}): unknown {
  const ansible = opts.ansibleWarnings;
  let doc: Document;
  try {
    // logLevel 'error': the yaml package would otherwise print warnings (only the CLI prints).
    doc = parseDocument(text, {
      version: '1.1',
      merge: true,
      uniqueKeys: ansible === undefined,
      customTags: (tags) => pyyamlScalars([...tags, vaultTag, ...(ansible ? [unsafeTag] : [])], { pythonFloats: ansible !== undefined }),
      prettyErrors: true,
      logLevel: 'error',
    });
  } catch (err) {
    throw new InputError([{ file, path: '', message: `YAML syntax error: ${firstLine(err)}` }], { cause: err });
  }
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
        return { file, path: '', message: `YAML syntax error${where}: ${stripPosition(e.message)}` };
      }),
    );
  }
  const at = (node: { range?: [number, number, number] | null }): string => {
    const pos = node.range ? lineCol(text, node.range[0]) : undefined;
    return pos ? ` at line ${pos.line}, column ${pos.col}` : '';
  };
  // Tags we do not know (`!include` ...) would silently turn into strings.
  const problems: InputProblem[] = [];
  visit(doc, {
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      if (tag === undefined || !tag.startsWith('!') || tag.startsWith('!!') || !(isScalar(node) || isMap(node) || isSeq(node))) return;
      if (ansible && tag === '!unsafe' && !isScalar(node)) {
        // constructor.py construct_yaml_unsafe: the list's or mapping's strings become unsafe text
        visit(node, {
          Scalar(key, scalar) {
            if (key !== 'key' && typeof scalar.value === 'string') scalar.value = new UnsafeText(scalar.value);
          },
        });
        return;
      }
      // a vault value anywhere; unsafe text in Ansible's files only
      if (isScalar(node) && (tag === '!vault' || (ansible && tag === '!unsafe'))) return;
      problems.push({ file, path: '', message: `unsupported YAML tag ${tag}${at(node)}` });
    },
    Map(_key, map) {
      // PyYAML (flatten_mapping) applies every `<<` of a mapping in order, a later one winning
      // where two merge the same key; the `yaml` package keeps the first one's: give it the
      // merges last first. (A key written in the mapping itself wins on both sides.)
      const merges = map.items.flatMap((pair, i) => (isScalar(pair.key) && typeof pair.key.value === 'symbol' && pair.key.value.description === '<<' ? [i] : []));
      if (merges.length > 1) {
        const reversed = merges.map((i) => map.items[i]).reverse();
        merges.forEach((i, k) => {
          const pair = reversed[k];
          if (pair) map.items[i] = pair;
        });
        const second = reversed[0]?.key as { range?: [number, number, number] | null } | undefined;
        const line = second?.range ? `line ${lineCol(text, second.range[0]).line}: ` : '';
        ansible?.push(`${file}: ${line}"<<" is written twice in one mapping: where both merge the same key, the last one's value is used`);
      }
      if (ansible === undefined) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const k = pair.key.value;
        if (seen.has(k)) {
          const line = pair.key.range ? `line ${lineCol(text, pair.key.range[0]).line}: ` : '';
          ansible.push(`${file}: ${line}key "${String(k)}" is written twice in one mapping: the last value is used`);
        }
        seen.add(k);
      }
      if (merges.length > 0) mergeWarnings(map, doc, text, file, ansible);
    },
    // PyYAML (Ansible) refuses a mapping or a list as a key ("found unacceptable key"): most
    // often an unquoted `key: {{ var }}`, which YAML reads as a mapping inside a mapping.
    Pair(_key, pair) {
      const key = pair.key;
      if (!isMap(key) && !isSeq(key)) return;
      problems.push({ file, path: '', message: `a ${isMap(key) ? 'mapping' : 'list'} used as a key${at(key)}: Ansible's YAML refuses it; a value that starts with {{ must be quoted ("{{ name }}")` });
    },
  });
  if (problems.length > 0) throw new InputError(problems);
  if (opts.anchorHolders && isMap(doc.contents)) {
    const aliased = new Set<string>();
    visit(doc, { Alias: (_key, alias) => void aliased.add(alias.source) });
    for (const pair of doc.contents.items) {
      if (!isNode(pair.value)) continue;
      let holds = false;
      visit(pair.value, {
        Node(_key, node) {
          const anchor = (node as { anchor?: string }).anchor;
          if (anchor !== undefined && aliased.has(anchor)) holds = true;
          return holds ? visit.BREAK : undefined;
        },
      });
      if (holds && isScalar(pair.key)) opts.anchorHolders.add(String(pair.key.value));
    }
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError([{ file, path: '', message: `YAML error: ${firstLine(err)}` }], { cause: err });
  }
}

/** Whether a mapping entry is a YAML merge key (`<<`), as the `yaml` package marks it. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/**
 * The keys of `map` in the order PyYAML's flatten_mapping leaves them (constructor.py): the
 * keys of every `<<` source in the order the `<<` entries are written (a list's sources last
 * first, each source flattened in turn, its own duplicates kept), then the keys written in the
 * mapping. `merged` tells which came through a `<<`.
 */
function flattenedKeys(map: YAMLMap, doc: Document, stack: ReadonlySet<YAMLMap> = new Set()): { key: unknown; node: Node; merged: boolean }[] {
  if (stack.has(map)) return [];
  const inner = new Set(stack).add(map);
  const source = (n: unknown): YAMLMap | undefined => {
    const v = isAlias(n) ? n.resolve(doc) : n;
    return isMap(v) ? (v as YAMLMap) : undefined;
  };
  const merged: { key: unknown; node: Node; merged: boolean }[] = [];
  const own: { key: unknown; node: Node; merged: boolean }[] = [];
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      const v = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
      const sources = isSeq(v) ? v.items.map(source).reverse() : [source(v)];
      for (const m of sources) if (m) merged.push(...flattenedKeys(m, doc, inner).map((k) => ({ ...k, merged: true })));
    } else if (isScalar(pair.key)) own.push({ key: pair.key.value, node: pair.key, merged: false });
  }
  return [...merged, ...own];
}

/**
 * ansible-core's YAML constructor warns of every key it meets twice once `<<` merges are laid
 * out (AnsibleConstructor.construct_mapping: "found a duplicate dict key ... Using last defined
 * value only"), so a key written in a mapping that a `<<` also brings is one, and so is a key two
 * `<<` sources bring. Pushed to `warnings`, one per mapping and key.
 */
function mergeWarnings(map: YAMLMap, doc: Document, text: string, file: string, warnings: string[]): void {
  const keys = flattenedKeys(map, doc);
  const byKey = new Map<unknown, { node: Node; merged: boolean }[]>();
  for (const k of keys) byKey.set(k.key, [...(byKey.get(k.key) ?? []), k]);
  const lineOf = (n: Node | undefined): string => (n?.range ? `line ${lineCol(text, n.range[0]).line}: ` : '');
  // (the first `<<` written: the visitor may have put several in reverse order)
  const mergeKey = map.items
    .map((pair) => pair.key)
    .filter((k): k is Node => isMergeKey(k))
    .sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0))[0];
  for (const [key, found] of byKey) {
    if (found.length < 2 || !found.some((f) => f.merged)) continue;
    const written = found.filter((f) => !f.merged).at(-1);
    if (written) warnings.push(`${file}: ${lineOf(written.node)}key "${String(key)}" is written in the mapping and also merged in by "<<": the value written here is used (ansible-core warns of a duplicate key)`);
    else warnings.push(`${file}: ${lineOf(mergeKey)}key "${String(key)}" is merged in by more than one "<<" source: the first source of a "<<" list, or the last "<<", gives its value (ansible-core warns of a duplicate key)`);
  }
}

/** Reads and parses a YAML file; a missing or unreadable file is an InputError naming it. */
export async function readYamlFile(path: string, file: string = path): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError([{ file, path: '', message: `cannot read file: ${describeFsError(err)}` }], { cause: err });
  }
  return parseYaml(text, file);
}

/** Whether FILE may be executed by this process (inventory scripts, vault password scripts). */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `ENOENT` → "no such file or directory", keeping the message short and stack-free. */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a file';
    default:
      return firstLine(err);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n', 1)[0] ?? msg;
}

function stripPosition(message: string): string {
  return (message.split('\n', 1)[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}

/** A short, safe description of a value for messages (strings quoted, long ones cut). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (value instanceof VaultValue) return 'an Ansible Vault value';
  if (value instanceof UnsafeText) return describeValue(value.text);
  if (typeof value === 'string') {
    const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value instanceof PyFloat) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** The closest candidate to `word` (edit distance ≤ 2), for "did you mean" hints. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** ` (did you mean "children"?)` or ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  // Damerau (optimal string alignment): a swapped pair of letters counts as one edit.
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(a.length, b.length);
}

/**
 * Turns zod issues into InputProblems: `prefix` is where the validated value sits in the file.
 * Messages say what was expected and what was found, never zod's internal wording where we
 * can do better. Parse with `{ reportInput: true }` so issues carry the offending value.
 */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  file: string,
  prefix: string,
  knownKeys: (path: readonly PropertyKey[]) => readonly string[] = () => [],
): InputProblem[] {
  const out: InputProblem[] = [];
  for (const issue of issues) {
    const segs = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const path = joinPath(prefix, segs);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(issue.path);
        for (const key of issue.keys) {
          const hint = didYouMean(key, known);
          const expected = known.length > 0 && hint === '' ? ` (expected one of ${known.join(', ')})` : '';
          out.push({ file, path: joinPath(path, [key]), message: `unknown key "${key}"${hint}${expected}` });
        }
        break;
      }
      case 'invalid_type': {
        const custom = isCustomMessage(issue.message);
        if (input === undefined && !custom) {
          out.push({ file, path, message: `required, expected ${expectedName(issue.expected)}` });
        } else if (input instanceof VaultValue) {
          out.push({ file, path, message: 'an Ansible Vault value is accepted only for passwords' });
        } else {
          out.push({ file, path, message: custom ? issue.message : `expected ${expectedName(issue.expected)}, got ${describeValue(input)}` });
        }
        break;
      }
      case 'too_big':
        out.push({ file, path, message: isCustomMessage(issue.message) ? issue.message : `expected at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}, got ${describeSize(input, issue.origin)}` });
        break;
      case 'too_small':
        out.push({ file, path, message: isCustomMessage(issue.message) ? issue.message : `expected at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}, got ${describeSize(input, issue.origin)}` });
        break;
      case 'invalid_value':
        out.push({ file, path, message: isCustomMessage(issue.message) ? issue.message : `expected one of ${issue.values.map((v) => String(v)).join(', ')}, got ${describeValue(input)}` });
        break;
      default:
        out.push({ file, path, message: issue.message });
    }
  }
  return out;
}

function describeSize(input: unknown, origin: string): string {
  if (origin === 'string' && typeof input === 'string') return `${input.length}`;
  if (origin === 'array' && Array.isArray(input)) return `${input.length}`;
  return describeValue(input);
}

// zod's own messages start with "Invalid" / "Too"; ours are lower-case sentences.
function isCustomMessage(message: string): boolean {
  return !/^(Invalid|Too (big|small)|Expected|Unrecognized)/.test(message);
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    default:
      return expected;
  }
}

/** Keeps the first of each identical problem (a bad group var is reported once, not per host). */
export function dedupeProblems(problems: readonly InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  const out: InputProblem[] = [];
  for (const p of problems) {
    const k = `${p.file}\u0000${p.path}\u0000${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}
