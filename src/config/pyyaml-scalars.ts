// Plain scalars resolved the way PyYAML resolves them (yaml/resolver.py, constructor.py), which
// is how Ansible reads YAML (its AnsibleLoader is PyYAML's Resolver). The `yaml` package's
// YAML 1.1 schema follows the 1.1 spec, which differs on a few spellings that occur in real
// inventories: `y`/`n` are strings to PyYAML, `1e3` and `1.0e3` are strings (a float needs a dot
// and a signed exponent), `09` is a string (not octal, not decimal), `00:11:22` is a string (a
// base-60 number starts with 1-9), and a date is printed by ansible-inventory as its ISO text.
// Python's ints are exact: one past 2^53 is a bigint here, and a float stays one (PyFloat:
// `12.0` is not the integer 12, ansible-inventory prints it 12.0). `!!int`/`!!float` written out
// are constructed as PyYAML constructs them, and `!!omap`/`!!pairs` are lists of [key, value].
import { isMap, isSeq, YAMLSeq, type CollectionTag, type ScalarTag, type Tags } from 'yaml';

const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
const OMAP = 'tag:yaml.org,2002:omap';
const PAIRS = 'tag:yaml.org,2002:pairs';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A Python float read from an inventory (YAML `12.0`, `!!float 12`, `1.5e+3`; INI `12.0`; a
 * script's JSON `12.0`): JavaScript has one number type, Python two, and Ansible shows them
 * apart (`12.0`, not `12`; `1e+16`, `1e-05`). Its text is Python's repr; as a number (valueOf,
 * toJSON) it is `value`. Schemas see plain numbers (plainNumbers); printed JSON and text in
 * templates use repr (format.ts jsonText, load.ts).
 *
 * Example: String(new PyFloat(12)) === '12.0', JSON.stringify(new PyFloat(12)) === '12'
 */
export class PyFloat {
  constructor(readonly value: number) {}

  valueOf(): number {
    return this.value;
  }

  toJSON(): number {
    return this.value;
  }

  toString(): string {
    return pythonFloatRepr(this.value);
  }
}

/**
 * Python's repr of a float (and str, and how Jinja and json.dumps write it): the shortest
 * digits that read back the same (as JavaScript's), written in fixed notation from 1e-4 up to
 * below 1e16 with at least one digit after the point, else as d.ddde±XX.
 *
 * Example: pythonFloatRepr(12) === '12.0', pythonFloatRepr(1e16) === '1e+16', pythonFloatRepr(1e-5) === '1e-05'
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without a precision gives the shortest round-trip digits
  const [mant = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const e = Number(expText);
  const sign = x < 0 ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac === '' ? '0' : frac}`;
}

/** `v` with every PyFloat inside it a plain number (what schemas check: `ansible_port: 22.0` is 22). */
export function plainNumbers(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(plainNumbers);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainNumbers(x)]));
  }
  return v;
}

/**
 * An integer as a number, or as a bigint past 2^53 where a number would lose digits (Python's
 * ints are exact: ansible-inventory prints `serial: 12345678901234567890` as written).
 */
export function exactInteger(n: bigint): number | bigint {
  return n >= -SAFE && n <= SAFE ? Number(n) : n;
}

function signed(text: string): { negative: boolean; body: string } {
  const t = text.replace(/_/g, '');
  if (t.startsWith('-')) return { negative: true, body: t.slice(1) };
  if (t.startsWith('+')) return { negative: false, body: t.slice(1) };
  return { negative: false, body: t };
}

/** PyYAML's construct_yaml_int, exact (a bigint past 2^53), or undefined where Python's int() fails. */
function pyInt(text: string): number | bigint | undefined {
  const { negative, body } = signed(text);
  let n: bigint;
  if (body === '0') return 0;
  if (/^0b[01]+$/.test(body) || /^0x[0-9a-fA-F]+$/.test(body)) n = BigInt(body);
  else if (body.startsWith('0')) {
    // int(value, 8), which also takes a 0o prefix
    const m = /^0o?([0-7]+)$/.exec(body);
    if (!m) return undefined;
    n = BigInt(`0o${m[1] ?? ''}`);
  } else if (/^[0-9]+(?::[0-9]+)+$/.test(body)) n = body.split(':').reduce((acc, part) => acc * 60n + BigInt(part), 0n);
  else if (/^[0-9]+$/.test(body)) n = BigInt(body);
  else return undefined;
  return exactInteger(negative ? -n : n);
}

