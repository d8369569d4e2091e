// The table of field messages (src/pppd-log/rules.ts): every row matches its real example line
// and is the first row to do so; the "is this a pppd log" test and the fresh-attempt markers
// come from the same rows; lines are judged by what they say, not by their syslog tag.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { NM_RULES, PPPD_RULES, PPTPD_RULES, PPTP_RULES, XL2TPD_RULES, isFreshLine, isPppdMessage, ruleFor } from '../../src/pppd-log/rules.js';
import { diagnose, hintFor, parsePppdLog, VERDICTS } from '../../src/pppd-log/index.js';
import { splitLog } from '../../src/pppd-log/lines.js';
import { formatDiagnosis, registerDiagnose } from '../../src/cli/commands/diagnose.js';

describe('rule table', () => {
  it('has unique row names', () => {
    const names = [...PPPD_RULES, ...PPTP_RULES, ...PPTPD_RULES, ...NM_RULES, ...XL2TPD_RULES].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(PPPD_RULES.map((r) => [r.name, r] as const))('pppd row %s matches its example first', (_n, rule) => {
    expect(rule.re.test(rule.example), rule.example).toBe(true);
    expect(ruleFor(PPPD_RULES, rule.example)?.rule.name).toBe(rule.name);
  });

  it.each(PPTP_RULES.map((r) => [r.name, r] as const))('pptp row %s matches its example first', (_n, rule) => {
    expect(rule.re.test(rule.example), rule.example).toBe(true);
    expect(ruleFor(PPTP_RULES, rule.example)?.rule.name).toBe(rule.name);
  });

  it.each(PPTPD_RULES.map((r) => [r.name, r] as const))('pptpd row %s matches its example first', (_n, rule) => {
    expect(rule.re.test(rule.example)).toBe(true);
    expect(ruleFor(PPTPD_RULES, rule.example)?.rule.name).toBe(rule.name);
  });

  it.each(NM_RULES.map((r) => [r.name, r] as const))('NetworkManager row %s matches its example first', (_n, rule) => {
    expect(rule.re.test(rule.example)).toBe(true);
    expect(ruleFor(NM_RULES, rule.example)?.rule.name).toBe(rule.name);
  });

  it.each(XL2TPD_RULES.map((r) => [r.name, r] as const))('xl2tpd row %s matches its example first', (_n, rule) => {
    expect(rule.re.test(rule.example)).toBe(true);
    expect(ruleFor(XL2TPD_RULES, rule.example)?.rule.name).toBe(rule.name);
  });

  it("reads NetworkManager's report of a PPP VPN's addresses (0.8 and 1.x forms), not a tun VPN's", () => {
    const nm08 = (m: string): string => `Jan 24 12:40:01 t61p NetworkManager: <info>  ${m}`;
    const nm1x = (m: string): string => `Apr 03 09:15:32 kris NetworkManager[919]: <info>  [1554300932.4387] vpn-connection[0x5650752f63b0,dcff9b1e,"office",13:(ppp0)]: Data:   ${m}`;
    for (const f of [nm08, nm1x]) {
      const d = diagnose(['Tunnel Device: ppp0', 'Internal IP4 Address: 172.16.8.52', 'Internal IP4 Point-to-Point Address: 172.16.8.2'].map((m) => f(f === nm1x ? m.replace('IP4 ', '') : m)).join('\n'));
      expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '172.16.8.52', '172.16.8.2']);
    }
    const tun = ['Tunnel Device: tun0', 'Internal IP4 Address: 10.8.0.6', 'Internal IP4 Point-to-Point Address: 10.8.0.5'].map(nm08).join('\n');
    expect(parsePppdLog(tun).isPppdLog).toBe(false);
  });

  it("takes pptpd's own lines for a PPTP server's log, and no other program's under its tag", () => {
    for (const r of PPTPD_RULES) expect(parsePppdLog(`Sep  2 01:23:25 gw pptpd[32009]: ${r.example}`).isPppdLog, r.name).toBe(true);
    expect(parsePppdLog('Sep  2 01:23:25 gw pptpd[32009]: MGR: Reaped child 32011').isPppdLog).toBe(false);
    // pptpd starting (pptpmanager.c) and no call after it: a server's log, whose hint says so
    const started = diagnose(['Sep  2 01:23:25 gw pptpd[32009]: MGR: Manager process started', 'Sep  2 01:23:25 gw pptpd[32009]: MGR: Maximum of 100 connections available'].join('\n'));
    expect([parsePppdLog('Sep  2 01:23:25 gw pptpd[32009]: MGR: Manager process started').isPppdLog, started.verdict, started.hint]).toEqual([true, 'other', expect.stringContaining('no client')]);
    const gre = diagnose(['pptpd[5633]: CTRL: Starting call (launching pppd, opening GRE)', 'pptpd[5633]: GRE: socket() failed', 'pptpd[5633]: CTRL: Session timed out, ending call'].join('\n'));
    expect([gre.verdict, gre.hint]).toEqual(['other', expect.stringContaining('root')]);
  });

  it('makes a text a pppd log exactly when a row with evidence matches', () => {
    for (const r of PPPD_RULES) expect(isPppdMessage(r.example), r.name).toBe(r.evidence !== false);
    for (const other of ['Accepted publickey for root', 'eth0: link up', 'DHCPACK(br-lan) 192.168.1.5', 'Exit status 0']) {
      expect(isPppdMessage(other), other).toBe(false);
    }
  });

  it('marks fresh attempts with the rows flagged fresh', () => {
    for (const r of PPPD_RULES.filter((x) => x.name !== 'packet')) expect(isFreshLine(r.example, false), r.name).toBe(r.fresh === true);
    for (const r of PPTP_RULES) expect(isFreshLine(r.example, true), r.name).toBe(r.fresh === true);
    expect(isFreshLine('sent [LCP ConfReq id=0x1 <asyncmap 0x0>]', false)).toBe(true);
    expect(isFreshLine('rcvd [LCP EchoRep id=0x0 magic=0x1]', false)).toBe(false);
    expect(isFreshLine('Connect: ppp0 <--> /dev/pts/0', false)).toBe(true);
    expect(isFreshLine('Connection terminated.', false)).toBe(false);
    expect(isFreshLine("anon fatal[get_ip_address:pptp.c:377]: gethostbyname 'vpn': HOST NOT FOUND", true)).toBe(true);
  });

  it('does not take the PPP filtering warning for missing kernel support', () => {
    const d = diagnose(['Connect: ppp0 <--> /dev/ttyS1', 'kernel does not support PPP filtering', 'local  IP address 10.0.0.2', 'remote IP address 10.0.0.1'].join('\n'));
    expect(d.verdict).toBe('up');
    expect(d.localIp).toBe('10.0.0.2');
  });
});

describe('content over tags', () => {
  const body = ['Connect: ppp10 <--> pptp (192.0.2.7)', 'MPPE 128-bit stateless compression enabled', 'LCP terminated by peer (user request)', 'Connection terminated.'];
  const tags: [string, (m: string) => string][] = [
    ['pppd tag', (m) => `Apr 25 23:44:28 gw pppd[2682]: ${m}`],
    ['pptp tag (accel-pptpd)', (m) => `Apr 25 23:44:28 pptp[2682]: ${m}`],
    ['a distribution wrapper', (m) => `Apr 25 23:44:28 gw vpn-wrapper[2682]: ${m}`],
    ['terminal', (m) => m],
    ['terminal with pppd: prefix', (m) => `/usr/sbin/pppd: ${m}`],
  ];
  it.each(tags)('%s', (_n, frame) => {
    const text = ['Apr 25 23:44:28 pptpd[2681]: CTRL: Starting call (launching pppd, opening GRE)', ...body.map(frame)].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('terminated_by_peer');
    expect(d.mppe?.bits).toBe(128);
  });
});

