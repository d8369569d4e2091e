import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors.js';
import { maskedHostJson, renderGraph } from '../../src/inventory/format.js';
import { loadInventory, loadInventoryText, type Inventory } from '../../src/inventory/load.js';
import { Secret } from '../../src/secret.js';
import type { HostSpec } from '../../src/inventory/types.js';

const FIX = 'test/fixtures/inventory';

function host(inv: Inventory, name: string): HostSpec {
  const h = inv.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
}

/** Loads and reads every host's secrets (what a command contacting every host does). */
async function loadAll(file: string, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<Inventory> {
  const inv = await loadInventory(file, opts);
  return { ...inv, hosts: await inv.resolveSecrets(inv.hosts) };
}

async function problemsOf(file: string, env: NodeJS.ProcessEnv = { PW: 'pw' }): Promise<InputProblem[]> {
  try {
    await loadAll(file, { env });
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return [...(err as InputError).problems];
  }
  throw new Error(`${file} loaded without problems`);
}

describe('variable precedence (as ansible-inventory resolves it)', () => {
  it('host vars beat every group', async () => {
    const inv = await loadInventory(`${FIX}/precedence.yaml`);
    expect(host(inv, 'h1').vars.v_host).toBe('h1');
  });

  it('a deeper group beats its parent even when the parent sorts later by name', async () => {
    const inv = await loadInventory(`${FIX}/precedence.yaml`);
    expect(host(inv, 'h1').vars.v_deep).toBe('adeep');
    expect(host(inv, 'h1').vars.v_parent).toBe('zparent');
  });

  it('all is the weakest level', async () => {
    const inv = await loadInventory(`${FIX}/precedence.yaml`);
    expect(host(inv, 'h1').vars.from_all).toBe('all');
  });

  it('without ansible_group_priority the alphabetically later group wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-'));
    const text = (await readFile(`${FIX}/precedence.yaml`, 'utf8')).replace('ansible_group_priority: 10', 'other: 1');
    await writeFile(join(dir, 'inv.yaml'), text);
    const inv = await loadInventory(join(dir, 'inv.yaml'));
    expect(host(inv, 'h2').vars.v_same_depth).toBe('beta');
    expect(host(inv, 'h2').vars.v_priority).toBe('beta');
  });

  it('ansible_group_priority raises a group above same-depth groups', async () => {
    const inv = await loadInventory(`${FIX}/precedence.yaml`);
    expect(host(inv, 'h2').vars.v_priority).toBe('alpha');
  });

  it('group_vars/all beats a [group:vars] section of the inventory file (VARIABLE_PRECEDENCE: inventory groups, then group_vars files)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-'));
    await writeFile(join(dir, 'hosts.ini'), '[branch]\nr1\n[branch:vars]\nserver=from-ini\nuser=from-ini\n[all:vars]\nnote=ini-all\n');
    await mkdir(join(dir, 'group_vars'));
    await writeFile(join(dir, 'group_vars', 'all.yml'), 'server: from-group-vars-all\n');
    await writeFile(join(dir, 'group_vars', 'branch.yml'), 'note: from-group-vars-branch\n');
    const r1 = host(await loadInventory(join(dir, 'hosts.ini')), 'r1');
    expect(r1.vars.server).toBe('from-group-vars-all');
    expect(r1.vars.user).toBe('from-ini');
    expect(r1.vars.note).toBe('from-group-vars-branch');
  });

  it('a host:PORT applies where the host is first named; a later line cannot change it, ansible_port can', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-'));
    await writeFile(join(dir, 'hosts.ini'), '[a]\nr1:2201\nr[2:3]:2202\n[b]\nr1:2299\nr2 ansible_port=2300\n');
    const inv = await loadInventory(join(dir, 'hosts.ini'));
    expect(host(inv, 'r1').vars.ansible_port).toBe(2201);
    expect(host(inv, 'r2').vars.ansible_port).toBe(2300);
    expect(host(inv, 'r3').vars.ansible_port).toBe(2202);
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    "gw[1:2]:2222":\n    gw3:2200:\n      note: x\n');
    const yml = await loadInventory(join(dir, 'hosts.yml'));
    expect(yml.hosts.map((h) => [h.name, h.vars.ansible_port])).toEqual([['gw1', 2222], ['gw2', 2222], ['gw3', 2200]]);
  });

  it("reads the pre-2.0 ansible_ssh_* connection names, winning over ansible_* as in ansible-core's ssh connection", async () => {
    // ansible -vvv -m ping with both set connects to the ansible_ssh_host, port and user
    const dir = await mkdtemp(join(tmpdir(), 'inv-'));
    await writeFile(join(dir, 'hosts.ini'), '[g]\nh1 ansible_host=127.0.0.2 ansible_ssh_host=127.0.0.3 ansible_port=1 ansible_ssh_port=2 ansible_user=ua ansible_ssh_user=ub\nh2 ansible_ssh_host=127.0.0.4 ansible_ssh_port=3 ansible_ssh_user=uc\n');
    const inv = await loadInventory(join(dir, 'hosts.ini'));
    expect(inv.hosts.map((h) => [h.address, h.port, h.user])).toEqual([['127.0.0.3', 2, 'ub'], ['127.0.0.4', 3, 'uc']]);
  });

  it('fills plain references inside text, with the magic inventory_hostname(_short), and keeps the written value in vars', async () => {
    const inv = await loadInventoryText('all:\n  vars:\n    domain: vpn.example.com\n    base: 2200\n  hosts:\n    r1.branch:\n      ansible_host: "{{ inventory_hostname_short }}.{{ domain }}"\n      ansible_port: "{{ base }}"\n      ansible_user: "{{ inventory_hostname }}-admin"\n', 'inv.yaml');
    const h = host(inv, 'r1.branch');
    expect([h.address, h.port, h.user]).toEqual(['r1.vpn.example.com', 2200, 'r1.branch-admin']);
    // ansible-inventory shows variables as written, and no magic variables
    expect(h.vars.ansible_host).toBe('{{ inventory_hostname_short }}.{{ domain }}');
    expect(h.vars).not.toHaveProperty('inventory_hostname');
  });

  it('lists groups in resolution order, ancestors included, without all', async () => {
    const inv = await loadInventory(`${FIX}/precedence.yaml`);
    // alpha has ansible_group_priority 10, so it merges after zparent (same depth, priority 1).
    expect(host(inv, 'h1').groups).toEqual(['beta', 'zparent', 'alpha', 'adeep']);
    expect(host(inv, 'h2').groups).toEqual(['beta', 'alpha']);
  });
});

