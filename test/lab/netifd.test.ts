// The lab's netifd (standins/bin/netifd) and `lab reboot`, without the tool: a PPTP interface
// written by hand with `uci batch` on a 24.10 router comes up with `ifup`, ubus reports it the
// way netifd does, the pppd command line is the one ppp.sh builds (a UCI password on it: the leak
// the tool avoids; without one pppd takes chap-secrets), and after `lab reboot` the interface is
// up again by itself while a hand-run pppd without `persist`, started before the WAN, is gone.
import { readFile, writeFile, chmod, access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labReboot, type Lab, type LabRouter } from '../../packages/lab/src/index.js';
import { InputError } from '../../packages/lab/src/errors.js';
import { routerExec, waitFor } from './fault-helpers.js';
import { routerPath, startLab, stopLab } from './helpers.js';

let lab: Lab | undefined;
const r = (name: string): LabRouter => {
  const x = lab?.routers.find((y) => y.name === name);
  if (!x) throw new Error(`no router ${name}`);
  return x;
};
const exec = async (name: string, command: string, stdin = ''): Promise<string> => {
  if (!lab) throw new Error('no lab');
  const res = await routerExec(lab, r(name), command, stdin);
  if (res.exitCode !== 0) throw new Error(`${command}: exit ${String(res.exitCode)}: ${res.stderr}`);
  return res.stdout;
};

interface IfaceStatus {
  up: boolean;
  pending: boolean;
  autostart: boolean;
  l3_device?: string;
  proto: string;
  'ipv4-address'?: Array<{ address: string; mask: number; ptpaddress: string }>;
  route?: Array<{ target: string; mask: number; nexthop: string }>;
  errors?: Array<{ subsystem: string; code: string }>;
}
const status = async (name: string, iface: string): Promise<IfaceStatus> => JSON.parse(await exec(name, `ubus call network.interface.${iface} status`)) as IfaceStatus;

// argv of every pppd running on the router, from /proc (the stand-in runs as `sh /usr/sbin/pppd ...`)
async function pppdArgvs(name: string): Promise<string[][]> {
  const out = await exec(name, `for f in /proc/[0-9]*/cmdline; do tr '\\000' '\\n' < "$f" 2>/dev/null; echo '--end--'; done`);
  return out
    .split('--end--\n')
    .map((block) => block.split('\n').filter((_, i, a) => i < a.length - 1 || a[i] !== ''))
    .filter((argv) => argv[1] === '/usr/sbin/pppd' || argv[0] === '/usr/sbin/pppd')
    .map((argv) => (argv[0] === '/usr/sbin/pppd' ? argv : argv.slice(1)));
}

// `pw` goes over stdin: never on an SSH command line
const CHAP = (pw: string): string => `"LAB\\\\fleet" * "${pw.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" *\n`;
const WRITE_CHAP = 'rm -f /etc/ppp/chap-secrets && umask 077 && cat > /etc/ppp/chap-secrets';
// ppp 2.5 rejects the `mppe` line 24.10's options.pptp still ships
const OPTIONS_PPTP = 'noipdefault\nnoauth\nnobsdcomp\nnodeflate\nidle 0\nmaxfail 0\n';
const OFFICE = [
  'set network.office=interface',
  "set network.office.proto='pptp'",
  "set network.office.server='198.51.100.1'",
  "set network.office.username='LAB\\fleet'",
  "set network.office.pppd_options='require-mppe-128 refuse-eap'",
  "set network.office.defaultroute='0'",
  "set network.office.keepalive='4 10'",
  'set network.office_net=route',
  "set network.office_net.interface='office'",
  "set network.office_net.target='10.20.0.0/16'",
  'commit network',
  '',
].join('\n');

let password = '';

beforeAll(async () => {
  lab = await startLab({ routers: 5, firmware: [['openwrt-24', 2], ['whiterussian', 1], ['openwrt-19', 1], ['openwrt-apk', 1]] });
  password = (await readFile(lab.passwordPath, 'utf8')).replace(/\n$/, '');
  // netifd loads the pptp protocol only when it starts: restarted after the plugin is installed
  // (procd starts the new netifd after the init script returned)
  for (const name of ['r001', 'r002']) {
    await exec(name, 'opkg update >/dev/null && opkg install ppp-mod-pptp >/dev/null && /etc/init.d/network restart');
    await waitFor(`${name}: netifd with pptp`, async () => (await exec(name, 'ubus call network get_proto_handlers')).includes('"pptp"'), 15_000);
  }
}, 180_000);

