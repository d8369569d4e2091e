// Turns raw log text into messages: strips syslog/logread/journal/NetworkManager prefixes
// and says which program wrote each line (pppd, pptp, or something to ignore).

import { decode as decodeQp } from 'libqp';

import { isBarePptpMessage, isPppdMessage, pptpMessage, PPPD_RULES, PPTP_RULES, PPTPD_RULES } from './rules.js';
import { isSourceMessage, SOURCE_WORDS, startsSourceMessage } from './source-messages.js';

export type Source = 'pppd' | 'pptp' | 'pptpd' | 'unknown' | 'ignored';

export interface LogLine {
  /** 0-based reading position: the text's line order, or its reverse for a newest-first paste. */
  index: number;
  /** The line as written (trimmed, tabs kept out), for evidence. */
  raw: string;
  /** The message with every prefix removed. */
  msg: string;
  source: Source;
  /** Program name from the prefix (`pppd`, `pptp`, `NetworkManager`...), or null for raw output. */
  prog: string | null;
  /** Process id from a `prog[pid]:` prefix, or null. */
  pid: string | null;
  /** The host a syslog line names before its `prog[pid]:` (a central log server's file holds several). */
  host?: string;
}

// dmesg-style "[  123.456] " (kernel, serial consoles, `logread -t`)
const UPTIME = /^\[\s*\d+\.\d+\]\s*/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// Timestamps that precede the host/program part of a line.
const TIMESTAMPS: RegExp[] = [
  // OpenWrt logread: "Thu Nov 26 23:40:42 2026 "
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4}\s+/,
  // classic syslog: "Nov 26 23:40:42 " (forums sometimes upper-case the month)
  /^[A-Za-z]{3}\s+\d{1,2}\s+\d\d:\d\d:\d\d(?:\.\d+)?\s+/,
  // ISO 8601 / RFC 5424 / journalctl -o short-iso: "2026-11-26T23:40:42.123+01:00 "
  /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+/,
  UPTIME,
];

// `prog[pid]: message` anywhere near the start (after timestamp, host, facility.level).
const PROG_PID = /(?:^|[\s>])([A-Za-z][\w.\-/]*)\[(\d+)\]:\s?(.*)$/;
// A helper's own tag at the start of a message another program relayed (see splitLog).
const RELAYED_TAG = /^([A-Za-z][\w.-]*)\[(\d+)\]: (.*)$/;
// The words between a syslog date and `prog[pid]:`: the host, and the facility.level some
// templates add ("gw daemon.notice pppd[2301]:", busybox's remote "192.168.1.1 pppd[..]:").
const FACILITY_LEVEL = /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(?:emerg|alert|crit|err|error|warn|warning|notice|info|debug)$/i;
const HOST_NAME = /^[A-Za-z0-9][\w.:-]*$/;
/** The host of a syslog line: the one word before `prog[pid]:` after the date, not a facility. */
function hostOf(prefix: string): string | undefined {
  const words = prefix.trim().split(/\s+/).filter((w) => w !== '' && !FACILITY_LEVEL.test(w));
  return words.length === 1 && HOST_NAME.test(words[0] ?? '') ? words[0] : undefined;
}
// `host facility.level prog: message` once a timestamp was removed.
const PROG_NO_PID = /^(?:(?:\S+)\s+){0,2}?([A-Za-z][\w.\-/]*):\s(.*)$/;
// Front ends that wrap pppd's output: kvpnc "debug: [pppd] ...", pptpsetup/pon echo.
const WRAPPED = /^(?:\w+:\s*)?\[(pppd|pptp)\]\s?(.*)$/;

// mtpd: Android's PPTP (and L2TP) client, which starts pppd once the call is set up.
const PPTP_PROGS = /^(?:pptp|pptpgw|pptp-client|nm-pptp-service.*|nm-pptp|pptp_callmgr|mtpd)$/i;
// Programs whose lines never carry pppd's story and could only confuse the matchers.
const IGNORED_PROGS =
  /^(?:kernel|NetworkManager|avahi-daemon|dnsmasq|dnsmasq-dhcp|odhcpd|netifd|systemd.*|dbus.*|dropbear|sshd|charon|ipsec.*|xl2tpd|chat|wpa_supplicant|dhclient|udhcpc|firewall|fw3|fw4|procd|ntpd|cron|crond|nm-dispatcher|ModemManager|sudo|su|CRON|rsyslogd|syslogd|logread|hostapd|uhttpd|rpcd|odhcp6c)$/i;

