// Verdict accuracy over the corpus, on the tuned part and on the held-out part (issue 14):
// prints both confusion tables and asserts the figures. Held-out cases are reported in totals
// only (their names stay out of the output, so nobody tunes on them by reading a test run).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  confusionTable,
  corpusFamily,
  corpusPart,
  diagnose,
  formatConfusionTable,
  parsePppdLog,
  type AccuracyCase,
  type CorpusPart,
  type Verdict,
} from '../../src/pppd-log/index.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'pppd-logs');

interface Case extends AccuracyCase {
  part: CorpusPart;
  /** What the hash rule draws: a log, or the first log of the post or poster it came with. */
  family: string;
  localIp?: string | null;
  remoteIp?: string | null;
}

function load(): Case[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log') && existsSync(path.join(dir, f.replace(/\.log$/, '.expected.json'))))
    .sort()
    .map((f) => {
      const name = f.replace(/\.log$/, '');
      const expected = JSON.parse(readFileSync(path.join(dir, `${name}.expected.json`), 'utf8')) as {
        verdict: Verdict;
        localIp?: string | null;
        remoteIp?: string | null;
      };
      const srcFile = path.join(dir, `${name}.source.txt`);
      const source = existsSync(srcFile) ? readFileSync(srcFile, 'utf8') : '';
      return {
        name,
        text: readFileSync(path.join(dir, f), 'utf8'),
        expected: expected.verdict,
        localIp: expected.localIp,
        remoteIp: expected.remoteIp,
        part: corpusPart(name, source),
        family: corpusFamily(name, source),
      };
    });
}

/** `up` cases whose labels carry addresses, and how many of them `diagnose` reads right. */
function addresses(cases: Case[]): { total: number; right: number; wrong: string[] } {
  const ups = cases.filter((c) => c.expected === 'up' && (c.localIp !== undefined || c.remoteIp !== undefined));
  const wrong: string[] = [];
  for (const c of ups) {
    const d = diagnose(c.text);
    if ((c.localIp !== undefined && d.localIp !== c.localIp) || (c.remoteIp !== undefined && d.remoteIp !== c.remoteIp)) wrong.push(c.name);
  }
  return { total: ups.length, right: ups.length - wrong.length, wrong };
}

const all = load();
const tuned = all.filter((c) => c.part === 'tuned');
const heldOut = all.filter((c) => c.part === 'held-out');