describe('framings the field produces', () => {
  it('reads a log boxed in a one-column ASCII grid table ("+----+" / "|line |")', () => {
    const rows = ['--> Pid of pppd: 600', '--> Using interface ppp0', '--> local  IP address 192.0.2.163', '--> remote IP address 10.64.64.64'];
    const box = ['+-------------------------------------------+', ...rows.flatMap((r) => [`|${r.padEnd(43)}|`, '+-------------------------------------------+'])].map((l) => `        ${l}`);
    const d = diagnose(box.join('\n'));
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '192.0.2.163', '10.64.64.64']);
  });
  it("reads accel-ppp's debug log with neither interface nor session (\": : \") and its PPTP socket the kernel cannot bind", () => {
    const text = ['[2015-11-23 14:18:52.108] : : failed to bind PPTP socket (Operation not supported)', '[2015-11-23 14:18:52.110] : : disconnected'].join('\n');
    expect(splitLog(text)[0]?.msg).toBe('failed to bind PPTP socket (Operation not supported)');
    const d = diagnose(text);
    expect(d.verdict).toBe('no_kernel_support');
    expect(d.hint).toMatch(/kmod-pptp/);
  });
  it('reads a front end\'s log file that writes "Mon, 2013-02-18 11:39:25 - " before pppd\'s raw message', () => {
    const text = ['Mon, 2013-02-18 11:39:25 - No response to 3 echo-requests', 'Mon, 2013-02-18 11:39:25 - Serial link appears to be disconnected.', 'Mon, 2013-02-18 11:39:25 - Connection terminated.', 'Mon, 2013-02-18 11:39:25 - Connect time 32.1 minutes.'].join('\n');
    expect(splitLog(text)[0]?.msg).toBe('No response to 3 echo-requests');
    expect(diagnose(text).verdict).toBe('link_dead');
  });
  it('reads a program named in brackets after a date ("2026-12-06 10:00:00.123 [pppd] ..."), not its first word as the program', () => {
    const text = ['2026-12-06 10:00:00.123 [pppd] Connect: ppp0 <--> /dev/pts/1', '2026-12-06 10:00:30.456 [pppd] LCP: timeout sending Config-Requests'].join('\n');
    const lines = splitLog(text);
    expect(lines.map((l) => [l.prog, l.msg])).toEqual([
      ['pppd', 'Connect: ppp0 <--> /dev/pts/1'],
      ['pppd', 'LCP: timeout sending Config-Requests'],
    ]);
    expect(diagnose(text).verdict).toBe('no_response');
  });
  it('joins lines a mail client wrapped, so addresses on the next line are read', () => {
    const text = [
      'Wed Jul 31 20:37:06 2019 daemon.notice pppd[23800]: Connect: 3g-wan',
      '<--> /dev/ttyUSB0',
      'Wed Jul 31 20:37:10 2019 daemon.notice pppd[23800]: local  IP address',
      '190.0.2.44',
      'Wed Jul 31 20:37:10 2019 daemon.notice pppd[23800]: remote IP address',
      '10.64.64.64',
    ].join('\n');
    const d = diagnose(text);
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '190.0.2.44', '10.64.64.64']);
  });

  it('joins a line a terminal cut at its width (inside a word)', () => {
    const pad = 'Dec 20 10:35:43 mx4-gtt daemon.debug pppd[564]: Script /etc/ppp/ip-up finished (pid 569';
    const text = [
      'Dec 20 10:35:34 mx4-gtt daemon.notice pppd[564]: local  IP address 10.49.119.16',
      'Dec 20 10:35:34 mx4-gtt daemon.notice pppd[564]: remote IP address 10.64.64.64',
      'Dec 20 10:35:34 mx4-gtt daemon.debug pppd[564]: Script /etc/ppp/ip-up started (pid 569)',
      pad.padEnd(88, ' ').trimEnd(),
      '), status = 0x1',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('ip_script_failed');
  });

  it('reads a debug-only log (no "local IP address") from the IPCP exchange', () => {
    const text = [
      'sent [IPCP ConfReq id=0x1 <addr 0.0.0.0>]',
      'rcvd [IPCP ConfReq id=0x1 <addr 192.0.2.1>]',
      'sent [IPCP ConfAck id=0x1 <addr 192.0.2.1>]',
      'rcvd [IPCP ConfNak id=0x1 <addr 192.0.2.20>]',
      'sent [IPCP ConfReq id=0x2 <addr 192.0.2.20>]',
      'rcvd [IPCP ConfAck id=0x2 <addr 192.0.2.20>]',
      'Script /etc/ppp/ip-up started (pid 9)',
      'Script /etc/ppp/ip-up finished (pid 9), status = 0x0',
    ].join('\n');
    const d = diagnose(text);
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '192.0.2.20', '192.0.2.1']);
  });

  it('rejoins raw terminal output a mail client wrapped, keeping pppd\'s short lines apart', () => {
    // `pppd debug nodetach` output (no prefixes), word-wrapped at 72 columns.
    const text = [
      'using channel 4',
      'Using interface ppp0',
      'Connect: ppp0 <--> /dev/pts/1',
      'rcvd [LCP ConfReq id=0x1 <mru 1400> <auth chap MS-v2> <magic 0x6d1414ba>',
      '<pcomp> <accomp>]',
      'sent [LCP ConfAck id=0x1 <mru 1400> <auth chap MS-v2> <magic 0x6d1414ba>',
      '<pcomp> <accomp>]',
      'CHAP authentication succeeded',
      'local  IP address 192.0.2.20',
      'remote IP address 192.0.2.1',
      'Script /etc/ppp/ip-up started (pid 9)',
      'Script /etc/ppp/ip-up finished (pid 9), status = 0x1',
    ].join('\n');
    const d = diagnose(text);
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['ip_script_failed', '192.0.2.20', '192.0.2.1']);
    const msgs = splitLog(text).map((l) => l.msg);
    expect(msgs).toHaveLength(10);
    expect(msgs).toContain('rcvd [LCP ConfReq id=0x1 <mru 1400> <auth chap MS-v2> <magic 0x6d1414ba> <pcomp> <accomp>]');
    expect(msgs.slice(0, 3)).toEqual(['using channel 4', 'Using interface ppp0', 'Connect: ppp0 <--> /dev/pts/1']);
  });

  it('puts back the blank a word wrapper dropped at the width, and keeps a terminal\'s mid-word cut', () => {
    const head = 'Nov 27 00:04:04 (none) daemon.err pppd[2]: ';
    const long = `${head}MPPE required, but kernel has no support.`;
    // Word wrap: breaks at blanks, one of them exactly at the width (the longest line).
    const word = [
      `${head}pppd 2.4.9 started by root,`,
      'uid 0',
      long.slice(0, long.indexOf(' no ')),
      'no support.',
      `${head}Connection terminated.`,
    ];
    expect(diagnose(word.join('\n')).verdict).toBe('no_kernel_support');
    // A terminal: every long row cut at 60 columns, inside words.
    const rows = [`${head}pppd 2.4.9 started by root, uid 0`, long, `${head}Connection terminated.`].flatMap((l) => l.match(/.{1,60}/g) ?? []);
    expect(diagnose(rows.join('\n')).verdict).toBe('no_kernel_support');
  });

  it('reads a double-spaced paste ("\\r\\r\\n" line ends) inside a forum\'s [code] tags', () => {
    const text = [
      '[code]Wed Jul 31 20:37:06 2019 daemon.notice pppd[23800]: Connect: 3g-wan',
      '<--> /dev/ttyUSB0',
      'Wed Jul 31 20:37:10 2019 daemon.notice pppd[23800]: local  IP address',
      '190.0.2.44',
      'Wed Jul 31 20:37:10 2019 daemon.notice pppd[23800]: remote IP address',
      '10.64.64.64[/code]',
    ].join('\r\r\n');
    const d = diagnose(text);
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '190.0.2.44', '10.64.64.64']);
  });

  it('reads the kernel instructions pppd prints over several lines on a terminal', () => {
    const text = [
      'root@OpenWrt:~# pppd call vpn',
      'pppd: pppd is unable to open the /dev/ppp device.',
      'You need to create the /dev/ppp device node by',
      'executing the following command as root:',
      '        mknod /dev/ppp c 108 0',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('no_kernel_support');
    expect(diagnose(text).hint).toMatch(/lsmod \| grep ppp/);
  });

  it('says a pptp DNS failure is a refused control connection, with a DNS hint', () => {
    const d = diagnose("anon fatal[get_ip_address:pptp.c:437]: getaddrinfo(): No address associated with hostname");
    expect(d.verdict).toBe('control_refused');
    expect(d.hint).toMatch(/nslookup/);
  });

  it('calls a link whose PPTP keep-alive went unanswered dead', () => {
    const text = [
      'Jan 30 16:36:30 mint pppd[22212]: local IP address 192.0.2.2',
      'Jan 30 16:36:30 mint pppd[22212]: remote IP address 192.0.2.1',
      'Jan 30 16:38:26 mint pptp[22223]: anon log[pptp_handle_timer:pptp_ctrl.c:1050]: closing control connection due to missing echo reply',
      'Jan 30 16:38:26 mint pppd[22212]: Modem hangup',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('link_dead');
    // pptp's own echo on TCP 1723 went unanswered, not pppd's LCP echo
    expect(diagnose(text).hint).toMatch(/^The tunnel was up, then the server stopped answering pptp's echo requests on the control connection \(TCP 1723/);
    // ...and so through OpenWrt's pptp.so, whose call manager logs under pppd's name
    const plugin = text.replace(/pptp\[22223\]: anon log\[pptp_handle_timer:pptp_ctrl.c:1050\]: /, 'pppd[22224]: ');
    expect(diagnose(plugin).verdict).toBe('link_dead');
    expect(diagnose(plugin).hint).toMatch(/echo requests on the control connection/);
  });
});

describe('what a server (pptpd) sees', () => {
  const up = [
    'Jan 30 16:36:26 gw pptp[14909]: pppd 2.4.5 started by admin, uid 0',
    'Jan 30 16:36:26 gw pptp[14909]: Connect: ppp10 <--> pptp (198.51.100.7)',
    'Jan 30 16:36:30 gw pptp[14909]: local IP address 192.168.1.1',
    'Jan 30 16:36:30 gw pptp[14909]: remote IP address 192.168.10.2',
  ];
  it('calls a client that hung up (EOF on TCP 1723, then pppd sent SIGTERM by pptpd) terminated by peer', () => {
    const text = [
      ...up,
      'Jan 30 16:37:54 gw pptpd[14901]: CTRL: EOF or bad error reading ctrl packet length.',
      "Jan 30 16:37:54 gw pptpd[14901]: CTRL: couldn't read packet header (exit)",
      'Jan 30 16:37:54 gw pptpd[14901]: CTRL: CTRL read failed',
      'Jan 30 16:37:54 gw pptpd[14901]: CTRL: Client pppd TERM sending',
      'Jan 30 16:37:54 gw pptp[14909]: Terminating on signal 15',
      'Jan 30 16:38:00 gw pptp[14909]: Connection terminated.',
      'Jan 30 16:38:01 gw pptp[14909]: Exit.',
    ].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('terminated_by_peer');
    expect(d.endedBy).toMatch(/client closed/);
    expect(d.hint).toMatch(/server side \(pptpd\): the client hung up/);
    expect(d.hint).toMatch(/logread \| grep -E "pptpd\|pppd"/);
  });

  it('still calls a SIGTERM with no word from pptpd a local stop', () => {
    const text = [...up, 'Jan 30 16:37:54 gw pptp[14909]: Terminating on signal 15', 'Jan 30 16:38:01 gw pptp[14909]: Exit.'].join('\n');
    expect(diagnose(text).verdict).toBe('stopped_locally');
  });

  it("calls pptpd's own echo time-out a dead link", () => {
    const text = [...up, 'Apr 27 00:17:49 gw pptpd[14901]: CTRL: Session timed out, ending call', 'Apr 27 00:17:49 gw pptp[14909]: Modem hangup'].join('\n');
    expect(diagnose(text).verdict).toBe('link_dead');
  });

  it('keeps the auth failure a client caused before it hung up', () => {
    const text = [
      'Dec 10 10:48:21 gw pppd[6781]: Connect: ppp0 <--> /dev/pts/9',
      'Dec 10 10:48:21 gw pppd[6781]: Peer birdee failed CHAP authentication',
      'Dec 10 10:48:21 gw pptpd[6780]: CTRL: EOF or bad error reading ctrl packet length.',
      'Dec 10 10:48:21 gw pppd[6781]: Modem hangup',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('auth_failed');
  });
});

describe("rp-pppoe's user-space client as pppd's pty program", () => {
  it('does not take the pppd it runs under for a PPTP one (the last pppd decides, not the one on /dev/pts)', () => {
    const text = [
      'Apr  4 22:55:28 localhost pppd[154]: pppd 2.4.1 started by root, uid 0',
      'Apr  4 22:55:28 localhost pppd[154]: Connect: ppp0 <--> /dev/pts/0',
      'Apr  4 22:55:59 localhost pppd[154]: LCP: timeout sending Config-Requests',
      'Apr  4 22:55:59 localhost pppd[154]: Connection terminated.',
      'Apr  4 22:56:03 localhost pppoe[155]: Timeout waiting for PADO packets',
      'Apr  4 22:56:03 localhost pppd[154]: Exit.',
      'Apr  4 22:59:51 localhost pppd[1683]: /etc/ppp/plugins/rp-pppoe.so: undefined symbol: generic_establish_ppp',
      "Apr  4 22:59:51 localhost pppd[1683]: Couldn't load plugin /etc/ppp/plugins/rp-pppoe.so",
    ].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('config_error');
    expect(d.hint).toMatch(/^pppd could not load a plugin: it is missing, or was built for another pppd version/);
  });
});

describe('a paste that begins with an earlier link\'s tail', () => {
  it("starts a new attempt at a plugin loading or pppd starting after the link came up", () => {
    const tail = ['replacing old default route to eth0 [10.1.1.1]', 'local IP address 192.0.2.7', 'remote IP address 192.0.2.1'];
    const next = ['Plugin rp-pppoe.so loaded', 'pppd 2.4.4b1 started by user, uid 1000', 'Timeout waiting for PADO packets', 'Unable to complete PPPoE Discovery', 'Exit.'];
    expect(diagnose([...tail, ...next].join('\n')).verdict).toBe('no_response');
    expect(diagnose([...tail, ...next.slice(1)].join('\n')).verdict).toBe('no_response');
    expect(parsePppdLog([...tail, ...next].join('\n')).attempts.length).toBe(2);
  });
});

describe('a terminal where pppd runs in the background', () => {
  it('peels the shell prompt a message was printed after ("$ Terminating on signal 15")', () => {
    const text = [' Serial connection established.', '$ Terminating on signal 15', 'Connect time 0.2 minutes.', 'restoring old default route to eth0 [192.168.1.1]', 'Connection terminated.'].join('\n');
    expect(diagnose(text).verdict).toBe('stopped_locally');
    // a command typed at the prompt is no message
    expect(diagnose(['$ poff gprs', 'Connect: ppp0 <--> /dev/ttyUSB0', 'LCP: timeout sending Config-Requests'].join('\n')).verdict).toBe('no_response');
  });
  it("peels a root prompt before a line of the rule table that is in no log call (options.c print_options' 'pppd options in effect:')", () => {
    const dump = ['# pppd options in effect:', 'debug\t\t# (from /etc/ppp/peers/lte)', 'nodetach\t\t# (from /etc/ppp/peers/lte)', 'dump\t\t# (from /etc/ppp/peers/lte)'];
    // however many option lines follow: a longer paste is no less a pppd log
    for (let k = 1; k <= dump.length; k++) expect(parsePppdLog(dump.slice(0, k).join('\n')).isPppdLog, `${k} lines`).toBe(true);
  });
  it("peels busybox ash's default prompt ('~ # ', '/ # ') the same way, but not an option line's '/dev/ttyUSB3 # (from command line)'", () => {
    for (const prompt of ['~ # ', '/ # ', '/etc/ppp # ']) {
      const dump = [`${prompt}pppd options in effect:`, 'debug # (from command line)', '/dev/ttyUSB3 # (from command line)'];
      expect(parsePppdLog(dump.join('\n')).isPppdLog, prompt).toBe(true);
      expect(splitLog(`${prompt}Connect: ppp0 <--> /dev/ttyUSB3`)[0]?.msg, prompt).toBe('Connect: ppp0 <--> /dev/ttyUSB3');
    }
    // the option line keeps its own text: the device is not taken for a prompt
    const lines = splitLog(['pppd options in effect:', '/dev/ttyUSB3 # (from command line)'].join('\n'));
    expect(lines.map((l) => l.msg)).toContain('/dev/ttyUSB3 # (from command line)');
  });
});

describe("CCP's time-out with MPPE required (auth.c start_networks: IPCP waits for CCP)", () => {
  const head = ['daemon.notice pppd[2345]: Connect: ppp0 <--> /dev/pts/0', 'daemon.info pppd[2345]: CHAP authentication succeeded'];
  it('names the unanswered CCP (MPPE) in the hint of a log that stops there, the verdict unchanged', () => {
    const d = diagnose([...head, 'daemon.warn pppd[2345]: CCP: timeout sending Config-Requests'].join('\n'));
    expect(d.verdict).toBe('other');
    expect(d.evidence.some((l) => /CCP: timeout/.test(l))).toBe(true);
    expect(d.hint).toMatch(/CCP \(compression, which carries MPPE\) unanswered/);
    expect(d.hint).toMatch(/Next on the router: `logread -e pppd \| grep -e CCP -e MPPE`/);
  });
  it('keeps the plain hint where CCP did not time out', () => {
    const d = diagnose(head.join('\n'));
    expect(d.hint).toMatch(/^The log stops while the link was being set up/);
  });
});

describe('messages a poster retyped by hand', () => {
  it('reads the addresses in lower case, but not ipcp.c\'s "Local IP address changed to" (demand)', () => {
    const d = diagnose(['CHAP authentication succeeded', 'local ip address 89.241.91.48', 'remote ip address 89.241.80.1'].join('\n'));
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '89.241.91.48', '89.241.80.1']);
    const demand = diagnose(['Local IP address changed to 10.1.1.2', 'Remote IP address changed to 10.1.1.1', 'local  IP address 10.1.1.2', 'remote IP address 10.1.1.1'].join('\n'));
    expect([demand.localIp, demand.remoteIp]).toEqual(['10.1.1.2', '10.1.1.1']);
  });
  it("reads auth.c's option check without its leading 'The' as pppd refusing its options", () => {
    const d = diagnose("Remote system is required to authenticate itself, but i couldn't find any suitable secret (passwords) for it to use.");
    expect(d.verdict).toBe('config_error');
    expect(d.hint).toMatch(/noauth/);
  });
});