describe('structure', () => {
  it('a host in several groups is one host with the union of groups and merged vars', async () => {
    const inv = await loadInventory(`${FIX}/two-groups.yaml`);
    expect(inv.hosts.map((h) => h.name)).toEqual(['r1', 'r2']);
    const r1 = host(inv, 'r1');
    expect(r1.groups.sort()).toEqual(['east', 'shared', 'west']);
    expect(r1.vars.note).toBe('second');
    expect(r1.port).toBe(2222);
    expect(r1.address).toBe('192.0.2.1');
  });

  it('top-level groups hang under all; ranges expand; hosts only in all are ungrouped', async () => {
    const inv = await loadInventory(`${FIX}/top-level-groups.yaml`);
    expect(inv.hosts.map((h) => h.name)).toEqual(['b1', 'b02', 'b03', 'b04', 'la', 'lb', 'lc', 'lonely']);
    expect(host(inv, 'lonely').groups).toEqual(['ungrouped']);
    expect(host(inv, 'b03').groups).toEqual(['lab', 'branches']);
    expect(renderGraph(inv.groups)).toEqual([
      '@all:',
      '  |--@ungrouped:',
      '  |  |--lonely',
      '  |--@lab:',
      '  |  |--@branches:',
      '  |  |  |--b1',
      '  |  |  |--b02',
      '  |  |  |--b03',
      '  |  |  |--b04',
      '  |  |--la',
      '  |  |--lb',
      '  |  |--lc',
    ]);
  });

  it('draws a group under several parents under each of them, and filters with --limit', async () => {
    const inv = await loadInventory(`${FIX}/two-groups.yaml`);
    expect(renderGraph(inv.groups, new Set(['r2']))).toEqual([
      '@all:',
      '  |--@west:',
      '  |  |--r2',
      '  |--@shared:',
      '  |  |--@west:',
      '  |  |  |--r2',
    ]);
  });
});

describe('connection variables', () => {
  it('reads plain host/port/user, prefers ansible_* over them, defaults to the name, 22 and root', async () => {
    const inv = await loadInventory(`${FIX}/aliases.yaml`, { env: { SSH_PW: 'sshpw' } });
    expect(host(inv, 'plain')).toMatchObject({ address: '192.0.2.10', port: 2200, user: 'admin' });
    expect(host(inv, 'both')).toMatchObject({ address: '192.0.2.11', port: 2201 });
    expect(host(inv, 'bare')).toMatchObject({ address: 'bare', port: 22, user: 'admin', sshLegacyAlgorithms: false });
  });

  it('maps key file (relative to the inventory), jump host, legacy algorithms, WAN gateway and SSH password', async () => {
    const inv = await loadAll(`${FIX}/aliases.yaml`, { env: { SSH_PW: 'sshpw' } });
    const h = host(inv, 'keyed');
    expect(h.sshPrivateKeyFile).toBe(resolve(FIX, 'keys/id_ed25519'));
    expect(h.jumpHost).toBe('ops@bastion.example.com:2222');
    expect(h.sshLegacyAlgorithms).toBe(true);
    expect(h.wanGateway).toBe('192.0.2.254');
    expect(h.sshPassword?.reveal()).toBe('sshpw');
  });

  it('masks secrets in --list output, including secret-looking unknown vars', async () => {
    const inv = await loadInventory(`${FIX}/aliases.yaml`, { env: { SSH_PW: 'sshpw' } });
    const json = JSON.stringify(maskedHostJson(host(inv, 'keyed')));
    expect(json).not.toContain('sshpw');
    expect(json).not.toContain('s3cr3t');
    expect(maskedHostJson(host(inv, 'keyed'))).toMatchObject({ sshPassword: '***', vars: { vault_token: '***' } });
  });
});

