// Ansible's INI inventory rules: values read as Python literals, host lines split like a
// POSIX shell, and every malformed line an error naming file and line.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors.js';
import { pythonLiteral, shellWords } from '../../src/inventory/ini.js';
import { loadInventory } from '../../src/inventory/load.js';
import { PyFloat } from '../../src/config/pyyaml-scalars.js';

// Expected values produced by `python3 -c 'import ast; print(ast.literal_eval(V))'` (a
// ValueError/SyntaxError there means the text stays a string, as in Ansible's ini plugin; a
// float is a PyFloat: 12.0 is not the integer 12).
const LITERALS: [string, unknown][] = [
  ['1', 1], ['010', '010'], ['0', 0], ['00', 0], ['-4', -4], ['1.5', new PyFloat(1.5)], ['1e3', new PyFloat(1000)], ['12.0', new PyFloat(12)], ['-1.5', new PyFloat(-1.5)], ['0x1F', 31],
  ['True', true], ['yes', 'yes'], ['None', null], ["'q'", 'q'], ['"a b"', 'a b'], ["[1, 'a']", [1, 'a']],
  ["{'a': 1, 'b': [True, None]}", { a: 1, b: [true, null] }], ['(1,2)', [1, 2]], ['(1)', 1], ['1_000', 1000],
  ['{{ x }}', '{{ x }}'], ['abc', 'abc'], ["'a' 'b'", 'ab'], ['[1,]', [1]], ['5.', new PyFloat(5)], ['.5', new PyFloat(0.5)], ['+3', 3],
  ['1.2.3.4', '1.2.3.4'], ['2222', 2222], ['[unclosed', '[unclosed'],
  // a tuple without parentheses, string prefixes, Python's escapes
  ['--1', '--1'], ['+-1', '+-1'], ['-(-1)', '-(-1)'], ['-(1)', -1], ['- 1', -1], ['-True', '-True'],
  ['12345678901234567890', 12345678901234567890n], ['-0x1FFFFFFFFFFFFFFFFF', -590295810358705651711n],
  ['80,443', [80, 443]], ['True,', [true]], ["'a', 'b'", ['a', 'b']], ['8.8.8.8,1.1.1.1', '8.8.8.8,1.1.1.1'], ['1,,2', '1,,2'],
  ["u'x'", 'x'], ["b'x'", 'x'], ["r'a\\b'", 'a\\b'], ["'\\x41\\101\\u00e9'", 'AAé'], ["'a\\qb'", 'a\\qb'], ["f'x'", "f'x'"],
];

describe('INI values are Python literals, as ast.literal_eval reads them', () => {
  it.each(LITERALS)('%s', (text, want) => {
    expect(pythonLiteral(text)).toEqual(want);
  });
});

describe('host lines are split like shlex.split(line, comments=True)', () => {
  it.each([
    ['r1 a=1 b="x y"', ['r1', 'a=1', 'b=x y']],
    ["r1 a='it''s'", ['r1', 'a=its']],
    ['r1 a=b\\ c # comment', ['r1', 'a=b c']],
    ['r1 a=x#y', ['r1', 'a=x']],
    ['r1 a="q\\"q"', ['r1', 'a=q"q']],
  ] as [string, string[]][])('%s', (line, want) => {
    expect(shellWords(line)).toEqual(want);
  });
});

async function problemsOf(text: string): Promise<InputProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'inv-ini-'));
  const file = join(dir, 'hosts');
  await writeFile(file, text);
  try {
    await loadInventory(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems.map((p) => ({ ...p, file: p.file.slice(dir.length + 1) }));
  }
  throw new Error('loaded without problems');
}

describe('malformed INI: file, line and what is wrong, all at once', () => {
  it.each([
    ['[g:hostvars]\nr1\n', [{ file: 'hosts', path: 'line 1', message: 'section [g:hostvars] has unknown type "hostvars": expected [g], [g:vars] or [g:children]' }]],
    ['[g:vars]\nx=1\n', [{ file: 'hosts', path: 'line 1', message: 'section [g:vars] is for a group that is never defined' }]],
    ['[p:children]\nnope\n', [{ file: 'hosts', path: 'line 2', message: 'section [p:children] names a group that is never defined: "nope"' }]],
    ['[g]\nr1 a="open\n', [{ file: 'hosts', path: 'line 2', message: 'cannot parse the host line: no closing quotation' }]],
    ['[g]\nr1 novalue\n', [{ file: 'hosts', path: 'line 2', message: 'expected key=value host variable, got "novalue"' }]],
    ['[g]\nr1:\n', [{ file: 'hosts', path: 'line 2', message: 'invalid host "r1:": a trailing ":" must be followed by a port' }]],
    ['[g]\nr1\n[g:vars]\njust words\n', [{ file: 'hosts', path: 'line 4', message: 'expected key=value, got "just words"' }]],
    ['[g ]\n', [{ file: 'hosts', path: 'line 1', message: 'invalid section "[g ]": no spaces or other characters are allowed in a section name' }]],
    // (Ansible reads this one, with a host named "\ufeff": never what was meant)
    ['\ufeff# hosts\n[g]\nr1\n', [{ file: 'hosts', path: 'line 1', message: "the file starts with a UTF-8 byte order mark (BOM), which Ansible's INI reader takes as part of the first line: save the file without it" }]],
    // (a router: a host without tunnels is left out with a warning instead, inventory-load.test.ts)
    ['[g]\nr1 ansible_port=seventy tunnels=\'[{"name": "t", "server": "127.0.0.1", "username": "u", "password": {"env": "X"}}]\'\n', [{ file: 'hosts', path: 'g.hosts.r1.ansible_port', message: 'expected a port number (1-65535), got "seventy"' }]],
  ] as [string, InputProblem[]][])('%j', async (text, want) => {
    expect(await problemsOf(text)).toEqual(want);
  });

  it('a group defined after its [g:vars] and [p:children] is fine (Ansible resolves them at the end)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-ini-'));
    await writeFile(join(dir, 'hosts'), '[p:children]\ng\n[g:vars]\nx=1\n[g]\nr1\n');
    const inv = await loadInventory(join(dir, 'hosts'));
    expect(inv.hosts[0]?.groups).toEqual(['p', 'g']);
    expect(inv.hosts[0]?.vars.x).toBe(1);
  });
});

