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
// Size: a typical router (openwrt, one tunnel up) prints ~4-6 KB; see the report in
// test/unit/facts-gather.test.ts which measures a realistic fake root. Content is sent only
// for files under 8 KiB, and only installed package NAMES are sent (never the status file).

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
  if [ -r "/proc/$1/status" ] && grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; then return 1; fi
  if [ -r "/proc/$1/cmdline" ]; then
    if tr '\000' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q pppd; then :; else return 1; fi
  fi
  return 0
}
# syslog: the system log (logread, else /var/log/messages).
syslog() { tool logread 2>/dev/null || cat "$R/var/log/messages" 2>/dev/null; }
`;

/**
 * The facts script for busybox ash. `paths` are absolute paths whose state (type, link target,
 * mode, owner, md5, small content) is reported. Example:
 * `factsScript(managedPaths(['office']))` → script text to pipe into FACTS_COMMAND.
 */
export function factsScript(paths: string[], options: FactsScriptOptions = {}): string {
  const root = options.root ?? '';
  const logLines = options.logLines ?? 40;
  if (!Number.isInteger(logLines) || logLines < 1) throw new RangeError('logLines must be a positive integer');
  for (const p of paths) {
    if (!p.startsWith('/') || /[\n\r]/.test(p)) throw new RangeError(`not an absolute one-line path: ${JSON.stringify(p)}`);
  }
  const fileCalls = paths.map((p) => `file_fact ${shQuote(p)}`).join('\n');
  const lockCalls = LOCK_FILES.map((p) => `lock_fact ${shQuote(p)}`).join('\n');
  return `# pptp-fleet facts v1
