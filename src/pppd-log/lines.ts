// Turns raw log text into messages: strips syslog/logread/journal/NetworkManager prefixes
// and says which program wrote each line (pppd, pptp, or something to ignore).

export type Source = 'pppd' | 'pptp' | 'unknown' | 'ignored';

export interface LogLine {
  /** 0-based position among the text's lines. */
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
}

// Timestamps that precede the host/program part of a line.
const TIMESTAMPS: RegExp[] = [
  // OpenWrt logread: "Thu Nov 26 23:40:42 2026 "
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4}\s+/,
  // classic syslog: "Nov 26 23:40:42 " (forums sometimes upper-case the month)
  /^[A-Za-z]{3}\s+\d{1,2}\s+\d\d:\d\d:\d\d(?:\.\d+)?\s+/,
  // ISO 8601 / RFC 5424 / journalctl -o short-iso: "2026-11-26T23:40:42.123+01:00 "
  /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s+/,
  // dmesg-style "[  123.456] "
  /^\[\s*\d+\.\d+\]\s*/,
];

// `prog[pid]: message` anywhere near the start (after timestamp, host, facility.level).
const PROG_PID = /(?:^|[\s>])([A-Za-z][\w.\-/]*)\[(\d+)\]:\s?(.*)$/;
// `host facility.level prog: message` once a timestamp was removed.
const PROG_NO_PID = /^(?:(?:\S+)\s+){0,2}?([A-Za-z][\w.\-/]*):\s(.*)$/;
// Front ends that wrap pppd's output: kvpnc "debug: [pppd] ...", pptpsetup/pon echo.
const WRAPPED = /^(?:\w+:\s*)?\[(pppd|pptp)\]\s?(.*)$/;

const PPTP_PROGS = /^(?:pptp|pptpgw|pptp-client|nm-pptp-service.*|nm-pptp|pptp_callmgr)$/i;
// Programs whose lines never carry pppd's story and could only confuse the matchers.
const IGNORED_PROGS =
  /^(?:kernel|NetworkManager|avahi-daemon|dnsmasq|dnsmasq-dhcp|odhcpd|netifd|systemd.*|dbus.*|dropbear|sshd|charon|ipsec.*|xl2tpd|pptpd|chat|wpa_supplicant|dhclient|udhcpc|firewall|fw3|fw4|procd|ntpd|cron|crond|nm-dispatcher|ModemManager|sudo|su|CRON|rsyslogd|syslogd|logread|hostapd|uhttpd|rpcd|odhcp6c)$/i;

function stripTimestamp(line: string): { rest: string; stripped: boolean } {
  for (const re of TIMESTAMPS) {
    const m = re.exec(line);
    if (m) return { rest: line.slice(m[0].length), stripped: true };
  }
  return { rest: line, stripped: false };
}

function classify(prog: string | null): Source {
  if (prog === null) return 'unknown';
  if (/^pppd$/i.test(prog) || /\/pppd$/.test(prog)) return 'pppd';
  if (PPTP_PROGS.test(prog)) return 'pptp';
  if (IGNORED_PROGS.test(prog)) return 'ignored';
  return 'unknown';
}

/** Splits text into lines (LF, CRLF or CR) and strips each line's prefix. */
export function splitLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  const rawLines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  rawLines.forEach((line0, index) => {
    // Tabs become spaces; NULs and other control bytes (from binary garbage) become spaces.
    // eslint-disable-next-line no-control-regex
    const line = line0.replace(/[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, ' ').trim();
    if (line === '') return;
    const { rest, stripped } = stripTimestamp(line);
    let prog: string | null = null;
    let pid: string | null = null;
    let msg = rest;
    const pp = PROG_PID.exec(rest);
    // The prog[pid] must start the line or follow a short host/facility prefix; a later
    // match would be inside a message.
    if (pp && pp.index <= 60 && !/^(?:sent|rcvd) \[/.test(rest)) {
      prog = pp[1] ?? null;
      pid = pp[2] ?? null;
      msg = pp[3] ?? '';
    } else if (stripped) {
      const np = PROG_NO_PID.exec(rest);
      if (np) {
        prog = np[1] ?? null;
        msg = np[2] ?? '';
      }
    } else {
      const w = WRAPPED.exec(rest);
      if (w) {
        prog = w[1] ?? null;
        msg = w[2] ?? '';
      }
    }
    // busybox/syslog put the facility before the program: "daemon.info pppd[1]:" is handled
    // by PROG_PID; a bare "daemon.notice netifd: ..." by PROG_NO_PID only after a timestamp.
    let source = classify(prog);
    // netifd runs pppd for OpenWrt's proto pptp and logs its stderr (option errors!) as
    // "netifd: IFACE (PID): text".
    const relayed = /^netifd$/i.test(prog ?? '') ? /^\S+ \(\d+\): (.*)$/.exec(msg.trim()) : null;
    if (relayed) {
      msg = (relayed[1] ?? '').replace(/^pppd(?:\[\d+\])?: /, '');
      source = 'unknown';
    }
    // A program we do not know may be a hostname used as tag (ISO logs: "host: msg"):
    // its messages are still checked, but only strong pppd patterns count (see parse.ts).
    msg = msg.trim();
    // NetworkManager's pptp service prefixes pptp's own lines with its log string.
    if (source === 'unknown' && /^nm-pptp-service-\d+ /.test(msg)) source = 'pptp';
    out.push({ index, raw: line, msg, source, prog, pid });
  });
  return out;
}

/** pptp (pptp-linux, also the call manager inside pppd's pptp.so) writes `who level[func:file.c:N]: text`. */
export interface PptpMessage {
  level: 'log' | 'warn' | 'fatal';
  where: string;
  text: string;
}

const PPTP_MSG = /\b(log|warn|fatal)\[([\w-]+:\s?[\w.]+:\d+)\]:\s?(.*)$/;

export function pptpMessage(msg: string): PptpMessage | null {
  const m = PPTP_MSG.exec(msg);
  if (!m) return null;
  return { level: m[1] as PptpMessage['level'], where: m[2] ?? '', text: (m[3] ?? '').trim() };
}