afterAll(async () => {
  await stopLab(lab);
}, 60_000);

describe('netifd stand-in on 24.10', () => {
  it('the shipped options.pptp (its `mppe` line) fails with OPTION_ERROR and netifd does not restart it', async () => {
    await exec('r002', 'uci batch', OFFICE);
    await exec('r002', 'ifup office');
    await waitFor('OPTION_ERROR in ubus status', async () => (await status('r002', 'office')).errors?.[0]?.code === 'OPTION_ERROR', 30_000);
    const st = await status('r002', 'office');
    expect(st).toMatchObject({ up: false, pending: false, errors: [{ subsystem: 'pptp', code: 'OPTION_ERROR' }] });
    expect(await exec('r002', 'logread')).toContain("unrecognized option 'mppe'");
    // blocked: no new pppd after the failure
    await new Promise((res) => setTimeout(res, 3000));
    expect(await pppdArgvs('r002')).toEqual([]);
  }, 60_000);

  it('after an authentication failure netifd reports AUTH_TOPEER_FAILED and sets the interface up again (no authfail)', async () => {
    await exec('r002', 'cat > /etc/ppp/options.pptp', OPTIONS_PPTP);
    await exec('r002', WRITE_CHAP, CHAP(`${password}-wrong`));
    await exec('r002', 'ifup office');
    await waitFor('a second attempt', async () => ((await exec('r002', 'logread')).match(/Using interface pptp-office/g) ?? []).length >= 2, 30_000);
    const st = await status('r002', 'office');
    expect(st.up).toBe(false);
    expect(st.errors).toEqual([{ subsystem: 'pptp', code: 'AUTH_TOPEER_FAILED' }]);
    await exec('r002', 'ifdown office');
    expect(await pppdArgvs('r002')).toEqual([]);
  }, 60_000);

  it('ifup brings a hand-written interface up; ubus shows up, l3_device pptp-office, the address and the static route', async () => {
    await exec('r001', WRITE_CHAP, CHAP(password));
    await exec('r001', 'cat > /etc/ppp/options.pptp', OPTIONS_PPTP);
    await exec('r001', 'uci batch', OFFICE);
    await exec('r001', 'ifup office');
    await waitFor('office up', async () => (await status('r001', 'office')).up, 30_000);
    const st = await status('r001', 'office');
    expect(st).toMatchObject({ up: true, pending: false, autostart: true, l3_device: 'pptp-office', proto: 'pptp' });
    expect(st['ipv4-address']?.[0]).toMatchObject({ mask: 32, ptpaddress: '192.168.0.1' });
    expect(st.route).toContainEqual(expect.objectContaining({ target: '10.20.0.0', mask: 16 }));
    // defaultroute '0': no default route through the tunnel; the server's host route via the WAN
    const routes = await readFile(routerPath(lab as Lab, 'r001', 'lab/state/routes'), 'utf8');
    expect(routes).not.toMatch(/^0\.0\.0\.0 \S+ 0\.0\.0\.0 \S+ \d+ pptp-office$/m);
    expect(routes).toMatch(/^198\.51\.100\.1 192\.0\.2\.254 255\.255\.255\.255 UGH 0 eth1$/m);
    expect(routes).toMatch(/^10\.20\.0\.0 0\.0\.0\.0 255\.255\.0\.0 U 0 pptp-office$/m);
    expect(await exec('r001', 'ifstatus office')).toContain('"l3_device": "pptp-office"');
  }, 60_000);

  it("pppd's command line is ppp.sh's; without a UCI password it is empty there and pppd uses chap-secrets", async () => {
    const [argv, ...more] = await pppdArgvs('r001');
    expect(more).toEqual([]);
    expect(argv?.slice(0, 6)).toEqual(['/usr/sbin/pppd', 'nodetach', 'ipparam', 'office', 'ifname', 'pptp-office']);
    const words = argv?.slice(1) ?? [];
    const at = (w: string): string | undefined => words[words.indexOf(w) + 1];
    // keepalive '4 10' = failure threshold 4, interval 10
    expect([at('lcp-echo-interval'), at('lcp-echo-failure')]).toEqual(['10', '4']);
    expect(words).toEqual(expect.arrayContaining(['nodefaultroute', 'usepeerdns', 'lcp-echo-adaptive']));
    expect(at('maxfail')).toBe('1');
    expect(at('user')).toBe('LAB\\fleet');
    expect(at('password')).toBe('');
    expect(words.slice(-8)).toEqual(['plugin', 'pptp.so', 'pptp_server', '198.51.100.1', 'file', '/etc/ppp/options.pptp', 'require-mppe-128', 'refuse-eap']);
    expect(words.join(' ')).not.toContain(password);
  });

  it('a UCI password lands on pppd’s command line (the leak), readable in /proc', async () => {
    await exec('r001', 'rm -f /etc/ppp/chap-secrets');
    await exec('r001', 'uci batch', `set network.office.password='${password.replace(/'/g, "'\\''")}'\ncommit network\n`);
    // the config changed: a reload restarts the interface
    await exec('r001', '/etc/init.d/network reload');
    await waitFor('a pppd with the UCI password', async () => (await pppdArgvs('r001')).some((a) => a.includes(password)), 30_000);
    await waitFor('office up with the UCI password', async () => (await status('r001', 'office')).up, 30_000);
    const [argv] = await pppdArgvs('r001');
    expect(argv?.[(argv?.indexOf('password') ?? 0) + 1]).toBe(password);
    // back to chap-secrets for the rest
    await exec('r001', WRITE_CHAP, CHAP(password));
    await exec('r001', 'uci batch', 'delete network.office.password\ncommit network\n');
    await exec('r001', '/etc/init.d/network reload');
    await waitFor('office up without the UCI password', async () => {
      const a = await pppdArgvs('r001');
      return a.length === 1 && !(a[0] ?? []).includes(password) && (await status('r001', 'office')).up;
    }, 30_000);
  }, 90_000);

  it('a changed `config route` is applied by a reload without restarting the interface', async () => {
    const pid = (await exec('r001', 'cat /var/run/pppd/pptp-office.pid')).trim();
    await exec('r001', 'uci batch', "set network.office_net.target='10.30.0.0'\nset network.office_net.netmask='255.255.255.0'\ncommit network\n");
    await exec('r001', '/etc/init.d/network reload');
    const routes = await readFile(routerPath(lab as Lab, 'r001', 'lab/state/routes'), 'utf8');
    expect(routes).toMatch(/^10\.30\.0\.0 0\.0\.0\.0 255\.255\.255\.0 U 0 pptp-office$/m);
    expect(routes).not.toContain('10.20.0.0');
    expect((await exec('r001', 'cat /var/run/pppd/pptp-office.pid')).trim()).toBe(pid);
    expect((await status('r001', 'office')).up).toBe(true);
  });

  it('ifdown stops it and keeps it down across a reload; ifup brings it back', async () => {
    await exec('r001', 'ifdown office');
    expect(await status('r001', 'office')).toMatchObject({ up: false, autostart: false });
    expect(await pppdArgvs('r001')).toEqual([]);
    await exec('r001', 'ubus call network reload');
    expect((await status('r001', 'office')).up).toBe(false);
    expect(await pppdArgvs('r001')).toEqual([]);
    await exec('r001', 'ifup office');
    await waitFor('office up again', async () => (await status('r001', 'office')).up, 30_000);
  }, 60_000);
});