describe('tunnels', () => {
  it('fills the documented defaults', async () => {
    const inv = await loadInventory(`${FIX}/tunnel-defaults.yaml`, { env: { PW: 'pw' } });
    const [minimal] = host(inv, 'r1').tunnels;
    expect(minimal).toMatchObject({
      name: 'minimal',
      mppe: { required: true, stateless: true, no40: true, no56: true },
      refuseEap: false,
      persist: false,
      demand: false,
      defaultRoute: 'none',
      routes: [],
      masquerade: false,
      forward: { outbound: true, inbound: false },
      startOnBoot: true,
      state: 'present',
      extraOptions: [],
    });
    expect(minimal?.idle).toBeUndefined();
  });

  it('maps every snake_case key to the TunnelSpec field', async () => {
    const inv = await loadInventory(`${FIX}/tunnel-defaults.yaml`, { env: { PW: 'pw' } });
    const full = host(inv, 'r1').tunnels[1];
    expect(full).toMatchObject({
      name: 'full', server: '198.51.100.7', mppe: false, refuseEap: true, lcpEchoInterval: 20, lcpEchoFailure: 3,
      idle: 3600, persist: true, demand: true, defaultRoute: 'replace', routes: ['192.168.0.0/24', '10.0.0.0/8'],
      masquerade: true, forward: { outbound: true, inbound: true }, startOnBoot: false,
      extraOptions: ['mtu 1400', 'noipdefault'], wanGateway: '192.0.2.254',
    });
    expect(host(inv, 'r1').pppOptions).toEqual({ lcpEchoFailure: 4, mppe: { required: true, stateless: false, no40: true, no56: true } });
  });

  it('resolves passwords from a file next to the inventory, from env, and warns about literals', async () => {
    const inv = await loadAll(`${FIX}/secrets.yaml`, { env: { VPN_PW: 'env-secret' } });
    const t = host(inv, 'r1').tunnels;
    expect(t.map((x) => x.password.reveal())).toEqual(['file-secret', 'env-secret', 'pa ss"word', '']);
    expect(t[0]?.username).toBe('DOMAIN\\user');
    expect(t[0]?.password).toBeInstanceOf(Secret);
    expect(String(t[0]?.password)).toBe('***');
    expect(t[3]).toMatchObject({ name: 'gone', state: 'absent' });
    expect(inv.warnings).toEqual([
      `${FIX}/secrets.yaml: all.hosts.r1.tunnels[2].password: password written in plain text in the inventory; prefer {env: VAR}, {file: PATH} or a vault value`,
    ]);
    expect(JSON.stringify(inv)).not.toContain('pa ss');
  });

  it('loads the example inventories', async () => {
    const inv = await loadInventory('inventory/branch-offices.yaml', { env: { VPN_HQ_PASSWORD: 'a', VPN_DR_PASSWORD: 'b' } });
    expect(inv.hosts).toHaveLength(6);
    expect(host(inv, 'ber-01').jumpHost).toBe('ops@bastion.emea.example.com:2222');
    expect(host(inv, 'mad-01').tunnels.map((t) => t.name)).toEqual(['hq', 'dr']);
    expect(host(inv, 'lis-01').pppOptions).toEqual({ lcpEchoInterval: 60, lcpEchoFailure: 5, refuseEap: true });

    const dir = await mkdtemp(join(tmpdir(), 'lab-'));
    await writeFile(join(dir, 'inventory.yaml'), await readFile('inventory/lab.yaml'));
    await writeFile(join(dir, 'vpn-password'), 'labpw\n');
    const lab = await loadAll(join(dir, 'inventory.yaml'));
    expect(lab.hosts[0]).toMatchObject({ name: 'r001', address: '127.0.0.1', port: 40123, user: 'root' });
    expect(lab.hosts[0]?.tunnels[0]?.password.reveal()).toBe('labpw');
  });
});

