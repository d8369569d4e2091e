// diagnose on a central syslog server's file: several routers' pppd in one log.
import { describe, expect, it } from 'vitest';
import { diagnose, parsePppdLog } from '../../src/pppd-log/parse.js';
import { formatDiagnosis } from '../../src/cli/commands/diagnose.js';
import { splitLog } from '../../src/pppd-log/lines.js';

/** One router's pptp.so session lines (OpenWrt's netifd runs pppd: the same pid on identical firmware). */
const start = (host: string): string[] => [
  `Dec  6 10:00:01 ${host} pppd[2301]: Plugin pptp.so loaded.`,
  `Dec  6 10:00:01 ${host} pppd[2301]: pppd 2.4.9 started by root, uid 0`,
  `Dec  6 10:00:02 ${host} pppd[2301]: Using interface pptp-vpn`,
  `Dec  6 10:00:02 ${host} pppd[2301]: Connect: pptp-vpn <--> pptp (vpn.example.com)`,
];
const up = (host: string, ip: string): string[] => [
  `Dec  6 10:00:03 ${host} pppd[2301]: CHAP authentication succeeded`,
  `Dec  6 10:00:03 ${host} pppd[2301]: MPPE 128-bit stateless compression enabled`,
  `Dec  6 10:00:04 ${host} pppd[2301]: local  IP address ${ip}`,
  `Dec  6 10:00:04 ${host} pppd[2301]: remote IP address 10.0.0.1`,
];
const lcpTimeout = (host: string): string[] => [
  `Dec  6 10:00:32 ${host} pppd[2301]: LCP: timeout sending Config-Requests`,
  `Dec  6 10:00:32 ${host} pppd[2301]: Connection terminated.`,
  `Dec  6 10:00:32 ${host} pppd[2301]: Exit.`,
];
/** The link dies of unanswered echoes; `ended` is the name the router sends the last line under. */
const echoLost = (host: string, ended = host): string[] => [
  `Dec  6 10:09:00 ${host} pppd[2301]: No response to 4 echo-requests`,
  `Dec  6 10:09:00 ${host} pppd[2301]: Serial link appears to be disconnected.`,
  `Dec  6 10:09:01 ${ended} pppd[2301]: Connection terminated.`,
];
/** Merges hosts' lines as a log server writes them: in time order, taking turns within a second. */
function interleave(...logs: string[][]): string {
  const turns: string[] = [];
  for (let i = 0; logs.some((l) => i < l.length); i++) {
    for (const l of logs) {
      const line = l[i];
      if (line !== undefined) turns.push(line);
    }
  }
  const time = (line: string): string => /\d\d:\d\d:\d\d/.exec(line)?.[0] ?? '';
  return `${turns.sort((a, b) => time(a).localeCompare(time(b))).join('\n')}\n`;
}

