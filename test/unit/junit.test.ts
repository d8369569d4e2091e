import { readFile } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Report, ReportHost } from '../../src/report/json.js';
import { buildJUnit, xmlAttr, xmlText } from '../../src/report/junit.js';

const fixtureReport = async (): Promise<Report> =>
  JSON.parse(await readFile(new URL('../fixtures/reports/rollout-stopped.json', import.meta.url), 'utf8')) as Report;

// ---- A checker for the rules of Jenkins' junit-10.xsd (xunit-plugin), the schema GitLab's
// and Jenkins' JUnit readers follow, plus the Ant/Surefire child order (skipped/failure/error
// before system-out/system-err) that stricter readers expect.

interface El {
  tag: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

type Node = Record<string, unknown>;

function toEl(node: Node): El | null {
  const tag = Object.keys(node).find((k) => k !== ':@');
  if (tag === undefined || tag === '#text') return null;
  const raw = (node[tag] ?? []) as Node[];
  const el: El = { tag, attrs: (node[':@'] ?? {}) as Record<string, string>, children: [], text: '' };
  for (const child of raw) {
    if ('#text' in child) el.text += String(child['#text']);
    else {
      const c = toEl(child);
      if (c) el.children.push(c);
    }
  }
  return el;
}

function parse(xml: string): El {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    htmlEntities: true,
  });
  const nodes = (parser.parse(xml) as Node[]).map(toEl).filter((e): e is El => e !== null);
  if (nodes.length !== 1 || !nodes[0]) throw new Error(`expected one root element, got ${nodes.length}`);
  return nodes[0];
}

