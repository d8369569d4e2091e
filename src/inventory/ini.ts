// Ansible's INI inventory format, read the way its `ini` inventory plugin reads it
// (lib/ansible/plugins/inventory/ini.py):
//
//   r1 ansible_port=2222          # a host before any section is in `ungrouped`
//   [branches]                    # hosts, one per line: NAME[:PORT] key=value ...
//   web[01:10] ansible_user=root  # ranges as in YAML inventories
//   [branches:vars]               # key=value, one per line
//   tunnels=[{'name': 'office'}]  # values are Python literals when they parse as one
//   [emea:children]               # child group names, one per line
//   branches
//
// Host lines are split like a POSIX shell (quotes, backslashes, `#` comments); values are then
// read as Python literals (`ast.literal_eval`: 22 → number, 1.0 → PyFloat, True → boolean, [..] → list,
// '..' → string), anything else stays a string (`010`, `yes`, `{{ x }}` are strings).
// `[g:vars]` for a group never defined, or a `[g:children]` entry naming a group never
// defined, is an error, as in Ansible. Lines starting with `#` or `;` are comments.
import { shlexSplit } from '../shell/shlex.js';
import type { InputProblem } from '../errors.js';
import { describeValue, type PathSegment } from '../config/input.js';
import { exactInteger, PyFloat } from '../config/pyyaml-scalars.js';
import { addGroup, addHost, expandHostRange, GROUP_NAME, hostNameProblem, isHostName, isDescendant, linkChild, splitPort, type InventoryTree } from './tree.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_LINE = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Reads INI text into `tree` (shared with the other sources); returns the problems found. */
export function readIni(text: string, file: string, tree: InventoryTree): InputProblem[] {
  const problems: InputProblem[] = [];
  const problem = (line: number, message: string): void => {
    problems.push({ file, path: `line ${line}`, message });
  };
  // Groups named in [x:vars] or [p:children] before they are defined.
  const pending = new Map<string, { line: number; state: 'vars' | 'children'; parents: string[] }>();
  const known = (name: string): boolean => tree.groups.has(name);
  let group = 'ungrouped';
  // 'skip': the lines of a section already reported as malformed.
  let state: 'hosts' | 'vars' | 'children' | 'skip' = 'hosts';
  // Ansible's ini plugin keeps a byte order mark as part of the first line (Python's strip()
  // leaves U+FEFF): `[routers]` is then no section and the file fails, or a first host is named
  // "\ufeffr1". Never what was meant.
  if (text.startsWith('\ufeff')) {
    problem(1, 'the file starts with a UTF-8 byte order mark (BOM), which Ansible\'s INI reader takes as part of the first line: save the file without it');
    return problems;
  }

  const define = (name: string): void => {
    addGroup(tree, name, [name]);
    const p = pending.get(name);
    if (p && p.state === 'children') {
      pending.delete(name);
      for (const parent of p.parents) link(parent, name, p.line);
    } else if (p) pending.delete(name);
  };
  const link = (parent: string, child: string, line: number): void => {
    if (child === 'all') return problem(line, 'group "all" is the root of the inventory and cannot be a child group');
    if (child === parent || isDescendant(tree, child, parent)) return problem(line, `group "${child}" cannot be a child of "${parent}": that makes a loop`);
    linkChild(tree, parent, child);
  };

  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = SECTION.exec(line);
    if (sec) {
      const [, name = '', tag] = sec;
      const kind = tag ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        problem(lineNo, `section [${name}:${kind}] has unknown type "${kind}": expected [${name}], [${name}:vars] or [${name}:children]`);
        group = name;
        state = 'skip';
        continue;
      }
      if (!GROUP_NAME.test(name)) problem(lineNo, `invalid group name ${describeValue(name)}: use letters, digits, "_", "-" and "."`);
      group = name;
      state = kind;
      if (kind === 'vars') {
        if (!known(name) && !pending.has(name)) pending.set(name, { line: lineNo, state: 'vars', parents: [] });
      } else {
        define(name);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      problem(lineNo, `invalid section ${describeValue(line)}: no spaces or other characters are allowed in a section name`);
      continue;
    }
    if (state === 'skip') continue;
    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        problem(lineNo, `expected key=value, got ${describeValue(line)}`);
        continue;
      }
      const key = line.slice(0, eq).trim();
      const g = addGroup(tree, group, [group]);
      g.vars.set(key, { value: pythonLiteral(line.slice(eq + 1).trim()), origin: [group, 'vars', key], file });
    } else if (state === 'children') {
      const m = GROUP_LINE.exec(line);
      const child = m?.[1];
      if (child === undefined) {
        problem(lineNo, `expected a group name, got ${describeValue(line)}`);
        continue;
      }
      if (known(child)) link(group, child, lineNo);
      else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineNo, state: 'children', parents: [group] });
      }
    } else {
      hostLine(line, lineNo);
    }
  }
  for (const [name, p] of pending) {
    if (p.state === 'vars') problem(p.line, `section [${name}:vars] is for a group that is never defined`);
    else problem(p.line, `section [${p.parents[p.parents.length - 1] ?? ''}:children] names a group that is never defined: "${name}"`);
  }
  return problems;

  function hostLine(line: string, lineNo: number): void {
    const tokens = shellWords(line);
    if (typeof tokens === 'string') return problem(lineNo, `cannot parse the host line: ${tokens}`);
    const [first, ...rest] = tokens;
    if (first === undefined) return;
    const { pattern, port } = splitPort(first);
    if (first.endsWith(':') && port === undefined) return problem(lineNo, `invalid host ${describeValue(first)}: a trailing ":" must be followed by a port`);
    if (pattern === '---') return problem(lineNo, 'a "---" line: this looks like a YAML file, not INI');
    const names = expandHostRange(pattern);
    if (typeof names === 'string') return problem(lineNo, names);
    const vars: [string, unknown][] = [];
    for (const t of rest) {
      const eq = t.indexOf('=');
      if (eq < 0) return problem(lineNo, `expected key=value host variable, got ${describeValue(t)}`);
      vars.push([t.slice(0, eq), pythonLiteral(t.slice(eq + 1))]);
    }
    const g = addGroup(tree, group, [group]);
    for (const name of names) {
      if (!isHostName(name)) {
        problem(lineNo, hostNameProblem(name));
        continue;
      }
      const path: PathSegment[] = [group, 'hosts', name];
      const h = addHost(tree, g, name, path, file, port);
      for (const [k, v] of vars) h.vars.set(k, { value: v, origin: [...path, k], file });
    }
  }
}