describe('corpus split', () => {
  it('holds out exactly the cases SPLIT.md lists (fixed before the rules changed)', () => {
    const listed = [...readFileSync(path.join(dir, 'SPLIT.md'), 'utf8').matchAll(/^- `([^`]+)`$/gm)].map((m) => m[1]);
    // SPLIT.md lists them batch by batch; `field11-` sorts before `field3-`
    expect(heldOut.map((c) => c.name).sort()).toEqual([...listed].sort());
    for (const prefix of ['field-', 'field4-', 'field5-', 'field6-', 'field7-', 'field8-', 'field9-', 'field10-', 'field11-', 'field12-', 'field13-', 'field14-', 'field15-', 'field16-', 'field17-', 'field18-', 'field19-', 'field20-', 'field21-', 'field22-', 'field23-', 'field24-', 'field25-', 'field26-', 'field27-', 'field28-', 'field29-', 'field30-', 'field31-', 'field32-', 'field33-', 'field34-', 'field35-', 'field36-', 'field37-', 'field38-', 'field39-', 'field40-', 'field41-', 'field42-', 'field43-', 'field44-', 'field45-', 'field46-', 'field47-', 'field48-']) {
      // The hash draws families (a post's or a poster's runs share one), each with a chance of a
      // third: batch 14 drew 27 of 93 logs (29 %), batch 29 13 of 58 (22 %), batch 40 2 of its
      // 16 families (a chance of 6 % for 2 or fewer). Fewer than one family in eight held out
      // (a chance under 2 % at 16 families) says the rule broke; a small batch can draw none
      // (batch 10: none of 5, a chance of 13 %), so the whole corpus's share is checked below.
      const families = new Set(all.filter((c) => c.name.startsWith(prefix)).map((c) => c.family));
      const held = new Set(heldOut.filter((c) => c.name.startsWith(prefix)).map((c) => c.family));
      expect(held.size, prefix).toBeGreaterThanOrEqual(Math.floor(families.size / 8));
    }
  });
});

describe('labels', () => {
  it("give an `up` log's addresses as dotted quads or not at all (masked addresses: the keys are left out), tuned part", () => {
    const masked = tuned.filter((c) => [c.localIp, c.remoteIp].some((v) => v != null && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(v)));
    expect(masked.map((c) => c.name)).toEqual([]);
  });
});

describe('the hash rule over every split batch', () => {
  it('holds out about a third of their families', () => {
    const split = all.filter((c) => /^field(?:\d*)-/.test(c.name) && !/^field[23]-/.test(c.name));
    const families = new Set(split.map((c) => c.family));
    const held = new Set(split.filter((c) => c.part === 'held-out').map((c) => c.family));
    // about 1,760 families (a third give or take 1 %): a share outside 28-39 % is a broken rule
    expect(held.size / families.size).toBeGreaterThan(0.28);
    expect(held.size / families.size).toBeLessThan(0.39);
  });
});

describe('verdict accuracy', () => {
  it('tuned part: every case as labelled, every up address right (table printed)', () => {
    const table = confusionTable(tuned);
    const addr = addresses(tuned);
    console.log(`TUNED PART\n${formatConfusionTable(table)}\nup addresses right: ${addr.right}/${addr.total}`);
    // the tuned cases the rules do not get, each with its reason (known-misses.json), and the
    // logs with no line of pppd's (no-pppd-line.json): not taken for pppd logs, so the CLI exits
    // 2 and shows no verdict, a miss whatever their label (strict counting, since stop 38)
    const known = JSON.parse(readFileSync(path.join(dir, 'known-misses.json'), 'utf8')) as Record<string, string>;
    const noPppd = JSON.parse(readFileSync(path.join(dir, 'no-pppd-line.json'), 'utf8')) as Record<string, string>;
    expect(table.misses.map((m) => m.name).sort()).toEqual([...new Set([...Object.keys(known), ...Object.keys(noPppd)])].sort());
    for (const m of table.misses) if (m.name in noPppd) expect(m.got, m.name).toBe('not_pppd_log');
    expect(addr.wrong).toEqual([]);
  });

  it('held-out part: figures printed in totals', () => {
    for (const [label, part] of [
      ['batch 1 (split before the rules changed)', heldOut.filter((c) => c.name.startsWith('field-'))],
      ['batch 3 (gathered after the batch 2 rule change)', heldOut.filter((c) => c.name.startsWith('field3-'))],
      ['batch 4 (hash-split third, measured frozen)', heldOut.filter((c) => c.name.startsWith('field4-'))],
      ['batch 5 (hash-split third, measured frozen)', heldOut.filter((c) => c.name.startsWith('field5-'))],
      ['batch 6 (hash-split third, measured frozen)', heldOut.filter((c) => c.name.startsWith('field6-'))],
      ['batch 7 (hash-split third, measured frozen)', heldOut.filter((c) => c.name.startsWith('field7-'))],
      ['batch 8 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field8-'))],
      ['batch 9 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field9-'))],
      ['batch 11 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field11-'))],
      ['batch 12 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field12-'))],
      ['batch 13 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field13-'))],
      ['batch 14 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field14-'))],
      ['batch 15 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field15-'))],
      ['batch 16 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field16-'))],
      ['batch 17 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field17-'))],
      ['batch 18 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field18-'))],
      ['batch 19 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field19-'))],
      ['batch 20 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field20-'))],
      ['batch 21 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field21-'))],
      ['batch 22 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field22-'))],
      ['batch 23 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field23-'))],
      ['batch 24 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field24-'))],
      ['batch 25 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field25-'))],
      ['batch 26 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field26-'))],
      ['batch 27 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field27-'))],
      ['batch 28 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field28-'))],
      ['batch 29 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field29-'))],
      ['batch 30 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field30-'))],
      ['batch 31 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field31-'))],
      ['batch 32 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field32-'))],
      ['batch 33 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field33-'))],
      ['batch 34 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field34-'))],
      ['batch 35 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field35-'))],
      ['batch 36 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field36-'))],
      ['batch 37 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field37-'))],
      ['batch 38 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field38-'))],
      ['batch 39 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field39-'))],
      ['batch 40 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field40-'))],
      ['batch 41 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field41-'))],
      ['batch 42 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field42-'))],
      ['batch 43 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field43-'))],
      ['batch 44 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field44-'))],
      ['batch 45 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field45-'))],
      ['batch 46 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field46-'))],
      ['batch 47 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field47-'))],
      ['batch 48 (hash-split part, measured frozen)', heldOut.filter((c) => c.name.startsWith('field48-'))],
    ] as const) {
      const t = confusionTable(part);
      const a = addresses(part);
      console.log(`HELD-OUT ${label}: ${t.correct}/${t.total} verdicts right, up addresses right: ${a.right}/${a.total}`);
    }
    const table = confusionTable(heldOut);
    const addr = addresses(heldOut);
    const pct = (100 * table.correct) / Math.max(1, table.total);
    console.log(
      `HELD-OUT PART: ${table.correct}/${table.total} verdicts right (${pct.toFixed(1)}%), up addresses right: ${addr.right}/${addr.total}`,
    );
    expect(table.total).toBeGreaterThan(0);
    // docs/pppd-log.md, "Accuracy": batch 1 13/14, batch 3 12/12 (11/12 before the Unicode fix),
    // batch 4 2/3 (measured frozen, unchanged since), batch 5 2/2, batch 6 1/2 (measured frozen),
    // batch 7 8/8 (measured frozen; 3 of the 8 only by default then: not taken for pppd logs,
    // so strictly 5/8, until the accel-ppp rows of the tuned side), batch 8 10/11 (measured
    // frozen, all 11 taken for pppd logs; unchanged by the down-script fix), batch 9 8/10 (7/10
    // measured frozen, 8/10 after the tuned side's fixes), batch 11 5/10 (measured frozen,
    // unchanged since), batch 12 26/30 (25/30 measured frozen, 26/30 after the tuned side's
    // fixes, not looked at), batch 13 34/38 (33/38 measured frozen), batch 14 23/27 (measured
    // frozen, unchanged since), batch 15 23/28 and batch 16 37/43 (measured frozen, unchanged
    // since), batch 17 42/48 (40/48 measured frozen), batch 18 29/38 (27/38 measured frozen);
    // batches 1, 4, 8, 11, 12, 13 and 16 gained from later fixes (1, 1, 1, 3, 2, 2 and 1), batch
    // 12 lost one to stop 25's proxy ARP reading, which won batch 4's; stop 26's serial-line
    // hang-up reading (other) won one; batch 19 10/10, batch 20 14/14, batch 21 18/21 and batch
    // 22 24/27 (measured frozen); stop 27's reading of "Hangup (SIGHUP)" + "Modem hangup" as the
    // line hanging up (decided on the tuned side: +3 -3, and on pppd's main.c) moved batch 6 -1,
    // 15 +1, 21 +1; batch 23 22/24 (measured frozen): 374/420 (89.0 %). Stop 28: IPv6CP up is
    // the link up (from a batch 24 tuned log and ipv6cp.c) won 3 older held-out logs, two of
    // whose labels had been seen in a grep (SPLIT.md, batch 24): 377/420; batch 24 66/67
    // measured frozen at bc6535e, 65/67 now (the '// ' comment peel exposed an ip-up failure
    // before a later local stop, read as ip_script_failed; looked at to find the regression,
    // left as it is): 442/487 (90.8 %); exit status 16 as the modem hanging up (batch 25's tuned
    // side, pppd(8)) won 2 older ones (their verdicts showed in a diff print, SPLIT.md batch 25);
    // batch 25 55/60 measured frozen at 79e2f41, 56/60 after its tuned side's fixes (not looked
    // at): 500/547 (91.4 %); batch 26 (4 pptpd logs) 2/2 measured frozen: 502/549 (91.4 %).
    // Stop 29: batch 27 13/14 measured frozen at d7f5862: 515/563 (91.5 %); batch 28 10/12
    // measured frozen at f8d4797: 525/575 (91.3 %); "Connect time" as the link going down (from
    // a batch 29 tuned log and main.c/ipcp.c) won 3 older ones (a count, not looked at): 528/575;
    // batch 29 13/13 measured frozen at 8290609: 541/588 (92.0 %); batch 30 14/14 measured frozen
    // at ea9a292: 555/602 (92.2 %); batch 31 9/9 measured frozen at d4fd824: 564/611 (92.3 %).
    // Stop 30: batch 32 16/21 measured frozen at a59d93d: 580/632 (91.8 %); batch 33 12/13
    // measured frozen at 98408ad: 592/645 (91.8 %); batch 34 3/3 measured frozen at 9638e5e:
    // 595/648 (91.8 %); reading pptp_ctrl.c's log-level control socket errors and decaps_hdlc's
    // EIO as a consequence (an audit of pptp-linux's sources, not of corpus logs) won one older
    // held-out verdict, a count seen after deciding: 596/648 (92.0 %). Stop 31: reading
    // "select (waitForPADO): Interrupted system call" as the signal ppp 2.4.8+'s discovery.c
    // says it is (an audit of ppp 2.5.2, not a corpus log) lost one held-out verdict, a count
    // seen after deciding (its label reads the time-out that follows): 595/648 (91.8 %); batch
    // 35 11/12 measured frozen at a1cacff (and at e24364c): 606/660 (91.8 %); batch 36 8/8
    // measured frozen at 29615cc: 614/668 (91.9 %); batch 37 3/3 measured frozen at cb29f86:
    // 617/671 (92.0 %). Stop 32: an audit of accel-ppp's sources (its "disconnected" ending
    // every session, level 3's up, its own PPTP replies kept from pptp-linux's rows, PPPoE/L2TP/
    // SSTP clients leaving) lost one held-out verdict (other -> terminated_by_peer), a count
    // seen after deciding, not looked at: 616/671 (91.8 %); an audit of the envelopes real
    // pastes come in (HTML <br>, grep -n, cat -A, rsyslog's repeat reduction) won one: 617/671;
    // batch 38 5/5 measured frozen at 3cd1388 (before this stop's rule changes): 622/676 (92.0 %);
    // batch 39 6/6 measured frozen at ba4a78e: 628/682 (92.1 %); an audit of sstp-client's
    // sources (its own lines on the SSTP connection read) won one older held-out log that was not
    // taken for a pppd log (a count, not looked at): 629/682 (92.2 %). Stop 33: batch 40 3/3
    // measured frozen at 66288ab (before this stop's rule changes): 632/685 (92.3 %); batch 41
    // 3/5 measured frozen at 66288ab: 635/690 (92.0 %). Stop 34: batch 42 6/6 measured frozen at
    // 1cc15a7 (before this stop's rule changes): 641/696 (92.1 %); batch 43 5/6 measured frozen at
    // 0192ae8: 646/702 (92.0 %). Stop 35: reading a DSL router's system log page won one older
    // held-out log and reading xl2tpd's time-out before the paste's first pppd line lost one
    // (both counts seen after deciding, not looked at): 646/702; batch 44 6/8 measured frozen at
    // 8046123 (before both): 652/710 (91.8 %).
    // Stop 38: counted strictly, a log not taken for a pppd log is a miss (the CLI exits 2 and
    // shows no verdict), where until then its default verdict could match the label: 7 held-out
    // logs so counted before were right only by that default, 645/710 (90.8 %), same rules.
    // Stop 40: reading pptpd's silent "Reaping child" as the client's Call-Clear (pptpctrl.c),
    // a unit refused by a kernel that had PPP as no missing support (sys-linux.c), and
    // NetworkManager's VPN IP-configuration time-out (nm-vpn-connection.c), all from tuned logs
    // and the sources, won one held-out verdict (a count seen after deciding, not looked at):
    // 646/710; the review's corrections of the first reading (a pptpd stopped by a signal is
    // silent too, so pppd's own SIGTERM keeps it a local stop; each call by pptpd's control
    // pid; either order of the two programs' lines) lost it again: 645/710 (90.8 %).
    // Stop 41: batch 45's 9 held-out logs, 7 right as measured frozen: 652/719; reading xl2tpd's
    // lines alone (xl2tpd.ts, from the tuned side's five xl2tpd-only logs and xl2tpd's sources)
    // won one more (a count, not looked at): 653/719 (90.8 %). Batch 46's 7 held-out logs, 6
    // right as measured frozen at b968daa: 659/726 (90.8 %).
    // Stop 42: batch 47's 43 held-out logs, 39 right as measured frozen at e02b7c0: 698/769 (90.8 %);
    // batch 48's 44, all right as measured frozen at e8d5100: 742/813 (91.3 %).
    // Under the 0.95 target. A floor in cases, so a change that loses
    // held-out cases fails here; never met by tuning on them.
    expect(table.correct).toBeGreaterThanOrEqual(742);
    // every held-out `up` log's addresses right from stop 24 until batch 17, one of whose logs
    // was wrong when measured frozen, two of batch 24's and one of batch 35's (not looked at):
    // a ceiling, never met by looking. (Stop 33, a content-blind check of the labels' format: one
    // of the four is a label whose addresses are masked text, not dotted quads, where the corpus
    // convention omits the keys; held-out labels are not edited after they were measured.)
    // Stop 34: one of batch 43's two held-out `up` logs wrong as measured frozen (not looked at).
    expect(addr.wrong.length).toBeLessThanOrEqual(5);
  });

  it('takes every corpus log for a pppd log (diagnose never exits 2 on them), held-out ones counted only', () => {
    const rejected = all.filter((c) => !parsePppdLog(c.text).isPppdLog);
    console.log(`not taken for a pppd log: ${rejected.length}/${all.length}`);
    // tuned logs with no line pppd, pptp or pptpd wrote (no-pppd-line.json: IPsec failing before
    // pppd ran, SSTP programs' own lines, macOS pppd's L2TP plugin), exit 2 by design
    const noPppd = JSON.parse(readFileSync(path.join(dir, 'no-pppd-line.json'), 'utf8')) as Record<string, string>;
    expect(rejected.filter((c) => c.part === 'tuned').map((c) => c.name)).toEqual(Object.keys(noPppd).sort());
    // held out: one log each of batches 13, 14, 18, 25 and 33, two of batch 16 (three until
    // pptpd's manager lines were read in stop 28), two of batch 24 and two of batch 32 (batch
    // 26's one was taken once pptpd's start lines were read, stop 30: SPLIT.md), not looked at:
    // a ceiling, never met by looking
    expect(rejected.filter((c) => c.part === 'held-out').length).toBeLessThanOrEqual(11);
  });

  it('counts expected × got', () => {
    const t = confusionTable([
      { name: 'a', text: 'Connect: ppp0 <--> /dev/pts/0\nLCP: timeout sending Config-Requests', expected: 'no_response' },
      { name: 'b', text: 'Connect: ppp0 <--> /dev/pts/0\nLCP: timeout sending Config-Requests', expected: 'auth_failed' },
    ]);
    expect(t.rows.no_response.no_response).toBe(1);
    expect(t.rows.auth_failed.no_response).toBe(1);
    expect(t.correct).toBe(1);
    expect(formatConfusionTable(t)).toMatch(/1\/2 correct/);
    // a log that is no pppd log is a miss even where the default verdict matches the label
    const u = confusionTable([{ name: 'c', text: 'Dec  7 10:00:01 host sshd[42]: Accepted publickey for root', expected: 'other' }]);
    expect(u.correct).toBe(0);
    expect(u.misses).toEqual([{ name: 'c', expected: 'other', got: 'not_pppd_log' }]);
    expect(formatConfusionTable(u)).toMatch(/exit2/);
  });
});
