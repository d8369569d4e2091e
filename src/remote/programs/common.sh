# shellcheck shell=sh
# Helpers every router program shares (busybox ash: POSIX plus `local`, which none uses); the
# programs include pppd-pid.sh (alive, wait_gone, stop_pid) right after this file.
# Parameters come from the generated header (src/remote/program.ts): R (fake root in tests, ''
# on a router), NL, CR, PIDDIR (where this router's pppd keeps ppp-LINK.pid; empty when the
# version is unknown), PIDDIRS (every dir any pppd version uses, space-separated).
# shellcheck disable=SC2154 # R, PIDDIR, PIDDIRS, CR: assigned by the generated header

# tool NAME ARGS: run NAME from the router's sbin/bin dirs (under $R in tests); 127 if absent.
tool() {
  _t=$1; shift
  for _d in /sbin /usr/sbin /bin /usr/bin; do
    if [ -x "$R$_d/$_t" ]; then "$R$_d/$_t" "$@"; return $?; fi
  done
  return 127
}
# findtool NAME: _w=NAME's path in the router's sbin/bin dirs (under $R in tests), else fails.
findtool() {
  _w=
  for _d in /sbin /usr/sbin /bin /usr/bin; do
    if [ -x "$R$_d/$1" ]; then _w=$R$_d/$1; return 0; fi
  done
  return 1
}
# pfx: prefix every line with '|' so no content can look like a section header.
pfx() { sed 's/^/|/'; }
# syslog: the system log (logread, else /var/log/messages).
syslog() { tool logread 2>/dev/null || cat "$R/var/log/messages" 2>/dev/null; }
# after MARK: the lines of stdin after the last one that contains MARK, all of them when none
# does: the ring dropped it. A line count is no mark: logd keeps a 64 KB ring, and once it is full
# (a router that has run a while) each new line pushes an old one out. (MARK through the
# environment: awk -v would read its backslashes as escapes, as in `LAB\fleet`.)
after() { PF_MARK=$1 awk '{ L[++n] = $0; if (ENVIRON["PF_MARK"] != "" && index($0, ENVIRON["PF_MARK"])) k = n } END { for (i = k + 1; i <= n; i++) print L[i] }'; }

# pidfile_of NAME: _pf=NAME's pid file: in PIDDIR, the dir of this router's pppd version; when
# the caller does not know the version (PIDDIR empty: `status` reads no facts), in whichever of
# PIDDIRS holds one (pppd 2.5: /var/run/pppd, older: /var/run).
pidfile_of() {
  if [ -n "$PIDDIR" ]; then _pf=$R$PIDDIR/ppp-$1.pid; return 0; fi
  # shellcheck disable=SC2153 # PIDDIRS (not PIDDIR): assigned by the generated header
  for _pd in $PIDDIRS; do
    _pf=$R$_pd/ppp-$1.pid
    [ -f "$_pf" ] && return 0
  done
  _pf=$R${PIDDIRS%% *}/ppp-$1.pid
}
# link_pid NAME / link_iface NAME: line 1 / line 2 of NAME's pid file (pid, then the interface
# once the link is up); empty when none.
link_pid() { pidfile_of "$1"; sed -n 1p "$_pf" 2>/dev/null | tr -d ' \r\t'; }
link_iface() { pidfile_of "$1"; sed -n 2p "$_pf" 2>/dev/null | tr -d ' \r\t'; }