describe("wvdial's console", () => {
  it('reads a relayed line wvdial in the background wrote after the shell prompt ("root@box:~# --> local  IP address ...")', () => {
    const text = ['root@mx4:~# wvdial &', '--> Pid of pppd: 600', '--> Using interface ppp0', 'root@mx4:~# --> local  IP address 192.0.2.163', '--> remote IP address 10.64.64.64'].join('\n');
    const d = diagnose(text);
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '192.0.2.163', '10.64.64.64']);
  });
  it('reads a dial that never started pppd (wvdialer.cc) as such, with the wvdial.conf hint, not as "not a pppd log"', () => {
    const lost = ['--> Modem initialized.', '--> Sending: ATDT#777', '--> Waiting for carrier.', 'CONNECT', '--> Carrier detected.  Waiting for prompt.', '--> Connected, but carrier signal lost!  Retrying...', '--> Sending: ATDT#777', '--> Waiting for carrier.'].join('\n');
    expect(parsePppdLog(lost).isPppdLog).toBe(true);
    const d = diagnose(lost);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toMatch(/^carrier dropped after CONNECT, before pppd ran/);
    expect(d.hint).toMatch(/Stupid Mode = 1/);
    const busy = diagnose(['--> Sending: ATDT5551234', '--> Waiting for carrier.', 'NO CARRIER', '--> No Carrier!  Trying again.', '--> Maximum Attempts Exceeded..Aborting!!'].join('\n'));
    expect(busy.endedBy).toBe("the modem's dial failed before pppd ran (wvdial: No Carrier)");
    // "dialing" is no "dial-in" permission (E=649's words)
    expect(diagnose('--> Waiting for carrier.\n--> Timed out while dialing.  Trying again.\n--> Maximum Attempts Exceeded..Aborting!!').verdict).toBe('other');
    // a redial that fails after pppd's own end keeps that end
    const hung = diagnose(['--> Pid of pppd: 3586', '--> Using interface ppp0', '--> Modem hangup', '--> The PPP daemon has died: A modem hung up the phone (exit code = 16)', '--> Modem not responding.'].join('\n'));
    expect(hung.endedBy).toMatch(/modem hung up/);
  });
  const dial = ['--> Modem initialized.', '--> Sending: ATDT*99#', '--> Waiting for carrier.', 'CONNECT 460800', '--> Carrier detected.  Starting PPP immediately.', '--> Starting pppd at Wed Mar 18 14:57:05 2009', '--> Pid of pppd: 7809', '--> Using interface ppp0'];
  it("reads pppd's exit status 16 after the link was up as the modem hanging up (pppd(8)), on the modem wvdial dialled", () => {
    const text = [...dial, '--> local  IP address 24.155.175.84', '--> remote IP address 66.90.132.234', '--> Connect time 1.5 minutes.', '--> Disconnecting at Wed Mar 18 14:58:39 2009', '--> The PPP daemon has died: A modem hung up the phone (exit code = 16)'].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toMatch(/^the modem hung up \(carrier lost on the serial line\)/);
    // before the link came up: no pptp in sight either
    const early = diagnose([...dial, '--> The PPP daemon has died: A modem hung up the phone (exit code = 16)'].join('\n'));
    expect(early.endedBy).toMatch(/^the modem hung up/);
    expect(early.hint).toMatch(/^The modem dropped the call before the link came up/);
  });
  it('takes a run that stops after wvdial started pppd for a pppd log (exit 1, not 2)', () => {
    const text = dial.slice(0, 7).join('\n');
    expect(parsePppdLog(text).isPppdLog).toBe(true);
    expect(diagnose(text).verdict).toBe('other');
  });
});

describe('address lines as posters leave them', () => {
  it('reads IPCP up from notices whose addresses were deleted, and an address without the markup glued to it', () => {
    const blanked = diagnose(['Connect: ppp0 <--> /dev/ttyUSB2', 'CHAP authentication succeeded', 'local  IP address ', 'remote IP address ', 'primary   DNS address '].join('\n'));
    expect([blanked.verdict, blanked.localIp, blanked.remoteIp]).toEqual(['up', null, null]);
    const glued = diagnose(['local  IP address 58.170.155.64', 'remote IP address 10.64.64.64[/INDENT]'].join('\n'));
    expect([glued.localIp, glued.remoteIp]).toEqual(['58.170.155.64', '10.64.64.64']);
  });
  it("starts a new attempt at a PPPoE discovery time-out after the link came up (persist's redial)", () => {
    const text = ['pppd[1739]: Connect: ppp0 <--> wlan0', 'pppd[1739]: PAP authentication succeeded', 'pppd[1739]: local  IP address 192.0.2.7', 'pppd[1739]: remote IP address 213.191.89.9', 'pppd[1739]: Timeout waiting for PADO packets', 'pppd[1739]: Unable to complete PPPoE Discovery'].join('\n');
    expect(diagnose(text).verdict).toBe('no_response');
  });
});

