// The facts round trip: one busybox-ash script, sent over stdin, that prints everything the
// planner needs in a sectioned format `parse.ts` reads back. No I/O here: the lead's SSH code
// runs FACTS_COMMAND with factsScript(paths) on stdin and hands stdout to parseFacts().
//
// Output format (v1), one item per line:
//   @@pptp-fleet-facts 1        first line
//   @@<section> [arg]           section header (`@@file /etc/ppp/options`, `@@pppd office`, ...)
//   key=value                   metadata, only in the file, pppd, flags, release, lock sections
//   |<text>                     one data line; EVERY line that comes from a file or a command is
//                               prefixed with `|`, so no content can forge a header
//   (empty line)                filler, ignored (it ends a file that lacks a final newline)
//   @@end                       last line: a missing @@end means the output was cut short
//
// Size: a lab router with one tunnel up prints 7-8 KB, ~4.5 KB more per tunnel (measured in
// test/lab/faults.test.ts); from two tunnels on the engine has it gzip-compressed on routers
// with gzip (shell/compress.ts). Content is sent only for files under 8 KiB, and only installed
// package NAMES are sent (never the status file).

import { shQuote } from '../shell/quote.js';

/** What the router's audit log shows: the script itself arrives on stdin. */
export const FACTS_COMMAND = '/bin/sh -s -- pptp-fleet:facts';

/** Files larger than this are reported (type, mode, md5) without content. */
export const MAX_CONTENT_BYTES = 8192;

export interface FactsScriptOptions {
  /**
   * Tests only: a directory prefixed to every absolute path the script reads (a fake router
   * root). Tools (lsmod, route, ip, logread, pppd) are looked up under it too.
   */
  root?: string;
  /** Syslog lines kept per alive pppd (default 40). */
  logLines?: number;
}


/** Lock files of ipkg/opkg/apk; held when locked in /proc/locks or naming a live pid. */
const LOCK_FILES = ['/var/lock/opkg.lock', '/var/lock/ipkg.lock', '/usr/lib/ipkg/lock', '/lib/apk/db/lock'];

// Shell helpers shared with the tunnel scripts (busybox ash, no bash-isms, no `local`).
export const SH_HELPERS = String.raw`
# tool NAME ARGS: run NAME from the router's sbin/bin dirs (under $R in tests); 127 if absent.
tool() {
  _t=$1; shift
  for _d in /sbin /usr/sbin /bin /usr/bin; do
    if [ -x "$R$_d/$_t" ]; then "$R$_d/$_t" "$@"; return $?; fi
  done
  return 127
}
# pfx: prefix every line with '|' so no content can look like a section header.
pfx() { sed 's/^/|/'; }
# alive PID: a live (not zombie) process whose command line mentions pppd.
alive() {
  case "$1" in ''|*[!0-9]*) return 1 ;; esac
  if kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]; then :; else return 1; fi
  # Builtins only (a fork costs milliseconds on a small router): ash's read skips the NULs
  # that separate cmdline's arguments, so "/bin/sh\0/usr/sbin/pppd\0..." still mentions pppd.
  if [ -r "/proc/$1/status" ]; then
    while read -r _k _v _x; do
      case $_k in State:) case $_v in *Z*) return 1 ;; esac; break ;; esac
    done 2>/dev/null <"/proc/$1/status"
  fi
  if [ -r "/proc/$1/cmdline" ]; then
    _c=
    read -r _c 2>/dev/null <"/proc/$1/cmdline"
    case $_c in *pppd*) ;; *) return 1 ;; esac
  fi
  return 0
}
# syslog: the system log (logread, else /var/log/messages).
syslog() { tool logread 2>/dev/null || cat "$R/var/log/messages" 2>/dev/null; }
`;