describe('bad vars files and list-form JSON', () => {
  it.each([
    ['group_vars/all.yml', '- a list\n', 'group_vars/all.yml', '', 'expected a mapping of variables, got a list'],
    ['host_vars/r1.yml', 'a: [\n', 'host_vars/r1.yml', '', /^YAML syntax error/],
    ['group_vars/all.yml', 'ansible_port: "{{ p | int }}"\np: 22\n', 'group_vars/all.yml', 'ansible_port', /^Jinja templates are not evaluated/],
  ] as [string, string, string, string, string | RegExp][])('%s: %j', async (rel, text, file, path, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-vars-'));
    await mkdir(join(dir, 'group_vars'));
    await mkdir(join(dir, 'host_vars'));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    r1: { tunnels: [{ name: t, server: 127.0.0.1, username: u, password: { env: X } }] }\n');
    await writeFile(join(dir, rel), text);
    const got = await loadInventory([dir]).then(() => [], (err: InputError) => [...err.problems]);
    expect(got.map((p) => ({ ...p, file: p.file.slice(dir.length + 1) }))).toEqual([{ file, path, message: typeof message === 'string' ? message : expect.stringMatching(message) }]);
  });

  it('a typo in --list JSON is an error, not dropped hosts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-json-'));
    await writeFile(join(dir, 'inv.json'), JSON.stringify({ _meta: { hostvars: {} }, g: { hots: ['r1'] } }));
    const got = await loadInventory(join(dir, 'inv.json')).then(() => [], (err: InputError) => [...err.problems]);
    expect(got.map((p) => [p.path, p.message])).toEqual([['g.hots', 'unknown group key "hots" (did you mean "hosts"?): a group has only hosts, children and vars']]);
  });
});

describe('which reader a file gets', () => {
  it.each([
    ['hosts', 'r1:2222\n', { r1: 2222 }],
    ['hosts', 'all:\n  hosts:\n    r1: { ansible_port: 2200 }\n', { r1: 2200 }],
    ['hosts.cfg', '[g]\nr1 ansible_port=2201\n', { r1: 2201 }],
  ] as [string, string, Record<string, number>][])('%s: %j', async (name, text, ports) => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-kind-'));
    await writeFile(join(dir, name), text);
    const inv = await loadInventory(join(dir, name));
    expect(Object.fromEntries(inv.hosts.map((h) => [h.name, h.port]))).toEqual(ports);
  });
});

describe('inventory plugin configurations (plugin: ...), which pptp-fleet cannot run', () => {
  const dirWith = async (files: Record<string, string>): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-plugin-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  };
  const hosts = '[routers]\ngw1 ansible_host=127.0.0.1\n';

  it("in a directory, a cloud or CMDB plugin's file is left out with a warning, as Ansible skips a source its plugin cannot read", async () => {
    const dir = await dirWith({ hosts, 'aws_ec2.yml': 'plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n', 'netbox.yml': 'plugin: netbox.netbox.nb_inventory\n' });
    const inv = await loadInventory(dir);
    expect(inv.hosts.map((h) => h.name)).toEqual(['gw1']);
    expect(inv.warnings).toEqual([
      `${join(dir, 'aws_ec2.yml')}: plugin: amazon.aws.aws_ec2 is an inventory plugin pptp-fleet cannot run: its hosts are left out (export them with ansible-inventory -i FILE --list > inventory.json)`,
      `${join(dir, 'netbox.yml')}: plugin: netbox.netbox.nb_inventory is an inventory plugin pptp-fleet cannot run: its hosts are left out (export them with ansible-inventory -i FILE --list > inventory.json)`,
    ]);
  });

  it('is an error given as the source itself, and for constructed anywhere (its groups and vars would change the other hosts)', async () => {
    const dir = await dirWith({ hosts, 'zz-constructed.yml': "plugin: ansible.builtin.constructed\ngroups:\n  ams: site == 'ams'\n", 'netbox.yml': 'plugin: netbox.netbox.nb_inventory\n' });
    await expect(loadInventory(dir)).rejects.toThrow(/zz-constructed\.yml: plugin: inventory plugin configurations \(plugin: ansible\.builtin\.constructed\) are not supported/);
    await expect(loadInventory(join(dir, 'netbox.yml'))).rejects.toThrow(/netbox\.yml: plugin: inventory plugin configurations \(plugin: netbox\.netbox\.nb_inventory\) are not supported \(export them with ansible-inventory -i FILE --list > inventory\.json\)/);
    const generator = await dirWith({ hosts, 'gen.yml': 'plugin: generator\nhosts:\n  name: "{{ site }}-gw"\nlayers:\n  site: [ams, ber]\n' });
    await expect(loadInventory(generator)).rejects.toThrow(/gen\.yml: plugin: inventory plugin configurations \(plugin: generator\)/);
  });
});