describe("pptpd's own lines alone", () => {
  it('takes pptpgre.c\'s checksum line and pptpmanager.c\'s "PPP binary ... not executable" for a PPTP server\'s log (exit 1, not 2)', () => {
    for (const line of ['Oct  3 15:49:23 vps pptpd[28940]: GRE: Bad checksum from pppd.', 'May 29 15:56:25 gw pptpd[27452]: MGR: PPP binary /usr/local/pptpd/sbin/pppd not executable']) {
      expect(parsePppdLog(line).isPppdLog, line).toBe(true);
      expect(diagnose(line).verdict, line).toBe('other');
    }
    expect(diagnose('May 29 15:56:25 gw pptpd[27452]: MGR: PPP binary /usr/local/pptpd/sbin/pppd not executable').hint).toMatch(/pptpd\.conf/);
  });
});

describe('a front end that could not run pppd', () => {
  it("reads wvdial's 'Unable to run /usr/sbin/pppd.' as a pppd log whose pppd never ran (exit 1, not 2)", () => {
    // wvdialer.cc start_ppp(): access(pppd, X_OK) failed
    const text = ['--> Carrier detected.  Starting PPP immediately.', '--> Unable to run /usr/sbin/pppd.', '--> Check permissions, or specify a "PPPD Path" option in wvdial.conf.'].join('\n');
    expect(parsePppdLog(text).isPppdLog).toBe(true);
    const d = diagnose(text);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toBe('pppd never ran: the front end could not execute /usr/sbin/pppd');
    expect(d.hint).toMatch(/dip group/);
  });
});

describe("OpenWrt's pptp.so: the call manager logs from pppd's children", () => {
  // pptp.c open_callmgr() forks the call manager, which forks again to stay (pptp_callmgr.c):
  // its lines carry pppd's name with their own pids; its fatal() is pppd's, so a child that
  // cannot reach the server also logs pppd's "Exit." (main.c die()) before the parent's
  // "Call manager exited with error 1" (WEXITSTATUS).
  const at = (i: number, l: string): string => `Sun Dec  6 10:00:${String(i).padStart(2, '0')} 2026 daemon.${l}`;
  const refused = [
    'info pppd[2001]: Plugin pptp.so loaded.',
    'info pppd[2001]: PPTP plugin version 1.00 compiled for pppd-2.5.1, linux-6.6.73',
    'notice pppd[2001]: pppd 2.5.1 started by root, uid 0',
    'warn pppd[2003]: connect: Connection refused',
    'err pppd[2003]: Could not open control connection to 203.0.113.5',
    'info pppd[2003]: Exit.',
    'err pppd[2001]: Call manager exited with error 1',
  ].map((l, i) => at(i, l));
  it('reads the child that could not reach the server as part of the pppd that launched it', () => {
    const p = parsePppdLog(refused.join('\n'));
    expect(p.attempts.map((a) => a.pid)).toEqual(['2001']);
    const d = diagnose(refused.join('\n'));
    expect(d.verdict).toBe('control_refused');
    expect(d.evidence.some((e) => e.includes('Could not open control connection to 203.0.113.5'))).toBe(true);
    expect(d.hint).toMatch(/`nc 203\.0\.113\.5 1723`/);
  });
  it("keeps the staying call manager's lines (its own pid, from before Connect) with the link", () => {
    const up = [
      'notice pppd[2001]: pppd 2.5.1 started by root, uid 0',
      'info pppd[2001]: Plugin pptp.so loaded.',
      'debug pppd[2003]: IP: 203.0.113.5',
      'debug pppd[2004]: Sent control packet type is 1 \'Start-Control-Connection-Request\'',
      'debug pppd[2004]: Received Start Control Connection Reply',
      'debug pppd[2004]: Client connection established.',
      'debug pppd[2004]: Outgoing call established (call ID 1, peer\'s call ID 28).',
      'notice pppd[2001]: Connect: pptp-vpn <--> pptp (203.0.113.5)',
      'info pppd[2001]: CHAP authentication succeeded',
      'notice pppd[2001]: local  IP address 192.168.99.10',
      'notice pppd[2001]: remote IP address 192.168.99.1',
    ];
    const cleared = [...up, 'debug pppd[2004]: Received Call Clear Request.', 'debug pppd[2004]: Call closed (RQST) (call id 1)', 'info pppd[2001]: Modem hangup', 'info pppd[2001]: Connection terminated.'].map((l, i) => at(i, l)).join('\n');
    expect(parsePppdLog(cleared).attempts.map((a) => a.pid)).toEqual(['2001']);
    const d = diagnose(cleared);
    expect(d.verdict).toBe('terminated_by_peer');
    expect(d.endedBy).toMatch(/^the server closed the PPTP call/);
    expect(d.localIp).toBe('192.168.99.10');
  });
});

describe('a long syslog file', () => {
  it('is read whole (150 000 lines: no argument list as long as the log)', () => {
    const noise = Array.from({ length: 150_000 }, (_, i) => `Jan  5 10:${String(Math.floor(i / 3000) % 60).padStart(2, '0')}:00 gw kernel: [${i}.000000] eth0: link up`);
    const tail = ['Jan  5 11:00:00 gw pppd[9]: Connect: ppp0 <--> /dev/pts/1', 'Jan  5 11:00:31 gw pppd[9]: LCP: timeout sending Config-Requests'];
    expect(diagnose([...noise, ...tail].join('\n')).verdict).toBe('no_response');
  });

  it('reads a line of 100 000 letters, or of pppd tags, in linear time (a blob pasted in a log)', () => {
    // without the cap and the fixed-width look-behind these took tens of seconds (quadratic)
    for (const blob of ['a'.repeat(100_000), 'pppd[1]: '.repeat(20_000), `${'x'.repeat(50_000)}Yes`]) {
      expect(diagnose(`pppd[9]: Connect: ppp0 <--> /dev/pts/1\n${blob}\npppd[9]: LCP: timeout sending Config-Requests`).verdict).toBe('no_response');
    }
  }, 5_000);
});

describe("pppd's option errors without pppd's tag", () => {
  it('reads one on a terminal or under `journalctl -o cat` once pppd is writing the log', () => {
    // ipv6cp.c ipv6_check_options(): option_error(), then pppd exits (EXIT_OPTION_ERROR)
    const text = ['Plugin rp-pppoe.so loaded.', 'RP-PPPoE plugin version 3.11 compiled against pppd 2.4.5', 'local/remote LL address required for demand-dialling'];
    expect(diagnose(text.join('\n')).verdict).toBe('config_error');
    // under another program's tag they are that program's
    expect(diagnose([...text.slice(0, 2), `Dec  1 10:00:00 host setup-wan[812]: ${text[2] ?? ''}`].join('\n')).verdict).toBe('other');
  });
});

describe('a persist retry that begins before the last attempt is cleaned up', () => {
  it("gives ip-down's 'finished' to the attempt that started it, not to the retry (ipcp.c does not wait for it)", () => {
    const p = (m: string): string => `Mar 22 11:17:26 host pppd[6176]: ${m}`;
    const text = [
      'Connect: ppp0 <--> /dev/ttyUSB0', 'local  IP address 10.1.2.3', 'remote IP address 10.64.64.64',
      'rcvd [LCP TermReq id=0xb]', 'LCP terminated by peer', 'Script /etc/ppp/ip-down started (pid 7992)', 'sent [LCP TermAck id=0xb]', 'Modem hangup', 'Connection terminated.',
      'using channel 5', 'Using interface ppp0', 'Connect: ppp0 <--> /dev/ttyUSB0', 'sent [LCP ConfReq id=0x2 <asyncmap 0x0> <magic 0x3ae3e107>]',
      'Script /etc/ppp/ip-down finished (pid 7992), status = 0x0',
    ].map(p);
    expect(diagnose(text.join('\n')).verdict).toBe('terminated_by_peer');
  });
});

describe('what the kernel and pptpd say around pppd', () => {
  it("takes a SIGHUP for the line hanging up when the kernel names a USB modem's port", () => {
    const up = ['Jul  3 13:25:50 pc pppd[4540]: local  IP address 10.64.64.64', 'Jul  3 13:25:50 pc pppd[4540]: remote IP address 10.64.64.65'];
    const hup = ['Jul  3 13:34:02 pc pppd[4540]: Hangup (SIGHUP)', 'Jul  3 13:34:02 pc pppd[4540]: Modem hangup', 'Jul  3 13:34:02 pc pppd[4540]: Connection terminated.'];
    const usb = 'Jul  3 13:34:02 pc kernel: [  542.964114] option1 ttyUSB1: GSM modem (1-port) converter now disconnected from ttyUSB1';
    const modem = diagnose([...up, ...hup, usb].join('\n'));
    expect([modem.verdict, modem.endedBy]).toEqual(['other', expect.stringMatching(/^the modem hung up/)]);
    // `journalctl -o cat`: no tags at all
    const bare = (l: string): string => l.replace(/^.*?(?:pppd\[\d+\]|kernel): /, '');
    expect(diagnose([...up, ...hup, usb].map(bare).join('\n')).endedBy).toMatch(/^the modem hung up/);
    // without the kernel's word the line is unknown: pppd's tty or pty hung up, a SIGHUP alone is a stop
    expect(diagnose([...up, ...hup].join('\n')).endedBy).toMatch(/^the line under pppd hung up/);
    expect(diagnose([...up, hup[0] ?? '', hup[2] ?? ''].join('\n')).verdict).toBe('stopped_locally');
  });

  it("reads pptpd's GRE sequencing lines alone, and pppd's option dump alone, as their logs (exit 1, not 2)", () => {
    const gre = ['Aug 13 22:56:33 srv pptpd[23789]: GRE: buffering packet #296 (expecting #295, lost or reordered)', 'Aug 13 22:56:54 srv pptpd[23789]: GRE: timeout waiting for 1 packets', 'Aug 13 22:56:54 srv pptpd[23789]: GRE: accepting #296 from queue'];
    for (const text of [gre.join('\n'), 'pppd options in effect:\ndebug # (from command line)\npty pptp 192.0.2.4 --nolaunchpppd # (from /etc/ppp/peers/vpn)']) {
      expect(parsePppdLog(text).isPppdLog, text).toBe(true);
      expect(diagnose(text).verdict).toBe('other');
    }
  });
});

