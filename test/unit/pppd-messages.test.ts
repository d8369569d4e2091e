// The messages of pppd, pptp and pptpd enumerated from their sources (docs/pppd-messages.md):
// every recognisable format makes a text a pppd log under every prefix a pasted log carries,
// and every verdict-bearing message in the doc's table has the row and verdict the table says.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PPPD_RULES, PPTPD_RULES, PPTP_RULES, pptpMessage, ruleFor } from '../../src/pppd-log/rules.js';
import { SOURCE_MESSAGES } from '../../src/pppd-log/messages.gen.js';
import { formatPattern, isSourceMessage } from '../../src/pppd-log/source-messages.js';
import { diagnose, parsePppdLog } from '../../src/pppd-log/index.js';

const root = path.join(import.meta.dirname, '..', '..');
const tsv = readFileSync(path.join(root, 'test', 'fixtures', 'pppd-messages', 'source-messages.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t') as [string, string, string, string, string]);

/** A line pppd could print for a format: every conversion filled with a plausible value. */
function exampleOf(fmt: string): string {
  return fmt
    .replace(/\\n|\\t/g, ' ')
    .replace(/\\"/g, '"')
    .replace(/%m/g, 'No such file or directory')
    .replace(/%I/g, '10.0.0.1')
    .replace(/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:ll|l|h|z)?[diu]/g, '7')
    .replace(/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:ll|l|h)?[xX]/g, '1f')
    .replace(/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[sqvBPcf]/g, 'ppp0')
    .replace(/%%/g, '%')
    .trim();
}

const PREFIXES: [string, (m: string, prog: string) => string][] = [
  ['logfile (no prefix)', (m) => m],
  ['syslog with host', (m, prog) => `Nov 26 23:40:42 gw ${prog}[4711]: ${m}`],
  ['journald', (m, prog) => `Nov 26 23:40:42 archbox ${prog}[4711]: ${m}`],
  ['OpenWrt logread', (m, prog) => `Thu Nov 26 23:40:42 2026 daemon.notice ${prog}[4711]: ${m}`],
  ['pppd logfile date', (m) => `Sat May 11 13:03:32 2024 : ${m}`],
];

describe('source message enumeration', () => {
  it('lists the messages of every source file the doc names, from both pppd versions', () => {
    const files = new Set(tsv.map((r) => `${r[1].replace(/-[\d.]+$/, '')} ${r[2].split(':')[0]}`));
    for (const f of ['ppp pppd/main.c', 'ppp pppd/auth.c', 'ppp pppd/lcp.c', 'ppp pppd/ipcp.c', 'ppp pppd/ccp.c', 'ppp pppd/chap_ms.c', 'ppp pppd/sys-linux.c', 'ppp pppd/tty.c', 'ppp pppd/options.c', 'ppp pppd/multilink.c', 'ppp pppd/plugins/radius/sendserver.c', 'ppp pppd/plugins/winbind.c', 'ppp pppd/plugins/passwordfd.c', 'pptp pptp_ctrl.c', 'pptpd ctrlpacket.c', 'pptpd pptpctrl.c']) {
      expect(files, f).toContain(f);
    }
    expect(new Set(tsv.map((r) => r[1]))).toEqual(new Set(['ppp-2.4.9', 'ppp-2.5.2', 'pptp-1.10.0', 'pptpd-1.4.0']));
  });

  it('keeps every pppd/pptp format with enough fixed text in messages.gen.ts', () => {
    const kept = new Set(SOURCE_MESSAGES.map((m) => m[3]));
    for (const [prog, , , , fmt] of tsv) {
      if (prog === 'pptpd') continue;
      const f = fmt.replace(/\\n|\\t/g, ' ').replace(/\\"/g, '"').trim();
      const fixed = f.replace(/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:ll|l|h|z)?[diuxXsqvBIPmcf]|%%/g, '');
      const recognisable = !f.startsWith('%') && fixed.trim().length >= 14 && (fixed.match(/[A-Za-z]{2,}/g) ?? []).length >= 3;
      expect(kept.has(f), f).toBe(recognisable);
    }
  });

  it.each(PREFIXES)('takes a log of any one pppd or pptp message for a pppd log (%s)', (_name, prefix) => {
    const missed: string[] = [];
    for (const [prog, , , fmt] of SOURCE_MESSAGES) {
      const line = prefix(exampleOf(fmt), prog);
      if (!isSourceMessage(exampleOf(fmt))) missed.push(`pattern: ${fmt}`);
      else if (!parsePppdLog(line).isPppdLog) missed.push(line);
    }
    expect(missed).toEqual([]);
  });

  it('does not take other programs’ lines for pppd’s', () => {
    for (const other of ['Accepted publickey for root from 10.0.0.5 port 22', 'eth0: link up', 'DHCPACK(br-lan) 192.168.1.5', 'Exit status 0', 'Starting kernel ...', 'connection refused']) {
      expect(isSourceMessage(other), other).toBe(false);
      expect(parsePppdLog(`Nov 26 23:40:42 gw foo[1]: ${other}`).isPppdLog, other).toBe(false);
    }
  });
});