R=${shQuote(root)}
LOGN=${logLines}
MAXC=${MAX_CONTENT_BYTES}
LC_ALL=C; export LC_ALL
${SH_HELPERS}
# content FILE SIZE: md5 and, when small text, the content framed with '|'.
content() {
  echo "md5=$(md5sum "$1" 2>/dev/null | sed 's/ .*//')"
  if [ "$2" -ge "$MAXC" ] 2>/dev/null; then echo content=too-large; return; fi
  _n=$(tr -d '\\000' <"$1" | wc -c); _n=$(echo $_n)
  if [ "$_n" != "$2" ]; then echo content=binary; return; fi
  if [ "$2" = 0 ]; then echo content=text; echo nl=1; return; fi
  if [ -z "$(tail -c 1 "$1")" ]; then _nl=1; else _nl=0; fi
  echo content=text; echo "nl=$_nl"
  pfx <"$1"
  [ "$_nl" = 1 ] || echo
}
# file_fact PATH: type, ls -ln line, link target, md5 and content.
file_fact() {
  _f=$R$1
  echo "@@file $1"
  if [ -L "$_f" ]; then
    echo type=symlink
    echo "ls=$(ls -ldn "$_f")"
    _l=$(readlink "$_f")
    echo "target=$_l"
    case "$_l" in /*) _tf=$R$_l ;; *) _tf=$(dirname "$_f")/$_l ;; esac
    if [ -f "$_tf" ]; then
      echo "tls=$(ls -ldn "$_tf")"
      set -- $(ls -ldn "$_tf"); content "$_tf" "$5"
    fi
  elif [ -d "$_f" ]; then
    echo type=dir; echo "ls=$(ls -ldn "$_f")"
  elif [ -f "$_f" ]; then
    echo type=file; echo "ls=$(ls -ldn "$_f")"
    set -- $(ls -ldn "$_f"); content "$_f" "$5"
  elif [ -e "$_f" ]; then
    echo type=other; echo "ls=$(ls -ldn "$_f")"
  else
    echo type=missing
  fi
}
# lock_fact PATH: a package manager lock file, held when locked (/proc/locks) or naming a live pid.
lock_fact() {
  [ -e "$R$1" ] || return 0
  _h=0
  set -- "$1" $(ls -di "$R$1"); _ino=$2
  if [ -n "$_ino" ] && grep -q ":$_ino " /proc/locks 2>/dev/null; then _h=1; fi
  _p=$(head -n 1 "$R$1" 2>/dev/null | tr -cd '0-9')
  if [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null; then _h=1; fi
  echo "lock=$_h $1"
}

echo '@@pptp-fleet-facts 1'
echo '@@hostname'
{ uname -n 2>/dev/null || cat /proc/sys/kernel/hostname 2>/dev/null; } | head -n 1 | pfx
echo '@@release'
[ -f "$R/etc/openwrt_release" ] && sed -n 's/^DISTRIB_RELEASE=/distrib_release=/p' "$R/etc/openwrt_release" | head -n 1
[ -f "$R/etc/openwrt_version" ] && echo "openwrt_version=$(head -n 1 "$R/etc/openwrt_version")"
echo '@@pkgmgr'
PM=
for _n in apk opkg ipkg; do
  for _d in /bin /sbin /usr/bin /usr/sbin; do
    if [ -z "$PM" ] && [ -x "$R$_d/$_n" ]; then PM=$_n; fi
  done
done
[ -n "$PM" ] && echo "|$PM"
echo '@@packages'
case "$PM" in
  apk) [ -f "$R/lib/apk/db/installed" ] && sed -n 's/^P:/|/p' "$R/lib/apk/db/installed" ;;
  opkg|ipkg) [ -f "$R/usr/lib/$PM/status" ] && awk '/^Package:/ { p = $2 } /^Status:/ { if ($4 == "installed") print "|" p }' "$R/usr/lib/$PM/status" ;;
esac
echo '@@pppd-version'
if [ -x "$R/usr/sbin/pppd" ]; then
  echo pppd=1
  "$R/usr/sbin/pppd" --version 2>&1 </dev/null | head -n 5 | pfx
else
  echo pppd=0
fi
echo '@@pppd-libdirs'
ls "$R/usr/lib/pppd" 2>/dev/null | pfx
echo '@@lsmod'
tool lsmod 2>/dev/null | sed 's/[ 	].*//' | pfx
echo '@@modules-available'
for _d in "$R"/lib/modules/*/; do [ -d "$_d" ] && ls "$_d"; done | sed -n 's/\\.k*o$//p' | pfx
echo '@@flags'
if [ -d "$R/etc/modules.d" ]; then echo modules.d=1; else echo modules.d=0; fi
if [ -e "$R/sbin/procd" ] || [ -e "$R/etc/rc.common" ]; then echo procd=1; else echo procd=0; fi
if [ -x "$R/usr/sbin/pptp" ]; then echo pptp=1; else echo pptp=0; fi
if echo | sha256sum >/dev/null 2>&1; then echo sha256sum=1; else echo sha256sum=0; fi
echo '@@pptp-plugin'
for _f in "$R"/usr/lib/pppd/*/pptp.so; do [ -f "$_f" ] && echo "|\${_f#$R}"; done
${fileCalls}
for _f in "$R"/var/run/ppp-*.pid; do
  [ -f "$_f" ] || continue
  _n=\${_f##*/ppp-}; _n=\${_n%.pid}
  echo "@@pppd $_n"
  _p=$(sed -n 1p "$_f" | tr -d ' \\r\\t')
  echo "pid=$_p"
  echo "iface=$(sed -n 2p "$_f" | tr -d ' \\r\\t')"
  if alive "$_p"; then
    echo alive=1
    # The pppd pptp-fleet started (recorded in .daemon) logged its negotiation to the captured
    # output before it detached; its syslog lines after that only tell about ip-up and later.
    _d=$(sed -n 1p "$R/tmp/pptp-fleet-$_n.daemon" 2>/dev/null | tr -d ' \\r\\t')
    if [ "$_p" = "$_d" ] && [ -f "$R/tmp/pptp-fleet-$_n.out" ]; then
      tail -n "$LOGN" "$R/tmp/pptp-fleet-$_n.out" | pfx; echo '|'
      syslog | grep "pppd\\[$_p\\]" | tail -n "$LOGN" | sed 's/^.*pppd\\[[0-9]*\\]: \\{0,1\\}//' | pfx
    else
      syslog | grep "pppd\\[$_p\\]" | tail -n "$LOGN" | pfx
    fi
  else
    echo alive=0
  fi
done
echo '@@route-n'
tool route -n 2>/dev/null | pfx
echo '@@ip-route-default'
tool ip route show 2>/dev/null | grep '^default' | pfx
echo '@@lock'
${lockCalls}
echo '@@end'
`;
}
