// ansible_ssh_common_args / ansible_ssh_extra_args: words split as Python's shlex splits them,
// supported options read, harmless ones warned about, anything else a problem naming the var.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseSshArgs, shellSplit } from '../../src/ssh/args.js';

const V = 'ansible_ssh_common_args';

describe('shellSplit matches Python shlex.split', () => {
  const CASES = [
    `-o ProxyJump=admin@bastion`,
    `-o 'StrictHostKeyChecking no' -oPort=2222`,
    `-o "UserKnownHostsFile=/a b/kh" -J "a@b:2"`,
    `-o ProxyCommand="ssh -W %h:%p -q user@gateway"`,
    `  -o   User=x\\ y  `,
    `-o "say \\"hi\\" \\\\ ok" 'single \\ kept'`,
    `-o "ProxyCommand=nc \\$h \\\`p\\\`" x#y`,
    ``,
  ];
  it.each(CASES)('%j', (text) => {
    const py = JSON.parse(execFileSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', text], { encoding: 'utf8' })) as string[];
    expect(shellSplit(text)).toEqual(py);
  });
  it('an unterminated quote is undefined', () => {
    expect(shellSplit(`-o 'User=x`)).toBeUndefined();
  });
});

describe('parseSshArgs', () => {
  it.each([
    ['-o ProxyJump=admin@bastion:2200', { proxyjump: 'admin@bastion:2200' }],
    ['-J a@h1,b@h2', { proxyjump: 'a@h1,b@h2' }],
    ["-o 'UserKnownHostsFile /lab/known_hosts /lab/kh2'", { userknownhostsfile: ['/lab/known_hosts', '/lab/kh2'] }],
    ['-o UserKnownHostsFile=\'"/a b/kh"\'', { userknownhostsfile: ['/a b/kh'] }],
    ['-o GlobalKnownHostsFile=/etc/fleet_known_hosts', { globalknownhostsfile: ['/etc/fleet_known_hosts'] }],
    ['-o StrictHostKeyChecking=accept-new -o HashKnownHosts=yes', { stricthostkeychecking: 'accept-new', hashknownhosts: true }],
    ['-o IdentityFile=~/.ssh/a -i ~/.ssh/b', { identityfile: ['~/.ssh/a', '~/.ssh/b'] }],
    ['-o Port=2222 -p 2300 -o User=ops -l other', { port: 2222, user: 'ops' }],
    ['-oport=2201', { port: 2201 }],
    ['-o ProxyCommand=none', {}],
  ] as const)('%s', (text, expected) => {
    const r = parseSshArgs(text, V);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.options).toEqual({ identityfile: [], ...expected });
  });

  it('ignores options that only tune OpenSSH itself, with a warning naming the variable', () => {
    const r = parseSshArgs('-o ControlMaster=auto -o ControlPersist=60s -C -o ServerAliveInterval=30', V);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toHaveLength(4);
    for (const w of r.warnings) expect(w).toMatch(/^ansible_ssh_common_args: .* ignored/);
  });

  it.each([
    ['-o ProxyCommand="ssh -W %h:%p gw"', /ansible_ssh_common_args: ProxyCommand is not supported/],
    ['-o HostName=elsewhere', /-o HostName is not supported/],
    ['-o Ciphers=aes128-cbc', /-o Ciphers is not supported/],
    ['-L 8080:localhost:80', /"-L" is not supported/],
    ['-o User=x hunter2', /word 3 \(not an option\) is not supported/],
    ['-o Port=99999', /Port: expected a port number/],
    ['-o StrictHostKeyChecking=maybe', /StrictHostKeyChecking: expected yes, no, ask/],
    ['-o', /-o needs an argument/],
    ["-o 'User=x", /unterminated quote/],
    ['-o User', /-o option at word 2, expected -o Key=Value/],
  ])('%s is a problem', (text, message) => {
    const r = parseSshArgs(text, V);
    expect(r.problems.join('\n')).toMatch(message);
  });

  it('never quotes back a word that is not an option (it may be a secret)', () => {
    const r = parseSshArgs("-o User=x s3cret-pw '-o User", V);
    const all = [...r.problems, ...parseSshArgs('-o User=x s3cret-pw', V).problems].join('\n');
    expect(all).not.toContain('s3cret-pw');
  });

  it('common args come first: their values win over the extra args', () => {
    const r = parseSshArgs('-o User=first -J j1', V);
    parseSshArgs('-o User=second -J j2 -o UserKnownHostsFile=/x', 'ansible_ssh_extra_args', r);
    expect(r.options).toMatchObject({ user: 'first', proxyjump: 'j1', userknownhostsfile: ['/x'] });
  });
});

describe("the lab inventory's ansible_ssh_common_args reads back as its known_hosts path", () => {
  it.each(['/tmp/pf-lab-x1/known_hosts', '/tmp/lab dir/known_hosts'])('%s', async (path) => {
    const { knownHostsArg } = await import('../../packages/lab/src/inventory.js');
    const r = parseSshArgs(knownHostsArg(path), V);
    expect(r.problems).toEqual([]);
    expect(r.options.userknownhostsfile).toEqual([path]);
  });
});
