// JSON as Python's json.loads reads it, for comparing with ansible-inventory's output: integers
// exact (a bigint past 2^53), and a number written with a point or an exponent a PyFloat, as
// pptp-fleet keeps Python's floats (`12.0` is not 12).
import { parse, type ScalarTag } from 'yaml';
import { PyFloat } from '../../src/config/pyyaml-scalars.js';

export function pyJson(text: string): unknown {
  const exact = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    if (Array.isArray(v)) return v.map(exact);
    if (typeof v === 'object' && v !== null && !(v instanceof PyFloat)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exact(x)]));
    return v;
  };
  const float: ScalarTag = { tag: 'tag:yaml.org,2002:float', default: true, identify: () => false, test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/, resolve: (s) => new PyFloat(parseFloat(s)) };
  return exact(parse(text, { schema: 'json', intAsBigInt: true, customTags: (tags) => tags.map((t) => (typeof t === 'object' && t.tag === float.tag && !('collection' in t && t.collection) ? float : t)) }));
}