// One awk for the sections that need a program (see factsScript): the package database
// (@@packages, with the pppd package's version as ppp=), @@pppd-version, and the managed files.
//
// Packages: PKGDB is opkg/ipkg's status file (stanzas of Package:/Version:/Status:) or apk's
// installed database (P:/V: lines). pppd's version comes from the package that installs it (ppp
// or ppp-multilink, whose version is pppd's own); only when no package tells it, pppd itself is
// asked (`pppd --version`, its first 5 lines, each capped at 200 characters).
//
// Files: stdin holds "#S" then five lines per path (type, path, path under $R, link target,
// target under $R when a regular file), "#L" ls -ldn lines, "#M" md5sum lines. Content is sent
// when awk's lines add up to the file's size; the parser then checks it against the md5, which
// catches what awk cannot see (a NUL cuts busybox awk's line short, or is kept by gawk): a file
// whose content does not hash to its md5, or holds a NUL, is reported without content. Only a
// file without an md5 (md5sum missing) pays for its own NUL count. No single quotes: it is
// shell-quoted as is.
const MAIN_AWK = String.raw`
function emit(s) { OUT = OUT s "\n" }
function pkgdone() {
  if (st == "installed" && p != "") { NAMES[++np] = p; if (p == "ppp" || p == "ppp-multilink") pv = v }
  p = ""; v = ""; st = ""
}
function packages(   l, a, i) {
  np = 0; pv = ""; p = ""; v = ""; st = ""
  if (PKGDB != "") {
    while ((getline l < PKGDB) > 0) {
      if (PM == "apk") {
        if (substr(l, 1, 2) == "P:") { p = substr(l, 3); NAMES[++np] = p }
        else if (substr(l, 1, 2) == "V:" && (p == "ppp" || p == "ppp-multilink")) pv = substr(l, 3)
      } else if (l ~ /^Package:/) { pkgdone(); split(l, a, " "); p = a[2] }
      else if (l ~ /^Version:/) { split(l, a, " "); v = a[2] }
      else if (l ~ /^Status:/) { split(l, a, " "); st = a[4] }
    }
    close(PKGDB)
    if (PM != "apk") pkgdone()
  }
  emit("@@packages")
  if (pv != "") emit("ppp=" pv)
  for (i = 1; i <= np; i++) emit("|" NAMES[i])
}
function pppdversion(   cmd, l, k) {
  emit("@@pppd-version")
  emit("pppd=" (PPPD != "" ? 1 : 0))
  if (PPPD == "" || pv != "") return
  cmd = q(PPPD) " --version 2>&1 </dev/null"; k = 0
  while (k < 5 && (cmd | getline l) > 0) { emit("|" substr(l, 1, 200)); k++ }
  close(cmd)
}
BEGIN { packages(); pppdversion() }
function lsof(f,   i, l) {
  for (i = 1; i <= nls; i++) {
    l = LS[i]
    if (substr(l, 1, 1) == "l") { if (index(l, " " f " -> ")) return l }
    else if (length(l) > length(f) && substr(l, length(l) - length(f)) == " " f) return l
  }
  return ""
}
function size(l,   a) { split(l, a, " "); return a[5] }
function q(s,   o, i, c) {
  o = sq
  for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); o = o (c == sq ? sq "\\" sq sq : c) }
  return o sq
}
function content(f, l,   s, r, cmd, t, nn, x, i) {
  emit("md5=" MD[f])
  s = size(l)
  if (s !~ /^[0-9]+$/) { emit("content=binary"); return }
  if (s + 0 >= MAXC + 0) { emit("content=too-large"); return }
  if (MD[f] == "") {
    r = ""; cmd = "tr -d " sq "\\000" sq " <" q(f) " | wc -c"
    cmd | getline r; close(cmd)
    if (r + 0 != s + 0) { emit("content=binary"); return }
  }
  t = 0; nn = 0
  while ((getline x < f) > 0) { B[++nn] = x; t += length(x) + 1 }
  close(f)
  if (t == s + 0) nl = 1
  else if (t == s + 1) nl = 0
  else { emit("content=binary"); return }
  emit("content=text"); emit("nl=" nl)
  for (i = 1; i <= nn; i++) emit("|" B[i])
}
sec == "#S" && k > 0 {
  k++
  if (k == 2) P[n] = $0; else if (k == 3) F[n] = $0; else if (k == 4) TG[n] = $0; else { TF[n] = $0; k = 0 }
  next
}
$0 == "#S" || $0 == "#L" || $0 == "#M" { sec = $0; next }
sec == "#S" { if ($0 != "") { T[++n] = $0; k = 1 }; next }
sec == "#L" { LS[++nls] = $0; next }
sec == "#M" { if (substr($0, 33, 2) == "  ") MD[substr($0, 35)] = substr($0, 1, 32); next }
END {
  for (i = 1; i <= n; i++) {
    emit("@@file " P[i]); emit("type=" T[i])
    if (T[i] == "missing") continue
    l = lsof(F[i]); emit("ls=" l)
    if (T[i] == "symlink") {
      emit("target=" TG[i])
      if (TF[i] != "") { l = lsof(TF[i]); emit("tls=" l); content(TF[i], l) }
    } else if (T[i] == "file") content(F[i], l)
  }
  printf "%s", OUT
}
`;