// A shell prompt in front of a line `tail -f` printed ("root@gw:~# Dec 20 10:35:27 gw daemon...").
const PROMPT = /^[\w.@:~/-]+[#$]\s+(?=\S)/;
const BARE_PROMPT = /^[#$]\s+(?=\S)/;
// busybox ash's default prompt ('\w \$ ': the working directory, a blank, # for root): "~ # ",
// "/ # ". Taken only before a message or a stamp (stripTimestamp), as "/dev/ttyUSB3 # (from
// command line)" in pppd's options dump has the same form.
const ASH_PROMPT = /^(?:~|\/)[\w.~/-]* [#$]\s+(?=\S)/;
// pppd's own prefix on a terminal: "pppd: ", "/usr/sbin/pppd: " (options.c, sys-linux.c errors).
const PPPD_TERMINAL = /^(?:\/\S*\/)?pppd:\s+(.*)$/;
// The PPTP programs' tag alone in front of a message, without date or pid (firmware log pages).
const BARE_TAG = /^(pptp|pptpd|pptpgw):\s+(.*)$/;

// accel-ppp (accel-pppd, a PPP server; its own PPP code, not pppd): the log_file target writes
// "[YYYY-MM-DD hh:mm:ss]: level: ifname: text" (logs/log_file.c set_hdr, levels "  msg", "error",
// " warn", " info", "debug"), its debug/stdout form "[YYYY-MM-DD hh:mm:ss.mmm] ifname: sessionid:
// text"; under syslog it logs as accel-pppd (accel-sstp, ...) with "ifname:username: " in front
// of a session's text (":: " before the session has either; the log file's ": " an empty ifname;
// the debug form's ": : " neither).
const ACCEL_FILE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\](?::?\s+(?:msg|error|warn|info|debug):)?\s+/;
export const ACCEL_PROG = /^accel-(?:ppp|pppd|sstp|pptp|l2tp|pppoe|ipoe)$/i;
/** A line accel-ppp wrote (its log file's or syslog's form). */
export const fromAccel = (l: Pick<LogLine, 'prog'>): boolean => ACCEL_PROG.test(l.prog ?? '');
// (Its modules' own names start global lines: "pptp: IP is out of client-ip-range ...",
// "radius: server(1) not responding": no interface.)
const ACCEL_SESSION = /^(?::\s+:\s+|[\w.-]*:[^\s:]*:\s+|(?!(?:pptp|l2tp|sstp|pppoe|ipoe|radius|lcp|ipcp|ipv6cp|ccp|mppe|auth|pap|chap-md5|mschap-v[12]|ppp|pppd_compat|shaper|connlimit|chap-secrets|ippool|net-snmp|cli):)[\w.-]+:\s+(?:[0-9a-f]{16}:\s+)?|:\s+)/;

// pppd's own `logfile` as macOS's pppd writes it (openfortivpn --pppd-log): "Sat May 11 13:03:32
// 2024 : message". No program name follows: the rest is pppd's message as it is.
// A front end's own log file the same way, an ISO date (a weekday before it) and " - " or " : "
// ("Mon, 2013-02-18 11:39:25 - No response to 3 echo-requests", Python logging's default form).
const LOGFILE_DATE = /^(?:[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4}|(?:[A-Z][a-z]{2},? )?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?) [-:] /;

function stripTimestamp(line0: string): { rest: string; stripped: boolean } {
  const lf = LOGFILE_DATE.exec(line0);
  if (lf) return { rest: line0.slice(lf[0].length), stripped: false };
  // A prompt before a syslog line, or before a message pppd printed on the terminal after the
  // prompt came back ("$ Terminating on signal 15", pppd run in the background).
  const prompt = PROMPT.exec(line0) ?? ASH_PROMPT.exec(line0) ?? BARE_PROMPT.exec(line0);
  const after = prompt ? line0.slice(prompt[0].length) : line0;
  let line = prompt && (TIMESTAMPS.some((re) => re.test(after)) || startsMessage(after)) ? after : line0;
  // Up to two stamps: a console's or `logread -t`'s "[uptime]" next to the syslog date. Only a
  // syslog date says a "host prog: " header follows; an uptime alone may precede raw output.
  let stripped = false;
  for (let round = 0; round < 2; round++) {
    const i = TIMESTAMPS.findIndex((re) => re.test(line));
    const m = i < 0 ? null : TIMESTAMPS[i]?.exec(line);
    if (!m) break;
    line = line.slice(m[0].length);
    if (TIMESTAMPS[i] !== UPTIME) stripped = true;
  }
  return { rest: line, stripped };
}

function classify(prog: string | null): Source {
  if (prog === null) return 'unknown';
  // Keenetic's NDMS names each pppd's syslog ident after its interface ("pppd_L2TP0:").
  if (/^pppd$/i.test(prog) || /\/pppd$/.test(prog) || /^pppd_\w+$/.test(prog)) return 'pppd';
  if (PPTP_PROGS.test(prog)) return 'pptp';
  // pptpd's control process (pptpctrl logs as pptpd[PID]): only its CTRL rows count (parse.ts).
  if (/^pptpd$/i.test(prog)) return 'pptpd';
  if (IGNORED_PROGS.test(prog)) return 'ignored';
  return 'unknown';
}

// A line that starts a log record: a timestamp, or (a paste that lost some timestamps) a
// `prog[pid]:` tag near the start, which a wrapped remainder never begins with.
const startsFramed = (line: string): boolean => {
  const l = line.trim();
  const p = PROMPT.exec(l);
  const rest = p ? l.slice(p[0].length) : l;
  if (TIMESTAMPS.some((re) => re.test(rest))) return true;
  const pp = PROG_PID.exec(rest);
  return pp !== null && pp.index <= 40 && !/^(?:sent|rcvd) \[/.test(rest);
};

// busybox syslogd's and logread's "facility.level prog: " after the date, in a paste that
// lost the date column ("daemon.notice netifd: Interface 'vpn' is now down").
const FACILITY = /^(?:kern|user|mail|daemon|auth|authpriv|syslog|lpr|news|uucp|cron|ftp|local[0-7])\.(?:emerg|alert|crit|err|error|warn|warning|notice|info|debug)\s+[A-Za-z][\w.\-/]*(?:\[\d+\])?:/;

// A date in brackets, as vendors' firmware logs write it: "[2020/08/25_09:37:19]".
const BRACKET_DATE = /^\[\d{4}[-/.]\d\d[-/.]\d\d[ _T-]\d\d:\d\d(?::\d\d)?[^\]]*\]/;
// pptp's own prefix on a terminal: "anon log[main:pptp.c:267]: " (pptp's util.c).
const PPTP_HEAD = /^[\w.-]+\s+(?:log|warn|fatal)\[[A-Za-z_][\w-]*(?::\s?|\s)[\w.]+\.c:\d+\]:/;

// A line that starts a record by its form: a syslog-style header (above), a facility.level
// prefix, a bracketed date, accel-ppp's log file date, a front end's "[pppd] ", pppd's "pppd: "
// or pptp's "anon log[...]: " on a terminal, a shell prompt.
const startsHeader = (line: string): boolean => {
  const l = line.trim();
  return startsFramed(l) || FACILITY.test(l) || BRACKET_DATE.test(l) || ACCEL_FILE.test(l) || WRAPPED.test(l) || PPPD_TERMINAL.test(l) || PPTP_HEAD.test(l) || PROMPT.test(l);
};

// pptp's prefix without the "who" in front ("log[main:pptp.c:267]: "): pptp always writes the
// "who", so a line starting here is the rest of a line, whatever message follows.
const PPTP_TAIL = /^(?:log|warn|fatal)\[[A-Za-z_][\w-]*(?::\s?|\s)[\w.]+\.c:\d+\]:/;

// pppd's `dump` option prints every option in force, one a line: "lcp-echo-failure 4   # (from
// /etc/ppp/options)" (options.c print_options; ubuntu-pon-debug-up in the corpus shows them).
// Each is a line of its own.
const DUMP = /^(?:\S.*?)?\s*#\s*\(from\b[^)]*\)?$/;

// A line that is, or begins, a message pppd or pptp prints (the rule table, then their sources).
const startsMessage = (own: string): boolean =>
  !PPTP_TAIL.test(own) &&
  (DUMP.test(own) || isPppdMessage(own) || pptpMessage(own) !== null || isBarePptpMessage(own) || startsSourceMessage(own));

// The narrowest width pastes are wrapped at: mail clients wrap at 72 to 78 columns (RFC 5322
// 2.1.1 asks for at most 78), terminals at their width (80 by default). A paste whose longest
// line is shorter was not wrapped.
const MIN_WRAP_WIDTH = 60;
// How far short of the width a word wrapper may break a line (the word it moved, the blank).
const WRAP_SLACK = 12;
// The longest line rejoining builds: pppd's longest messages (a debug packet with its options,
// an options dump line) stay well under it.
const MAX_JOINED = 2048;

// A line's message, its prefixes off (as far as needed to compare it with pppd's messages):
// date, host, facility.level, tag, a netifd relay's "IFACE (PID): ", pppd's "pppd: ".
const messageOf = (line: string): string => {
  const { rest } = stripTimestamp(line.trim());
  const f = FACILITY.exec(rest);
  const pp = PROG_PID.exec(rest);
  const msg = f ? rest.slice(f[0].length) : pp && pp.index <= 60 ? (pp[3] ?? '') : rest;
  return msg
    .trim()
    .replace(/^\S+ \(\d+\): /, '')
    .replace(PPPD_TERMINAL, '$1')
    .trim();
};

const firstWord = (s: string): string => /^\S*/.exec(s.trim())?.[0] ?? '';
const lastWord = (s: string): string => /\S*$/.exec(s.trimEnd())?.[0] ?? '';
const words = (s: string): string[] => s.toLowerCase().match(/[a-z]{2,}/g) ?? [];
// The words pppd's, pptp's and pptpd's messages are made of: their sources' formats and the
// rule table's example lines (messages whose text the sources build at run time).
let vocabulary: ReadonlySet<string> | null = null;
const messageWords = (): ReadonlySet<string> =>
  (vocabulary ??= new Set([...SOURCE_WORDS, ...[...PPPD_RULES, ...PPTP_RULES, ...PPTPD_RULES].flatMap((r) => words(r.example))]));

const PPTP_HEADER_CUT = /\b(?:log|warn|fatal)\[[^\]\s]*$/;

/**
 * Joins lines a mail client or terminal wrapped. A continuation never starts a record (no
 * header). After a headed line it is one when the paste's width explains the break (the line
 * before, plus the continuation's first word, would not fit in the paste's longest line) or, in
 * a log whose lines carry headers, when it is not a message pppd or pptp prints by itself (mail
 * clients wrap at varying widths). Raw terminal output (`pppd nodetach`) has no headers: there a
 * line is joined only when the width explains the break, the paste shows that width more than
 * once, and the line does not begin a message pppd or pptp prints, so their own short lines
 * stay apart. Either way, two pieces that make one message of pppd's sources only together
 * ("Could not determine" + "remote IP address: defaulting to ...") were one line. Double-spaced
 * pastes ("\r\r\n" line ends, some web pages) have a blank line after every line: blank lines
 * separate nothing there.
 */
function unwrap(rows: readonly Row[]): { line: string; index: number }[] {
  const rawLines = rows.map((r) => r.line);
  const lines = rawLines.map((l) => l.trimEnd());
  const filled = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== '');
  const headed = filled.filter(({ l }) => startsHeader(l)).length;
  const width = lines.reduce((w, l) => Math.max(w, l.length), 0);
  const nearWidth = filled.filter(({ l }) => l.length >= width - WRAP_SLACK).length;
  const gaps = filled.slice(1).map(({ i }, k) => i - (filled[k]?.i ?? 0));
  const doubleSpaced = gaps.length >= 2 && gaps.filter((g) => g === 2).length * 2 >= gaps.length;

  // The line each continuation continues. A line that is a message by itself is taken for a
  // continuation only in a paste that shows its wrapping elsewhere (two other continuations).
  const findJoins = (messagesToo: boolean): Map<number, number> => {
    const joins = new Map<number, number>();
    let prev = -1;
    let prevHeaded = false;
    for (const { l, i } of filled) {
      const adjacent = prev >= 0 && (i - prev === 1 || (doubleSpaced && i - prev === 2));
      const header = startsHeader(l);
      const before = lines[prev] ?? '';
      // A command typed at a prompt carries no message to rejoin, and a poster's "# comment"
      // line (a shell comment, a root prompt) continues no message.
      if (adjacent && !header && !rows[i]?.item && !PROMPT.test(before.trim()) && !/^#\s/.test(l.trim())) {
        const fits = width >= MIN_WRAP_WIDTH && before.length + 1 + firstWord(l).length > width;
        // Evaluated only when the decision needs it (a rule scan per line: most lines of most
        // logs are decided by `fits` and the header alone).
        const message = (): boolean => beginsMessage(l.trim()) || innerMessage(l.trim()) !== null;
        // Two pieces that make one message pppd prints only together were one line: a header
        // cut from its message too. (Not a piece with words of its own that messageOf drops
        // as a prefix, such as a lone "#" of wvdial's relayed binary noise: the message is then
        // the line's own.)
        const together = (joined: string): boolean => {
          const m = messageOf(joined);
          return isSourceMessage(m) && (m !== messageOf(l) || messageOf(before) === '');
        };
        const whole = (): boolean => !isSourceMessage(messageOf(before)) && (together(`${before} ${l.trim()}`) || together(before + l.trim()));
        // pptp's "log[func:file.c:N]: " header (util.c) cut inside its brackets: the rest of it
        // starts the next row, whatever message follows.
        const cutHeader = PPTP_HEADER_CUT.test(before) && /^[^\s\]]*\]:/.test(l.trim());
        const join =
          cutHeader ||
          (prevHeaded
            ? ((headed >= 3 || fits) && (!message() || (messagesToo && fits))) || whole()
            : fits && ((!message() && nearWidth >= 2) || whole()));
        if (join) {
          joins.set(i, prev);
          prev = i;
          continue;
        }
      }
      prev = i;
      prevHeaded = header;
    }
    return joins;
  };
  const plain = findJoins(false);
  const joins = plain.size >= 2 ? findJoins(true) : plain;
  // Nothing was wrapped (nearly every log): the lines as they are, blank ones left out.
  if (joins.size === 0) return nonBlank(rawLines);

  // Where a line as long as the width was broken, the break may have been at a blank (a word
  // wrapper drops it) or anywhere (a terminal): the reading that makes a message pppd prints
  // wins, then the one whose words are words (of pppd's messages or the paste's own lines) or,
  // at punctuation, the one the paste writes elsewhere, then the form of the paste's breaks — a
  // terminal breaks only at its width (one or two short when the blanks it cut after were
  // trimmed), a single break says nothing and mail clients' wraps are the more common — or a
  // word longer than the width, which a wrapper must cut.
  const terminal = joins.size >= 2 && [...joins.values()].every((j) => (lines[j]?.length ?? 0) >= width - 2);
  const known = new Set(messageWords());
  const continued = new Set(joins.values());
  for (const { l, i } of filled) {
    const ws = l.trim().split(/\s+/);
    if (joins.has(i)) ws.shift();
    if (continued.has(i)) ws.pop();
    for (const w of ws.flatMap(words)) known.add(w);
  }
  const wordy = (left: string, right: string): boolean | null => {
    const a = /[A-Za-z]+$/.exec(left)?.[0].toLowerCase();
    const b = /^[A-Za-z]+/.exec(right)?.[0].toLowerCase();
    if (!a || !b) return null;
    const whole = known.has(a + b);
    const parts = known.has(a) && known.has(b);
    return whole === parts ? null : whole;
  };

  // At punctuation ("]:" then "Client", ">" then "<pcomp>") words say nothing; how the paste
  // writes the same two characters elsewhere does.
  const pairs = new Set<string>();
  const spacedPairs = new Set<string>();
  for (const { l } of filled) {
    for (let k = 0; k + 1 < l.length; k++) {
      pairs.add(l.slice(k, k + 2));
      if (l[k + 1] === ' ' && k + 2 < l.length) spacedPairs.add(`${l[k] ?? ''}${l[k + 2] ?? ''}`);
    }
  }
  const spacing = (left: string, right: string): boolean | null => {
    const [a, b] = [left.trimEnd().slice(-1), right.trim().slice(0, 1)];
    if (/[A-Za-z0-9]/.test(a) && /[A-Za-z0-9]/.test(b)) return null;
    const glued = pairs.has(a + b);
    return glued === spacedPairs.has(a + b) ? null : glued;
  };

  const out: { line: string; index: number }[] = [];
  rawLines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const from = joins.get(index);
    const last = out[out.length - 1];
    // No log line is longer than a few wrapped rows: a text whose every line "continues" the one
    // before (lines of other programs, all near the same width) stays lines, not one huge line
    // that each further row would copy and scan again.
    if (from === undefined || !last || last.line.length > MAX_JOINED) {
      out.push({ line: raw, index });
      return;
    }
    const before = rawLines[from] ?? '';
    const glued = last.line.trimEnd() + raw.trim();
    const spaced = `${last.line.trimEnd()} ${raw.trim()}`;
    let cut = !/^\s/.test(raw) && !/\s$/.test(before) && before.length === width;
    if (cut) {
      const [g, sp] = [messageOf(glued), messageOf(spaced)];
      const w = wordy(before, raw.trim()) ?? spacing(before, raw);
      if (isSourceMessage(g) !== isSourceMessage(sp)) cut = isSourceMessage(g);
      else if (isPppdMessage(g) !== isPppdMessage(sp)) cut = isPppdMessage(g);
      else if (w !== null) cut = w;
      else cut = terminal || lastWord(before).length + firstWord(raw).length > width;
    }
    last.line = cut ? glued : spaced;
  });
  return out;
}

