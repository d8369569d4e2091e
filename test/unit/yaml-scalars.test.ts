// Plain YAML scalars read as PyYAML reads them (Ansible's YAML loader), checked against the
// python3-yaml that Debian's ansible-core depends on: the same value for every spelling.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseYaml } from '../../src/config/input.js';
import { PyFloat, pythonFloatRepr } from '../../src/config/pyyaml-scalars.js';

const SPELLINGS = [
  '1', '-0', '+12', '010', '09', '0b101', '0x1F', '0o10', '1_000', '1__0', '12:30', '190:20:30', '00:11:22', '00:11:22:33:44:55',
  '1.5', '0.', '.5', '._5', '1e3', '1.0e3', '1.5e+3', '1.5E-2', '1:20.5', '1.2.3', '+.inf', '-.Inf',
  'true', 'True', 'TRUE', 'yes', 'Yes', 'on', 'On', 'y', 'Y', 'n', 'no', 'NO', 'off', 'Off', 'false',
  'null', 'Null', 'NULL', '~', '', 'none', 'None',
  '2001-01-01', '2001-1-1', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-15T02:59:43.1Z', '2002-12-14 01:02:03',
  "'1'", '"yes"', 'a b', '10.0.0.1', '1.2.3.4/24',
  // Python's ints are exact; tags written out
  '12345678901234567890', '-0x1FFFFFFFFFFFFFFFFF', '9007199254740993', '!!float 12', '!!float "1e3"', '!!float 1:30', '!!int "0x10"', '!!int "12"',
  '!!omap [a: 1, b: 2]', '!!pairs [a: 1, a: 2]',
];

// What ansible-inventory prints for each value: JSON, dates as isoformat() (AnsibleJSONEncoder).
const PY = String.raw`
import json, sys, datetime, yaml
out = []
for s in json.load(sys.stdin):
    v = yaml.safe_load('k: ' + s)['k']
    if isinstance(v, (datetime.date, datetime.datetime)): v = v.isoformat()
    if isinstance(v, float) and v != v: v = 'nan'
    elif isinstance(v, float) and v in (float('inf'), float('-inf')): v = str(v)
    out.append(v)
print(json.dumps(out))
`;

const exact = (v: unknown): unknown => {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return Array.isArray(v) ? v.map(exact) : v;
};

const hasPyYaml = (() => {
  try {
    execFileSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPyYaml)('YAML scalars as PyYAML (Ansible) reads them', () => {
  it('gives the value python3-yaml gives for every spelling', () => {
    // (read digit by digit: JSON.parse would round an integer past 2^53)
    const theirs = (parse(execFileSync('python3', ['-c', PY], { input: JSON.stringify(SPELLINGS), encoding: 'utf8' }), { schema: 'json', intAsBigInt: true }) as unknown[]).map(exact);
    const ours = SPELLINGS.map((s) => {
      const v = (parseYaml(`k: ${s}`, 'test.yml') as { k: unknown }).k;
      if (typeof v === 'number' && Number.isNaN(v)) return 'nan';
      if (v === Infinity) return 'inf';
      if (v === -Infinity) return '-inf';
      return v;
    });
    expect(Object.fromEntries(SPELLINGS.map((s, i) => [s, ours[i]]))).toEqual(Object.fromEntries(SPELLINGS.map((s, i) => [s, theirs[i]])));
  });
});

describe.skipIf(!hasPyYaml)("floats in inventories are Python's floats", () => {
  it('in an inventory or vars file (Ansible\'s reading) a number is an int or a float as python3-yaml types it, a float written as repr writes it', () => {
    const PY_TYPES = String.raw`
import json, sys, yaml
out = []
for s in json.load(sys.stdin):
    v = yaml.safe_load('k: ' + s)['k']
    out.append(type(v).__name__ + ':' + repr(v) if type(v) in (int, float) else None)
print(json.dumps(out))
`;
    const theirs = JSON.parse(execFileSync('python3', ['-c', PY_TYPES], { input: JSON.stringify(SPELLINGS), encoding: 'utf8' })) as (string | null)[];
    const ours = SPELLINGS.map((s) => {
      const v = (parseYaml(`k: ${s}`, 'hosts.yml', { ansibleWarnings: [] }) as { k: unknown }).k;
      if (v instanceof PyFloat) return `float:${String(v)}`;
      return typeof v === 'number' || typeof v === 'bigint' ? `int:${String(v)}` : null;
    });
    expect(Object.fromEntries(SPELLINGS.map((s, i) => [s, ours[i]]))).toEqual(Object.fromEntries(SPELLINGS.map((s, i) => [s, theirs[i]])));
  });

  it("pythonFloatRepr writes a double as Python's repr does (fixed from 1e-4 to below 1e16, else d.ddde±XX)", () => {
    const values = [12, 12.5, 1e16, 1e15, 9999999999999998, 1e-5, 1e-4, 0.1, 1 / 3, 2 / 3, 1.5e300, 5e-324, 1.7976931348623157e308, -0, 0, -1e-7, 1e21, 1e22, 123.456, 0.000123, 2 ** 53 + 2, 123456789.125, 1e15 + 0.5, -2.5e-10, 100, NaN, Infinity, -Infinity];
    const PY_REPR = 'import json, sys\nprint(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))';
    // (JSON has no NaN or infinities: sent as Python's spellings, float() reads them)
    const input = JSON.stringify(values.map((v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Object.is(v, -0) ? '-0.0' : v)));
    const theirs = JSON.parse(execFileSync('python3', ['-c', PY_REPR], { input, encoding: 'utf8' })) as string[];
    expect(values.map(pythonFloatRepr)).toEqual(theirs);
  });
});
