// Runs the real facts script (dash, and busybox ash when available) against fake roots laid out
// like each firmware flavour, then parses the output.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FACTS_COMMAND, factsScript } from '../../src/facts/gather.js';
import { plannerPaths as managedPaths } from '../../src/plan/plan.js';
import { parseFacts, parseIpkgStatus } from '../../src/facts/parse.js';
import { diagnose } from '../../src/pppd-log/parse.js';
import { CHAP_SECRETS, IP_UP, countingShell, makeRoot, runScript, shells, startFakeDaemon } from '../fixtures/facts/fakeroot.js';

const roots: string[] = [];
const pids: number[] = [];
afterAll(() => {
  for (const p of pids) {
    try {
      process.kill(p);
    } catch {
      /* already gone */
    }
  }
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function root(flavour: Parameters<typeof makeRoot>[0]): string {
  const r = makeRoot(flavour);
  roots.push(r);
  return r;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('plannerPaths (the paths facts report)', () => {
  it('lists the shared files once and the per-tunnel files for each tunnel', () => {
    const paths = managedPaths(['office', 'lab']);
    expect(paths).toContain('/etc/ppp/chap-secrets');
    expect(paths).toContain('/etc/modules.d/60-pptp-fleet');
    expect(paths).toContain('/etc/ppp/peers/lab');
    expect(paths).toContain('/etc/init.d/S70pptp-office');
    expect(paths).toContain('/etc/init.d/pptp-lab');
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('factsScript', () => {
  it('is what the router sees on its command line: no script, no secrets', () => {
    expect(FACTS_COMMAND).toBe('/bin/sh -s -- pptp-fleet:facts');
  });

  it('passes sh -n (dash) and rejects relative paths', () => {
    const res = spawnSync('/bin/sh', ['-n'], { input: factsScript(managedPaths(['office'])) });
    expect(res.status).toBe(0);
    expect(() => factsScript(['etc/x'])).toThrow(RangeError);
  });

  it('quotes paths so a hostile path cannot run commands', () => {
    // The header carries the paths shQuote'd; run for real, a hostile path is only a path.
    expect(factsScript(["/tmp/x'; reboot; '"])).toContain(`PATHS='/tmp/x'\\''; reboot; '\\'''`);
    const r = makeRoot('openwrt');
    roots.push(r);
    const hostile = `/tmp/x'; touch ${r}/pwned; '`;
    const res = runScript(shells()[0]!, factsScript([hostile, `/tmp/$(touch ${r}/pwned2)`], { root: r }));
    expect(res.status).toBe(0);
    expect(existsSync(join(r, 'pwned'))).toBe(false);
    expect(existsSync(join(r, 'pwned2'))).toBe(false);
    expect(parseFacts(res.stdout).files[hostile]).toMatchObject({ type: 'missing' });
  });
});

for (const sh of shells()) {
  describe(`facts script under ${sh.name}`, () => {
    it('passes sh -n', () => {
      const res = spawnSync(sh.cmd, ['-n'], { input: factsScript(managedPaths(['office'])), env: { PATH: sh.path } });
      expect(res.status).toBe(0);
    });

    it('reads a White Russian root: ipkg, /etc/modules, sysv, pptp binary, no plugin', () => {
      const r = root('whiterussian');
      const out = runScript(sh, factsScript(managedPaths(['office']), { root: r }));
      expect(out.stderr).toBe('');
      const f = parseFacts(out.stdout);
      expect(f.packageManager).toBe('ipkg');
      expect(f.release).toBe('whiterussian-rc6');
      expect(f.packages).toEqual(parseIpkgStatus(readFileSync(join(r, 'usr/lib/ipkg/status'), 'utf8')));
      expect(f.modulesConfig).toBe('etc-modules');
      expect(f.initStyle).toBe('sysv');
      expect(f.hasPptpBinary).toBe(true);
      expect(f.pptpPlugin).toBeNull();
      expect(f.hasPppd).toBe(true);
      expect(f.pppdVersion).toBe('2.4.3'); // the ppp package's 2.4.3-7, pppd itself not asked
      expect(f.loadedModules).toContain('ppp_mppe_mppc');
      expect(f.availableModules).toEqual(expect.arrayContaining(['ppp_mppe_mppc', 'arc4', 'sha1', 'ip_gre']));
      expect(f.wan).toEqual({ gateway: '192.0.2.254', device: 'vlan1' });
      expect(f.files['/etc/modules']).toMatchObject({ type: 'file', mode: '644', content: 'wl\nslhc\nppp_generic\nppp_async\n' });
      expect(f.hasSha256sum).toBe(sh.name === 'dash'); // the busybox PATH has no sha256sum applet
      expect(f.packageLockHeld).toBe(false);
    });

    it('reads the firewall: fw4 with our UCI sections and the other zones (uci show, filtered), and an old release banner', () => {
      const r = root('openwrt');
      mkdirSync(join(r, 'sbin'), { recursive: true });
      writeFileSync(join(r, 'sbin/fw4'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      // uci as the router prints the committed file, `uci -q show /etc/config/firewall` (a path:
      // libuci replays no pending change from /tmp/.uci on it), the root's file
      writeFileSync(
        join(r, 'sbin/uci'),
        `#!/bin/sh\n[ "$1 $2 $3" = "-q show ${r}/etc/config/firewall" ] || exit 1\ncat <<'EOF'\n` +
          "firewall.@defaults[0]=defaults\nfirewall.@defaults[0].input='ACCEPT'\nfirewall.@zone[0]=zone\nfirewall.@zone[0].name='lan'\nfirewall.@zone[0].network='lan'\n" +
          "firewall.@zone[1]=zone\nfirewall.@zone[1].name='wan'\nfirewall.@rule[0]=rule\nfirewall.@rule[0].name='Allow-Ping'\n" +
          "firewall.pptp_fleet_zone_office=zone\nfirewall.pptp_fleet_zone_office.name='office'\nfirewall.pptp_fleet_zone_office.device='pptp-office'\nEOF\n",
        { mode: 0o755 },
      );
      writeFileSync(join(r, 'etc/banner'), '  _______\n |__| W I R E L E S S   F R E E D O M\n KAMIKAZE (8.09, r14127) ----------------------------\n');
      const out = runScript(sh, factsScript(managedPaths(['office']), { root: r }));
      expect(out.stderr).toBe('');
      const f = parseFacts(out.stdout);
      expect(f.firewall).toEqual({
        kind: 'fw4',
        sections: { pptp_fleet_zone_office: { type: 'zone', options: [['name', ['office']], ['device', ['pptp-office']]] } },
        otherZones: ['lan', 'wan'],
      });
      expect(out.stdout).not.toContain("input='ACCEPT'");
      expect(f.banner).toBe('KAMIKAZE (8.09, r14127) ----------------------------');
    });

    it('reads an OpenWrt 23.05 root, the chap-secrets symlink into /rom and tricky file content', () => {
      const r = root('openwrt');
      const out = runScript(sh, factsScript(managedPaths(['office']), { root: r }));
      const f = parseFacts(out.stdout);
      expect(f).toMatchObject({
        packageManager: 'opkg',
        release: '23.05.5',
        packages: ['kmod-ppp', 'ppp', 'ppp-mod-pptp'],
        modulesConfig: 'modules.d',
        initStyle: 'procd',
        hasPptpBinary: false,
        pptpPlugin: '/usr/lib/pppd/2.4.9/pptp.so',
        wan: { gateway: '192.0.2.254', device: 'eth1' },
      });
      expect(f.loadedModules).toContain('pptp');
      const secrets = f.files['/etc/ppp/chap-secrets'];
      expect(secrets).toMatchObject({ type: 'symlink', linkTarget: '/rom/etc/ppp/chap-secrets', mode: '600', content: CHAP_SECRETS });
      expect(secrets?.md5).toMatch(/^[0-9a-f]{32}$/);
      expect(f.files['/etc/ppp/ip-up']).toMatchObject({ type: 'file', mode: '755', content: IP_UP });
      // No final newline: kept exactly.
      expect(f.files['/etc/ppp/peers/office']?.content).toBe(readFileSync(join(r, 'etc/ppp/peers/office'), 'utf8'));
      expect(f.files['/etc/ppp/peers/office']?.content?.endsWith('ipparam office')).toBe(true);
      expect(f.files['/etc/init.d/pptp-office']).toEqual({ path: '/etc/init.d/pptp-office', type: 'missing' });
      expect(f.files['/etc/modules.d/60-pptp-fleet']?.type).toBe('missing');
    });

    it('reads an apk root (OpenWrt 25)', () => {
      const r = root('openwrt-apk');
      const f = parseFacts(runScript(sh, factsScript(managedPaths([]), { root: r })).stdout);
      expect(f.packageManager).toBe('apk');
      expect(f.release).toBe('25.12.0');
      expect(f.packages).toEqual(['ppp', 'kmod-ppp', 'ppp-mod-pptp']);
    });

    it('finds pppd by pid file: alive with its syslog lines, stale pid files dead', async () => {
      const r = root('openwrt');
      const pid = startFakeDaemon(r, 'office', 3);
      pids.push(pid);
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').includes('ip-up finished'));
      writeFileSync(join(r, 'var/run/ppp-stale.pid'), '999999\n');
      writeFileSync(join(r, 'var/run/ppp-garbage.pid'), 'x\n');
      const f = parseFacts(runScript(sh, factsScript(['/etc/ppp/options'], { root: r })).stdout);
      const office = f.pppd.find((p) => p.linkname === 'office');
      expect(office).toMatchObject({ pid, alive: true, iface: 'ppp3' });
      expect(office?.recentLog).toContain(`pppd[${pid}]: Script /etc/ppp/ip-up finished`);
      expect(f.pppd.find((p) => p.linkname === 'stale')).toMatchObject({ pid: 999999, alive: false });
      expect(f.pppd.find((p) => p.linkname === 'garbage')).toBeUndefined();
    });

    it('reads the syslog once for all running pppds: each gets its own lines, at the cost of one', async () => {
      const r = root('openwrt');
      const names = ['office', 'branch', 'depot'];
      const runs = (): { facts: ReturnType<typeof parseFacts>; tools: string[] } => {
        const { shell, log } = countingShell(sh);
        const facts = parseFacts(runScript(shell, factsScript(managedPaths(names), { root: r })).stdout);
        return { facts, tools: readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') };
      };
      const idle = runs();
      expect(idle.facts.pppd).toEqual([]);
      const started = names.map((name, unit) => ({ name, pid: startFakeDaemon(r, name, unit) }));
      pids.push(...started.map((s) => s.pid));
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').split('ip-up finished').length > started.length);
      const all = runs();
      for (const { name, pid } of started) {
        const p = all.facts.pppd.find((x) => x.linkname === name);
        expect(p).toMatchObject({ pid, alive: true });
        expect(p?.recentLog).toContain(`pppd[${pid}]: Script /etc/ppp/ip-up finished`);
        for (const other of started.filter((o) => o.pid !== pid)) expect(p?.recentLog).not.toContain(`pppd[${other.pid}]`);
      }
      // three running pppds cost one logread (the fake root's is a `cat`) and no awk of their own
      expect(all.tools.filter((t) => t === 'awk')).toHaveLength(1);
      expect([...all.tools].sort()).toEqual([...idle.tools, 'cat'].sort());
    });

    it('leaves LCP echo chatter out of a live pppd\'s lines, so a link idle for hours still shows how it came up', async () => {
      const r = root('openwrt');
      const pid = startFakeDaemon(r, 'office', 4);
      pids.push(pid);
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').includes('ip-up finished'));
      // pppd with `debug` (OpenWrt's /etc/ppp/options) and lcp-echo-interval: two lines per echo
      const echoes = Array.from({ length: 200 }, (_, i) =>
        `Jan  1 01:00:00 OpenWrt daemon.debug pppd[${pid}]: sent [LCP EchoReq id=0x${(i % 256).toString(16)} magic=0x1a2b3c4d]\n` +
        `Jan  1 01:00:00 OpenWrt daemon.debug pppd[${pid}]: rcvd [LCP EchoRep id=0x${(i % 256).toString(16)} magic=0x5e6f7a8b]\n`).join('');
      appendFileSync(join(r, 'var/log/messages'), echoes);
      const f = parseFacts(runScript(sh, factsScript(['/etc/ppp/options'], { root: r })).stdout);
      const office = f.pppd.find((p) => p.linkname === 'office');
      expect(office?.recentLog).toContain('local  IP address');
      expect(office?.recentLog).not.toContain('LCP Echo');
      expect(diagnose(office?.recentLog ?? '').verdict).toBe('up');
    });

    it('finds pppd 2.5 tunnels by their pid files in /var/run/pppd', async () => {
      const r = root('openwrt');
      writeFileSync(join(r, 'fake', 'piddir'), '/var/run/pppd');
      const pid = startFakeDaemon(r, 'office', 2);
      pids.push(pid);
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').includes('ip-up finished'));
      writeFileSync(join(r, 'var/run/pppd/pppoe-wan.pid'), `${process.pid}\n`); // pppd's IFNAME.pid: not a tunnel
      const f = parseFacts(runScript(sh, factsScript(['/etc/ppp/options'], { root: r })).stdout);
      expect(f.pppd).toEqual([expect.objectContaining({ linkname: 'office', pid, alive: true, iface: 'ppp2' })]);
    });

    it('reads netifd: its PPP protocol, our interfaces and routes in /etc/config/network, and pppds by their interface pid file', async () => {
      const r = root('openwrt');
      mkdirSync(join(r, 'lib/netifd/proto'), { recursive: true });
      mkdirSync(join(r, 'sbin'), { recursive: true });
      writeFileSync(join(r, 'sbin/netifd'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      writeFileSync(join(r, 'lib/netifd/proto/ppp.sh'), '#!/bin/sh\n', { mode: 0o755 });
      writeFileSync(
        join(r, 'sbin/uci'),
        `#!/bin/sh\n[ "$1 $2 $3" = "-q show ${r}/etc/config/network" ] || exit 0\ncat <<'EOF'\n` +
          "network.lan=interface\nnetwork.lan.proto='static'\nnetwork.office=interface\nnetwork.office.proto='pptp'\nnetwork.office.server='198.51.100.1'\n" +
          "network.office2=interface\nnetwork.office2.proto='dhcp'\nnetwork.pptp_fleet_rt_office_1=route\nnetwork.pptp_fleet_rt_office_1.interface='office'\nEOF\n",
        { mode: 0o755 },
      );
      // a hand-run tunnel with `ifname pptp-office`: both pid files, reported once by its linkname
      const hand = startFakeDaemon(r, 'office', 0);
      // a pppd netifd runs for `lab`: only pptp-lab.pid (no linkname)
      const byNetifd = startFakeDaemon(r, 'labx', 1);
      pids.push(hand, byNetifd);
      await waitFor(() => existsSync(join(r, 'var/run/ppp-office.pid')) && existsSync(join(r, 'var/run/ppp-labx.pid')));
      writeFileSync(join(r, 'var/run/pptp-office.pid'), `${hand}\n`);
      rmSync(join(r, 'var/run/ppp-labx.pid'));
      writeFileSync(join(r, 'var/run/pptp-lab.pid'), `${byNetifd}\n`);
      const f = parseFacts(runScript(sh, factsScript(['/etc/ppp/options'], { root: r, interfaces: ['office', 'lab'] })).stdout);
      expect(f.netifd).toBe(true);
      expect(f.network).toEqual({
        office: { type: 'interface', options: [['proto', ['pptp']], ['server', ['198.51.100.1']]] },
        pptp_fleet_rt_office_1: { type: 'route', options: [['interface', ['office']]] },
      });
      expect(f.pppd.map((p) => [p.linkname, p.pid, p.alive, p.by])).toEqual([['office', hand, true, undefined], ['pptp-lab', byNetifd, true, 'ifname']]);
    });

    it('without /lib/netifd/proto/ppp.sh (no ppp package) netifd has no PPTP', () => {
      const r = root('openwrt');
      mkdirSync(join(r, 'sbin'), { recursive: true });
      writeFileSync(join(r, 'sbin/netifd'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const f = parseFacts(runScript(sh, factsScript(['/etc/ppp/options'], { root: r, interfaces: ['office'] })).stdout);
      expect(f.netifd).toBe(false);
      expect(f.network).toEqual({});
    });

    it("names our sections with pending uci changes (the delta files in /tmp/.uci), never their values, nobody else's", () => {
      const r = root('openwrt');
      mkdirSync(join(r, 'tmp/.uci'), { recursive: true });
      // uci's delta syntax (openwrt/uci delta.c uci_save): [+-@^|~]CONFIG.SECTION[.OPTION][=VALUE]
      writeFileSync(
        join(r, 'tmp/.uci/network'),
        "network.office.password=s3cret-Value\nnetwork.lan.ipaddr=10.0.0.1\n+network.pptp_fleet_rt_office_1=route\n-network.pptp_fleet_rt_office_2\nnetwork.office.proto=pptp\n|network.office2.dns=1.1.1.1\n",
      );
      writeFileSync(join(r, 'tmp/.uci/firewall'), "~firewall.pptp_fleet_zone_office.device=pptp-office\nfirewall.lan.input=REJECT\n");
      const out = runScript(sh, factsScript([], { root: r, interfaces: ['office'] })).stdout;
      expect(out).not.toContain('s3cret-Value');
      expect(parseFacts(out).uciPending).toEqual({ firewall: ['pptp_fleet_zone_office'], network: ['office', 'pptp_fleet_rt_office_1', 'pptp_fleet_rt_office_2'] });
      writeFileSync(join(r, 'tmp/.uci/network'), 'network.lan.ipaddr=10.0.0.1\n');
      writeFileSync(join(r, 'tmp/.uci/firewall'), '');
      expect(parseFacts(runScript(sh, factsScript([], { root: r, interfaces: ['office'] })).stdout).uciPending).toBeUndefined();
    });

    it('sees a package manager lock held by a live pid, not a stale one', () => {
      const r = root('openwrt');
      mkdirSync(join(r, 'var/lock'), { recursive: true });
      writeFileSync(join(r, 'var/lock/opkg.lock'), '999999\n');
      expect(parseFacts(runScript(sh, factsScript([], { root: r })).stdout).packageLockHeld).toBe(false);
      writeFileSync(join(r, 'var/lock/opkg.lock'), `${process.pid}\n`);
      expect(parseFacts(runScript(sh, factsScript([], { root: r })).stdout).packageLockHeld).toBe(true);
    });

    it('takes pppd\'s version from the package that installed it, and asks pppd only when none did', () => {
      const r = root('openwrt');
      const marker = join(r, 'pppd-was-run');
      writeFileSync(join(r, 'usr/sbin/pppd'), `#!/bin/sh\n: >'${marker}'\necho "pppd version 2.4.7" >&2\n`, { mode: 0o755 });
      const version = (): string | null => parseFacts(runScript(sh, factsScript([], { root: r })).stdout).pppdVersion;
      expect(version()).toBe('2.4.9'); // opkg-23.05 status: ppp 2.4.9.git-2021-01-04-4
      expect(existsSync(marker)).toBe(false);
      const status = join(r, 'usr/lib/opkg/status');
      writeFileSync(status, readFileSync(status, 'utf8').replace(/^Package: ppp$/m, 'Package: ppp-custom'));
      expect(version()).toBe('2.4.7');
      expect(existsSync(marker)).toBe(true);
    });

    it('reports every kind of managed file exactly: NULs, no final newline, empty, size limit, links, odd names', () => {
      const r = root('openwrt');
      const files: Record<string, string | Buffer> = {
        '/etc/pf/nonl': 'x\ny',
        '/etc/pf/empty': '',
        '/etc/pf/blank': '\n',
        '/etc/pf/utf8': 'passwörd é\n',
        '/etc/pf/limit-1': 'a'.repeat(8190) + '\n',
        '/etc/pf/limit': 'a'.repeat(8191) + '\n',
        "/etc/pf/odd name 'q' * $(x)": 'odd\n',
      };
      for (const [p, c] of Object.entries(files)) {
        mkdirSync(join(r, p, '..'), { recursive: true });
        writeFileSync(join(r, p), c);
      }
      chmodSync(join(r, 'etc/pf/nonl'), 0o600);
      mkdirSync(join(r, 'etc/pf/dir'));
      symlinkSync('../ppp/ip-up', join(r, 'etc/pf/rel')); // relative, like /etc/rc.d/S70pptp-x
      symlinkSync('/etc/pf/nonl', join(r, 'etc/pf/abs')); // a second path to a managed file
      symlinkSync('/nowhere', join(r, 'etc/pf/dangling'));
      symlinkSync('/etc/ppp', join(r, 'etc/pf/todir'));
      spawnSync('mkfifo', [join(r, 'etc/pf/fifo')]);
      const paths = [...Object.keys(files), '/etc/pf/dir', '/etc/pf/rel', '/etc/pf/abs', '/etc/pf/dangling', '/etc/pf/todir', '/etc/pf/fifo', '/etc/pf/missing', '/etc/ppp/ip-up'];
      const md5 = (p: string): string => createHash('md5').update(readFileSync(join(r, p))).digest('hex');
      const check = (label: string): void => {
        const out = runScript(sh, factsScript(paths, { root: r }));
        expect(out.stderr, label).toBe('');
        const f = parseFacts(out.stdout).files;
        for (const p of ['/etc/pf/nonl', '/etc/pf/empty', '/etc/pf/blank', '/etc/pf/utf8', '/etc/pf/limit-1', "/etc/pf/odd name 'q' * $(x)"]) {
          expect(f[p], `${label} ${p}`).toMatchObject({ type: 'file', content: readFileSync(join(r, p), 'utf8'), md5: md5(p) });
        }
        expect(f['/etc/pf/nonl']?.mode).toBe('600');
        expect(f['/etc/pf/limit'], `${label}: 8192 bytes is too large for content`).toEqual({ path: '/etc/pf/limit', type: 'file', mode: '644', uid: expect.any(Number), gid: expect.any(Number), md5: md5('/etc/pf/limit') });
        expect(f['/etc/pf/dir']).toMatchObject({ type: 'dir' });
        expect(f['/etc/pf/rel']).toMatchObject({ type: 'symlink', linkTarget: '../ppp/ip-up', mode: '755', content: IP_UP, md5: md5('/etc/ppp/ip-up') });
        expect(f['/etc/pf/abs']).toMatchObject({ type: 'symlink', linkTarget: '/etc/pf/nonl', mode: '600', content: 'x\ny' });
        expect(f['/etc/pf/dangling']).toEqual({ path: '/etc/pf/dangling', type: 'symlink', linkTarget: '/nowhere' });
        expect(f['/etc/pf/todir']).toEqual({ path: '/etc/pf/todir', type: 'symlink', linkTarget: '/etc/ppp' });
        expect(f['/etc/pf/fifo']).toMatchObject({ type: 'file', mode: expect.any(String) });
        expect(f['/etc/pf/fifo']?.content).toBeUndefined();
        expect(f['/etc/pf/missing']).toEqual({ path: '/etc/pf/missing', type: 'missing' });
        expect(f['/etc/ppp/ip-up']).toMatchObject({ type: 'file', content: IP_UP });
      };
      check('no NUL anywhere');
      // A file with a NUL has no content (awk misreads it and the md5 check catches it, or
      // the parser refuses the NUL); every other file still has its own.
      writeFileSync(join(r, 'etc/pf/nul'), Buffer.from('a\0b\n'));
      paths.push('/etc/pf/nul');
      check('one file with a NUL');
      const f = parseFacts(runScript(sh, factsScript(paths, { root: r })).stdout).files;
      expect(f['/etc/pf/nul']).toMatchObject({ type: 'file', md5: md5('/etc/pf/nul') });
      expect(f['/etc/pf/nul']?.content).toBeUndefined();
    });

    it('with limits: a file up to maxContentBytes, all files together up to maxTotalContentBytes, in path order', () => {
      const r = root('openwrt');
      mkdirSync(join(r, 'etc/pf'), { recursive: true });
      const files = { '/etc/pf/a': 'a'.repeat(9000) + '\n', '/etc/pf/b': 'b'.repeat(9000) + '\n', '/etc/pf/c': 'c\n', '/etc/pf/d': 'd'.repeat(20000) + '\n' };
      for (const [p, c] of Object.entries(files)) writeFileSync(join(r, p), c);
      const facts = (opts: { maxContentBytes?: number; maxTotalContentBytes?: number }): Record<string, string | undefined> => {
        const f = parseFacts(runScript(sh, factsScript(Object.keys(files), { root: r, ...opts })).stdout).files;
        return Object.fromEntries(Object.keys(files).map((p) => [p, f[p]?.content === undefined ? undefined : `${f[p]?.content?.length}`]));
      };
      // the default: 8 KB a file, no total
      expect(facts({})).toEqual({ '/etc/pf/a': undefined, '/etc/pf/b': undefined, '/etc/pf/c': '2', '/etc/pf/d': undefined });
      expect(facts({ maxContentBytes: 65536 })).toEqual({ '/etc/pf/a': '9001', '/etc/pf/b': '9001', '/etc/pf/c': '2', '/etc/pf/d': '20001' });
      // b would take the total past 12000: no content; the small c still fits after it
      expect(facts({ maxContentBytes: 65536, maxTotalContentBytes: 12000 })).toEqual({ '/etc/pf/a': '9001', '/etc/pf/b': undefined, '/etc/pf/c': '2', '/etc/pf/d': undefined });
    });

    it('runs no command hidden in a path, and globs nothing', () => {
      const r = root('openwrt');
      const marker = join(r, 'pwned');
      writeFileSync(join(r, 'etc/a1'), '1\n');
      writeFileSync(join(r, 'etc/a2'), '2\n');
      const paths = [`/x'; touch '${marker}'; '`, `/$(touch ${marker})`, `/\`touch ${marker}\``, '/etc/a*'];
      const f = parseFacts(runScript(sh, factsScript(paths, { root: r })).stdout).files;
      expect(existsSync(marker)).toBe(false);
      for (const p of paths) expect(f[p]).toEqual({ path: p, type: 'missing' });
    });

    it('asks `ip route` for the default route only when `route -n` printed nothing', () => {
      const r = root('whiterussian');
      const ip = (marker: string): string => `#!/bin/sh\n: > "\${0%/sbin/ip}/${marker}"\necho 'default via 192.0.2.9 dev eth9'\n`;
      writeFileSync(join(r, 'sbin/ip'), ip('ip-ran'), { mode: 0o755 });
      const both = parseFacts(runScript(sh, factsScript(managedPaths(['office']), { root: r })).stdout);
      expect(both.wan).toEqual({ gateway: '192.0.2.254', device: 'vlan1' });
      expect(existsSync(join(r, 'ip-ran')), 'route -n had the default: ip not run').toBe(false);
      writeFileSync(join(r, 'sbin/route'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      const ipOnly = parseFacts(runScript(sh, factsScript(managedPaths(['office']), { root: r })).stdout);
      expect(ipOnly.wan).toEqual({ gateway: '192.0.2.9', device: 'eth9' });
      expect(existsSync(join(r, 'ip-ran'))).toBe(true);
    });

    it('costs a fixed number of processes however many files it reports', () => {
      const r = root('openwrt');
      const count = (names: string[]): number => {
        const { shell, log } = countingShell(sh);
        const out = runScript(shell, factsScript(managedPaths(names), { root: r }));
        expect(parseFacts(out.stdout).files['/etc/ppp/ip-up']?.content).toBe(IP_UP);
        return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').length;
      };
      const one = count(['office']);
      const many = count(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
      console.log(`facts script tool runs (${sh.name}): ${one} for 1 tunnel, ${many} for 8 tunnels`);
      expect(many).toBe(one);
      // The per-file script ran ~10 tools per file (~100 for one tunnel's files); measured 8.
      expect(one).toBeLessThanOrEqual(10);
    });

    it('stays well under 14 KB for a typical router (measured)', async () => {
      const r = root('openwrt');
      const pid = startFakeDaemon(r, 'office', 0);
      pids.push(pid);
      await waitFor(() => readFileSync(join(r, 'var/log/messages'), 'utf8').includes('ip-up finished'));
      // 40 lines of pppd debug for that pid, as a chatty real session leaves behind.
      const line = `Thu Nov 27 10:00:00 2025 daemon.debug pppd[${pid}]: rcvd [LCP EchoRep id=0x12 magic=0x71251209]\n`;
      writeFileSync(join(r, 'var/log/messages'), line.repeat(60), { flag: 'a' });
      const out = runScript(sh, factsScript(managedPaths(['office']), { root: r })).stdout;
      const bytes = Buffer.byteLength(out);
      console.log(`facts output size (${sh.name}, openwrt, one tunnel up): ${bytes} bytes`);
      expect(bytes).toBeLessThan(14_000);
    });
  });
}