// The last LOGN lines of a pppd's captured output (file $PF_OUT, if set) and of its syslog lines
// matching "pppd[PID]", tail and framing in one process. The syslog is stdin (logread's output);
// when logread printed nothing (no logread, or syslogd writing to a file instead of its ring
// buffer), it is MSGS, /var/log/messages. With captured output, syslog lines lose their
// "date host pppd[PID]: " prefix like the captured lines never had it.
const LOG_AWK = String.raw`
function emit(s) { OUT = OUT s "\n" }
function take(s) { if (index(s, pat)) { if (o != "") sub(/^.*pppd\[[0-9]*\]: ?/, "", s); C[m % n] = s; m++ } }
BEGIN {
  n = LOGN + 0; o = ENVIRON["PF_OUT"]; pat = "pppd[" PID "]"
  if (o != "") {
    k = 0
    while ((getline l < o) > 0) { B[k % n] = l; k++ }
    close(o)
    for (i = (k > n ? k - n : 0); i < k; i++) emit("|" B[i % n])
    emit("|")
  }
}
{ take($0) }
END {
  if (NR == 0 && MSGS != "") { while ((getline l < MSGS) > 0) take(l); close(MSGS) }
  for (i = (m > n ? m - n : 0); i < m; i++) emit("|" C[i % n])
  printf "%s", OUT
}
`;

/**
 * The facts script for busybox ash. `paths` are absolute paths whose state (type, link target,
 * mode, owner, md5, small content) is reported. Example:
 * `factsScript(managedPaths(['office']))` → script text to pipe into FACTS_COMMAND.
 *
 * Cost: forks are what a facts run pays for on a router (milliseconds each on a MIPS box), so
 * the script tests files with builtins, reads small files with `read`, lists directories with
 * globs and handles all managed files and the package database with a fixed handful of
 * processes (ls, md5sum, awk) whatever their number: ~8 processes in all (with lsmod, route,
 * logread and one awk per running pppd), against ~120 when every file had its own.
 */