interface DocRow {
  n: string;
  fmt: string;
  ref: string;
  example: string;
  row: string;
  context: string;
  verdict: string;
}

const doc = readFileSync(path.join(root, 'docs', 'pppd-messages.md'), 'utf8');
const rows: DocRow[] = [...doc.matchAll(/^\| (\d+) \| `(.*?)` \| (.*?) \| .*? \| `(.*?)` \| (\S+) \| (\w+) \| (\w+) \|/gm)].map((m) => ({
  n: m[1] ?? '',
  fmt: m[2] ?? '',
  ref: m[3] ?? '',
  example: m[4] ?? '',
  row: m[5] ?? '',
  context: m[6] ?? '',
  verdict: m[7] ?? '',
}));

function contextLog(r: DocRow, table: string): string {
  const pre = r.context === 'alone' ? [] : r.context === 'start' ? ['Connect: ppp0 <--> /dev/pts/0'] : ['Connect: ppp0 <--> /dev/pts/0', 'local  IP address 10.0.0.2', 'remote IP address 10.0.0.1'];
  const at = (m: string, prog: string, pid: number): string => `Jan  1 00:00:00 gw ${prog}[${pid}]: ${m}`;
  const last = table === 'pptpd' ? at(r.example, 'pptpd', 99) : table === 'pptp' ? at(r.example, 'pptp', 101) : at(r.example, 'pppd', 100);
  return [...pre.map((m) => at(m, 'pppd', 100)), last].join('\n');
}

describe('verdict-bearing messages (docs/pppd-messages.md)', () => {
  it('has its table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(90);
    expect(new Set(rows.map((r) => r.verdict)).size).toBeGreaterThanOrEqual(13);
  });

  it.each(rows.map((r) => [r.n, r] as const))('#%s: source, format, row and verdict as the table says', (_n, r) => {
    if (!r.ref.includes('†')) {
      const inSource = tsv.some(([, , ref, , fmt]) => ref.endsWith(r.ref) && fmt.replace(/\\n$/, '') === r.fmt);
      expect(inSource, `${r.fmt} at ${r.ref}`).toBe(true);
      expect(new RegExp(`^${formatPattern(r.fmt.replace(/\\"/g, '"'))}\\s*$`).test(pptpMessage(r.example)?.text ?? r.example), r.example).toBe(true);
    }
    const pt = pptpMessage(r.example);
    const [table, rules, text] = pt ? ['pptp', PPTP_RULES, pt.text] as const : r.example.startsWith('CTRL:') ? ['pptpd', PPTPD_RULES, r.example] as const : ['pppd', PPPD_RULES, r.example] as const;
    const hit = ruleFor(rules, text);
    expect(hit ? `${table}:${hit.rule.name}` : '—').toBe(r.row);
    expect(diagnose(contextLog(r, table)).verdict).toBe(r.verdict);
  });
});