/** Python's float() of a string (a sign, digits, an exponent, inf, nan), or undefined where it fails. */
function pythonFloat(text: string): number | undefined {
  const m = /^\s*([-+]?)(?:((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?)|(inf(?:inity)?)|(nan))\s*$/i.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  if (m[4] !== undefined) return NaN;
  return sign * (m[3] !== undefined ? Infinity : Number(m[2]));
}

/** PyYAML's construct_yaml_float (`!!float 12` is 12.0, a number), or undefined where it fails. */
function pyFloat(text: string): number | undefined {
  const { negative, body } = signed(text.toLowerCase());
  const sign = negative ? -1 : 1;
  if (body === '.inf') return sign * Infinity;
  if (body === '.nan') return NaN;
  const parts = body.split(':').map(pythonFloat);
  if (parts.some((p) => p === undefined)) return undefined;
  return sign * (parts as number[]).reduce((acc, p) => acc * 60 + p, 0);
}

/** PyYAML's bool: yes/true/on and no/false/off in three casings each, never y/n. */
const boolTag = (value: boolean, words: string[]): ScalarTag => ({
  identify: (v) => v === value,
  default: true,
  tag: BOOL,
  test: new RegExp(`^(?:${words.flatMap((w) => [w, w[0]?.toUpperCase() + w.slice(1), w.toUpperCase()]).join('|')})$`),
  resolve: () => value,
});
const trueTag = boolTag(true, ['yes', 'true', 'on']);
const falseTag = boolTag(false, ['no', 'false', 'off']);

const intTag: ScalarTag = {
  identify: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
  default: true,
  tag: INT,
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve: (text) => pyInt(text) ?? text,
};

const FLOAT_TEST = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** PyYAML's float resolver; with `python`, a PyFloat (inventories), else a plain number. */
const floatTag = (python: boolean): ScalarTag => ({
  identify: (v) => v instanceof PyFloat || typeof v === 'number',
  default: true,
  tag: FLOAT,
  test: FLOAT_TEST,
  resolve: (text) => {
    const v = pyFloat(text);
    return v === undefined ? text : python ? new PyFloat(v) : v;
  },
  // (a float used as a mapping key is named by its text: a host `12.0:` is "12.0", as in Python)
  stringify: ({ value }) => (value instanceof PyFloat ? value.toString() : String(value)),
});

/**
 * `!!int TEXT` and `!!float TEXT` written out: PyYAML constructs them whatever the text looks
 * like (`!!float 12` is 12.0, `!!int "0x10"` is 16), and fails where Python's int() or float()
 * does (Ansible then cannot read the file). Not used for plain scalars (no `test`).
 */
const explicitTag = (tag: string, construct: (text: string) => number | bigint | PyFloat | undefined, what: string): ScalarTag => ({
  identify: () => false,
  default: false,
  tag,
  resolve(text, onError) {
    const v = construct(text);
    if (v === undefined) onError(`${JSON.stringify(text)} is not ${what}`);
    return v ?? text;
  },
});

/**
 * `!!omap` and `!!pairs`: PyYAML makes a list of (key, value) pairs, which Ansible shows as a
 * list of two-item lists (`!!omap [a: 1]` is [["a", 1]]); the `yaml` package's would be a Map.
 */
const pairsTag = (tag: string): CollectionTag => ({
  collection: 'seq',
  default: false,
  tag,
  identify: () => false,
  resolve(seq, onError) {
    const out = new YAMLSeq();
    if (!isSeq(seq)) {
      onError('expected a sequence of one-key mappings');
      return out;
    }
    for (const item of seq.items) {
      const pair = isMap(item) && item.items.length === 1 ? item.items[0] : undefined;
      if (!pair) {
        onError('expected a mapping of one key for each item');
        continue;
      }
      const tuple = new YAMLSeq();
      tuple.items = [pair.key, pair.value];
      out.items.push(tuple);
    }
    return out;
  },
});

const TIMESTAMP_RE =
  /^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

const pad = (n: string | undefined, width = 2): string => (n ?? '0').padStart(width, '0');

/**
 * A timestamp as ansible-inventory prints it: Python's `date.isoformat()` for a date,
 * `datetime.isoformat()` for a date and time (microseconds when a fraction is given, the
 * offset as ±HH:MM, `Z` as +00:00). Kept as text: nothing in pptp-fleet computes with dates.
 */
const timestampTag: ScalarTag = {
  identify: () => false,
  default: true,
  tag: TIMESTAMP,
  test: TIMESTAMP_RE,
  resolve(text) {
    const m = TIMESTAMP_RE.exec(text);
    if (!m) return text;
    if (m[1] !== undefined) return `${m[1]}-${m[2]}-${m[3]}`;
    let out = `${m[4]}-${pad(m[5])}-${pad(m[6])}T${pad(m[7])}:${m[8]}:${m[9]}`;
    const frac = m[10];
    if (frac !== undefined && frac !== '' && Number(frac) !== 0) out += `.${frac.slice(0, 6).padEnd(6, '0')}`;
    const tz = m[11];
    if (tz === 'Z') out += '+00:00';
    else if (tz !== undefined) {
      const [h, mm] = tz.slice(1).split(':');
      out += `${tz[0]}${pad(h)}:${pad(mm)}`;
    }
    return out;
  },
};

/**
 * The `yaml` package's YAML 1.1 tags with the scalar resolvers replaced by PyYAML's: pass as
 * `customTags` (after any custom tags of one's own) with `version: '1.1'`. `pythonFloats`:
 * floats are PyFloats (what Ansible reads), not plain numbers (pptp-fleet's own files).
 */
export function pyyamlScalars(tags: Tags, opts: { pythonFloats?: boolean } = {}): Tags {
  const python = opts.pythonFloats === true;
  const replaced = new Set([BOOL, INT, FLOAT, TIMESTAMP]);
  const kept = tags.filter(
    (t) => !(typeof t === 'object' && 'tag' in t && ((replaced.has(t.tag) && 'test' in t && t.test instanceof RegExp) || t.tag === OMAP || t.tag === PAIRS)),
  );
  return [
    ...kept, trueTag, falseTag, intTag, floatTag(python), timestampTag,
    explicitTag(INT, pyInt, 'an integer'),
    explicitTag(FLOAT, (text) => {
      const v = pyFloat(text);
      return v === undefined || !python ? v : new PyFloat(v);
    }, 'a float'),
    pairsTag(OMAP), pairsTag(PAIRS),
  ];
}
