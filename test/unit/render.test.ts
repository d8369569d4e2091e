import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firewallChains } from '../../src/plan/firmware.js';
import { renderChapSecrets } from '../../src/render/chap-secrets.js';
import { renderInitScript } from '../../src/render/init-script.js';
import { cidrToNetmask, emptyIpScript, renderIpScript, type RouteContext } from '../../src/render/ip-scripts.js';
import { removeFromEtcModules, renderEtcModules, renderModulesD } from '../../src/render/modules.js';
import { DISABLED_PREFIX, removeFromOptionsPptp, renderOptionsPptp } from '../../src/render/options-pptp.js';
import { renderPeer } from '../../src/render/peer.js';
import { pppdReadRecords } from '../../src/render/pppd-words.js';
import { FIRMWARES, OPTIONS_MPPC, factsFor, tunnel } from '../fixtures/resources/firmware.js';

const shSyntaxOk = (script: string): void => {
  const r = spawnSync('/bin/sh', ['-n'], { input: script, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
};

describe('renderPeer', () => {
  it('White Russian: pty transport and the MPPE-MPPC dialect', () => {
    const out = renderPeer(tunnel(), factsFor('whiterussian'));
    expect(out).toBe(
      [
        '# Managed by pptp-fleet — changes here are overwritten',
        'pty "pptp 198.51.100.1 --nolaunchpppd"',
        'file /etc/ppp/options.pptp',
        'mppe required,no40,no56,stateless',
        'name LAB\\\\fleet',
        'remotename office',
        'ipparam office',
        'linkname office',
        'refuse-eap',
        '',
      ].join('\n'),
    );
  });
  it('OpenWrt 23.05: pptp.so plugin, still the mppe dialect (ppp 2.4.9)', () => {
    const out = renderPeer(tunnel(), factsFor('openwrt'));
    expect(out).toContain('plugin pptp.so\npptp_server 198.51.100.1\n');
    expect(out).toContain('mppe required,no40,no56,stateless\n');
    expect(out).not.toContain('pty');
  });
  for (const fw of ['openwrt-24', 'openwrt-apk'] as const) {
    it(`${fw}: ppp 2.5 upstream MPPE options`, () => {
      const out = renderPeer(tunnel(), factsFor(fw));
      expect(out).toContain('require-mppe-128\nnomppe-stateful\n');
      expect(out).not.toMatch(/^mppe /m);
    });
  }
  it('builds MPPE from the flags (stateful, 40/56 allowed)', () => {
    const t = tunnel({ mppe: { required: true, stateless: false, no40: false, no56: true } });
    expect(renderPeer(t, factsFor('whiterussian'))).toContain('mppe required,no56\n');
    const up = renderPeer(t, factsFor('openwrt-24'));
    expect(up).toContain('require-mppe\n');
    expect(renderPeer(tunnel({ mppe: { required: false, stateless: true, no40: true, no56: true } }), factsFor('openwrt-24'))).toContain('nomppe-40\nnomppe-stateful\n');
    expect(up).not.toContain('nomppe-stateful');
    expect(renderPeer(tunnel({ mppe: false }), factsFor('openwrt-24'))).not.toMatch(/mppe/);
  });
  it('adds every option the tunnel asks for, extra options last, and ends with a newline', () => {
    const t = tunnel({ defaultRoute: 'replace', lcpEchoInterval: 30, lcpEchoFailure: 4, persist: true, demand: true, idle: 3600, extraOptions: ['mtu 1400', 'debug'] });
    const out = renderPeer(t, factsFor('openwrt'));
    expect(out).toContain('defaultroute\nreplacedefaultroute\nrefuse-eap\nlcp-echo-interval 30\nlcp-echo-failure 4\npersist\ndemand\nidle 3600\nmtu 1400\ndebug\n');
    expect(out.endsWith('\n')).toBe(true);
  });
});

describe('renderChapSecrets', () => {
  const entry = { name: 'office', username: 'LAB\\fleet', password: 'pa ss#"' };
  it('puts our block before the first record and keeps every other byte', () => {
    const user = '#USERNAME  PROVIDER  PASSWORD  IPADDRESS\nbob  isp  "old pw"  *\n# trailing comment';
    const out = renderChapSecrets(user, [entry], []);
    expect(out).toBe(
      '#USERNAME  PROVIDER  PASSWORD  IPADDRESS\n# BEGIN pptp-fleet office\nLAB\\\\fleet office "pa ss#\\"" *\n# END pptp-fleet office\nbob  isp  "old pw"  *\n# trailing comment',
    );
    expect(pppdReadRecords(out)).toEqual([
      ['LAB\\fleet', 'office', 'pa ss#"', '*'],
      ['bob', 'isp', 'old pw', '*'],
    ]);
  });
  it('updates a block in place, removes absent tunnels, and is stable', () => {
    const once = renderChapSecrets('a b c *\n', [entry, { ...entry, name: 'lab' }], []);
    const changed = renderChapSecrets(once, [{ ...entry, password: 'new' }], ['lab']);
    expect(changed).toBe('# BEGIN pptp-fleet office\nLAB\\\\fleet office new *\n# END pptp-fleet office\na b c *\n');
    expect(renderChapSecrets(changed, [{ ...entry, password: 'new' }], ['lab'])).toBe(changed);
  });
  it('adds a second tunnel next to the first, never inside its block: rewriting the first keeps it', () => {
    // the first tunnel's record is the file's only record: the new block goes after its END, not before that record (between its markers)
    const one = renderChapSecrets('# Secrets for authentication using CHAP\n', [entry], []);
    const two = renderChapSecrets(one, [entry, { ...entry, name: 'office2' }], []);
    expect(two).toBe(
      '# Secrets for authentication using CHAP\n# BEGIN pptp-fleet office\nLAB\\\\fleet office "pa ss#\\"" *\n# END pptp-fleet office\n# BEGIN pptp-fleet office2\nLAB\\\\fleet office2 "pa ss#\\"" *\n# END pptp-fleet office2\n',
    );
    // office's password changes and office2 is not in this run's list: office2's secret stays
    expect(renderChapSecrets(two, [{ ...entry, password: 'new' }], [])).toContain('# BEGIN pptp-fleet office2\nLAB\\\\fleet office2 "pa ss#\\"" *\n# END pptp-fleet office2\n');
  });
});

describe('renderOptionsPptp', () => {
  it('leaves the package file alone when the inventory sets nothing (mppc firmware)', () => {
    expect(renderOptionsPptp(OPTIONS_MPPC, {}, 'mppc')).toEqual({ content: OPTIONS_MPPC, notes: [] });
  });
  it('comments out the shipped mppe line on ppp 2.5 and translates it, as its own reason', () => {
    const r = renderOptionsPptp(OPTIONS_MPPC, {}, 'upstream');
    expect(r.content).toContain(`${DISABLED_PREFIX}mppe required,no40,no56,stateless\n`);
    expect(r.content).toContain('# BEGIN pptp-fleet options\nrequire-mppe-128\nnomppe-stateful\n# END pptp-fleet options\n');
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/ppp 2\.5/);
    // Stable: a second run changes nothing and has no note.
    expect(renderOptionsPptp(r.content, {}, 'upstream')).toEqual({ content: r.content, notes: [] });
  });
  it('writes only the global options set, in the firmware dialect', () => {
    const opts = { lcpEchoInterval: 30, lcpEchoFailure: 4, refuseEap: true, mppe: { required: true, stateless: true, no40: true, no56: true } };
    const r = renderOptionsPptp(OPTIONS_MPPC, opts, 'mppc');
    expect(r.content).toBe(`${OPTIONS_MPPC}# BEGIN pptp-fleet options\nlcp-echo-failure 4\nlcp-echo-interval 30\nrefuse-eap\nmppe required,no40,no56,stateless\n# END pptp-fleet options\n`);
    expect(removeFromOptionsPptp(r.content)).toBe(OPTIONS_MPPC);
  });
  it('creates a baseline when no package shipped the file, and removes it again', () => {
    const r = renderOptionsPptp(null, { idle: 0 }, 'mppc');
    expect(r.content).toMatch(/^# Created by pptp-fleet/);
    expect(r.content).toContain('noauth\n');
    expect(removeFromOptionsPptp(r.content)).toBeNull();
  });
});

const ctx = (fw: Parameters<typeof factsFor>[0]): RouteContext => ({ chains: firewallChains(factsFor(fw)), wanGateway: '192.0.2.254', wanDevice: 'vlan1' });

describe('renderIpScript', () => {
  it('writes the seed structure with a managed arm, full paths, and valid sh', () => {
    const up = renderIpScript('up', null, [tunnel()], [], ctx('whiterussian'));
    expect(up.startsWith('#!/bin/sh\n# parameters\n')).toBe(true);
    expect(up).toContain('logfile=/var/log/ppp\n');
    expect(up).toContain('case "$6" in\n # BEGIN pptp-fleet office\n office)\n');
    // the WAN gateway is read when ip-up runs; the planning-time one only as a fallback
    expect(up).toContain('  pf_wan=$(/sbin/route -n 2>/dev/null | /usr/bin/awk -v t="$1" \'');
    expect(up).toContain("  [ -n \"$pf_wan\" ] || pf_wan='192.0.2.254 vlan1'\n");
    expect(up).toContain('[ -n "$pf_wan" ] && pf_run /sbin/route add -host 198.51.100.1 $pf_via\n');
    expect(up).toContain('pf_run /usr/sbin/iptables -A forwarding_rule -o "$1" -j ACCEPT\n');
    expect(up).toContain('pf_run /usr/sbin/iptables -t nat -A postrouting_rule -o "$1" -j MASQUERADE\n');
    expect(up).toContain('pf_run /sbin/route add -net 10.20.0.0 netmask 255.255.0.0 "$1"\n');
    expect(up).toMatch(/ # END pptp-fleet office\n \*\)\nesac\nexit 0\n$/);
    shSyntaxOk(up);
    const down = renderIpScript('down', null, [tunnel()], [], ctx('whiterussian'));
    expect(down).toContain('pf_run /usr/sbin/iptables -D forwarding_rule -o "$1" -j ACCEPT\n');
    expect(down).toContain('pf_run /usr/sbin/iptables -t nat -D postrouting_rule -o "$1" -j MASQUERADE\n');
    expect(down).toContain('pf_run /sbin/route del -net 10.20.0.0 netmask 255.255.0.0\n');
    expect(down).toContain('pf_run /sbin/route del -host 198.51.100.1\n');
    expect(down).not.toContain('pf_wan');
    shSyntaxOk(down);
  });
  for (const fw of ['openwrt-19', 'openwrt', 'openwrt-24', 'openwrt-apk'] as const) {
    it(`${fw}: no iptables line at all (its UCI firewall zone forwards and masquerades)`, () => {
      const t = [tunnel({ forward: { outbound: true, inbound: true } })];
      for (const kind of ['up', 'down'] as const) expect(renderIpScript(kind, null, t, [], ctx(fw))).not.toContain('iptables');
    });
  }
  it('uses the built-in chains on an iptables router without fw3/fw4', () => {
    const f = factsFor('openwrt');
    const plain: RouteContext = { chains: firewallChains({ ...f, firewall: { ...f.firewall, kind: 'iptables' } }), wanGateway: '192.0.2.254', wanDevice: 'eth1' };
    const up = renderIpScript('up', null, [tunnel({ forward: { outbound: true, inbound: true } })], [], plain);
    expect(up).toContain('/usr/sbin/iptables -t filter -I FORWARD -o "$1" -j ACCEPT');
    expect(up).toContain('/usr/sbin/iptables -t filter -I FORWARD -i "$1" -j ACCEPT');
    expect(up).toContain('/usr/sbin/iptables -t nat -A POSTROUTING -o "$1" -j MASQUERADE');
  });
  it('keeps user arms verbatim, adds ours after the case line, removes absent ones', () => {
    const user = emptyIpScript().replace(' *)\n', ' home)\n  /sbin/route add -net 192.168.9.0 netmask 255.255.255.0 $1\n  ;;\n *)\n');
    const withOurs = renderIpScript('up', user, [tunnel(), tunnel({ name: 'lab' })], [], ctx('openwrt'));
    expect(withOurs).toContain(' home)\n  /sbin/route add -net 192.168.9.0 netmask 255.255.255.0 $1\n  ;;\n *)\n');
    shSyntaxOk(withOurs);
    const removed = renderIpScript('up', withOurs, [tunnel()], ['lab'], ctx('openwrt'));
    expect(removed).not.toContain('pptp-fleet lab');
    expect(renderIpScript('up', removed, [], ['office'], ctx('openwrt'))).toBe(user);
  });
  it('never loses a script it cannot parse: adds a dispatch case after the header', () => {
    const user = '#!/bin/sh\n# my script\n/usr/bin/logger up $1\nexit 0\n';
    const out = renderIpScript('up', user, [tunnel()], [], ctx('openwrt'));
    expect(out).toMatch(/^#!\/bin\/sh\n# my script\n# BEGIN pptp-fleet dispatch\ncase "\$6" in\n # BEGIN pptp-fleet office\n/);
    expect(out).toContain('esac\n# END pptp-fleet dispatch\n/usr/bin/logger up $1\nexit 0\n');
    shSyntaxOk(out);
    expect(renderIpScript('up', out, [], ['office'], ctx('openwrt'))).toBe(user);
  });
  it('resolves a hostname server at run time, and skips routes of demand tunnels', () => {
    const up = renderIpScript('up', null, [tunnel({ server: 'vpn.example.com', demand: true })], [], ctx('openwrt'));
    expect(up).toContain("pf_srv=$(/usr/bin/nslookup vpn.example.com 2>/dev/null | /usr/bin/awk '");
    expect(up).not.toContain('-net 10.20.0.0');
    shSyntaxOk(up);
  });
  it('runs under sh: only our arm runs for its ipparam, commands logged with their status', () => {
    const up = renderIpScript('up', null, [tunnel()], [], { ...ctx('openwrt'), wanDevice: null });
    const log = join(mkdtempSync(join(tmpdir(), 'pf-ipup-')), 'ppp.log');
    const script = up.replace(/\/var\/log\/ppp/g, log).replace(/\/(usr\/)?s?bin\/(route|iptables|date)/g, 'echo $2');
    const r = spawnSync('/bin/sh', ['-s', 'ppp0', '/dev/pts/0', '0', '192.168.255.2', '192.168.0.1', 'office'], { input: script, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('route add -net 10.20.0.0 netmask 255.255.0.0 ppp0\n');
    expect(readFileSync(log, 'utf8')).toContain(' 0 echo route add -host 198.51.100.1 gw 192.0.2.254\n');
    const other = spawnSync('/bin/sh', ['-s', 'ppp0', '', '', '', '', 'nope'], { input: script, encoding: 'utf8' });
    expect(other.status).toBe(0);
    expect(other.stdout).not.toContain('route add');
  });
  describe('the server route through the WAN gateway of the moment', () => {
    const HEAD = 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
    const row = (dest: string, gw: string, mask: string, flags: string, iface: string): string => `${dest.padEnd(16)}${gw.padEnd(16)}${mask.padEnd(16)}${flags.padEnd(6)}0      0        0 ${iface}\n`;
    // ip-up as pppd runs it, with /sbin/route a fake that prints TABLE for -n and records the rest.
    const runUp = (table: string, kind: 'up' | 'down' = 'up'): string => {
      const dir = mkdtempSync(join(tmpdir(), 'pf-ipup-gw-'));
      const route = join(dir, 'route');
      writeFileSync(route, `#!/bin/sh\nif [ "$1" = -n ]; then cat ${dir}/table; exit 0; fi\necho "route $*" >> ${dir}/calls\n`, { mode: 0o755 });
      writeFileSync(join(dir, 'table'), HEAD + table);
      const script = renderIpScript(kind, null, [tunnel()], [], ctx('openwrt')).replace(/\/var\/log\/ppp/g, join(dir, 'log')).replaceAll('/sbin/route', route);
      const r = spawnSync('/bin/sh', ['-s', 'pptp-office', '', '0', '192.168.255.2', '192.168.0.1', 'office'], { input: script, encoding: 'utf8', env: {} });
      expect(r.status).toBe(0);
      return existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '';
    };
    it('reads the gateway from the routing table when ip-up runs, not the one planned', () => {
      const calls = runUp(row('0.0.0.0', '203.0.113.1', '0.0.0.0', 'UG', 'eth1') + row('203.0.113.0', '0.0.0.0', '255.255.255.0', 'U', 'eth1'));
      expect(calls).toContain('route add -host 198.51.100.1 gw 203.0.113.1 dev eth1\n');
      expect(calls).not.toContain('192.0.2.254');
    });
    it('skips default routes through this or another tunnel', () => {
      const calls = runUp(row('0.0.0.0', '0.0.0.0', '0.0.0.0', 'U', 'pptp-office') + row('0.0.0.0', '0.0.0.0', '0.0.0.0', 'U', 'ppp1') + row('0.0.0.0', '198.18.0.1', '0.0.0.0', 'UG', 'eth0.2'));
      expect(calls).toContain('route add -host 198.51.100.1 gw 198.18.0.1 dev eth0.2\n');
    });
    it('a point-to-point WAN (PPPoE) has no gateway: the route names only its device', () => {
      expect(runUp(row('0.0.0.0', '0.0.0.0', '0.0.0.0', 'U', 'pppoe-wan'))).toContain('route add -host 198.51.100.1 dev pppoe-wan\n');
    });
    it('falls back to the planning-time gateway when the table has no WAN default (replacedefaultroute)', () => {
      expect(runUp(row('0.0.0.0', '0.0.0.0', '0.0.0.0', 'U', 'pptp-office'))).toContain('route add -host 198.51.100.1 gw 192.0.2.254 dev vlan1\n');
    });
    it('ip-down removes the route by its destination, whatever the gateway now', () => {
      expect(runUp(row('0.0.0.0', '203.0.113.1', '0.0.0.0', 'UG', 'eth1'), 'down')).toContain('route del -host 198.51.100.1\n');
    });
  });
  it('cidrToNetmask', () => {
    expect(cidrToNetmask('10.0.0.0/8')).toEqual(['10.0.0.0', '255.0.0.0']);
    expect(cidrToNetmask('192.168.1.0/24')).toEqual(['192.168.1.0', '255.255.255.0']);
    expect(cidrToNetmask('1.2.3.4/32')).toEqual(['1.2.3.4', '255.255.255.255']);
    expect(cidrToNetmask('0.0.0.0/0')).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(() => cidrToNetmask('10.0.0/8')).toThrow();
  });
});

describe('modules', () => {
  it('/etc/modules: appends missing lines in a block, keeps the rest, no duplicates', () => {
    const out = renderEtcModules('wl\nslhc\n', ['slhc', 'ppp_generic', 'ppp_async']);
    expect(out).toBe('wl\nslhc\n# BEGIN pptp-fleet modules\nppp_generic\nppp_async\n# END pptp-fleet modules\n');
    expect(renderEtcModules(out, ['slhc', 'ppp_generic', 'ppp_async'])).toBe(out);
    expect(removeFromEtcModules(out)).toBe('wl\nslhc\n');
  });
  it('modules.d: one name a line', () => {
    expect(renderModulesD(['slhc', 'ppp_generic'])).toBe('slhc\nppp_generic\n');
  });
});

describe('renderInitScript', () => {
  for (const fw of FIRMWARES) {
    it(`${fw}: valid sh calling pppd by its full path`, () => {
      const f = factsFor(fw);
      const out = renderInitScript(tunnel({ demand: true, persist: true, idle: 3600 }), f.initStyle);
      expect(out).toContain('/usr/sbin/pppd call office');
      expect(out).toContain('sleep 2');
      expect(out).toContain('/sbin/route add -net 10.20.0.0 netmask 255.255.0.0 "$iface"');
      if (f.initStyle === 'procd') expect(out).toMatch(/^#!\/bin\/sh \/etc\/rc.common\n[^]*START=70\n/);
      else expect(out).toMatch(/^#!\/bin\/sh\n/);
      shSyntaxOk(out);
    });
  }
});