// Every error: file as given, YAML path where the bad value is written, what was expected.
const ERRORS: { file: string; env?: NodeJS.ProcessEnv; problems: [path: string, message: string | RegExp][] }[] = [
  {
    file: 'bad-server.yaml',
    problems: [['all.children.branches.hosts.r7.tunnels[0].server', 'expected a hostname or IPv4 address, got "10.0.0.300"']],
  },
  {
    file: 'bad-routes.yaml',
    problems: [
      ['all.hosts.r1.tunnels[0].routes[0]', '10.20.1.0/16 has host bits set (did you mean 10.20.0.0/16?)'],
      ['all.hosts.r1.tunnels[0].routes[1]', 'prefix length /33 in "10.0.0.0/33" is out of range (0-32)'],
      ['all.hosts.r1.tunnels[0].routes[2]', 'expected an IPv4 network like 10.20.0.0/16, got "10.0.0.0"'],
      ['all.hosts.r1.tunnels[0].routes[3]', '"10.0.0.256" in "10.0.0.256/24" is not a valid IPv4 address'],
      ['all.hosts.r1.tunnels[0].routes[4]', '0.0.0.0/0 is the default route; use default_route: replace instead'],
    ],
  },
  {
    file: 'bad-names.yaml',
    problems: [
      ['all.hosts.r1.tunnels[2].name', 'duplicate tunnel name "office" (already used by tunnels[1])'],
      ['all.hosts.r1.tunnels[0].name', 'expected 1-32 letters, digits, "_" or "-", got "my tunnel"'],
      ['all.hosts.r1.tunnels[3].name', 'expected 1-32 letters, digits, "_" or "-", got "this-name-is-way-too-long-for-a-peer-file"'],
    ],
  },
  {
    file: 'control-chars.yaml',
    problems: [
      ['all.hosts.r1.tunnels[0].username', 'must not contain a carriage return'],
      ['all.hosts.r1.tunnels[0].password', 'must not contain a newline'],
      ['all.hosts.r1.tunnels[0].extra_options[0]', 'must not contain a newline'],
      ['all.hosts.r1.tunnels[0].extra_options[1]', '"persist" is managed by pptp-fleet; set persist instead'],
      ['all.hosts.r1.tunnels[0].extra_options[2]', 'must not contain a NUL byte'],
      ['all.hosts.r1.tunnels[0].extra_options[3]', '"refuse-eap" is managed by pptp-fleet; set refuse_eap instead'],
    ],
  },
  {
    file: 'missing-secrets.yaml',
    problems: [
      ['all.hosts.r1.tunnels[0].password', 'environment variable PPTP_FLEET_TEST_SURELY_UNSET is not set'],
      ['all.hosts.r1.tunnels[1].password', /^cannot read password file "no\/such\/password-file" \(\/.*\/errors\/no\/such\/password-file\): no such file or directory$/],
    ],
  },
  {
    file: 'typo-children.yaml',
    problems: [['all.chidlren', 'unknown group key "chidlren" (did you mean "children"?): a group has only hosts, children and vars']],
  },
  {
    file: 'yaml-syntax.yaml',
    problems: [['', /^YAML syntax error at line 4, column 5: /]],
  },
  {
    file: 'inherited.yaml',
    problems: [['all.children.eu.vars.tunnels[0].server', 'expected a hostname or IPv4 address, got "vpn..example.com"']],
  },
  {
    file: 'many.yaml',
    problems: [
      ['all.children.eu.hots', 'unknown group key "hots" (did you mean "hosts"?): a group has only hosts, children and vars'],
      ['all.vars.ansible_port', 'expected a port number (1-65535), got 70000'],
      ['all.children.eu.hosts.r1.jump_host', 'port 99999 is out of range (1-65535)'],
      ['all.children.eu.hosts.r1.ssh_legacy_algorithms', 'expected true or false, got "maybe"'],
      ['all.children.eu.hosts.r1.wan_gateway', 'expected an IPv4 address, got "192.0.2"'],
      ['all.children.eu.hosts.r1.tunnels[0].mppe.stateles', 'unknown key "stateles" (did you mean "stateless"?)'],
      ['all.children.eu.hosts.r1.tunnels[0].lcp_echo_interval', 'expected a whole number from 1 to 3600, got 1.5'],
      ['all.children.eu.hosts.r1.tunnels[0].default_route', 'expected none or replace, got "always"'],
      ['all.children.eu.hosts.r1.tunnels[0].forward.outbound', 'expected true or false, got 1'],
      ['all.children.eu.hosts.r1.tunnels[0].mppee', 'unknown key "mppee" (did you mean "mppe"?)'],
    ],
  },
  {
    file: 'structure.yaml',
    problems: [
      ['all.hosts', 'expected a mapping of hosts (name: {vars}), got a list'],
      ['all.children.eu', 'expected a group (a mapping with hosts, children or vars), got a list'],
      ['all.children["bad group"]', 'invalid group name "bad group": use letters, digits, "_", "-" and "."'],
      ['all.children.loop_a.children.loop_b.children.loop_a', 'group "loop_a" cannot be a child of "loop_b": that makes a loop'],
      ['all.children.all', 'group "all" is the root of the inventory and cannot be a child group'],
    ],
  },
  { file: 'not-a-mapping.yaml', problems: [['', 'expected a mapping of groups (all: ...), got a list']] },
  { file: 'empty.yaml', problems: [['', 'the inventory is empty; expected `all:` with hosts, children and vars']] },
  {
    file: 'vault.yaml',
    problems: [['all.hosts.r1.ansible_password', 'cannot decrypt the vault value: malformed vault payload (expected salt, HMAC and ciphertext)']],
  },
  {
    file: 'missing-fields.yaml',
    problems: [
      ['all.hosts.r1.tunnels[0].server', 'required for a tunnel (state: present)'],
      ['all.hosts.r1.tunnels[0].username', 'required for a tunnel (state: present)'],
      ['all.hosts.r1.tunnels[0].password', 'required for a tunnel (state: present)'],
      ['all.hosts.r1.tunnels[1].name', 'required, expected a string'],
      ['all.hosts.r1.ppp_options.idle', 'expected a whole number from 0 to 2147483647, got -1'],
      ['all.hosts.r1.ppp_options.mppe', 'expected a mapping, got false'],
      ['all.hosts["příbor"]', 'host name "příbor" is not an address to connect to; set ansible_host'],
    ],
  },
];

describe('errors: every problem at once, with file, YAML path and message', () => {
  for (const c of ERRORS) {
    it(`${c.file} reports ${c.problems.length} problem(s)`, async () => {
      const file = `${FIX}/errors/${c.file}`;
      const got = await problemsOf(file, c.env);
      expect(got.map((p) => p.file)).toEqual(got.map(() => file));
      expect(got.map((p) => p.path).sort()).toEqual(c.problems.map(([p]) => p).sort());
      for (const [path, message] of c.problems) {
        const match = got.filter((p) => p.path === path);
        expect(match.some((p) => (typeof message === 'string' ? p.message === message : message.test(p.message))), `${path}: ${JSON.stringify(match)}`).toBe(true);
      }
    });
  }

  it('a missing inventory file is an InputError naming it, without a stack trace in the message', async () => {
    const got = await problemsOf(`${FIX}/nope.yaml`);
    expect(got).toEqual([{ file: `${FIX}/nope.yaml`, path: '', message: 'cannot read inventory: no such file or directory' }]);
  });

  it('the error message is one line per problem, `file: path: message`', async () => {
    await expect(loadInventory(`${FIX}/errors/bad-server.yaml`, { env: { PW: 'x' } })).rejects.toThrow(
      `${FIX}/errors/bad-server.yaml: all.children.branches.hosts.r7.tunnels[0].server: expected a hostname or IPv4 address, got "10.0.0.300"`,
    );
  });

  it('a literal password in the inventory is a warning, not an error, and never in the message', async () => {
    const got = await problemsOf(`${FIX}/errors/control-chars.yaml`);
    expect(JSON.stringify(got)).not.toContain('line1');
  });
});