// RFC 5424 (rsyslog's RSYSLOG_SyslogProtocol23Format, syslog-ng's syslog() destination):
// "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG", "-" for a nil field.
const RFC5424 = /^<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/;
// RFC 3164 as sent on the wire or stored raw by some collectors: "<30>Nov 26 10:20:30 host ...".
const PRI = /^<\d{1,3}>(?=[A-Z][a-z]{2} )/;

// Android's logcat (liblog logprint.c), whose pppd and mtpd run the phone's PPTP/L2TP VPN:
// "-v brief" "I/pppd    ( 1057): msg", "-v time" with "01-15 10:20:30.123 " in front, and the
// default "-v threadtime" "01-15 10:20:30.123  1057  1060 I pppd    : msg" (pid, tid, level, tag).
const LOGCAT = /^(?:\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+)?[VDIWEFA]\/([^\s(/]+)\s*\(\s*(\d+)\):\s?(.*)$/;
const LOGCAT_THREADTIME = /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+(\d+)\s+\d+\s+[VDIWEFA]\s+([^\s:]+)\s*:\s?(.*)$/;
// `journalctl -o json`: one JSON object per entry, the message in MESSAGE (a string; an array
// of bytes when it was not UTF-8), the tag in SYSLOG_IDENTIFIER, the pid in _PID. Docker's
// json-file log driver (/var/lib/docker/containers/ID/ID-json.log): one object per line the
// container printed, {"log":"text\n","stream":"stderr","time":"..."}.
const JSON_ENTRY = /^\{".*\}$/;

// journalctl's record forms other than `-o json` (one object a line, read by unframeJson):
// `-o verbose` (a header "Sun 2026-12-06 18:00:01.123456 UTC [s=...;i=...]" and indented
// FIELD=value lines), `-o export` (FIELD=value lines, a blank line between records),
// `-o json-pretty` (an object over several lines), `-o json-seq` (RS before each object) and
// `-o json-sse` ("data: " before it). Each record becomes one JSON line for unframeJson.
const JOURNAL_FIELD = /^[ \t]*([A-Z_][A-Z0-9_]*)=(.*)$/;
// (its "[s=...;i=...]" cursor may be gone already: normalizeText takes "[s=...]" for BBCode)
const JOURNAL_HEADER = /^\S.*\[s=[0-9a-f]+;i=[0-9a-f]+;|^[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+\s*$/;
const MAX_PRETTY = 200;

function joinJournalRecords(lines: string[]): string[] {
  // eslint-disable-next-line no-control-regex
  const seq = lines.map((l) => l.replace(/^(?:\u001e|data: )(?=\{)/, ''));
  const fields = seq.some((l) => /^[ \t]*MESSAGE=/.test(l)) && seq.some((l) => /^[ \t]*(?:SYSLOG_IDENTIFIER|_PID|_COMM)=/.test(l));
  const pretty = seq.some((l) => l.trim() === '{') && seq.some((l) => /^\s*"MESSAGE"\s*:/.test(l));
  if (!fields && !pretty) return seq;
  const out: string[] = [];
  for (let i = 0; i < seq.length; i++) {
    const l = seq[i] ?? '';
    if (pretty && l.trim() === '{') {
      const end = seq.findIndex((x, j) => j > i && x.trim().replace(/,$/, '') === '}');
      if (end > i && end - i <= MAX_PRETTY) {
        try {
          out.push(JSON.stringify(JSON.parse(seq.slice(i, end + 1).join('\n').replace(/,\s*$/, ''))));
          i = end;
          continue;
        } catch {
          // not one JSON object: the lines as they are
        }
      }
    }
    if (fields && (JOURNAL_HEADER.test(l) || JOURNAL_FIELD.test(l))) {
      const record: Record<string, string> = {};
      let j = JOURNAL_HEADER.test(l) ? i + 1 : i;
      for (; j < seq.length; j++) {
        const m = JOURNAL_FIELD.exec(seq[j] ?? '');
        if (!m) break;
        record[m[1] ?? ''] ??= m[2] ?? '';
      }
      if (record['MESSAGE'] !== undefined && j - i >= 2) {
        out.push(JSON.stringify(record));
        i = j - 1;
        continue;
      }
    }
    out.push(l);
  }
  return out;
}

function unframeJson(line: string): string | null {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const log = text(e['log']);
  if (log !== null) return log.replace(/\r?\n$/, '');
  const msg = Array.isArray(e['MESSAGE']) ? Buffer.from(e['MESSAGE'] as number[]).toString('latin1') : text(e['MESSAGE']);
  if (msg === null) return null;
  const tag = text(e['SYSLOG_IDENTIFIER']) ?? text(e['_COMM']);
  const pid = text(e['SYSLOG_PID']) ?? text(e['_PID']);
  return tag ? `${tag}${pid ? `[${pid}]` : ''}: ${msg}` : msg;
}

const TABLE_PROG = /^[A-Za-z][\w.\-/]*(?:\[\d+\])?$/;
const TABLE_TIME = /^(\d{4})[-/.](\d\d)[-/.](\d\d)[ T](\d\d:\d\d:\d\d)/;

/**
 * A row of a log centre's export (a NAS's or router's log page saved as CSV with quoted
 * fields, or tab-separated: level, time, program, message, in some order with the message
 * last): "TIME PROGRAM: MESSAGE", the syslog shape the rest reads.
 */
function unframeTableRow(line: string): string | null {
  const quoted = /^\s*"(?:[^"]|"")*"(?:\s*,\s*"(?:[^"]|"")*"){2,}\s*$/.test(line);
  const fields = quoted
    ? [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? '').replace(/""/g, '"').trim())
    : (line.match(/\t/g)?.length ?? 0) >= 2
      ? line.split('\t').map((f) => f.trim()).filter((f) => f !== '')
      : [];
  if (fields.length < 3) return null;
  const msg = fields[fields.length - 1] ?? '';
  const prog = fields[fields.length - 2] ?? '';
  if (!TABLE_PROG.test(prog)) return null;
  const t = fields.map((f) => TABLE_TIME.exec(f)).find((m) => m);
  const time = t ? `${t[1] ?? ''}-${t[2] ?? ''}-${t[3] ?? ''}T${t[4] ?? ''} ` : '';
  return `${time}${prog}: ${msg}`;
}

/**
 * One line of a paste, out of what carried it: an RFC 5424 record becomes "TIMESTAMP HOST
 * APP[PROCID]: MSG" (the syslog shape the rest reads), a raw RFC 3164 line loses its <PRI>;
 * logcat's and the journal's JSON entries become "TAG[PID]: MSG", Docker's json-file lines the
 * line the container printed, a log centre's export row "TIME PROGRAM: MESSAGE".
 */
function unframeLine(line: string): string {
  const table = unframeTableRow(line);
  if (table !== null) return table;
  const brief = LOGCAT.exec(line);
  if (brief) return `${brief[1] ?? ''}[${brief[2] ?? ''}]: ${brief[3] ?? ''}`;
  const thread = LOGCAT_THREADTIME.exec(line);
  if (thread) return `${thread[2] ?? ''}[${thread[1] ?? ''}]: ${thread[3] ?? ''}`;
  const json = JSON_ENTRY.test(line.trim()) ? unframeJson(line.trim()) : null;
  if (json !== null) return json;
  const r = RFC5424.exec(line);
  if (r) {
    const [, ts, host, app, procid, msg] = r;
    const tag = procid === '-' ? `${app ?? '-'}:` : `${app ?? '-'}[${procid ?? ''}]:`;
    return `${ts === '-' ? '' : `${ts ?? ''} `}${host ?? ''} ${tag} ${(msg ?? '').replace(/^\uFEFF/, '')}`;
  }
  const router = ROUTER_SYSTEM_LOG.exec(line);
  if (router) {
    const [, date = '', time = '', facility = '', msg = ''] = router;
    if (msg.trim() === '') return '';
    const stamp = /^\d{4}-/.test(date) ? `${date}T${time} ` : /^[A-Z]/.test(date) ? `${date} ${time} ` : `${uptimeDate(date)}T${time} `;
    return `${stamp}${facility === 'PPP' ? 'pppd' : facility.toLowerCase()}: ${msg}`;
  }
  return line.replace(PRI, '').replace(NDMS_LEVEL, '');
}

/** A router's uptime day ("3rd day", no clock set) as a date that orders like it: 2000-01-03. */
function uptimeDate(day: string): string {
  return new Date(Date.UTC(2000, 0, Number.parseInt(day, 10))).toISOString().slice(0, 10);
}

/**
 * A DSL router's system log page (TP-Link and other Broadcom/Realtek firmwares; numbered rows,
 * newest first on some): "[N ]DATE TIME FACILITY LEVEL [pppN ]MESSAGE", where facility PPP is
 * the firmware's pppd writing pppd's own words ("PPP INFO sent [PADI ...]", "PPP Information
 * ppp0 rcvd [LCP ConfAck ...]") and DSL, DHCPD, SYSTEM... are the rest of the box. Its date may
 * be "2017-04-21", "Nov 23" or the uptime's "1st day".
 */
const ROUTER_SYSTEM_LOG = /^[ \t]*(?:\d{1,5}[ \t]+)?(\d{4}-\d\d-\d\d|[A-Z][a-z]{2} {1,2}\d{1,2}|\d+(?:st|nd|rd|th) day)[ \t]+(\d\d:\d\d:\d\d)[ \t]+([A-Z][A-Z0-9_-]{1,15})[ \t]+(?:INFO|NOTICE|WARN(?:ING)?|ERR(?:OR)?|DEBUG|CRIT|Information|Notice|Warning|Error|Debug|Critical)[ \t]+(?:ppp\d+(?:[ \t]+|$))?(.*)$/;

// Keenetic's NDMS log (its web page, `show log`): a level letter in brackets before the date,
// "[I] Jul 31 03:52:43 pppd_L2TP0: ..." (I, W, E, C).
const NDMS_LEVEL = /^\[[IWEC]\] (?=[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d )/;

// Decorations a paste picks up on the way, each recognised on most lines of the text so that a
// message is never cut by accident: forum/mail quote markers ("> ", ">> ", "| "), `cat -n`/editor
// line numbers ("    12\t", "12: ", "12 | ").
const QUOTE = /^[ \t]*(?:[>|][ \t]*)+/;
// A list a web page or a forum's editor made of the lines ("- text", "* text", "12. text"),
// and the service prefix of `docker compose logs` ("vpn_1  | ", "vpn-client-1  | ").
// (An empty item of a double-spaced paste is the mark alone.)
const LIST_MARK = /^[ \t]*(?:[-*\u2022]|\d{1,5}[.)])(?:[ \t]+(?=\S)|[ \t]*$)/;
const COMPOSE = /^[\w.-]+[ \t]+\|[ \t]?/;
// A front end's log window: its own clock, and maybe its label, in front of every line it
// relays ("[10:20:30] VPN: ", "[10:20:30.123] ").
const FRONTEND_CLOCK = /^[ \t]*\[\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d{1,6})?\][ \t]*(?:[A-Za-z][\w.-]{0,20}:[ \t]+)?/;
// (`grep -n`'s "12:Connect: ..." too: the number and a colon against the line's first letter,
// a shell prompt's "~ # " or a terminal's echoed "^C")
const LINE_NUMBER = /^[ \t]*\d{1,6}(?:\t|: | \| ?|:(?=[A-Za-z/<>[*~\t]|\^C|-?->|$))/;
// `cat -A` ends every line with "$" (and shows a tab as "^I").
const CAT_A_END = /\$[ \t]*$/;
// A clock alone in front of every line: moreutils' `ts '%H:%M:%S'`, a GUI's log window, a
// terminal logger ("10:20:30 ", "10:20:30.123 "), or the epoch seconds of a collector
// ("1736072430.123 "); syslog's own dates carry the month or the year first.
// (`ts` stamps the empty lines of a double-spaced output too: the clock alone.)
const CLOCK_EVERY = /^[ \t]*(?:\d{1,2}:\d\d:\d\d(?:[.,]\d{1,6})?|1\d{9}(?:\.\d{1,9})?)(?:[ \t]+(?=\S)|[ \t]*$)/;
// Kubernetes' CRI log files (/var/log/pods/...): "2025-01-05T10:20:30.123456789Z stderr F "
// before what the container wrote, as it was written.
const CRI_EVERY = /^[ \t]*\d{4}-\d\d-\d\dT\S+ (?:stdout|stderr) [FP] /;
// Markdown inline code around each line of a paste ("`Jan  5 ... pppd[123]: ...`").
const INLINE_CODE = /^[ \t]*`([^`]+)`[ \t]*$/;
// A log kept in a source file or a script as comments ("// Mar  3 ... pppd[12]: ...", "# ..."):
// pppd and pptp never begin a message with "//" or "#".
const LINE_COMMENT = /^[ \t]*(?:\/\/|#)[ \t]?/;
// A console's or dmesg-merged view's "[12345.678901] " on every line: the stamp of the line,
// not the start of a kernel record (pppd's own lines then carry it too).
const UPTIME_EVERY = /^[ \t]*\[\s*\d+\.\d+\][ \t]?/;
// Markup a forum or chat post puts around a pasted log: BBCode [code]/[quote]/[pre] tags,
// Markdown fences (``` or ~~~, with a language), HTML <pre>/<code>; alone on their line or
// glued to the log's first or last line ("[code]Jan 1 ...", "... address[/code]").
const FENCE_LINE = /^[ \t]*(?:`{3,}[\w+-]*|~{3,}[\w+-]*|\[\/?(?:code|quote|pre|log|spoiler)(?:=[^\]]*)?\]|<\/?(?:pre|code)(?:\s[^>]*)?>)[ \t]*$/i;
const FENCE_OPEN = /^[ \t]*(?:\[(?:code|quote|pre|log|spoiler)(?:=[^\]]*)?\]|<(?:pre|code)(?:\s[^>]*)?>)+/i;
const FENCE_CLOSE = /(?:\[\/(?:code|quote|pre|log|spoiler)\]|<\/(?:pre|code)>)+[ \t]*$/i;
/** A paste indented as a whole (a Markdown code block's four spaces, a tab): the common indent off. */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0] ?? '');
  let common = indents[0] ?? '';
  for (const i of indents) while (!i.startsWith(common)) common = common.slice(0, -1);
  return common === '' ? lines : lines.map((l) => l.slice(Math.min(common.length, /^[ \t]*/.exec(l)?.[0].length ?? 0)));
}
// Peeled in this order on each pass, each with what of the line it keeps.
const DECORATIONS: readonly (readonly [RegExp, string])[] = [
  [QUOTE, ''],
  [LINE_NUMBER, ''],
  [UPTIME_EVERY, ''],
  [LIST_MARK, ''],
  [COMPOSE, ''],
  [FRONTEND_CLOCK, ''],
  [CLOCK_EVERY, ''],
  [CRI_EVERY, ''],
  [INLINE_CODE, '$1'],
  [LINE_COMMENT, ''],
  [CAT_A_END, ''],
];

// A one-column ASCII grid table around each line (reStructuredText's grid tables, a docs page's
// "+-----+" / "|line |" boxes): the borders go, each cell's text stays.
const GRID_BORDER = /^[ \t]*\+[-=+]{3,}\+[ \t]*$/;
const GRID_CELL = /^[ \t]*\|(.*?)[ \t]*\|[ \t]*$/;
function unboxGrid(lines: string[]): string[] {
  const filled = lines.filter((l) => l.trim() !== '');
  const borders = filled.filter((l) => GRID_BORDER.test(l)).length;
  const boxed = filled.filter((l) => GRID_BORDER.test(l) || GRID_CELL.test(l)).length;
  if (borders < 2 || boxed < filled.length * 0.8) return lines;
  return lines.map((l) => (GRID_BORDER.test(l) ? '' : l.replace(GRID_CELL, '$1')));
}

function stripDecoration(lines: string[]): { lines: string[]; items: Set<number> } {
  let out = lines.map((l) => (FENCE_LINE.test(l) ? '' : l.replace(FENCE_OPEN, '').replace(FENCE_CLOSE, '')));
  const items = new Set<number>();
  const most = (re: RegExp): boolean => {
    const filled = out.filter((l) => l.trim() !== '');
    return filled.length > 0 && filled.filter((l) => re.test(l)).length >= Math.max(1, Math.ceil(filled.length * 0.6));
  };
  // Decorations stack ("  12\t> > text", "[123.4] > text"): peel until none is on most lines.
  for (let pass = 0; pass < 4; pass++) {
    const before = out.join('\n');
    for (const [re, keep] of DECORATIONS) {
      if (!most(re)) continue;
      // Where some lines carry no mark, a marked one starts an item (Row); marks on every line
      // were put on the rows as they came, wrapped or not, and tell nothing.
      if (re === LIST_MARK && out.some((l) => l.trim() !== '' && !LIST_MARK.test(l))) {
        out.forEach((l, i) => {
          if (LIST_MARK.test(l)) items.add(i);
        });
      }
      out = out.map((l) => l.replace(re, keep));
    }
    out = unboxGrid(dedent(out));
    if (out.join('\n') === before) break;
  }
  return { lines: out, items };
}

// HTML entities of a log copied from a web page's source or a scraped forum post; pppd and pptp
// never print an ampersand sequence of their own.
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&', apos: "'", nbsp: ' ' };
/**
 * HTML a copied page kept around the log (a forum export, a view-source copy): "<br>" ends a
 * line, paragraph and inline tags go. pppd's own angle brackets ("<-->", "<asyncmap 0x0>",
 * "<pcomp>") are no such tag: a tag's name ends at a word boundary.
 */
function stripHtml(text: string): string {
  if (!/<(?:br\s*\/?|\/?(?:p|div|span|pre|code|tt|li|font|b|i|u|strong|em)\b[^>]*)>/i.test(text)) return text;
  return text.replace(/<br\s*\/?>\s*(?:\r?\n)?/gi, '\n').replace(/<\/?(?:p|div|span|pre|code|tt|li|font|b|i|u|strong|em)\b[^>]*>/gi, '');
}

function decodeEntities(text: string): string {
  // A blog that escaped the paste twice shows "&amp;lt;": decoded until nothing changes (twice at most).
  const once = decodeEntitiesOnce(text);
  return once !== text && /&(?:#\d{1,5}|#x[0-9a-fA-F]{1,4}|[a-z]+);/.test(once) ? decodeEntitiesOnce(once) : once;
}
function decodeEntitiesOnce(text: string): string {
  return text.replace(/&(?:#(\d{1,5})|#x([0-9a-fA-F]{1,4})|([a-z]+));/g, (all, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined) return String.fromCharCode(Number(dec));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return ENTITIES[name ?? ''] ?? all;
  });
}

/**
 * A log mailed to a list and read from its archive's raw message (linux-ppp, pptp-devel) is
 * quoted-printable (RFC 2045 6.7): every "=" of pppd's "id=0x1" is "=3D", long lines are cut
 * with a soft "=" at their end ("local  IP address 9=" / "0.xxx.xxx.xxx"). Lines holding "=3D"
 * (pppd prints "id=0x..." on every packet line), or several soft breaks in lines no longer than
 * the 76 columns the encoding allows, are joined at their soft breaks and decoded by libqp
 * (nodemailer's codec). Runs on the lines once a paste's own decoration (quote marks, line
 * numbers, indentation) is off, so a quoted or numbered copy of the mail decodes the same.
 */
function decodeQuotedPrintable(lines: string[]): string[] {
  const soft = (l: string): boolean => /[^=\s]=$/.test(l);
  const softBreaks = lines.filter(soft).length;
  const escapes = lines.reduce((n, l) => n + (l.match(/=[0-9A-F]{2}/g)?.length ?? 0), 0);
  const encoded = lines.some((l) => l.includes('=3D')) || (softBreaks >= 2 && lines.every((l) => l.length <= 77));
  if (!encoded || softBreaks + escapes < 2) return lines;
  const out: string[] = [];
  let acc: string | null = null;
  for (const l of lines) {
    const line: string = acc === null ? l : acc + l;
    acc = soft(line) ? line.slice(0, -1) : null;
    if (acc === null) out.push(decodeQp(line).toString('utf8'));
  }
  if (acc !== null) out.push(decodeQp(acc).toString('utf8'));
  return out;
}

/**
 * Pasted logs go through word processors, forums and chat clients that "improve" the text:
 * typographic apostrophes and quotes ("Couldn’t", “MPPE disabled”), en/em dashes for "--"
 * (WordPress turns "<-->" into "<–>"), non-breaking and zero-width spaces, fullwidth forms
 * from CJK input methods, U+2028 line separators. pppd and pptp only ever print ASCII, so the
 * look-alikes are mapped back before any pattern sees the text.
 */
// journalctl's and `grep --color`'s highlighting (pppd's notice, warning and error lines are the
// coloured ones): SGR and other CSI sequences; and their remains where a copy lost the ESC byte
// ("[0;1;39mLCP: timeout sending Config-Requests[0m", grep's "[01;31m[K...[m[K", as web pages show them), taken only when
// the paste shows them twice or more (pppd's own brackets never hold digits before an "m").
// eslint-disable-next-line no-control-regex
const CSI = /\u001b\[[0-9;:?]*[A-Za-z]/g;
const CSI_REMAINS = /\[(?:\d{1,3}(?:;\d{1,3})*)?m(?:\[K)?|\[\d{1,3}(?:;\d{1,3})*K/g;

function stripColour(text: string): string {
  const out = text.replace(CSI, '');
  return (out.match(CSI_REMAINS)?.length ?? 0) >= 2 ? out.replace(CSI_REMAINS, '') : out;
}

export function normalizeText(text: string): string {
  return (
    stripColour(text)
      .replace(/^\uFEFF/, '')
      // NFKC: fullwidth letters/digits/punctuation, no-break spaces, "…", ligatures → ASCII.
      .normalize('NFKC')
      .replace(/[\u2028\u2029\u0085]/g, '\n')
      .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
      .replace(/[\u2018\u2019\u201A\u201B\u2032\u02BC\u00B4]/g, "'")
      .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
      .replace(/[\u2010-\u2015\u2212\uFE58\uFE63]/g, '-')
      .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
      // pppd's "Connect: ppp0 <--> /dev/pts/0" after a dash was merged: "<–>" → "<->".
      .replace(/<-{1,3}>/g, '<-->')
      // Markdown bold a poster put on words of the log ("pppd[**14179**]: Peer **failed** CHAP").
      .replace(/\*\*([^*\n]+?)\*\*/g, '$1')
      // BBCode a forum poster coloured or emphasised lines with ("[COLOR="Green"]Jan  5 ...
      // Serial line is looped back.[/COLOR]"); pppd's own brackets hold protocol names.
      .replace(/\[\/?(?:b|i|u|s|color|size|font|highlight)(?:=[^\]\n]*)?\]/gi, '')
      // Bold and italic around BBCode ("**[FONT=...]*CHAP authentication failed*[/FONT]**")
      // are three stars on each side once the tags are gone; longer runs are redactions.
      .replace(/(?<!\*)\*\*\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*\*\*(?!\*)/g, '$1')
      // rsyslog writes a control character of a message as "#" and its three octal digits
      // ($EscapeControlCharactersOnReceive, on by default): "noipx#011#011# (from ...)".
      .replace(/#0([0-3][0-7])/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)))
  );
}

// Front ends that pass pppd's output on with a prefix of their own on the lines they relay:
// wvdial's console log ("--> Using interface ppp0", "--> pppd: ...", "--> --> PAP ... may be
// flaky"; "WvDial<*1>: ..." in its WvLog form) and gnome-ppp's log window around wvdial
// ("GNOME PPP: STDERR: --> ..."). The modem's own echo between them has no "-->": per line.
const RELAY = /^[ \t]*(?:GNOME PPP: (?:STDERR|STDOUT): ?)?(?:(?:--?> ?)+|Wv[A-Za-z]+<[^>\s]*>: ?)?/;
const relayed = (line0: string): string => {
  // wvdial run in the background (`wvdial &`) writes its next line after the shell's prompt
  // ("root@box:~# --> local  IP address ..."): the prompt is the terminal's, not the message's.
  const p = PROMPT.exec(line0);
  const line = p && /^(?:--?> ?)+\S/.test(line0.slice(p[0].length)) ? line0.slice(p[0].length) : line0;
  const m = RELAY.exec(line);
  return m && m[0].trim() !== '' ? line.slice(m[0].length) : line;
};
// A terminal echoes the Ctrl-C that stopped `pon ... nodetach` (or wvdial), once per press, in
// front of the next line printed ("^CTerminating on signal 2", "^CCaught signal 2: ..."): a line of its own, never
// the wrapped rest of the one before.
const CTRL_C_ECHO = /^(?:\^C)+(?=[A-Z])/;
const unrelay = (line0: string): string => relayed(line0).replace(CTRL_C_ECHO, '');

// A web page or a chat that lost a paste's line breaks runs syslog lines together: "... opening
// GRE) Jan  2 07:26:11 fr pppd[1605]: Plugin ... Jan  2 07:26:11 fr pptpd[1604]: GRE: ...". A
// line that starts with a syslog header is cut before each further one of the same form: BSD
// syslog (date, time, host, `prog[pid]:`), OpenWrt's logread ("Thu Sep 11 10:57:26 2008
// daemon.debug pppd[448]: "), ISO-dated journals and RFC 3339 files; no message of pppd or pptp
// holds such a header.
const MONTH = `(?:${MONTHS.map((m) => m.replace(/^./, (c) => c.toUpperCase())).join('|')})`;
const PROG_HEAD = `[\\w./-]+\\[\\d+\\]: `;
const RUN_TOGETHER_HEADS = [
  `${MONTH} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d \\S+ (?:[a-z]+\\.[a-z]+ )?${PROG_HEAD}`,
  `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d \\d{4} [a-z]+\\.[a-z]+ ${PROG_HEAD}`,
  `\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\S* \\S+ ${PROG_HEAD}`,
].map((head) => ({ starts: new RegExp(`^\\s*${head}`), inner: new RegExp(`(?<=\\S)\\s+(?=${head})`, 'g') }));
// A front end that prefixes pppd's lines ("debug: [pppd] Connect: ...", kvpnc) flattened the
// same way: cut before each further prefix once two are on one line.
const INNER_WRAPPED = /(?<=\S)\s+(?=(?:[a-z]+:\s*)?\[(?:pppd|pptp)\]\s)/g;
function splitRunTogether(rows: readonly Row[]): Row[] {
  return rows.flatMap(({ line: l, item }) => {
    const head = RUN_TOGETHER_HEADS.find((h) => h.starts.test(l));
    const parts = head ? l.split(head.inner) : (l.match(INNER_WRAPPED)?.length ?? 0) >= 2 ? l.split(INNER_WRAPPED) : [l];
    return parts.map((line, k) => ({ line, item: item && k === 0 }));
  });
}

/**
 * A line of the paste once its decoration is off. `item`: it carried a list mark ("* ", "- ",
 * "12. ") where other lines carry none: an item starts there, so it continues no line before it
 * (OpenRC's " * Failed to start PPP   [ !! ]" after pppd's own unmarked line on the console).
 */
interface Row {
  line: string;
  item: boolean;
}

/** A paste's lines, its decoration off, each line's frame read, ready to be unwrapped. */
function pastedRows(text: string): Row[] {
  const { lines: undecorated, items } = stripDecoration(joinJournalRecords(normalizeText(decodeEntities(stripHtml(text))).split(/\r\n|\r|\n/)));
  const unrelayed = undecorated.map(unframeLine).map(relayed);
  const framed = unrelayed.map((l) => l.replace(CTRL_C_ECHO, ''));
  const decoded = decodeQuotedPrintable(framed);
  // (a mail decoded from quoted-printable has its lines joined anew: no list marks kept)
  return splitRunTogether(decoded.map((line, i) => ({ line, item: decoded === framed && (items.has(i) || CTRL_C_ECHO.test(unrelayed[i] ?? '')) })));
}

/** A captured log's lines (LogOrigin), each line's frame read, blank ones left out. */
function capturedLines(text: string): { line: string; index: number }[] {
  return nonBlank(normalizeText(text).split(/\r\n|\r|\n/).map((l) => unrelay(unframeLine(l))));
}

/** LINES with their index, blank ones left out. */
function nonBlank(lines: readonly string[]): { line: string; index: number }[] {
  return lines.flatMap((line, index) => (line.trim() === '' ? [] : [{ line, index }]));
}

/** The longest line read: a syslog header and a front end's prefix around pppd's 1024 bytes. */
const MAX_LINE = 4096;

/** How a log reached the parser. */
export interface LogOrigin {
  /**
   * The router's own lines as pptp-fleet read them over SSH (logread, pppd's captured output):
   * no paste went between, so what only a paste picks up on the way (HTML, quote marks, list
   * items, a mail's encoding, lines run together or wrapped) is not looked for. (The no-change
   * apply parses one such log per tunnel of every router.)
   */
  captured?: boolean;
}

/** Splits text into lines (LF, CRLF or CR) and strips each line's prefix. */
export function splitLog(text: string, origin: LogOrigin = {}): LogLine[] {
  const out: LogLine[] = [];
  const kept = origin.captured ? capturedLines(text) : unwrap(pastedRows(text));
  kept.forEach(({ line: line0, index }) => {
    // Tabs become spaces; NULs and other control bytes (from binary garbage) become spaces.
    // pppd formats a message into 1024 bytes (utils.c logit), pptp's into fewer: past
    // MAX_LINE a line holds nothing they wrote (a blob, a paste's noise), and the rows'
    // patterns need not scan it.
    // eslint-disable-next-line no-control-regex
    const line = line0.replace(/[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, ' ').trim().slice(0, MAX_LINE);
    if (line === '') return;
    const accelFile = ACCEL_FILE.exec(line);
    const { rest, stripped } = accelFile ? { rest: line.slice(accelFile[0].length), stripped: false } : stripTimestamp(line);
    let prog: string | null = null;
    let pid: string | null = null;
    let host: string | undefined;
    let msg = rest;
    const pp = PROG_PID.exec(rest);
    // The prog[pid] must start the line or follow a short host/facility prefix; a later
    // match would be inside a message.
    if (accelFile) {
      prog = 'accel-ppp';
    } else if (pp && pp.index <= 60 && !/^(?:sent|rcvd) \[/.test(rest)) {
      prog = pp[1] ?? null;
      pid = pp[2] ?? null;
      msg = pp[3] ?? '';
      if (stripped) host = hostOf(rest.slice(0, pp.index));
    } else if (stripped) {
      // a logger that writes the program in brackets after the date ("2026-12-06 10:00:00.123
      // [pppd] Connect: ..."), as kvpnc does without one
      const w = WRAPPED.exec(rest);
      const np = w ? null : PROG_NO_PID.exec(rest);
      if (w) {
        prog = w[1] ?? null;
        msg = w[2] ?? '';
      } else if (np) {
        prog = np[1] ?? null;
        msg = np[2] ?? '';
      }
    } else {
      const w = WRAPPED.exec(rest);
      const t = PPPD_TERMINAL.exec(rest);
      // A router's log page or a one-line quote with the tag and no date: "pptp: LCP: ...".
      const b = BARE_TAG.exec(rest);
      if (w) {
        prog = w[1] ?? null;
        msg = w[2] ?? '';
      } else if (t) {
        prog = 'pppd';
        msg = t[1] ?? '';
      } else if (b) {
        prog = b[1] ?? null;
        msg = b[2] ?? '';
      }
    }
    // busybox/syslog put the facility before the program: "daemon.info pppd[1]:" is handled
    // by PROG_PID; a bare "daemon.notice netifd: ..." by PROG_NO_PID only after a timestamp.
    let source = classify(prog);
    // NetworkManager's VPN plugins run their helpers (xl2tpd, pppd, pptp) with stdout and
    // stderr in the journal under NetworkManager's name, each line still holding the helper's
    // own "prog[pid]: " (xl2tpd -D logs so to stderr): "NetworkManager[4511]: xl2tpd[4511]:
    // control_finish: ...". A known program's tag at the start of the message is the speaker.
    const relay = source === 'ignored' || source === 'unknown' ? RELAYED_TAG.exec(msg.trim()) : null;
    if (relay && classify(relay[1] ?? null) !== 'unknown' && !/^(?:sent|rcvd) \[/.test(relay[3] ?? '')) {
      prog = relay[1] ?? null;
      pid = relay[2] ?? null;
      msg = relay[3] ?? '';
      source = classify(prog);
    }
    // netifd runs pppd for OpenWrt's proto pptp and logs its stderr (option errors!) as
    // "netifd: IFACE (PID): text".
    const relayed = /^netifd$/i.test(prog ?? '') ? /^\S+ \(\d+\): (.*)$/.exec(msg.trim()) : null;
    if (relayed) {
      msg = (relayed[1] ?? '').replace(/^pppd(?:\[\d+\])?: /, '');
      source = 'unknown';
    }
    // accel-ppp's session lines: the session prefix off, its packet dumps ("send [LCP TermReq
    // id=2]", "recv [...]", ppp/ppp_lcp.c) read like pppd's "sent [...]"/"rcvd [...]". It is the
    // PPP daemon of that log, so its lines go to the pppd table (rules.ts has its own rows).
    if (ACCEL_PROG.test(prog ?? '')) {
      msg = msg.trim().replace(ACCEL_SESSION, '').replace(/^send \[/, 'sent [').replace(/^recv \[/, 'rcvd [');
      source = 'pppd';
    }
    // A program we do not know may be a hostname used as tag (ISO logs: "host: msg"):
    // its messages are still checked, but only strong pppd patterns count (see parse.ts).
    msg = msg.trim();
    // Emphasis a poster put around the whole message survives normalizeText when the paste was
    // wrapped inside it ("***CHAP authentication fa" / "iled***", rejoined by unwrap): the stars
    // come off when a message pppd prints is inside.
    const em = /^(\*\*\*?)(?=[^\s*])(.+?)(?<=[^\s*])\1$/.exec(msg);
    if (em?.[2] && !beginsMessage(msg) && beginsMessage(em[2])) msg = em[2];
    // NetworkManager's pptp service prefixes pptp's own lines with its log string.
    if (source === 'unknown' && /^nm-pptp-service-\d+ /.test(msg)) source = 'pptp';
    // pptpd's control process starts each of its messages with "CTRL: " (pptpctrl.c; "GRE: " in
    // pptpgre.c, "MGR: " in pptpmanager.c): without a
    // tag (journalctl -o cat, a paste of the messages only) it is still pptpd speaking.
    if (source === 'unknown' && prog === null && /^(?:CTRL|GRE|MGR): /.test(msg)) source = 'pptpd';
    // A front end, a GUI's log window or a logger we do not know put its own words in front of
    // pppd's message ("GUI: log: LCP: timeout ...", "ppp0: CHAP authentication failed"): the
    // message is where, after one of its "word: " or "[...] " prefixes, a message pppd or pptp
    // prints (the rule table, their sources) or a debug packet begins.
    if (source === 'unknown' && !beginsMessage(msg)) msg = innerMessage(msg) ?? msg;
    out.push({ index, raw: line, msg, source, prog, pid, ...(host !== undefined ? { host } : {}) });
  });
  const lines = expandRepeats(dropCopies(out));
  if (newestFirst(lines)) return lines.reverse().map((l, i) => ({ ...l, index: i }));
  const blocks = rotatedFiles(lines);
  return blocks ? blocks.flat().map((l, i) => ({ ...l, index: i })) : lines;
}

// grep's file name in front of a matched line (`grep pppd /var/log/syslog*`, `grep -n`):
// "/var/log/syslog.1:Dec  5 18:00:04 ...", "messages:12:2026-12-06T...".
const GREP_FILE = /^[\w./-]+?:(?:\d+[:-])?(?=[A-Z][a-z]{2} |\d{4}-\d\d-\d\d)/;

/**
 * `grep pppd /var/log/syslog*` (or `cat` of rotated files) prints the newest file first: the
 * lines go forward in time within each file and jump back between files. Blocks of two or more
 * dated lines each, whose spans do not overlap once sorted, are put in time order, so the last
 * attempt in the paste is the last in time. Null when the paste is not such a concatenation.
 */
const ROTATION_GAP = 60_000;

function rotatedFiles(lines: LogLine[]): LogLine[][] | null {
  const blocks: { lines: LogLine[]; first: number | null; last: number | null; dated: number }[] = [];
  let cur: (typeof blocks)[number] = { lines: [], first: null, last: null, dated: 0 };
  // one syslog's files share one date format: a paste that mixes formats (several programs'
  // or hosts' logs) is not one log's files
  const formats = new Set<string>();
  for (const l of lines) {
    const bare = l.raw.replace(GREP_FILE, '');
    const k = timeKey(bare, true);
    if (k !== null) formats.add(ISO_TIME.test(bare) ? 'iso' : CTIME.test(bare) ? 'ctime' : 'syslog');
    // (a jump back of a minute or more: daemons' lines a few seconds out of order are one file)
    if (k !== null && cur.last !== null && k < cur.last - ROTATION_GAP) {
      blocks.push(cur);
      cur = { lines: [], first: null, last: null, dated: 0 };
    }
    cur.lines.push(l);
    if (k !== null) {
      cur.first ??= k;
      cur.last = k;
      cur.dated++;
    }
  }
  blocks.push(cur);
  if (formats.size > 1 || blocks.length < 2 || blocks.some((b) => b.dated < 2)) return null;
  const sorted = [...blocks].sort((a, b) => (a.first ?? 0) - (b.first ?? 0));
  for (let i = 1; i < sorted.length; i++) if ((sorted[i - 1]?.last ?? 0) >= (sorted[i]?.first ?? 0)) return null;
  return sorted.map((b) => b.lines);
}

/**
 * A dated line written twice in a row, to the letter: pppd under a service manager that keeps its
 * stdout as well as its syslog (a systemd unit or a netctl profile without `nolog`, `updetach`
 * before it detaches) has each message in the journal twice, in the same second under the same
 * tag. The copy is no second message (retransmitted packets differ in time, or in their id).
 */
function dropCopies(lines: LogLine[]): LogLine[] {
  return lines.filter((l, i) => i === 0 || l.raw !== lines[i - 1]?.raw || timeKey(l.raw) === null);
}

// rsyslog's repeat reduction (RepeatedMsgReduction, on in Ubuntu's rsyslog.conf): "message
// repeated 9 times: [ sent [LCP ConfReq id=0x1 ...]]" names the message it stands for; the rows
// count pppd's packets (ten unanswered ConfReqs), so its copies count again. (sysklogd's "last
// message repeated N times" names none: the line before it in the file need not be pppd's.)
const REPEATED = /^message repeated (\d+) times: \[\s?(.*?)\s?\]$/;
const MAX_REPEAT = 64;

function expandRepeats(lines: LogLine[]): LogLine[] {
  if (!lines.some((l) => REPEATED.test(l.msg))) return lines;
  return lines.flatMap((l) => {
    const m = REPEATED.exec(l.msg);
    return m ? Array.from({ length: Math.min(Number(m[1]), MAX_REPEAT) }, () => ({ ...l, msg: m[2] ?? '' })) : [l];
  });
}

// pppd's debug packets ("sent [LCP ConfReq id=0x1 ...]"), whose rows read them inside a line.
const PACKET_START = /^(?:sent|rcvd) \[[A-Z]/;
/** A text that begins a message pppd or pptp prints, or one of pppd's debug packets. */
const beginsMessage = (t: string): boolean => startsMessage(t) || PACKET_START.test(t);

/** The rest of a line after up to four "word: " / "] " prefixes, where pppd's message begins. */
function innerMessage(msg: string): string | null {
  let rest = msg;
  for (let k = 0; k < 4; k++) {
    const cut = /^.*?(?::|\])\s+/.exec(rest);
    if (!cut || cut[0].length > 60) break;
    rest = rest.slice(cut[0].length);
    if (beginsMessage(rest)) return rest;
  }
  // A tag whose brackets or colon a copy lost ("host pppd[239: local ...", "host pppdremote IP
  // address ...", a wiki page's text extraction).
  const tag = /^(?:\S+\s+){0,2}pppd(?:\[\d*\]?)?:?\s*(.+)$/.exec(msg)?.[1];
  if (tag !== undefined && beginsMessage(tag)) return tag;
  // A row of an exported table without a program column (unframeTableRow reads those with
  // one): a CSV or a Markdown table whose last column is the message.
  const last = /(?:^|,)"((?:[^"]|"")*)"\s*$/.exec(msg)?.[1]?.replace(/""/g, '"') ?? /(?:\t|\s\|\s)([^\t|]*?)\s*\|?\s*$/.exec(msg)?.[1] ?? /,([^,]+)$/.exec(msg)?.[1];
  return last !== undefined && beginsMessage(last.trim()) ? last.trim() : null;
}

const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?/;
const CTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})/;
const SYSLOG_TIME = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/;

/**
 * A line's timestamp as a number that orders lines (ms; a syslog date without a year in 2000).
 * `yearless`: every date in 2000, so that lines of a paste that mixes dated formats (a logread
 * "Mon Jan 15 10:20:31 2024" beside a syslog "Jan 23 08:10:02") compare by day and time.
 */
export function timeKey(raw: string, yearless = false): number | null {
  const ms = (y: string, mo: number, d: string, h: string, mi: string, sec: string, frac?: string): number =>
    Date.UTC(yearless ? 2000 : Number(y), mo, Number(d), Number(h), Number(mi), Number(sec)) + (frac ? Number(`0.${frac}`) * 1000 : 0);
  const iso = ISO_TIME.exec(raw);
  if (iso) return ms(iso[1] ?? '', Number(iso[2]) - 1, iso[3] ?? '', iso[4] ?? '', iso[5] ?? '', iso[6] ?? '', iso[7]);
  const ct = CTIME.exec(raw);
  const month = (m: string | undefined): number => MONTHS.indexOf((m ?? '').toLowerCase());
  if (ct && month(ct[1]) >= 0) return ms(ct[6] ?? '', month(ct[1]), ct[2] ?? '', ct[3] ?? '', ct[4] ?? '', ct[5] ?? '');
  const sl = SYSLOG_TIME.exec(raw);
  if (sl && month(sl[1]) >= 0) return ms('2000', month(sl[1]), sl[2] ?? '', sl[3] ?? '', sl[4] ?? '', sl[5] ?? '', sl[6]);
  return null;
}

/**
 * A paste whose dated lines only ever go back in time is newest line first (routers' web pages,
 * pfSense/OPNsense-style log views, `tac`): read oldest first, as pppd wrote it. Needs three
 * dated lines and one step back; equal stamps (one second) say nothing either way.
 */
function newestFirst(lines: LogLine[]): boolean {
  let prev: number | null = null;
  let dated = 0;
  let back = false;
  for (const l of lines) {
    const k = timeKey(l.raw, true);
    if (k === null) continue;
    dated++;
    if (prev !== null) {
      if (k > prev) return false;
      if (k < prev) back = true;
    }
    prev = k;
  }
  return dated >= 3 && back;
}