const SUREFIRE_TIME = /^(?:(?:[0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(?:\.[0-9]*)?$/;
const COUNT = /^(0|[1-9][0-9]*)$/;
const TESTSUITES_ATTRS = ['name', 'time', 'tests', 'failures', 'errors'];
const TESTSUITE_ATTRS = ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'];
const TESTCASE_ATTRS = ['name', 'time', 'classname', 'group'];
const RESULT_ATTRS = ['type', 'message'];
const TESTCASE_CHILDREN = ['skipped', 'error', 'failure', 'rerunFailure', 'rerunError', 'flakyFailure', 'flakyError', 'system-out', 'system-err'];

function checkAttrs(el: El, allowed: string[], required: string[], errors: string[]): void {
  for (const a of Object.keys(el.attrs)) if (!allowed.includes(a)) errors.push(`<${el.tag}> has undeclared attribute ${a}`);
  for (const a of required) if (el.attrs[a] === undefined) errors.push(`<${el.tag}> lacks required attribute ${a}`);
  if (el.attrs.time !== undefined && !SUREFIRE_TIME.test(el.attrs.time)) errors.push(`<${el.tag}> time="${el.attrs.time}" is not a SUREFIRE_TIME`);
  for (const a of ['tests', 'failures', 'errors', 'skipped']) {
    const v = el.attrs[a];
    if (v !== undefined && !COUNT.test(v)) errors.push(`<${el.tag}> ${a}="${v}" is not a count`);
  }
}

function elementOnly(el: El, errors: string[]): void {
  if (el.text.trim() !== '') errors.push(`<${el.tag}> has text content`);
}

function checkTestcase(tc: El, errors: string[]): void {
  checkAttrs(tc, TESTCASE_ATTRS, ['name'], errors);
  elementOnly(tc, errors);
  let seenOutput = false;
  for (const c of tc.children) {
    if (!TESTCASE_CHILDREN.includes(c.tag)) errors.push(`<testcase> has child <${c.tag}>`);
    if (c.tag === 'system-out' || c.tag === 'system-err') seenOutput = true;
    else if (seenOutput) errors.push(`<${c.tag}> after system-out/system-err in <testcase name="${tc.attrs.name}">`);
    if (['skipped', 'error', 'failure'].includes(c.tag)) checkAttrs(c, RESULT_ATTRS, [], errors);
    if (c.children.length > 0) errors.push(`<${c.tag}> has child elements`);
  }
  if (tc.children.filter((c) => c.tag === 'skipped').length > 1) errors.push('<testcase> has more than one <skipped>');
}

function checkTestsuite(ts: El, errors: string[]): void {
  checkAttrs(ts, TESTSUITE_ATTRS, ['name', 'tests', 'failures', 'errors'], errors);
  elementOnly(ts, errors);
  const cases = ts.children.filter((c) => c.tag === 'testcase');
  for (const c of ts.children) {
    if (!['testsuite', 'properties', 'testcase', 'system-out', 'system-err'].includes(c.tag)) errors.push(`<testsuite> has child <${c.tag}>`);
    if (c.tag === 'testcase') checkTestcase(c, errors);
  }
  const count = (tag: string): number => cases.filter((c) => c.children.some((x) => x.tag === tag)).length;
  if (Number(ts.attrs.tests) !== cases.length) errors.push(`<testsuite name="${ts.attrs.name}"> tests=${ts.attrs.tests} but has ${cases.length}`);
  if (Number(ts.attrs.failures) !== count('failure')) errors.push(`<testsuite name="${ts.attrs.name}"> failures mismatch`);
  if (Number(ts.attrs.errors) !== count('error')) errors.push(`<testsuite name="${ts.attrs.name}"> errors mismatch`);
  if (ts.attrs.skipped !== undefined && Number(ts.attrs.skipped) !== count('skipped')) errors.push(`<testsuite name="${ts.attrs.name}"> skipped mismatch`);
}

/** Every junit-10.xsd rule the document breaks (empty when valid). */
function junitSchemaErrors(xml: string): string[] {
  const errors: string[] = [];
  // XML 1.0 Char production: nothing else may appear, even escaped.
  if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) errors.push('contains characters XML 1.0 forbids');
  if (/&#(x0*[0-8bcef]|x0*1[0-9a-f]|0*[0-8]|0*1[124-9]|0*2[0-9]|0*3[01]);/i.test(xml)) errors.push('contains a reference to a forbidden character');
  const root = parse(xml);
  if (root.tag !== 'testsuites') return [`root is <${root.tag}>, not <testsuites>`];
  checkAttrs(root, TESTSUITES_ATTRS, [], errors);
  elementOnly(root, errors);
  for (const c of root.children) {
    if (c.tag !== 'testsuite') errors.push(`<testsuites> has child <${c.tag}>`);
    else checkTestsuite(c, errors);
  }
  const cases = root.children.flatMap((s) => s.children.filter((c) => c.tag === 'testcase'));
  if (root.attrs.tests !== undefined && Number(root.attrs.tests) !== cases.length) errors.push('<testsuites> tests mismatch');
  const failures = cases.filter((c) => c.children.some((x) => x.tag === 'failure')).length;
  if (root.attrs.failures !== undefined && Number(root.attrs.failures) !== failures) errors.push('<testsuites> failures mismatch');
  return errors;
}

const suites = (root: El): El[] => root.children.filter((c) => c.tag === 'testsuite');
const cases = (suite: El): El[] => suite.children.filter((c) => c.tag === 'testcase');

function host(over: Partial<ReportHost>): ReportHost {
  return {
    name: 'r001', status: 'ok', changes: [], tunnels: [], sshExecs: 1, durationMs: 10,
    error: null, step: null, rolledBack: false, batch: null, ...over,
  };
}

function report(hosts: ReportHost[], over: Partial<Report> = {}): Report {
  const summary = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const h of hosts) summary[h.status] += 1;
  return {
    version: 1, command: 'apply', check: false, startedAt: '2026-11-26T23:40:42.000Z', durationMs: 5000,
    summary, batches: [], stopped: null, hosts, ...over,
  };
}

// ---- Tests

describe('the junit-10.xsd checker itself', () => {
  it.each([
    ['a missing required attribute', '<testsuites><testsuite name="x" tests="0" failures="0"/></testsuites>'],
    ['an undeclared attribute on <testsuites>', '<testsuites skipped="0"/>'],
    ['a bad time', '<testsuites time="1s"/>'],
    ['a wrong count', '<testsuites><testsuite name="x" tests="2" failures="0" errors="0"><testcase name="a"/></testsuite></testsuites>'],
    ['failure after system-out', '<testsuites><testsuite name="x" tests="1" failures="1" errors="0"><testcase name="a"><system-out/><failure/></testcase></testsuite></testsuites>'],
    ['a forbidden character reference', '<testsuites name="&#27;"/>'],
    ['malformed XML', '<testsuites><testsuite></testsuites>'],
  ])('rejects %s', (_what, xml) => {
    let errors: string[];
    try {
      errors = junitSchemaErrors(xml);
    } catch (err) {
      errors = [String(err)];
    }
    expect(errors).not.toEqual([]);
  });
});

describe('buildJUnit', () => {
  it('is valid junit-10 XML with one suite per batch and one case per host', async () => {
    const xml = buildJUnit(await fixtureReport());
    expect(junitSchemaErrors(xml)).toEqual([]);
    const root = parse(xml);
    expect(root.attrs).toEqual({ name: 'pptp-fleet apply', tests: '5', failures: '2', errors: '0', time: '6.789' });
    expect(suites(root).map((s) => [s.attrs.name, cases(s).map((c) => c.attrs.name)])).toEqual([
      ['batch 1', ['r001', 'r005']],
      ['batch 2', ['r002', 'r003']],
      ['batch 3', ['r004']],
    ]);
    expect(suites(root).map((s) => s.attrs)).toEqual([
      { name: 'batch 1', tests: '2', failures: '0', errors: '0', skipped: '0', time: '1.249' },
      { name: 'batch 2', tests: '2', failures: '2', errors: '0', skipped: '0', time: '5.501' },
      { name: 'batch 3', tests: '1', failures: '0', errors: '0', skipped: '1', time: '0.000' },
    ]);
  });

  it('writes a failure with step, error, tunnel verdicts and hints', async () => {
    const root = parse(buildJUnit(await fixtureReport()));
    const [r002, r003] = cases(suites(root)[1] as El);
    expect(r002?.attrs).toEqual({ classname: 'pptp-fleet.apply', name: 'r002', time: '2.500' });
    const failure = r002?.children.find((c) => c.tag === 'failure');
    expect(failure?.attrs).toEqual({ message: 'verify: tunnel office: auth_failed', type: 'failed' });
    expect(failure?.text).toBe(
      [
        'host: r002',
        'status: failed',
        'step: verify',
        'error: tunnel office: auth_failed',
        'tunnel office: up, before rollback: auth_failed (hint: check the username and password in /etc/ppp/chap-secrets)',
        'rolled back: yes',
      ].join('\n'),
    );
    expect(r003?.children.find((c) => c.tag === 'failure')?.attrs).toEqual({
      message: 'connect: connect ECONNREFUSED 127.0.0.1:2203',
      type: 'unreachable',
    });
  });

  it('marks hosts of batches that never ran as skipped, with the reason', async () => {
    const root = parse(buildJUnit(await fixtureReport()));
    const r004 = cases(suites(root)[2] as El)[0];
    expect(r004?.children.map((c) => [c.tag, c.attrs])).toEqual([['skipped', { message: 'rollout stopped after batch 2' }]]);
  });

  it('says where the rollout stopped when a skipped host has no reason of its own', () => {
    const r = report([host({ name: 'a', status: 'failed', batch: 1 }), host({ name: 'b', status: 'skipped', batch: 2 })], {
      batches: [{ index: 1, hosts: ['a'], failed: 1, stopped: 'x' }],
      stopped: { batch: 1, reason: 'x' },
    });
    const xml = buildJUnit(r);
    expect(junitSchemaErrors(xml)).toEqual([]);
    expect(xml).toContain('<skipped message="rollout stopped at batch 1"/>');
  });

  it('lists changes and tunnels of successful hosts in system-out', async () => {
    const root = parse(buildJUnit(await fixtureReport()));
    const r001 = cases(suites(root)[0] as El)[0];
    expect(r001?.children.map((c) => c.tag)).toEqual(['system-out']);
    expect(r001?.children[0]?.text).toBe(
      [
        'changes (3):',
        '  install package pptp: not installed: pptp',
        '  write-file file /etc/ppp/peers/office: peer file of tunnel office: out of date',
        '  tunnel-restart tunnel office: its configuration changed',
        'tunnels:',
        '  office: up 192.168.77.10 -> 192.168.77.1',
      ].join('\n'),
    );
  });

  it('puts everything in one pptp-fleet suite when the run was not staged', () => {
    const xml = buildJUnit(report([host({ name: 'a', batch: 1 }), host({ name: 'b', status: 'changed', batch: 1 })], { check: true }));
    expect(junitSchemaErrors(xml)).toEqual([]);
    const root = parse(xml);
    expect(root.attrs.name).toBe('pptp-fleet apply --check');
    expect(suites(root).map((s) => [s.attrs.name, s.attrs.tests])).toEqual([['pptp-fleet', '2']]);
  });

  it('is valid for a run with no hosts', () => {
    const xml = buildJUnit(report([]));
    expect(junitSchemaErrors(xml)).toEqual([]);
    expect(parse(xml).attrs.tests).toBe('0');
  });

  it('escapes hostile strings and drops characters XML cannot carry', () => {
    const hostile = `r"1'<x>&amp;]]>\u0000\u0007\u001b[31m\uD800\uFFFE\nline2\ttab`;
    const r = report([
      host({ name: hostile, status: 'failed', step: `st<e>p"`, error: hostile, tunnels: [
        { name: '<t>', verdict: 'other', localIp: null, remoteIp: null, hint: `a & b "c" <d>` },
      ] }),
      host({ name: 'ok', changes: [{ resource: 'file', target: '/etc/<x>&"y"', action: 'write-file' }] }),
      host({ name: 's', status: 'skipped', error: '</skipped><injected/>' }),
    ], { command: 'ap"ply<' });
    const xml = buildJUnit(r);
    expect(junitSchemaErrors(xml)).toEqual([]);
    const root = parse(xml);
    const [bad, ok, skipped] = cases(suites(root)[0] as El);
    const cleaned = `r"1'<x>&amp;]]>[31m\nline2\ttab`;
    expect(bad?.attrs.name).toBe(cleaned);
    expect(bad?.attrs.classname).toBe('pptp-fleet.ap"ply<');
    // message is one line; the body keeps the newline.
    expect(bad?.children[0]?.attrs.message).toBe(`st<e>p": r"1'<x>&amp;]]>[31m line2 tab`);
    expect(bad?.children[0]?.text).toContain(`error: ${cleaned}\n`);
    expect(bad?.children[0]?.text).toContain('tunnel <t>: other (hint: a & b "c" <d>)');
    expect(ok?.children[0]?.text).toContain('write-file file /etc/<x>&"y"');
    expect(skipped?.children).toEqual([expect.objectContaining({ tag: 'skipped', attrs: { message: '</skipped><injected/>' } })]);
    expect(xml).not.toContain('<injected/>');
  });
});

describe('xml escaping', () => {
  it('escapes text and attributes', () => {
    expect(xmlText('a<b>&c"\'')).toBe('a&lt;b&gt;&amp;c"\'');
    expect(xmlAttr('a<b>&c"\'\n\t\r')).toBe('a&lt;b&gt;&amp;c&quot;&apos;&#10;&#9;&#13;');
  });

  it('keeps characters outside the BMP and drops lone surrogates', () => {
    expect(xmlText('ok 😀 \uDC00 \u0001end')).toBe('ok 😀  end');
  });
});