describe('YAML as Ansible reads it (YAML 1.1)', () => {
  it('accepts merge keys and yes/no booleans', async () => {
    const inv = await loadInventoryText(
      'all:\n  vars:\n    base: &base { ansible_user: admin, ssh_legacy_algorithms: yes }\n  hosts:\n    r1:\n      <<: *base\n      ansible_host: 192.0.2.1\n',
      'inline.yaml',
    );
    expect(inv.hosts[0]).toMatchObject({ user: 'admin', sshLegacyAlgorithms: true });
  });

  it('takes a top-level key kept for YAML anchors; a typo elsewhere, or one whose anchor nothing uses, stays an error', async () => {
    const inv = await loadInventoryText('x-defaults: &d { ansible_user: admin }\nx-port: &p 2201\nall:\n  hosts:\n    r1: { <<: *d, ansible_port: *p }\n', 'hosts.yml');
    expect(inv.hosts.map((h) => [h.name, h.user, h.port])).toEqual([['r1', 'admin', 2201]]);
    // the mapping is an empty group, as in Ansible; the scalar no group
    expect(inv.groups.children.map((g) => g.name)).toEqual(['ungrouped', 'x-defaults']);
    expect(inv.warnings).toEqual([]);
    await expect(loadInventoryText('x-defaults: &d { hots: { r1: } }\nall:\n  hosts:\n    r2:\n', 'hosts.yml')).rejects.toThrow(
      'hosts.yml: x-defaults.hots: unknown group key "hots" (did you mean "hosts"?)',
    );
    await expect(loadInventoryText('routers: &r\n  hosts: { r1: }\n  chidlren: { eu: }\nall:\n  vars: { x: *r }\n', 'hosts.yml')).rejects.toThrow(
      'hosts.yml: routers.chidlren: unknown group key "chidlren" (did you mean "children"?)',
    );
    // a typo whose own value holds the anchor another host uses: an error, not r1 dropped
    await expect(loadInventoryText('routers:\n  hsots:\n    r1: &v { ansible_host: 192.0.2.1 }\nothers:\n  hosts:\n    r2: *v\n', 'hosts.yml')).rejects.toThrow(
      'hosts.yml: routers.hsots: unknown group key "hsots" (did you mean "hosts"?)',
    );
  });

  it('keeps integers past 2^53 exact, and a port or priority that large is an error naming it', async () => {
    const inv = await loadInventoryText('all:\n  hosts:\n    r1: { serial: 12345678901234567890 }\n', 'hosts.yml');
    expect(host(inv, 'r1').vars.serial).toBe(12345678901234567890n);
    await expect(loadInventoryText('all:\n  hosts:\n    r1: { ansible_port: 12345678901234567890 }\n', 'hosts.yml', { contactsHostsWithoutTunnels: true })).rejects.toThrow(
      'hosts.yml: all.hosts.r1.ansible_port: expected a port number (1-65535), got 12345678901234567890',
    );
    await expect(loadInventoryText('all:\n  children:\n    g:\n      vars: { ansible_group_priority: "x" }\n      hosts: { r1: }\n', 'hosts.yml')).rejects.toThrow(
      'hosts.yml: all.children.g.vars.ansible_group_priority: expected a whole number, got "x"',
    );
  });

  it('rejects tags it cannot honour instead of reading them as strings', async () => {
    await expect(loadInventoryText('all:\n  hosts:\n    r1: !include other.yaml\n', 'inline.yaml')).rejects.toThrow(
      /^inline.yaml: unsupported YAML tag !include at line 3, column \d+$/,
    );
  });
});