export function factsScript(paths: string[], options: FactsScriptOptions = {}): string {
  const root = options.root ?? '';
  const logLines = options.logLines ?? 40;
  if (!Number.isInteger(logLines) || logLines < 1) throw new RangeError('logLines must be a positive integer');
  for (const p of paths) {
    if (!p.startsWith('/') || /[\n\r]/.test(p)) throw new RangeError(`not an absolute one-line path: ${JSON.stringify(p)}`);
  }
  const pathWords = paths.map(shQuote).join(' ');
  const lockCalls = LOCK_FILES.map((p) => `lock_fact ${shQuote(p)}`).join('\n');
  return forTheRouter(`# pptp-fleet facts v1
R=${shQuote(root)}
LOGN=${logLines}
MAXC=${MAX_CONTENT_BYTES}
LC_ALL=C; export LC_ALL
NL='
'
CR='\r'
_ifs=$IFS
${SH_HELPERS}
# findtool NAME: _w=NAME's path in the router's sbin/bin dirs (under $R in tests), else fails.
findtool() {
  _w=
  for _d in /sbin /usr/sbin /bin /usr/bin; do
    if [ -x "$R$_d/$1" ]; then _w=$R$_d/$1; return 0; fi
  done
  return 1
}
# Output is gathered in $O and written once at the end (sections may come in any order), and
# the awks print once at their END: every write is an SSH channel packet from the router, and
# one per line made ~280 of them. Only the first line and the pppd sections go out as they come.
# o TEXT: one line of output.
o() { O=$O$1$NL; }
# lines TEXT [first|default]: TEXT's lines framed with '|' by builtins (a pipe into sed would cost
# a fork): all of them, only their first word, or only those starting with "default".
lines() {
  set -f; IFS=$NL
  for _x in $1; do
    case $2 in
      first) o "|\${_x%%[ 	]*}" ;;
      default) case $_x in default*) o "|$_x" ;; esac ;;
      uci) case $_x in firewall.pptp_fleet_*|firewall.*=zone|firewall.*.name=*) o "|$_x" ;; esac ;;
      *) o "|$_x" ;;
    esac
  done
  set +f; IFS=$_ifs
}
# lock_fact PATH: a package manager lock file, held when locked (/proc/locks) or naming a live pid.
lock_fact() {
  [ -e "$R$1" ] || return 0
  _h=0
  set -- "$1" $(ls -di "$R$1"); _ino=$2
  if [ -n "$_ino" ] && grep -q ":$_ino " /proc/locks 2>/dev/null; then _h=1; fi
  _p=
  read -r _p 2>/dev/null <"$R$1"
  _p=\${_p%"$CR"}
  case $_p in *[!0-9]*) _p= ;; esac
  if [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null; then _h=1; fi
  o "lock=$_h $1"
}

echo '@@pptp-fleet-facts 1'
O=
o '@@hostname'
_h=
[ -r /proc/sys/kernel/hostname ] && read -r _h </proc/sys/kernel/hostname
[ -n "$_h" ] || _h=$(uname -n 2>/dev/null)
o "|$_h"
o '@@release'
if [ -f "$R/etc/openwrt_release" ]; then
  while read -r _l || [ -n "$_l" ]; do
    case $_l in DISTRIB_RELEASE=*) o "distrib_release=\${_l#DISTRIB_RELEASE=}"; break ;; esac
    _l=
  done <"$R/etc/openwrt_release"
fi
if [ -f "$R/etc/openwrt_version" ]; then
  _l=; read -r _l <"$R/etc/openwrt_version"; o "openwrt_version=$_l"
fi
o '@@pkgmgr'
PM=
for _n in apk opkg ipkg; do
  for _d in /bin /sbin /usr/bin /usr/sbin; do
    if [ -z "$PM" ] && [ -x "$R$_d/$_n" ]; then PM=$_n; fi
  done
done
[ -n "$PM" ] && o "|$PM"
# The package database and pppd are read by the awk that frames the managed files (below).
PKGDB=
case "$PM" in
  apk) PKGDB=$R/lib/apk/db/installed ;;
  opkg|ipkg) PKGDB=$R/usr/lib/$PM/status ;;
esac
[ -n "$PKGDB" ] && [ -f "$PKGDB" ] || PKGDB=
PPPD=
[ -x "$R/usr/sbin/pppd" ] && PPPD=$R/usr/sbin/pppd
o '@@pppd-libdirs'
for _d in "$R"/usr/lib/pppd/*; do [ -e "$_d" ] && o "|\${_d##*/}"; done
o '@@lsmod'
findtool lsmod && lines "$("$_w" 2>/dev/null </dev/null)" first
o '@@modules-available'
for _m in "$R"/lib/modules/*/*o; do
  _m=\${_m##*/}
  case $_m in *.o|*.ko) o "|\${_m%.*}" ;; esac
done
o '@@flags'
if [ -d "$R/etc/modules.d" ]; then o modules.d=1; else o modules.d=0; fi
if [ -e "$R/sbin/procd" ] || [ -e "$R/etc/rc.common" ]; then o procd=1; else o procd=0; fi
if [ -x "$R/usr/sbin/pptp" ]; then o pptp=1; else o pptp=0; fi
_s=0
IFS=:
for _d in $PATH; do [ -x "\${_d:-.}/sha256sum" ] && _s=1; done
IFS=$_ifs
o "sha256sum=$_s"
o '@@pptp-plugin'
for _f in "$R"/usr/lib/pppd/*/pptp.so; do [ -f "$_f" ] && o "|\${_f#$R}"; done

# Managed files: typed with test builtins, then one ls for the links' targets, and one ls, one
# md5sum and one awk for all of them. Lists are newline-separated, no globbing.
IFS=$NL
set -f
set -- ${pathWords}
LNK=
for _p in "$@"; do [ -L "$R$_p" ] && LNK=$LNK$R$_p$NL; done
_lo=
[ -n "$LNK" ] && _lo=$(ls -ldn $LNK 2>/dev/null </dev/null)
SPEC=; LSL=; REG=
for _p in "$@"; do
  _f=$R$_p; _l=; _tf=
  if [ -L "$_f" ]; then
    _t=symlink
    for _x in $_lo; do case $_x in *" $_f -> "*) _l=\${_x#*" $_f -> "}; break ;; esac; done
    case $_l in '') ;; /*) _tf=$R$_l ;; *) _tf=\${_f%/*}/$_l ;; esac
    if [ -n "$_tf" ] && [ -f "$_tf" ]; then LSL=$LSL$_tf$NL; REG=$REG$_tf$NL; else _tf=; fi
  elif [ -d "$_f" ]; then _t=dir
  elif [ -f "$_f" ]; then _t=file; REG=$REG$_f$NL
  elif [ -e "$_f" ]; then _t=other
  else _t=missing
  fi
  [ "$_t" = missing ] || LSL=$LSL$_f$NL
  SPEC=$SPEC$_t$NL$_p$NL$_f$NL$_l$NL$_tf$NL
done
{
  echo '#S'; echo "$SPEC"
  if [ -n "$LSL" ]; then echo '#L'; ls -ldn $LSL 2>/dev/null; fi
  if [ -n "$REG" ]; then echo '#M'; md5sum $REG 2>/dev/null; fi
} </dev/null | awk -v MAXC="$MAXC" -v sq="'" -v PM="$PM" -v PKGDB="$PKGDB" -v PPPD="$PPPD" '${MAIN_AWK}'
set +f
IFS=$_ifs

# logread straight into awk (no subshell between them); ':' prints nothing when it is missing.
if findtool logread; then LOGREAD=$_w; else LOGREAD=:; fi
for _f in "$R"/var/run/ppp-*.pid; do
  [ -f "$_f" ] || continue
  _n=\${_f##*/ppp-}; _n=\${_n%.pid}
  _p=; _i=
  { read -r _p; read -r _i; } 2>/dev/null <"$_f"
  _p=\${_p%"$CR"}; _i=\${_i%"$CR"}
  if alive "$_p"; then
    # The pppd pptp-fleet started (recorded in .daemon) logged its negotiation to the captured
    # output before it detached; its syslog lines after that only tell about ip-up and later.
    _d=; _o=
    [ -f "$R/tmp/pptp-fleet-$_n.daemon" ] && read -r _d 2>/dev/null <"$R/tmp/pptp-fleet-$_n.daemon"
    _d=\${_d%"$CR"}
    [ "$_p" = "$_d" ] && [ -f "$R/tmp/pptp-fleet-$_n.out" ] && _o=$R/tmp/pptp-fleet-$_n.out
    # The section's head goes out right before the awk that prints its lines.
    echo "@@pppd $_n\${NL}pid=$_p\${NL}iface=$_i\${NL}alive=1"
    "$LOGREAD" 2>/dev/null </dev/null | PF_OUT=$_o awk -v LOGN="$LOGN" -v PID="$_p" -v MSGS="$R/var/log/messages" '${LOG_AWK}'
  else
    o "@@pppd $_n"; o "pid=$_p"; o "iface=$_i"; o alive=0
  fi
done
o '@@route-n'
findtool route && lines "$("$_w" -n 2>/dev/null </dev/null)"
o '@@ip-route-default'
findtool ip && lines "$("$_w" route show 2>/dev/null </dev/null)" default
# issue 15: the firewall (fw4/fw3 are configured through UCI), our own UCI firewall sections and
# the other zones' names (uci show, filtered), and a banner naming an unsupported old release.
if [ -x "$R/sbin/fw4" ]; then _fw=fw4; elif [ -x "$R/sbin/fw3" ]; then _fw=fw3; elif findtool iptables; then _fw=iptables; else _fw=none; fi
o '@@firmware'
o "firewall=$_fw"
if [ -f "$R/etc/banner" ]; then
  while read -r _l; do case $_l in *KAMIKAZE*|*Kamikaze*|*BACKFIRE*|*Backfire*) o "banner=$_l"; break ;; esac; done <"$R/etc/banner"
fi
o '@@uci-firewall'
case $_fw in fw3|fw4) findtool uci && lines "$("$_w" -c "$R/etc/config" -q show firewall 2>/dev/null </dev/null)" uci ;; esac
o '@@lock'
${lockCalls}
# echo, not printf: White Russian's ash may lack a printf builtin (and its busybox the applet).
echo "$O@@end"
`);
}

// Comment lines and indentation are for readers of this file: the router need not receive them
// (~3 KB of the script, which it must read and parse on every run). Safe because no line of the
// script's quoted strings (awk programs) starts with '#', and no quoted string spans lines in a
// way where leading blanks matter.
function forTheRouter(script: string): string {
  return script
    .split('\n')
    .filter((l, i) => i === 0 || !/^\s*#/.test(l))
    .map((l) => l.replace(/^[ \t]+/, ''))
    .join('\n');
}