describe('netifd stand-in on 19.07 (ppp 2.4.7, MPPE-MPPC dialect) and 25.x (apk, ppp 2.5): the pptp protocol once netifd restarted', () => {
  for (const [name, install, mppe, fixOptions] of [
    ['r004', 'opkg update >/dev/null && opkg install ppp-mod-pptp >/dev/null', 'mppe required,no40,no56,stateless', false],
    ['r005', 'apk update >/dev/null && apk add ppp-mod-pptp >/dev/null', 'require-mppe-128', true],
  ] as const) {
    it(`${name}: the interface comes up with chap-secrets and the dialect's MPPE option in pppd_options`, async () => {
      await exec(name, install);
      await exec(name, WRITE_CHAP, CHAP(password));
      if (fixOptions) await exec(name, 'cat > /etc/ppp/options.pptp', OPTIONS_PPTP);
      await exec(name, 'uci batch', OFFICE.replace("'require-mppe-128 refuse-eap'", `'remotename office ${mppe} refuse-eap'`));
      // netifd started before the plugin was installed: no pptp protocol until it restarts
      // (openwrt/netifd main.c proto_shell_init; proto.c proto_attach_interface attaches the
      // device-less "none" protocol, so interface_set_up reports NO_DEVICE)
      await exec(name, 'ifup office');
      expect(await exec(name, 'ubus call network get_proto_handlers')).not.toContain('"pptp"');
      expect(await status(name, 'office')).toMatchObject({ up: false, errors: [{ subsystem: 'interface', code: 'NO_DEVICE' }] });
      await exec(name, 'ubus call network reload');
      expect((await status(name, 'office')).errors?.[0]?.code).toBe('NO_DEVICE');
      // both return before the new netifd runs (procd starts it; netifd_restart's 1 s timer)
      await exec(name, name === 'r004' ? '/etc/init.d/network restart' : 'ubus call network restart');
      expect(await exec(name, 'ubus call network get_proto_handlers')).not.toContain('"pptp"');
      await waitFor(`${name}: netifd with pptp`, async () => (await exec(name, 'ubus call network get_proto_handlers')).includes('"pptp"'), 15_000);
      await exec(name, 'ifup office');
      await waitFor(`${name} office up`, async () => (await status(name, 'office')).up, 30_000);
      expect((await status(name, 'office')).l3_device).toBe('pptp-office');
      expect(await exec(name, 'logread')).toContain('MPPE 128-bit stateless compression enabled');
    }, 60_000);
  }
});