describe('a shared Ansible inventory: hosts pptp-fleet never contacts', () => {
  const TUNNEL = '[{ name: hq, server: 127.0.0.9, username: u, password: { env: VPN_PW } }]';
  const shared = (): string =>
    [
      'all:',
      '  children:',
      '    routers:',
      '      hosts:',
      `        r1: { ansible_host: 127.0.0.1, tunnels: ${TUNNEL} }`,
      '    switches:',
      '      hosts:',
      '        sw1: { ansible_host: 127.0.0.2, ansible_user: "{{ vault_switch_user }}" }',
      `        sw2: { ansible_host: "{{ lookup('env', 'SW2_IP') }}", ansible_password: "{{ lookup('file', '/etc/sw') | trim }}" }`,
      '        admin@sw3.example.com:',
    ].join('\n');

  it("leaves out a host without tunnels whose variables it cannot read, with a warning naming file and field (Ansible fails only the hosts it runs on)", async () => {
    const inv = await loadInventoryText(shared(), 'hosts.yml', { env: {} });
    expect(inv.hosts.map((h) => h.name)).toEqual(['r1']);
    expect(inv.warnings).toEqual(
      expect.arrayContaining([
        'hosts.yml: all.children.switches.hosts.sw1.ansible_user: "{{ vault_switch_user }}": variable "vault_switch_user" is not defined for this host (host sw1 has no tunnels: left out)',
        `hosts.yml: all.children.switches.hosts.sw2.ansible_host: "{{ lookup('env', 'SW2_IP') }}": environment variable SW2_IP is not set (host sw2 has no tunnels: left out)`,
        'hosts.yml: all.children.switches.hosts["admin@sw3.example.com"]: host name "admin@sw3.example.com" is not an address to connect to; set ansible_host (host admin@sw3.example.com has no tunnels: left out)',
      ]),
    );
  });

  it('keeps every such problem an error on a host with tunnels (a router pptp-fleet manages), and for ping', async () => {
    const routers = shared()
      .replace('ansible_host: 127.0.0.2,', `ansible_host: 127.0.0.2, tunnels: ${TUNNEL},`)
      .replace('{ ansible_host: "{{', `{ tunnels: ${TUNNEL}, ansible_host: "{{`)
      .replace('admin@sw3.example.com:', `admin@sw3.example.com: { tunnels: ${TUNNEL} }`);
    const paths = async (text: string, opts: { contactsHostsWithoutTunnels?: boolean } = {}): Promise<string[]> =>
      loadInventoryText(text, 'hosts.yml', { env: {}, ...opts }).then(
        () => [],
        (e: InputError) => e.problems.map((p) => p.path).sort(),
      );
    const all = ['all.children.switches.hosts.sw1.ansible_user', 'all.children.switches.hosts.sw2.ansible_host', 'all.children.switches.hosts.sw2.ansible_password', 'all.children.switches.hosts["admin@sw3.example.com"]'];
    expect(await paths(routers)).toEqual(all);
    // ping contacts hosts without tunnels: there the same inventory is exit 2 as it was
    expect(await paths(shared(), { contactsHostsWithoutTunnels: true })).toEqual(all);
  });

  it('keeps a host whose vars files could not be decrypted (its tunnels may be in them): its problem stays an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-locked-'));
    await mkdir(join(dir, 'host_vars'));
    await writeFile(join(dir, 'hosts.yml'), `all:\n  hosts:\n    r1: { ansible_host: 127.0.0.1, tunnels: ${TUNNEL} }\n    r2: { ansible_host: "{{ vault_r2_ip }}" }\n`);
    // a vault header is enough: without a password it is never decrypted
    await writeFile(join(dir, 'host_vars', 'r2.yml'), '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
    const got = await loadInventory(join(dir, 'hosts.yml'), { env: {} }).then(
      () => [],
      (e: InputError) => e.problems.map((p) => [p.path, p.message]),
    );
    expect(got).toEqual([['all.hosts.r2.ansible_host', `"{{ vault_r2_ip }}": variable "vault_r2_ip" is not defined for this host; ${join(dir, 'host_vars', 'r2.yml')} could not be decrypted (no or wrong vault password)`]]);
  });
});