/** A host line's words as Ansible's INI plugin splits them: `shlex.split(line, comments=True)`. */
export const shellWords = (line: string): string[] | string => shlexSplit(line, { comments: true });

/**
 * The value of `text` read as Python's `ast.literal_eval` reads it (numbers, strings, True,
 * False, None, lists, tuples as lists, dicts), or `text` itself when it is not a literal. A `#`
 * after the literal starts a comment, as Python's tokenizer reads it: `[g:vars]`'s
 * `ansible_port=2222  # dropbear` is 2222 (a `#` inside a string is the string's).
 */
export function pythonLiteral(text: string): unknown {
  const p = new LiteralParser(text);
  try {
    const v = p.expression();
    p.ws();
    if (!p.done() && !p.atComment()) return text;
    return v;
  } catch {
    return text;
  }
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  ws(): void {
    while (this.i < this.s.length && /[ \t]/.test(this.s[this.i] ?? '')) this.i++;
  }

  atComment(): boolean {
    return this.s[this.i] === '#';
  }

  private fail(): never {
    throw new Error('not a literal');
  }

  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }

  /** A value, or a tuple without parentheses (`80,443` is (80, 443), `True,` is (True,)): a list. */
  expression(): unknown {
    const first = this.value();
    if (!this.eat(',')) return first;
    const items = [first];
    for (;;) {
      this.ws();
      if (this.done()) return items;
      items.push(this.value());
      if (!this.eat(',')) return items;
    }
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail();
    if (c === '[') return this.seq(']');
    if (c === '(') return this.seq(')', true);
    if (c === '{') return this.dict();
    if (c === "'" || c === '"') {
      let str = this.str();
      // Adjacent literals concatenate: 'a' 'b'.
      for (;;) {
        this.ws();
        const n = this.s[this.i];
        if (n !== "'" && n !== '"') break;
        str += this.str();
      }
      return str;
    }
    if (c === '-' || c === '+') {
      // Python 3.11's literal_eval takes one sign before a number, and no second one: `--1` and
      // `-(-1)` stay text.
      this.i++;
      const v = this.signedOperand();
      if (c === '+') return v;
      return v instanceof PyFloat ? new PyFloat(-v.value) : -v;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    // String prefixes: u'' and b'' read as plain strings (Ansible turns bytes into text), r''
    // keeps its backslashes.
    const next = this.s[this.i + (word?.length ?? 0)];
    if (word !== undefined && /^(?:[uUbB]|[rR]|[bB][rR]|[rR][bB])$/.test(word) && (next === "'" || next === '"')) {
      this.i += word.length;
      return this.str(/[rR]/.test(word));
    }
    if (word !== undefined) {
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      this.fail();
    }
    return this.num();
  }

  /** What may follow a sign: a number, maybe in parentheses (`-(1)` is -1). */
  private signedOperand(): number | bigint | PyFloat {
    this.ws();
    if (this.s[this.i] !== '(') return this.num();
    this.i++;
    const v = this.signedOperand();
    if (!this.eat(')')) this.fail();
    return v;
  }

  /** A number; an integer past 2^53 is a bigint (Python's ints are exact), a float a PyFloat (`12.0` is not 12). */
  private num(): number | bigint | PyFloat {
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+/.exec(rest) ?? /^0[oO](?:_?[0-7])+/.exec(rest) ?? /^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:[0-9](?:_?[0-9])*\.(?:[0-9](?:_?[0-9])*)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9]+)?/.exec(rest) ??
      /^[0-9](?:_?[0-9])*[eE][+-]?[0-9]+/.exec(rest) ??
      /^(?:[1-9](?:_?[0-9])*|0+(?:_?0)*)/.exec(rest);
    if (!m) this.fail();
    const t = m[0].replace(/_/g, '');
    this.i += m[0].length;
    if (/^[0-9A-Za-z_.]/.test(this.s[this.i] ?? ' ')) this.fail();
    if (/^0[xXoObB]/.test(t)) return exactInteger(BigInt(t.toLowerCase()));
    if (/^[0-9]+$/.test(t)) return exactInteger(BigInt(t));
    return new PyFloat(Number(t));
  }

  private str(raw = false): string {
    const q = this.s[this.i] ?? '';
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i] ?? '';
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\' && raw) {
        // A raw string keeps the backslash, and a backslash still protects the quote.
        out += c + (this.s[this.i + 1] ?? '');
        this.i += 2;
        continue;
      }
      if (c === '\\') {
        const rest = this.s.slice(this.i + 1);
        // Python's escapes: \x41, \u0041, \U00000041, octal \101; unknown ones keep the backslash.
        const code = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^U([0-9a-fA-F]{8})|^([0-7]{1,3})/.exec(rest);
        if (code) {
          const hex = code[1] ?? code[2] ?? code[3];
          out += String.fromCodePoint(hex !== undefined ? parseInt(hex, 16) : parseInt(code[4] ?? '0', 8));
          this.i += 1 + code[0].length;
          continue;
        }
        const n = rest[0] ?? '';
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '\n': '' };
        const mapped = map[n];
        out += mapped ?? `\\${n}`;
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    return this.fail();
  }

  /** A list, or with `paren` a tuple (as a list) or a parenthesized value: `(1)` is 1, `(1,)` is [1]. */
  private seq(close: string, paren = false): unknown {
    this.i++;
    const items: unknown[] = [];
    if (this.eat(close)) return items;
    for (;;) {
      items.push(this.value());
      if (this.eat(close)) return paren && items.length === 1 ? items[0] : items;
      if (!this.eat(',')) this.fail();
      if (this.eat(close)) return items;
    }
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    if (this.eat('}')) return out;
    for (;;) {
      const k = this.value();
      if (!this.eat(':')) this.fail();
      const v = this.value();
      if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'bigint' && typeof k !== 'boolean' && !(k instanceof PyFloat)) this.fail();
      out[String(k)] = v;
      if (this.eat('}')) return out;
      if (!this.eat(',')) this.fail();
      if (this.eat('}')) return out;
    }
  }
}