describe('a log that ends inside a new attempt', () => {
  const failed = ['pppd[8287]: Connect: ppp0 <--> /dev/ttyUSB0', 'pppd[8287]: IPCP: timeout sending Config-Requests', 'pppd[8287]: Terminating on signal 15'];
  const restart = ['pppd[9004]: pppd 2.4.4 started by root, uid 0', 'pppd[9004]: Using interface ppp0', 'pppd[9004]: Connect: ppp0 <--> /dev/ttyUSB0'];
  it('reports the attempt before it while the new one is only starting', () => {
    expect(diagnose([...failed, ...restart].join('\n')).verdict).toBe('stopped_locally');
  });
  it('reports no outcome once the new one authenticated (the earlier end no longer tells)', () => {
    const d = diagnose([...failed, ...restart, 'pppd[9004]: PAP authentication succeeded'].join('\n'));
    expect([d.verdict, d.endedBy, d.hint]).toEqual(['other', expect.stringMatching(/ends after authentication succeeded/), expect.stringContaining('take the log again')]);
  });
});

describe('a signal after the attempt was over', () => {
  it('does not make a modem hang-up before LCP a local stop (persist: pppd waits, then poff)', () => {
    // main.c: "Connection terminated." ends the attempt; with persist pppd waits for its holdoff
    // and a SIGTERM then stops the waiting pppd, not the call.
    const text = [
      'May 20 17:46:48 host pppd[8225]: Using interface ppp0',
      'May 20 17:46:48 host pppd[8225]: Connect: ppp0 <--> /dev/ttyS0',
      'May 20 17:47:00 host pppd[8225]: Hangup (SIGHUP)',
      'May 20 17:47:00 host pppd[8225]: Modem hangup',
      'May 20 17:47:00 host pppd[8225]: Connection terminated.',
      'May 20 17:47:17 host pppd[8225]: Terminating on signal 15.',
      'May 20 17:47:17 host pppd[8225]: Exit.',
    ];
    const d = diagnose(text.join('\n'));
    expect([d.verdict, d.endedBy, d.hint]).toEqual(['other', expect.stringMatching(/^the modem hung up/), expect.stringContaining('chat script')]);
    // the same signal while the attempt still runs is the stop
    expect(diagnose([...text.slice(0, 2), text[5], text[6]].join('\n')).verdict).toBe('stopped_locally');
  });
});