describe("Ansible's env lookup, {{ lookup('env', 'NAME') }}", () => {
  const TUNNEL = '[{ name: hq, server: 127.0.0.9, username: u, password: { env: VPN_PW } }]';
  it('fills a field from the environment, alone or inside text', async () => {
    const text = `all:\n  hosts:\n    r1:\n      ansible_host: "{{ lookup('env', 'R1_IP') }}"\n      ansible_user: "ops-{{ lookup(\\"env\\", \\"SITE\\") }}"\n`;
    const inv = await loadInventoryText(text, 'hosts.yml', { env: { R1_IP: '127.0.0.7', SITE: 'ber' } });
    expect(host(inv, 'r1')).toMatchObject({ address: '127.0.0.7', user: 'ops-ber' });
    // the variables keep their written value, as ansible-inventory shows them
    expect(host(inv, 'r1').vars.ansible_host).toBe("{{ lookup('env', 'R1_IP') }}");
  });

  it("reads a password from the environment only when a command needs it, as {env: NAME}", async () => {
    const text = `all:\n  hosts:\n    r1:\n      ansible_host: 127.0.0.1\n      tunnels: [{ name: hq, server: 127.0.0.9, username: u, password: "{{ lookup('env', 'VPN_PW') }}" }]\n`;
    const env: NodeJS.ProcessEnv = {};
    const inv = await loadInventoryText(text, 'hosts.yml', { env });
    // no plain-text warning: the password is not in the file
    expect(inv.warnings).toEqual([]);
    await expect(inv.resolveSecrets(inv.hosts)).rejects.toThrow(/environment variable VPN_PW is not set/);
    env.VPN_PW = 's3cret';
    const [h] = await inv.resolveSecrets(inv.hosts);
    expect(h?.tunnels[0]?.password.reveal()).toBe('s3cret');
  });

  it('a password or user written as a number is its text, as ansible-core takes it, and is never shown; a tunnel password must be text, its value unsaid', async () => {
    const ini = join(await mkdtemp(join(tmpdir(), 'inv-numpw-')), 'hosts');
    await writeFile(ini, "[g]\nr1 ansible_host=127.0.0.1 ansible_ssh_pass=123456 ansible_user=1000\nr2 ansible_host=127.0.0.2 ansible_password='0042'\n");
    const inv = await loadInventory(ini);
    expect(host(inv, 'r1').user).toBe('1000');
    // a number is a literal password like any other: a warning, and masked in --list
    expect(inv.warnings.filter((w) => /plain text/.test(w))).toHaveLength(2);
    expect(JSON.stringify(maskedHostJson(host(inv, 'r1')))).not.toContain('123456');
    const [r1, r2] = await inv.resolveSecrets([host(inv, 'r1'), host(inv, 'r2')]);
    expect(r1?.sshPassword?.reveal()).toBe('123456');
    // (shlex took the quotes off: the Python literal 0042 is not an int, the text stays)
    expect(r2?.sshPassword?.reveal()).toBe('0042');
    const tunnel = `all:\n  hosts:\n    r1: { ansible_host: 127.0.0.1, tunnels: [{ name: office, server: vpn.example.com, username: u, password: 987654 }] }\n`;
    const err = await loadInventoryText(tunnel, 'hosts.yml').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('all.hosts.r1.tunnels[0].password: expected {env: VAR}, {file: PATH}, a vault value or a string, got a number: a password made of digits is written in quotes');
    expect((err as InputError).message).not.toContain('987654');
  });

  it("reads a password that names a variable holding the lookup on demand too, and takes ansible.builtin.env; Jinja's unpaired quotes are no lookup", async () => {
    const text = [
      'all:',
      `  vars: { ssh_pw: "{{ lookup('ansible.builtin.env', 'SSH_PW') }}" }`,
      '  hosts:',
      `    r1: { ansible_host: 127.0.0.1, ansible_password: "{{ ssh_pw }}", ansible_user: "{{ lookup(\\"ansible.builtin.env\\", 'OPS') }}" }`,
      '',
    ].join('\n');
    const env: NodeJS.ProcessEnv = { OPS: 'ops' };
    const inv = await loadInventoryText(text, 'hosts.yml', { env });
    // not read at load (SSH_PW is unset), and no plain-text warning
    expect(inv.warnings).toEqual([]);
    expect(host(inv, 'r1').user).toBe('ops');
    env.SSH_PW = 'pw';
    const [h] = await inv.resolveSecrets(inv.hosts);
    expect(h?.sshPassword?.reveal()).toBe('pw');
    // lookup('env", "X') is one string argument in Jinja, not the env lookup of X
    const unpaired = `all:\n  hosts:\n    r1: { tunnels: ${TUNNEL}, ansible_host: "{{ lookup('env\\", \\"R1') }}" }\n`;
    await expect(loadInventoryText(unpaired, 'hosts.yml', { env: { R1: '127.0.0.1' } })).rejects.toThrow(/Jinja templates are not evaluated/);
  });

  it('names the field whose variable is not set, and refuses the lookup inside a password\'s text', async () => {
    const unset = await loadInventoryText(`all:\n  hosts:\n    r1:\n      ansible_host: "{{ lookup('env', 'R1_IP') }}"\n      tunnels: [{ name: hq, server: 127.0.0.9, username: u, password: "pre{{ lookup('env', 'PW') }}" }]\n`, 'hosts.yml', { env: {} }).then(
      () => [],
      (e: InputError) => e.problems.map((p) => [p.path, p.message]),
    );
    expect(unset).toEqual([
      ['all.hosts.r1.ansible_host', `"{{ lookup('env', 'R1_IP') }}": environment variable R1_IP is not set`],
      ['all.hosts.r1.tunnels[0].password', `a password from the environment is "{{ lookup('env', 'PW') }}" alone, or {env: PW}`],
    ]);
  });
});

describe('YAML forms Ansible accepts and refuses', () => {
  it('takes a section written as one name as that name with nothing under it ("hosts: gw", "children: g")', async () => {
    const inv = await loadInventoryText('all:\n  hosts: gw.example.com\n  children:\n    routers:\n      children: branch\n    branch:\n      hosts: r1.example.com\n', 'hosts.yml');
    expect(inv.hosts.map((h) => [h.name, h.groups])).toEqual([
      ['gw.example.com', ['ungrouped']],
      ['r1.example.com', ['routers', 'branch']],
    ]);
  });

  it('takes a key written twice with its last value and a warning, as Ansible does', async () => {
    const inv = await loadInventoryText('all:\n  hosts:\n    r1:\n      ansible_user: a\n      ansible_user: b\n', 'hosts.yml');
    expect(host(inv, 'r1').user).toBe('b');
    expect(inv.warnings).toEqual(['hosts.yml: line 5: key "ansible_user" is written twice in one mapping: the last value is used']);
  });

  it('refuses an unquoted {{ }} value (a mapping used as a key), naming line and column', async () => {
    await expect(loadInventoryText('all:\n  hosts:\n    r1:\n      ansible_user: {{ admin }}\n', 'hosts.yml')).rejects.toThrow(
      /^hosts.yml: a mapping used as a key at line 4, column 22: Ansible's YAML refuses it; a value that starts with \{\{ must be quoted/,
    );
  });

  it('says why a file named without an extension is neither YAML nor INI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-neither-'));
    await writeFile(join(dir, 'hosts'), 'all:\n  hosts:\n    r1:\n      ansible_user: {{ admin }}\n');
    const got = await loadInventory(join(dir, 'hosts')).then(() => [], (e: InputError) => e.problems.map((p) => p.message));
    expect(got[0]).toMatch(/^read as YAML: a mapping used as a key at line 4/);
    expect(got[1]).toBe('read as INI: invalid host "all:": a trailing ":" must be followed by a port');
    expect(got.slice(1).every((m) => m.startsWith('read as INI: '))).toBe(true);
  });
});