describe('several hosts in one syslog', () => {
  it("keeps two routers' pppd apart although their pids are the same, and reports the host that logged last", () => {
    const log = interleave([...start('gw'), ...lcpTimeout('gw')], [...start('gw2'), ...up('gw2', '10.0.0.12')]);
    const d = diagnose(log);
    // gw's time-out is the last line: its attempt, not one made of both routers' lines
    expect(d.host).toBe('gw');
    expect(d.verdict).toBe('no_response');
    expect(d.attempts).toBe(1);
    expect(d.localIp).toBeNull();
    expect(d.hosts).toEqual([
      { host: 'gw2', verdict: 'up' },
      { host: 'gw', verdict: 'no_response' },
    ]);
    expect(parsePppdLog(log).attempts.map((a) => [a.host, a.verdict])).toEqual([
      ['gw2', 'up'],
      ['gw', 'no_response'],
    ]);
    expect(formatDiagnosis(d)).toMatch(/^hosts: +gw2 up, gw no_response\nhost: +gw /);
  });

  it("gives each host's up link its own addresses", () => {
    const log = interleave([...start('gw'), ...lcpTimeout('gw')], [...start('gw2'), ...up('gw2', '10.0.0.12'), `Dec  6 10:00:40 gw2 pppd[2301]: Script /etc/ppp/ip-up finished (pid 2400), status = 0x0`]);
    const d = diagnose(log);
    expect(d.host).toBe('gw2');
    expect([d.verdict, d.localIp, d.remoteIp]).toEqual(['up', '10.0.0.12', '10.0.0.1']);
  });

  it("prefers the hosts with a PPTP tunnel over a router's PPPoE WAN logged later", () => {
    const pppoe = [
      'Dec  6 10:00:01 edge pppd[1777]: Plugin rp-pppoe.so loaded.',
      'Dec  6 10:00:02 edge pppd[1777]: PPP session is 4242',
      'Dec  6 10:00:03 edge pppd[1777]: local  IP address 198.51.100.20',
      'Dec  6 10:00:03 edge pppd[1777]: remote IP address 198.51.100.1',
      'Dec  6 10:00:50 edge pppd[1777]: LCP terminated by peer',
    ];
    const d = diagnose(interleave([...start('gw'), ...lcpTimeout('gw')], pppoe));
    expect(d.host).toBe('gw');
    expect(d.verdict).toBe('no_response');
    // every host keeps its own verdict, the PPPoE-only one too
    expect(d.hosts).toEqual([
      { host: 'edge', verdict: 'terminated_by_peer' },
      { host: 'gw', verdict: 'no_response' },
    ]);
  });

  it("keeps one router's log one host when its name changes under a running pppd (a reboot's early lines, a sender address that flips)", () => {
    // the new pppd starts while the name is still "localhost", and goes on as "gw"
    const rebooted = [
      ...start('gw'),
      ...echoLost('gw'),
      'Dec  6 10:15:01 localhost pppd[1200]: Plugin pptp.so loaded.',
      'Dec  6 10:15:01 localhost pppd[1200]: pppd 2.4.9 started by root, uid 0',
      'Dec  6 10:15:02 gw pppd[1200]: Connect: pptp-vpn <--> pptp (vpn.example.com)',
      'Dec  6 10:15:32 gw pppd[1200]: LCP: timeout sending Config-Requests',
    ];
    const d = diagnose(`${rebooted.join('\n')}\n`);
    expect(d.hosts).toBeUndefined();
    expect(d.verdict).toBe('no_response');
    // busybox syslogd sends no name: the server writes the sender's address, which may change
    // (the link up, its traffic leaves through the tunnel: the sender's address changes; back when it is down)
    const flipped = [
      ...[...start('gw'), ...up('gw', '10.0.0.12')].map((l) => l.replace(' gw ', ' 192.0.2.1 ')),
      ...echoLost('10.0.0.12', '192.0.2.1'),
    ];
    const f = diagnose(`${flipped.join('\n')}\n`);
    expect(f.hosts).toBeUndefined();
    expect(f.verdict).toBe('link_dead');
  });

  it('reads a central log of well over a hundred thousand lines (no argument list as long as the log)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 140_000; i++) {
      lines.push(`Dec  6 10:00:01 gw pppd[2301]: rcvd [LCP EchoRep id=0x${(i % 256).toString(16)} magic=0x1]`);
      if (i % 1000 === 0) lines.push('Dec  6 10:00:01 gw2 pppd[2302]: rcvd [LCP EchoRep id=0x1 magic=0x1]');
    }
    const d = diagnose(lines.join('\n'));
    expect(d.hosts?.map((h) => h.host).sort()).toEqual(['gw', 'gw2']);
  });

  it('reads a hostname that changed once (early boot lines under "localhost") as one host', () => {
    const log = `${[...start('localhost'), ...up('gw', '10.0.0.12')].join('\n')}\n`;
    const d = diagnose(log);
    expect(d.host).toBeUndefined();
    expect(d.hosts).toBeUndefined();
    expect([d.verdict, d.attempts, d.localIp]).toEqual(['up', 1, '10.0.0.12']);
  });

  it('leaves one host\'s log and logread (no host) as they were: no host field', () => {
    const log = `${[...start('gw'), ...up('gw', '10.0.0.12')].join('\n')}\n`;
    expect(diagnose(log)).not.toHaveProperty('host');
    const logread = log.replace(/^Dec {2}6 (\S+) gw /gm, 'Sun Dec  6 $1 2026 daemon.notice ');
    expect(diagnose(logread)).not.toHaveProperty('host');
    expect(diagnose(logread).verdict).toBe('up');
  });

  it('reads the host after a facility.level and in ISO-dated lines', () => {
    const iso = (host: string, lines: string[]): string[] => lines.map((l) => l.replace(/^Dec {2}6 (\S+) (\S+) /, `2026-12-06T$1+00:00 $2 daemon.notice `));
    const d = diagnose(interleave(iso('gw', [...start('gw'), ...lcpTimeout('gw')]), iso('gw2', [...start('gw2'), ...up('gw2', '10.0.0.12')])));
    expect(d.hosts?.map((h) => h.host)).toEqual(['gw2', 'gw']);
    expect(d.verdict).toBe('no_response');
  });
});

describe('a journal that holds each of pppd\'s lines twice', () => {
  it('reads a dated line written twice in a row, to the letter, once (a unit without `nolog`: syslog and stdout)', () => {
    const once = ['pppd 2.4.9 started by root, uid 0', 'Using interface ppp0', 'Connect: ppp0 <--> /dev/ttyUSB0', 'PAP authentication failed', 'Connection terminated.'].map((m) => `Dec  6 10:00:01 box pppd[77]: ${m}`);
    const d = diagnose(`${once.flatMap((l) => [l, l]).join('\n')}\n`);
    expect([d.verdict, d.attempts]).toEqual(['auth_failed', 1]);
    // undated output's repeats are left alone (a terminal, `journalctl -o cat`): no time says they are one
    expect(splitLog(['sent [LCP ConfReq id=0x1 <magic 0x5>]', 'sent [LCP ConfReq id=0x1 <magic 0x5>]'].join('\n'))).toHaveLength(2);
  });
});