describe('lab reboot', () => {
  it('names an unknown router as bad input', async () => {
    await expect(labReboot((lab as Lab).dir, ['r999'])).rejects.toBeInstanceOf(InputError);
  });

  it('24.10: the interface is up again within 60 s with no tool; a hand-run pppd without persist started before the WAN is gone for good', async () => {
    // a boot script running `pppd call hand` (the tool's old way, without persist)
    await exec('r001', 'mkdir -p /etc/ppp/peers && cat > /etc/ppp/peers/hand', 'plugin pptp.so\npptp_server 198.51.100.1\nfile /etc/ppp/options.pptp\nname LAB\\\\fleet\nremotename VPNSERVER\nlinkname hand\nifname pptp-hand\nrequire-mppe-128\n');
    await exec('r001', "printf '#!/bin/sh /etc/rc.common\\nSTART=70\\nstart() {\\n\\t/usr/sbin/pppd call hand\\n}\\n' > /etc/init.d/hand && chmod 755 /etc/init.d/hand && /etc/init.d/hand enable");
    await exec('r001', 'touch /tmp/before-reboot /var/run/before-reboot');
    await exec('r001', 'logger -t lab-test before-reboot-marker');
    expect(await exec('r001', 'logread')).toContain('before-reboot-marker');
    const started = Date.now();
    expect(await labReboot((lab as Lab).dir, ['r001'])).toEqual(['r001']);
    // RAM filesystems are empty after the reboot; the first status is not up (the WAN is not there yet)
    expect(await exec('r001', 'ls /tmp /var/run')).not.toContain('before-reboot');
    await waitFor('office up after the reboot', async () => (await status('r001', 'office')).up, 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    const log = await exec('r001', 'logread');
    expect(log).toContain("Interface 'wan' is now up");
    // netifd's pppd starts only once the WAN gives a route to the server (the host dependency)
    expect(log.indexOf('Using interface pptp-office')).toBeGreaterThan(log.indexOf("Interface 'wan' is now up"));
    // the hand-run pppd tried before the WAN, found no route and exited (no persist)
    expect(log).toContain('connect: Network is unreachable');
    const argvs = await pppdArgvs('r001');
    expect(argvs.map((a) => a[a.indexOf('ipparam') + 1] ?? a.join(' '))).toEqual(['office']);
    // the log ring starts over at boot: nothing from before the reboot
    expect(log).not.toContain('before-reboot-marker');
  }, 120_000);

  it('White Russian: the boot runs its S* init scripts (rcS) and the WAN comes up', async () => {
    const root = routerPath(lab as Lab, 'r003', '');
    const script = `${root}/etc/init.d/S70marker`;
    await writeFile(script, '#!/bin/sh\necho "booted $1" >> /root/marker\n');
    await chmod(script, 0o755);
    await labReboot((lab as Lab).dir, ['r003']);
    await waitFor('S70marker ran', async () => access(`${root}/root/marker`).then(() => true, () => false), 30_000);
    expect(await readFile(`${root}/root/marker`, 'utf8')).toBe('booted start\n');
    await waitFor('the WAN route', async () => /^0\.0\.0\.0 192\.0\.2\.254 0\.0\.0\.0 UG 0 vlan1$/m.test(await readFile(`${root}/lab/state/routes`, 'utf8')), 30_000);
  }, 60_000);
});