describe("Ansible's !unsafe text (never templated)", () => {
  it('keeps {{ in an !unsafe password as text, masked like any password, and reads it back from ansible-inventory --list JSON', async () => {
    const yaml = "all:\n  hosts:\n    r1:\n      ansible_host: 127.0.0.1\n      ansible_password: !unsafe 'p{{ass'\n      note: !unsafe '{% raw %}'\n      tunnels: [{ name: t, server: 127.0.0.9, username: u, password: !unsafe 'x{{y' }]\n";
    const json = JSON.stringify({
      _meta: { hostvars: { r1: { ansible_host: '127.0.0.1', ansible_password: { __ansible_unsafe: 'p{{ass' }, note: { __ansible_unsafe: '{% raw %}' }, tunnels: [{ name: 't', server: '127.0.0.9', username: 'u', password: { __ansible_unsafe: 'x{{y' } }] } } },
      all: { children: ['ungrouped'] },
      ungrouped: { hosts: ['r1'] },
    });
    const dir = await mkdtemp(join(tmpdir(), 'inv-unsafe-'));
    await writeFile(join(dir, 'hosts.yml'), yaml);
    await writeFile(join(dir, 'list.json'), json);
    for (const file of ['hosts.yml', 'list.json']) {
      const inv = await loadAll(join(dir, file));
      const h = host(inv, 'r1');
      expect(h.tunnels[0]?.password.reveal(), file).toBe('x{{y');
      const shown = JSON.stringify(maskedHostJson(h));
      expect(shown, file).not.toMatch(/p\{\{ass|x\{\{y/);
      expect(shown, file).toContain('{% raw %}');
    }
  });
});

describe('!unsafe on a list or mapping, and outside Ansible files', () => {
  it("makes every string in it unsafe text, as Ansible's constructor wraps them", async () => {
    const inv = await loadInventoryText("all:\n  hosts:\n    r1:\n      ansible_host: 127.0.0.1\n      routes_note: !unsafe ['{{ a }}', 2]\n      tunnels: !unsafe [{ name: t, server: 127.0.0.9, username: u, password: 'x{{y' }]\n", 'hosts.yml');
    const [h] = await inv.resolveSecrets(inv.hosts);
    expect(h?.tunnels[0]?.password.reveal()).toBe('x{{y');
    expect(JSON.parse(JSON.stringify(h?.vars.routes_note))).toEqual(['{{ a }}', 2]);
  });

  it('is an unsupported tag where Ansible does not read the file (pptp-fleet settings, playbooks)', async () => {
    const { parseYaml } = await import('../../src/config/input.js');
    expect(() => parseYaml('inventory: !unsafe hosts.yml\n', '.pptp-fleetrc')).toThrow(/unsupported YAML tag !unsafe at line 1/);
    expect(() => parseYaml('a: 1\na: 2\n', '.pptp-fleetrc')).toThrow(/Map keys must be unique/);
  });
});

describe('host names as Ansible and ssh take them', () => {
  const iniFile = async (text: string): Promise<string> => {
    const file = join(await mkdtemp(join(tmpdir(), 'inv-')), 'hosts');
    await writeFile(file, text);
    return file;
  };

  it('connects to a name with "_" (an ssh_config Host alias, an /etc/hosts name) and lists a name in any script', async () => {
    const inv = await loadInventoryText('all:\n  hosts:\n    branch_01:\n    příbor: { ansible_host: 127.0.0.3 }\n', 'hosts.yml');
    expect(inv.hosts.map((h) => [h.name, h.address])).toEqual([
      ['branch_01', 'branch_01'],
      ['příbor', '127.0.0.3'],
    ]);
  });

  it('connects to a host named by its IPv6 address (bare, or [address]:port as Ansible writes a port)', async () => {
    const inv = await loadInventory(await iniFile('[routers]\n2001:db8::5\n[fd00::4]:2201\nfe80::7%eth0\ngw1 ansible_host=2001:db8::1\n'));
    expect(inv.hosts.map((h) => [h.name, h.address, h.port])).toEqual([
      ['2001:db8::5', '2001:db8::5', 22],
      ['fd00::4', 'fd00::4', 2201],
      ['fe80::7%eth0', 'fe80::7%eth0', 22],
      ['gw1', '2001:db8::1', 22],
    ]);
  });

  it('refuses what is not an IPv6 address, and ansible_host in brackets (ssh would look "[2001:db8::2]" up as a name)', async () => {
    await expect(loadInventory(await iniFile('[routers]\nfd00:::4\n'))).rejects.toThrow(/line 2: invalid host name "fd00:::4": use letters, digits .*, or an IPv6 address/);
    await expect(loadInventoryText('all:\n  hosts:\n    gw2: { ansible_host: "[2001:db8::2]" }\n', 'hosts.yml', { contactsHostsWithoutTunnels: true })).rejects.toThrow(/ansible_host: expected a hostname, IPv4 or IPv6 address, got "\[2001:db8::2\]"/);
  });
});