describe('pptp text without its usual prefix', () => {
  it('reads the call manager of the pptp.so plugin logging bare text (OpenWrt, raw output)', () => {
    const text = [
      'Using interface pptp-vpn',
      'Connect: pptp-vpn <--> pptp (192.0.2.9)',
      'read returned zero, peer has closed',
      'LCP: timeout sending Config-Requests',
      'Connection terminated.',
      'Modem hangup',
    ].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('control_refused');
    expect(d.endedBy).toMatch(/closed the PPTP control connection before PPP started/);
  });

  it("reads fsm.c's LCP time-out as a poster retyped it", () => {
    for (const m of ['LCP: timeout sending Configure-Requests', 'LCP: timeout sending Config Requests']) {
      expect(diagnose(['Using interface ppp0', 'Connect: ppp0 <--> /dev/ttyS0', m, 'Connection terminated.'].join('\n')).verdict, m).toBe('no_response');
    }
  });

  it('still calls an LCP time-out with no word from pptp no response', () => {
    const text = ['Connect: pptp-vpn <--> pptp (192.0.2.9)', 'LCP: timeout sending Config-Requests', 'Connection terminated.'].join('\n');
    expect(diagnose(text).verdict).toBe('no_response');
  });

  it('reads pptp lines whose level word was stripped, or whose ":p" a forum ate', () => {
    for (const prefix of ['[pptp_read_some:pptp_ctrl.c:543]: ', 'anon log[pptp_read_some ptp_ctrl.c:544]: ']) {
      const text = [
        'Jan  9 12:05:40 ws pppd[7099]: Connect: ppp0 <--> /dev/pts/1',
        `Jan  9 12:05:41 ws pptp[7109]: ${prefix}read returned zero, peer has closed`,
        'Jan  9 12:06:09 ws pppd[7099]: LCP: timeout sending Config-Requests',
      ].join('\n');
      expect(diagnose(text).verdict, prefix).toBe('control_refused');
    }
  });

  it("counts pptp_ctrl.c's refusals of the control connection and of the call", () => {
    for (const msg of [
      "Reply result code is 2 'General error'. Error code is 6",
      'Our outgoing call request [callid 0] has not been accepted.',
    ]) {
      const text = ['Connect: ppp0 <--> /dev/pts/1', `anon log[ctrlp_disp:pptp_ctrl.c:787]: ${msg}`, 'Modem hangup'].join('\n');
      expect(diagnose(text).verdict, msg).toBe('control_refused');
    }
  });

  it("reads pppd's lines NetworkManager passes on under its own tag", () => {
    const text = [
      'Sep  3 09:50:01 dev pppd[25950]: local  IP address 192.0.2.2',
      'Sep  3 09:50:01 dev pppd[25950]: remote IP address 192.0.2.1',
      'Sep  3 09:55:21 dev pptp[25953]: nm-pptp-service-25931 log[pptp_read_some:pptp_ctrl.c:586]: read returned zero, peer has closed',
      'Sep  3 09:55:21 dev NetworkManager[722]: Modem hangup',
      'Sep  3 09:55:21 dev NetworkManager[722]: Connection terminated.',
      'Sep  3 09:55:21 dev NetworkManager[722]: <info>  [1519658356.7556] vpn-connection: VPN service disappeared',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('terminated_by_peer');
    expect(parsePppdLog('Sep  3 09:55:21 dev NetworkManager[722]: <info>  Modem hangup').isPppdLog).toBe(false);
  });
});

describe('endings pppd prints that were missing', () => {
  it('calls an IPCP that could not agree on addresses other (ipcp.c)', () => {
    for (const msg of ['Peer refused to agree to our IP address', 'Peer refused to agree to his IP address.', 'Could not determine local IP address', 'Peer is not authorized to use remote address 10.0.0.1']) {
      const p = parsePppdLog(`Connect: ppp0 <--> /dev/pts/0\n${msg}\nConnection terminated.`);
      expect(p.isPppdLog, msg).toBe(true);
      expect(p.attempts[0]?.verdict, msg).toBe('other');
    }
    expect(parsePppdLog('Peer refused to agree to his IP address.').isPppdLog).toBe(true);
    const hint = diagnose('Connect: pptp-office <--> pptp (192.0.2.9)\nPeer refused to agree to our IP address').hint ?? '';
    expect(hint).toMatch(/ipcp-accept-local/);
    expect(hint).toMatch(/ifstatus office/);
  });

  it('calls a crash or a looped-back line other, a traffic limit like maxconnect', () => {
    expect(diagnose('Connect: ppp0 <--> pptp (192.0.2.1)\nFatal signal 11\nExit.').endedBy).toMatch(/crashed/);
    expect(diagnose('Connect: ppp0 <--> pptp (192.0.2.1)\nFatal signal 11\nExit.').verdict).toBe('other');
    expect(diagnose('Connect: ppp0 <--> /dev/ttyS0\nSerial line is looped back.\nConnection terminated.').verdict).toBe('other');
    const up = 'local  IP address 10.0.0.2\nremote IP address 10.0.0.1\n';
    expect(diagnose(`${up}Traffic limit reached. Limit: 1000 Used: 1200\nConnection terminated.`).endedBy).toMatch(/traffic limit/);
  });

  it('calls a peer that says "MPPE disabled" while hanging up an encrypted link terminated by peer, not an MPPE failure', () => {
    const up = 'MPPE 128-bit stateless compression enabled\nlocal  IP address 192.168.0.100\nremote IP address 192.168.0.110\n';
    expect(diagnose(`${up}LCP terminated by peer (MPPE disabled)\nModem hangup`).verdict).toBe('terminated_by_peer');
    // Without MPPE ever up, the same words are a failed negotiation.
    expect(diagnose('local  IP address 192.168.0.100\nremote IP address 192.168.0.110\nLCP terminated by peer (MPPE disabled)').verdict).toBe('mppe_failed');
    expect(diagnose(`${up}LCP terminated by peer (MPPE required but peer negotiation failed)`).verdict).toBe('mppe_failed');
  });

  it('reads "MPPE disabled" after a hang-up or an IPCP that gave up as the link closing, not MPPE failing (ccp.c ccp_down)', () => {
    const start = 'Connect: ppp0 <--> /dev/pts/2\npeer from calling number 192.0.2.7 authorized\nMPPE 128-bit stateless compression enabled\n';
    const hang = diagnose(`${start}Modem hangup\nMPPE disabled\nConnection terminated.\nExit.`);
    expect(hang.verdict).toBe('other');
    expect(hang.endedBy).not.toMatch(/MPPE/);
    expect(diagnose(`${start}Could not determine local IP address\nMPPE disabled\nConnection terminated.`).verdict).toBe('other');
    // CCP going down on its own while LCP stays open is still MPPE failing
    expect(diagnose(`${start}MPPE disabled\nConnection terminated.`).verdict).toBe('mppe_failed');
  });

  it("reads pppd's failure to open its line as that attempt's end (tty.c connect_tty), after another pppd's link came up", () => {
    const text = [
      'Jan  5 17:08:38 gw pppd[2278]: local  IP address 192.0.2.8',
      'Jan  5 17:08:38 gw pppd[2278]: remote IP address 192.0.2.1',
      'Jan  5 17:09:04 gw pppd[1522]: Failed to open /dev/pts/2: No such file or directory',
      'Jan  5 17:09:34 gw pppd[1522]: Failed to open /dev/pts/2: No such file or directory',
    ].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toBe('pppd could not open /dev/pts/2 (No such file or directory)');
    expect(d.hint).toMatch(/`ls -l \/dev\/pts\/2`/);
    // a persist retry that cannot reopen the line after a hang-up: the hang-up is why it is gone
    expect(diagnose('Connect: ppp0 <--> /dev/rfcomm0\nModem hangup\nConnection terminated.\nFailed to open /dev/rfcomm0: Connection refused').endedBy).toMatch(/modem hung up/);
  });

  it('names an IPCP time-out as the end, not the link closing it caused (fsm.c)', () => {
    const text = [
      'Connect: ppp0 <--> /dev/pts/0',
      'CHAP authentication succeeded',
      'MPPE 128-bit stateless compression enabled',
      'IPCP: timeout sending Config-Requests',
      'sent [LCP TermReq id=0x2 "No network protocols running"]',
      'MPPE disabled',
      'Connection terminated.',
    ].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toBe('IPCP: timeout sending Config-Requests');
    expect(d.hint).toMatch(/^IPCP \(the IP address negotiation\) never finished/);
    expect(d.hint).toMatch(/`logread -e pppd \| grep -e IPCP/);
    // an IPCP time-out after the line hung up is not why it ended
    expect(diagnose('Connect: ppp0 <--> /dev/ttyUSB0\nModem hangup\nIPCP: timeout sending Config-Requests').endedBy).not.toMatch(/IPCP/);
  });

  it("reads the pppoe plugin's refused session socket as the end, in 2.4.1's words and today's", () => {
    for (const msg of ['Failed to connect PPPoE socket: 22 Invalid argument', 'Failed to negotiate PPPoE connection: 25 Inappropriate ioctl for device']) {
      const p = parsePppdLog(`Plugin rp-pppoe.so loaded.\n${msg}\nExit.`);
      expect(p.isPppdLog, msg).toBe(true);
      const d = diagnose(msg);
      expect(d.verdict, msg).toBe('other');
      expect(d.endedBy, msg).toMatch(/^the kernel refused the PPPoE session socket \(errno \d+: /);
      expect(d.hint, msg).toMatch(/kmod-pppoe/);
    }
  });

  it('reads "Connect time" as the link gone down (main.c print_link_stats), also in a log filtered to those lines', () => {
    const text = ['Nov 15 11:04:23 router daemon.info pppd[384]: Connect time 147.3 minutes.', 'Nov 15 15:01:47 router daemon.info pppd[11558]: Connect time 20.7 minutes.'].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toBe('connection terminated');
    // an IPCP that came up again after it is up
    const again = diagnose('local  IP address 10.0.0.2\nremote IP address 10.0.0.1\nConnect time 5.0 minutes.\nlocal  IP address 10.0.0.3\nremote IP address 10.0.0.1');
    expect(again.localIp).toBe('10.0.0.3');
  });

  it('reads lcp.c\'s "No auth is possible" as a warning when the peer drops its auth demand and the link goes on', () => {
    const start = 'Connect: ppp0 <--> /dev/ttyO1\nrcvd [LCP ConfReq id=0x50 <asyncmap 0x0> <auth pap> <magic 0x15c05db>]\nNo auth is possible\nsent [LCP ConfRej id=0x50 <auth pap>]\n';
    const on = diagnose(`${start}rcvd [LCP ConfReq id=0x51 <asyncmap 0x0> <magic 0x15c05db>]\nsent [LCP ConfAck id=0x51 <asyncmap 0x0> <magic 0x15c05db>]\nsent [IPCP ConfReq id=0x1 <addr 0.0.0.0>]`);
    expect(on.verdict).toBe('other');
    expect(on.auth.result).toBe('none');
    // a peer that insists is an authentication failure
    expect(diagnose(`${start}rcvd [LCP ConfReq id=0x51 <asyncmap 0x0> <auth pap> <magic 0x15c05db>]\nNo auth is possible\nLCP: timeout sending Config-Requests`).verdict).toBe('auth_failed');
  });

  it("reads a failed connect script after a finished attempt as the next dial's end, on a modem's line (tty.c)", () => {
    const text = [
      'May  3 00:14:04 h pppd[14648]: Connect: ppp0 <--> /dev/ttyS1',
      'May  3 00:14:35 h pppd[14648]: LCP: timeout sending Config-Requests',
      'May  3 00:14:35 h pppd[14648]: Connection terminated.',
      'May  3 00:14:43 h chat[15427]: Failed (NO CARRIER)',
      'May  3 00:14:43 h pppd[14648]: Connect script failed',
      'May  3 00:14:44 h pppd[14648]: Modem hangup',
    ].join('\n');
    const d = diagnose(text);
    expect([d.verdict, d.attempts]).toEqual(['other', 2]);
    expect(d.endedBy).toMatch(/^the modem hung up/);
    // a SIGHUP during the connect script is the modem's line hanging up, not a stop
    expect(diagnose('Hangup (SIGHUP)\nConnect script failed').verdict).toBe('other');
  });

  it("reads pppd's SIGHUP in openfortivpn's log as openfortivpn closing pppd's pty, not a stop (tunnel.c pppd_terminate)", () => {
    const text = ['INFO:   Cancelling threads...', 'INFO:   Setting ppp0 interface down.', 'hangup (SIGHUP)', 'Connect time 415.2 minutes', 'INFO:   Closed connection to gateway'].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('other');
    expect(d.endedBy).toMatch(/^openfortivpn closed pppd's pty/);
    expect(diagnose('hangup (SIGHUP)\nConnect time 415.2 minutes').verdict).toBe('stopped_locally');
  });

  it('leaves "No auth is possible" undecided when the log ends before the peer answered the reject', () => {
    const text = 'Connect: ppp0 <--> /dev/ttyS0\nrcvd [LCP ConfReq id=0x18 <auth chap MD5> <magic 0x1ef02889>]\nNo auth is possible\nsent [LCP ConfRej id=0x18 <auth chap MD5>]';
    expect(diagnose(text).verdict).toBe('other');
    expect(diagnose(`${text}\nrcvd [LCP ConfReq id=0x19 <auth chap MD5> <magic 0x1ef02889>]\nNo auth is possible`).verdict).toBe('auth_failed');
  });

  it('leaves chap-new.c\'s "No CHAP secret found" undecided when the log ends before the peer\'s verdict on the empty-secret answer', () => {
    const text = [
      'Connect: ppp0 <--> eth0',
      'rcvd [CHAP Challenge id=0x49 <befb21a4ba451acda4dab717e054cdd976>, name = "bras1"]',
      'No CHAP secret found for authenticating us to bras1',
      'sent [CHAP Response id=0x49 <87e1739bb0fcf5b1928bef87d494ec46>, name = "user@isp"]',
      'rcvd [LCP ConfReq id=0x3d <mru 1492> <auth chap MD5> <magic 0x5658243b>]',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('other');
    // the peer's failure, or the link ending after the warning, still decide
    expect(diagnose(`${text}\nrcvd [CHAP Failure id=0x49 "bad"]\nCHAP authentication failed`).verdict).toBe('auth_failed');
    expect(diagnose(`${text}\nrcvd [LCP TermReq id=0x2]\nConnection terminated.`).verdict).toBe('auth_failed');
  });

  describe('PPTP readings checked against pptp-linux 1.10.0 and pptpd 1.5.0 (an audit from the sources)', () => {
    const p = (m: string): string => `Jan  1 10:00:00 gw pppd[1234]: ${m}`;
    const c = (m: string, pid = 1242, lvl = 'log', where = 'ctrlp_disp:pptp_ctrl.c:938'): string => `Jan  1 10:00:00 gw pptp[${pid}]: anon ${lvl}[${where}]: ${m}`;
    const start = [p('Using interface ppp0'), p('Connect: ppp0 <--> /dev/pts/1'), c('The synchronous pptp option is NOT activated', 1240, 'log', 'main:pptp.c:353')];
    const call = [c("Sent control packet type is 1 'Start-Control-Connection-Request'", 1242, 'log', 'ctrlp_rep:pptp_ctrl.c:258'), c('Client connection established.'), c("Outgoing call established (call ID 40385, peer's call ID 512).")];
    const up = [p('CHAP authentication succeeded'), p('MPPE 128-bit stateless compression enabled'), p('local  IP address 192.168.100.10'), p('remote IP address 192.168.100.1')];
    it("reads pptp_ctrl.c's log-level control socket errors while up as the control connection failing (link_dead), not as nothing", () => {
      const d = diagnose([...start, ...call, ...up, c('read error: Connection reset by peer', 1242, 'log', 'pptp_read_some:pptp_ctrl.c:593'), c('Closing connection (shutdown)', 1242, 'log', 'callmgr_main:pptp_callmgr.c:269'), p('Modem hangup'), p('Connection terminated.')].join('\n'));
      expect([d.verdict, d.endedBy]).toEqual(['link_dead', expect.stringContaining('Connection reset by peer')]);
    });
    it("takes pptp's pty read failing (decaps_hdlc EIO, 'pppd may have shutdown') for the consequence of pppd's own end", () => {
      const d = diagnose([...start, ...call, ...up, p('Compression disabled by peer.'), p('MPPE disabled, closing LCP'), p('Connection terminated.'), c('short read (-1): Input/output error', 1240, 'warn', 'decaps_hdlc:pptp_gre.c:226'), c('pppd may have shutdown, see pppd log', 1240, 'warn', 'decaps_hdlc:pptp_gre.c:238')].join('\n'));
      expect(d.verdict).toBe('mppe_failed');
    });
    it("names an ICMP error on pptp's GRE socket (decaps_gre) as GRE refused on the way", () => {
      const d = diagnose([...start, ...call, c('short read (-1): Protocol not available', 1240, 'warn', 'decaps_gre:pptp_gre.c:352'), p('Modem hangup'), p('Connection terminated.')].join('\n'));
      expect(d.hint).toContain('ICMP error back for GRE');
    });
    it("does not say TCP 1723 worked when pptp's own lines never show its call set up", () => {
      const d = diagnose([...start, call[0] ?? '', p('LCP: timeout sending Config-Requests'), p('Connection terminated.')].join('\n'));
      expect(d.verdict).toBe('no_response');
      expect(d.hint).toContain('Outgoing call established');
      expect(d.hint).not.toContain('TCP 1723 worked');
      expect(diagnose([...start, ...call, p('LCP: timeout sending Config-Requests'), p('Connection terminated.')].join('\n')).hint).toContain('TCP 1723 worked');
    });
    it("gives getaddrinfo's temporary failure the DNS hint", () => {
      const d = diagnose([...start, c("getaddrinfo(): Temporary failure in name resolution", 1240, 'fatal', 'get_ip_address:pptp.c:472'), p('Modem hangup'), p('Connection terminated.')].join('\n'));
      expect([d.verdict, d.hint]).toEqual(['control_refused', expect.stringContaining('does not resolve')]);
    });
    it("gives a pptpd server's log hints from the server's side (its peer is the client)", () => {
      const s = (m: string): string => `Jan  1 10:00:00 srv pptpd[2001]: ${m}`;
      const q = (m: string): string => `Jan  1 10:00:00 srv pppd[2002]: ${m}`;
      const d = diagnose([s('CTRL: Client 198.51.100.7 control connection started'), s('CTRL: Starting call (launching pppd, opening GRE)'), q('Using interface ppp0'), q('Connect: ppp0 <--> /dev/pts/3'), q('LCP: timeout sending Config-Requests'), q('Connection terminated.')].join('\n'));
      expect(d.verdict).toBe('no_response');
      expect(d.hint).toContain("The client's LCP never reached this server's pppd");
      expect(d.hint).toContain('Next on the server');
    });
  });

  describe('pppd 2.5 under netifd, checked against its sources (an audit)', () => {
    const l = (lvl: string, m: string): string => `Thu Dec  3 10:00:00 2026 daemon.${lvl} pppd[1234]: ${m}`;
    const demand = [l('notice', 'pppd 2.5.2 started by root, uid 0'), l('info', 'Using interface pppoe-wan'), l('notice', 'local  IP address 10.64.64.64'), l('notice', 'remote IP address 10.112.112.112'), l('info', 'Starting link'), l('info', 'PPP session is 4711'), l('notice', 'Connect: pppoe-wan <--> eth0.2')];
    it("does not take ip_demand_conf's made-up addresses for IPCP up once 'Starting link' began the link (main.c, demand)", () => {
      const auth = diagnose([...demand, l('info', 'Remote message: Authentication failed'), l('err', 'PAP authentication failed'), l('notice', 'Connection terminated.')].join('\n'));
      expect([auth.verdict, auth.localIp]).toEqual(['auth_failed', null]);
      expect(diagnose([...demand, l('warn', 'LCP: timeout sending Config-Requests'), l('notice', 'Connection terminated.')].join('\n')).verdict).toBe('no_response');
      const up = diagnose([...demand, l('notice', 'PAP authentication succeeded'), l('warn', 'Local IP address changed to 100.64.1.2'), l('warn', 'Remote IP address changed to 100.64.0.1')].join('\n'));
      expect([up.verdict, up.localIp, up.remoteIp]).toEqual(['up', '100.64.1.2', '100.64.0.1']);
    });
    it("gives PAP failures PAP's hint (no chap-secrets, no E=691), and PAP requests nobody answered their own", () => {
      const pap = diagnose(['Connect: pppoe-wan <--> eth0.2', 'Remote message: Authentication failed', 'PAP authentication failed', 'Connection terminated.'].map((m) => l('notice', m)).join('\n'));
      expect(pap.verdict).toBe('auth_failed');
      expect(pap.hint).toContain('PAP authentication was refused');
      expect(pap.hint).not.toContain('E=691');
      const silent = diagnose(['Connect: pppoe-wan <--> eth0.2', 'No response to PAP authenticate-requests', 'Connection terminated.'].map((m) => l('notice', m)).join('\n'));
      expect(silent.hint).toContain('never answered');
    });
    it("names pppd's own maxconnect ending the link (auth.c connect_time_expired) in its hint, not an unknown failure", () => {
      const d = diagnose(['Connect: pppoe-wan <--> eth0.2', 'local  IP address 100.64.1.2', 'remote IP address 100.64.0.1', 'Connect time expired', 'Connect time 60.0 minutes.', 'Connection terminated.'].map((m) => l('info', m)).join('\n'));
      expect([d.verdict, d.endedBy]).toEqual(['other', 'maximum connect time reached']);
      expect(d.hint).toContain('maxconnect');
    });
    it('names kmod-pppoe when the pppoe plugin cannot create its PPPoX socket (plugin.c PPPOEConnectDevice)', () => {
      const d = diagnose([l('info', 'Plugin pppoe.so loaded.'), l('err', 'Failed to create PPPoE socket: Address family not supported by protocol')].join('\n'));
      expect([d.verdict, d.hint]).toEqual(['no_kernel_support', expect.stringContaining('kmod-pppoe')]);
    });
    it('tells a PADS time-out (a concentrator answered, then did not confirm) from no answer at all', () => {
      const d = diagnose([l('info', 'Plugin pppoe.so loaded.'), l('warn', 'Timeout waiting for PADS packets'), l('err', 'Unable to complete PPPoE Discovery')].join('\n'));
      expect(d.verdict).toBe('no_response');
      expect(d.hint).toContain('(PADO) but never confirmed');
    });
  });

  it("reads wvdial's own configuration check (no phone number, login or password) as a dial that never ran pppd, with the wvdial.conf hint", () => {
    const text = ['--> WvDial: Internet dialer version 1.60', '--> Initializing modem.', '--> Sending: ATZ', 'ATZ', 'OK', '--> Modem initialized.', '--> Configuration does not specify a valid phone number.', '--> Configuration does not specify a valid login name.', '--> Configuration does not specify a valid password.'].join('\n');
    expect(parsePppdLog(text).isPppdLog).toBe(true);
    const d = diagnose(text);
    expect([d.verdict, d.endedBy]).toEqual(['other', expect.stringContaining('wvdial.conf has no valid phone number')]);
    expect(d.hint).toContain('/etc/wvdial.conf');
  });

  it('reads ipcp.c\'s demand-mode "Local/Remote IP address changed to A" as the link up with that address', () => {
    const d = diagnose(['Connect: ppp0 <--> /dev/ttyUSB0', 'PAP authentication succeeded', 'Local IP address changed to 169.1.150.91', 'Remote IP address changed to 10.64.64.1'].join('\n'));
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '169.1.150.91', '10.64.64.1']);
  });

  it("ends an attempt on any of pppd's fatal() errors no other row reads, in pppd's words (main.c fatal, die)", () => {
    for (const msg of ["Couldn't attach to interface unit 0: Invalid argument", 'ioctl(PPPIOCGUNIT): Inappropriate ioctl for device (line 1234)', 'Virtual memory exhausted allocating buffer']) {
      const d = diagnose(`Using interface ppp0\nConnect: ppp0 <--> /dev/ttyUSB0\n${msg}\nExit.`);
      expect(d.verdict, msg).toBe('other');
      expect(d.endedBy, msg).toBe(`pppd stopped on a fatal error: ${msg}`);
      expect(d.hint, msg).toMatch(/dmesg/);
    }
    // a fatal error a row reads tells more: the options, the kernel
    expect(diagnose('Using interface ppp0\nBaud rate for /dev/ttyS0 is 0; need explicit baud rate').verdict).toBe('config_error');
  });

  it("takes chap-new.c's missing secret for a warning when the peer then accepts the empty one", () => {
    const start = 'Connect: ppp0 <--> /dev/ttyUSB0\nNo CHAP secret found for authenticating us to UMTS_CHAP_SRVR\n';
    const ok = diagnose(`${start}CHAP authentication succeeded\nModem hangup\nConnection terminated.`);
    expect(ok.verdict).toBe('other');
    expect(ok.auth).toMatchObject({ result: 'success', error: null });
    expect(diagnose(`${start}CHAP authentication failed\nConnection terminated.`).verdict).toBe('auth_failed');
    expect(diagnose(`${start}Modem hangup\nConnection terminated.`).verdict).toBe('auth_failed');
  });

  it("gives pptpd's lines about the next call to that call, not to the one that ended", () => {
    const text = [
      'Apr 26 22:56:19 vps pppd[26192]: Connection terminated.',
      'Apr 26 22:56:19 vps pppd[26192]: Exit.',
      'Apr 27 00:17:49 vps pptpd[24637]: CTRL: Session timed out, ending call',
      'Apr 27 00:17:49 vps pppd[24638]: Modem hangup',
      'Apr 27 00:17:49 vps pppd[24638]: Connect time 387.1 minutes.',
      'Apr 27 00:17:50 vps pppd[24638]: MPPE disabled',
      'Apr 27 00:17:50 vps pppd[24638]: Connection terminated.',
    ].join('\n');
    expect(diagnose(text).verdict).toBe('link_dead');
  });
});

describe('text pasted through word processors and forums', () => {
  it('reads typographic apostrophes, quotes, dashes and odd spaces as pppd wrote them', () => {
    const text = [
      'pppd 2.4.7 started by root, uid 0',
      'Using interface ppp0',
      'Connect: ppp0 <\u2013> /dev/pts/0',
      'Couldn\u2019t open the /dev/ppp device: No such file or directory',
    ].join('\n');
    const d = diagnose(text);
    expect(d.verdict).toBe('no_kernel_support');
  });

  it('reads fullwidth forms, no-break and zero-width spaces', () => {
    const text = 'pppd[1]:\u00a0local\u00a0 IP address 10.0.0.2\npppd[1]: remote IP address\u200b \uff11\uff10.0.0.1\npppd[1]: MS\u2010CHAP authentication failed: E=691';
    const p = parsePppdLog(text).attempts[0]!;
    expect(p.localIp).toBe('10.0.0.2');
    expect(p.remoteIp).toBe('10.0.0.1');
  });

  it('reads a line a poster made bold and italic around BBCode', () => {
    const text = 'Connect: ppp0 <--> /dev/ttyS0\n**[FONT="Arial Black"]*CHAP authentication failed*[/FONT]**\nModem hangup\nConnection terminated.';
    expect(diagnose(text).verdict).toBe('auth_failed');
    // three stars inside a longer run are a redaction's, not emphasis
    const redacted = 'Connect: ppp0 <--> /dev/ttyS0\nRemote message: User(*******) Checking LM,******* limit exceed\nPAP authentication failed';
    expect(diagnose(redacted).endedBy).toMatch(/User\(\*{3,}\) Checking LM,\*{3,} limit exceed/);
  });

  it('reads a TermReq reason in typographic quotes', () => {
    const text = 'Connect: ppp0 <--> /dev/pts/0\nrcvd [LCP TermReq id=0x2 \u201cMPPE required but peer negotiation failed\u201d]\nLCP terminated by peer (MPPE required but peer negotiation failed)';
    expect(diagnose(text).verdict).toBe('mppe_failed');
  });
});

describe('hints', () => {
  it("names the server the attempt's lines give in the next command, wherever in the attempt they give it", () => {
    const up = ['Using interface pptp-vpn', 'Connect: pptp-vpn <--> pptp (203.0.113.5)', 'CHAP authentication succeeded', 'local  IP address 192.168.99.10', 'remote IP address 192.168.99.1'];
    const dead = diagnose([...up, 'No response to 5 echo-requests', 'Serial link appears to be disconnected.', 'Connection terminated.'].join('\n'));
    expect(dead.verdict).toBe('link_dead');
    expect(dead.hint).toMatch(/`ip route get 203\.0\.113\.5`/);
    // pptp-linux: the pty command pppd ran; a poster's placeholder is no name
    const pty = ['Connect: ppp0 <--> /dev/pts/1', 'Script pptp vpn.example.com --nolaunchpppd finished (pid 17262), status = 0x1', 'Modem hangup', 'Connection terminated.'];
    expect(diagnose(pty.join('\n')).hint).toMatch(/nc -zv vpn\.example\.com 1723/);
    expect(diagnose(pty.join('\n').replace('vpn.example.com', '<ip>')).hint).toMatch(/nc -zv SERVER 1723/);
  });
  it('names the line, not GRE, when LCP or PPPoE discovery went unanswered on a PPPoE or modem link', () => {
    const pado = diagnose(['Plugin rp-pppoe.so loaded.', 'Timeout waiting for PADO packets', 'Unable to complete PPPoE Discovery'].join('\n'));
    expect(pado.verdict).toBe('no_response');
    expect(pado.hint).toMatch(/^No PPPoE access concentrator answered discovery/);
    expect(pado.hint).not.toMatch(/GRE/);
    const modem = diagnose(['Connect: ppp0 <--> /dev/ttyS0', 'sent [LCP ConfReq id=0x1 <asyncmap 0x0> <magic 0x1>]', 'LCP: timeout sending Config-Requests'].join('\n'));
    expect(modem.verdict).toBe('no_response');
    expect(modem.hint).toMatch(/^The peer never answered LCP on this line/);
    // a PPTP pty keeps the GRE hint
    expect(diagnose(['Connect: ppp0 <--> /dev/pts/1', 'LCP: timeout sending Config-Requests'].join('\n')).hint).toMatch(/GRE \(IP protocol 47\)/);
  });
  it('says the server answered and refused when pptp logs its result code, not that TCP 1723 failed', () => {
    // OpenWrt's pptp.so: the call manager (a child of pppd) logs ctrlp_error() under pppd's name
    const call = diagnose(
      [
        'Sun Dec  6 10:00:00 2026 daemon.info pppd[2345]: Plugin pptp.so loaded.',
        "Sun Dec  6 10:00:01 2026 daemon.warn pppd[2348]: Result code is 7 'Not Accepted, Call is administratively prohibited'. Error code is 0, Cause code is 0",
        'Sun Dec  6 10:00:05 2026 daemon.info pppd[2345]: Exit.',
      ].join('\n'),
    );
    expect(call.verdict).toBe('control_refused');
    expect(call.hint).toMatch(/^The server answered on TCP 1723 and refused the call with result code 7 'Not Accepted, Call is administratively prohibited'/);
    expect(call.hint).toMatch(/result code/);
    const ctrl = diagnose(['Connect: ppp0 <--> /dev/pts/1', "anon log[ctrlp_disp:pptp_ctrl.c:787]: Reply result code is 4 'Requester is not Authorized'. Error code is 0", 'Modem hangup'].join('\n'));
    expect(ctrl.hint).toMatch(/refused the control connection with result code 4 'Requester is not Authorized'/);
    // a refused TCP connect keeps the nc hint
    expect(diagnose('anon warn[open_inetsock:pptp_callmgr.c:329]: connect: Connection refused\nanon fatal[callmgr_main:pptp_callmgr.c:127]: Could not open control connection to 192.0.2.9').hint).toMatch(/^pptp could not open its control connection/);
  });
  const base = parsePppdLog('Connect: pptp-office <--> pptp (192.0.2.9)\nlocal  IP address 10.0.0.2\nremote IP address 10.0.0.1').attempts[0]!;
  it('name the next command to run on the router for every verdict, up included', () => {
    for (const v of VERDICTS) {
      const h = hintFor(v, base) ?? '';
      expect(h, v).toMatch(/Next on the router: `[^`]+`/);
    }
    // up: netifd's interface pptp-office is the tunnel office
    expect(hintFor('up', base)).toMatch(/Next on the router: `ifstatus office` \(its addresses and routes\) and `ip route \| grep pptp-office`$/);
  });

  it('never ask OpenWrt\'s logread for two -e patterns (ubox log/logread.c compiles each -e into the one regex: only the last filters)', () => {
    const hints = readFileSync(new URL('../../src/pppd-log/hints.ts', import.meta.url), 'utf8');
    expect(hints).toMatch(/logread \| grep -E "pptpd\|pppd"/);
    expect(hints).not.toMatch(/logread(?: -e \S+){2,}/);
  });

  it('fill in the tunnel and the server from the log', () => {
    const d = diagnose(
      [
        'Mon Oct 23 17:02:36 2017 daemon.notice pppd[8040]: Connect: pptp-office <--> pptp (192.0.2.9)',
        'Mon Oct 23 17:03:06 2017 daemon.warn pppd[8040]: LCP: timeout sending Config-Requests',
      ].join('\n'),
    );
    expect(d.verdict).toBe('no_response');
    const c = diagnose('anon warn[open_inetsock:pptp_callmgr.c:329]: connect: Connection refused\nanon fatal[callmgr_main:pptp_callmgr.c:127]: Could not open control connection to 192.0.2.9');
    expect(c.hint).toMatch(/`nc 192\.0\.2\.9 1723`/);
    const k = diagnose('Thu Nov 21 16:07:01 2024 daemon.err pppd[20613]: In file /etc/ppp/options.pptp: unrecognized option \'mppe\'');
    expect(k.hint).toMatch(/`ifstatus NAME`/);
  });
});

// ---- the CLI: exit 0 up / 1 other verdicts / 2 not a pppd log (never 2 on a pppd message) ----

async function runDiagnose(text: string | Buffer): Promise<{ out: string; err: string; code: number }> {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'diag-'));
  const file = path.join(dir, 'x.log');
  writeFileSync(file, text);
  let out = '';
  let err = '';
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void (out += `${String(s)}\n`));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void (err += `${String(s)}\n`));
  process.exitCode = 0;
  const program = new Command('pptp-fleet').exitOverride();
  registerDiagnose(program);
  await program.parseAsync(['node', 'pptp-fleet', 'diagnose', '--json', file]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  vi.restoreAllMocks();
  return { out, err, code };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

describe('pptp-fleet diagnose exit codes', () => {
  const cases: [string, string, number][] = [
    ['up', 'Connect: ppp0 <--> /dev/pts/0\nlocal  IP address 10.0.0.2\nremote IP address 10.0.0.1', 0],
    ['a failure', 'Connect: ppp0 <--> /dev/pts/0\nLCP: timeout sending Config-Requests\nConnection terminated.', 1],
    ['one kernel line on a terminal', '/usr/sbin/pppd: Please load the ppp_generic kernel module.', 1],
    ['one idle line without a timestamp', 'pppd[9913]: Terminating connection due to lack of activity.', 1],
    ['one pptp DNS line', "nm-pptp-service-17371 fatal[get_ip_address:pptp.c:430]: gethostbyname 'vpn.example': HOST NOT FOUND", 1],
    ['pppd under another tag', 'Apr 25 23:44:28 pptp[2682]: MPPE 128-bit stateless compression enabled', 1],
    ['an unremarkable pppd line', 'Using interface ppp0', 1],
    ['no pppd at all', 'Nov 26 23:40:42 host sshd[12]: Accepted publickey for root\nhello', 2],
  ];
  it.each(cases)('%s', async (_n, text, code) => {
    const r = await runDiagnose(text);
    expect(r.code).toBe(code);
    if (code !== 2) expect(JSON.parse(r.out).verdict).toEqual(expect.any(String));
    else expect(r.err).toMatch(/not a pppd log/);
  });
});

describe('pptp-fleet diagnose on the files admins have', () => {
  const log = 'Connect: ppp0 <--> /dev/pts/0\nLCP: timeout sending Config-Requests\nConnection terminated.\n';
  it('reads a rotated syslog (gzip), a Windows UTF-16 file; exit 2 naming a gzip it cannot inflate', async () => {
    const { gzipSync } = await import('node:zlib');
    for (const bytes of [gzipSync(log), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log, 'utf16le')])]) {
      const r = await runDiagnose(bytes);
      expect([r.code, JSON.parse(r.out).verdict]).toEqual([1, 'no_response']);
    }
    const bad = await runDiagnose(Buffer.from([0x1f, 0x8b, 0x07, 0x00, 0x41]));
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/cannot read: gzip data that cannot be decompressed/)]);
  });
});

describe("pptp-fleet diagnose's report", () => {
  const link = ['pppd[2301]: Using interface pptp-vpn', 'pppd[2301]: Connect: pptp-vpn <--> pptp (vpn.example.com)'];
  it('says the log does not name the protocol where "CHAP authentication succeeded" or an E= code alone tells (auth.c names the protocol, not the digest)', () => {
    const up = ['pppd[2301]: CHAP authentication succeeded', 'pppd[2301]: local  IP address 10.0.0.12', 'pppd[2301]: remote IP address 10.0.0.1'];
    expect(formatDiagnosis(diagnose([...link, ...up].join('\n')))).toMatch(/^auth: +success \(the log does not name the protocol\)$/m);
    const acked = 'pppd[2301]: sent [LCP ConfAck id=0x1 <auth chap MS-v2> <magic 0x1>]';
    expect(formatDiagnosis(diagnose([...link, acked, ...up].join('\n')))).toMatch(/^auth: +MS-CHAPv2 success$/m);
    const refused = diagnose([...link, 'pppd[2301]: CHAP authentication failed: E=691 Authentication failure'].join('\n'));
    expect(formatDiagnosis(refused)).toMatch(/^auth: +failure \(E=691; the log does not name the protocol\)$/m);
  });
});
