// Plain scalars resolved the way PyYAML resolves them (yaml/resolver.py, constructor.py), which
// is how Ansible reads YAML (its AnsibleLoader is PyYAML's Resolver). The `yaml` package's
// YAML 1.1 schema follows the 1.1 spec, which differs on a few spellings that occur in real
// inventories: `y`/`n` are strings to PyYAML, `1e3` and `1.0e3` are strings (a float needs a dot
// and a signed exponent), `09` is a string (not octal, not decimal), `00:11:22` is a string (a
// base-60 number starts with 1-9), and a date is printed by ansible-inventory as its ISO text.
import type { ScalarTag, Tags } from 'yaml';

const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

/** Sum of base-60 digits, most significant first (PyYAML's construct_yaml_int/float). */
function sexagesimal(text: string, parse: (s: string) => number): number {
  return text.split(':').reduce((acc, part) => acc * 60 + parse(part), 0);
}

function signed(text: string): { sign: number; body: string } {
  const t = text.replace(/_/g, '');
  if (t.startsWith('-')) return { sign: -1, body: t.slice(1) };
  if (t.startsWith('+')) return { sign: 1, body: t.slice(1) };
  return { sign: 1, body: t };
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
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  default: true,
  tag: INT,
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve(text) {
    const { sign, body } = signed(text);
    if (body === '0') return 0;
    if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
    if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
    if (body.startsWith('0')) return sign * parseInt(body, 8);
    if (body.includes(':')) return sign * sexagesimal(body, (s) => parseInt(s, 10));
    return sign * parseInt(body, 10);
  },
};

const floatTag: ScalarTag = {
  identify: (v) => typeof v === 'number',
  default: true,
  tag: FLOAT,
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve(text) {
    const { sign, body } = signed(text.toLowerCase());
    if (body === '.inf') return sign * Infinity;
    if (body === '.nan') return NaN;
    if (body.includes(':')) return sign * sexagesimal(body, (s) => parseFloat(s));
    return sign * parseFloat(body);
  },
};

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
 * `customTags` (after any custom tags of one's own) with `version: '1.1'`.
 */
export function pyyamlScalars(tags: Tags): Tags {
  const replaced = new Set([BOOL, INT, FLOAT, TIMESTAMP]);
  const kept = tags.filter((t) => !(typeof t === 'object' && 'tag' in t && replaced.has(t.tag) && 'test' in t && t.test instanceof RegExp));
  return [...kept, trueTag, falseTag, intTag, floatTag, timestampTag];
}
