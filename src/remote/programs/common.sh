# shellcheck shell=sh
# Helpers every router program shares (busybox ash: POSIX plus `local`, which none uses).
# Parameters come from the generated header (src/remote/program.ts): R (fake root in tests, ''
# on a router), NL, CR, PIDDIR (where this router's pppd keeps ppp-LINK.pid).
# shellcheck disable=SC2154 # R, PIDDIR, CR: assigned by the generated header

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

# alive PID: a live (not zombie) process whose command line mentions pppd. The one liveness
# check of every program: a pid file can outlive its pppd, and the pid be reused.
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
# wait_gone PID SECS: 0 once PID is gone, 1 if it still lives after SECS.
wait_gone() {
  _i=0
  while alive "$1"; do
    [ "$_i" -ge "$2" ] && return 1
    sleep 1; _i=$((_i + 1))
  done
  return 0
}
# stop_pid PID SECS: SIGTERM to PID if it is a live pppd, then up to SECS for it to exit (pppd
# runs ip-down first). 0 when it is gone (or was not running), 1 when it still lives. Only that
# pid is ever signalled: never killall (a PPPoE WAN link is a pppd too).
stop_pid() {
  alive "$1" || return 0
  kill "$1" 2>/dev/null
  wait_gone "$1" "$2"
}
# link_pid NAME / link_iface NAME: line 1 / line 2 of NAME's pid file $R$PIDDIR/ppp-NAME.pid
# (pid, then the interface once the link is up); empty when none.
link_pid() { sed -n 1p "$R$PIDDIR/ppp-$1.pid" 2>/dev/null | tr -d ' \r\t'; }
link_iface() { sed -n 2p "$R$PIDDIR/ppp-$1.pid" 2>/dev/null | tr -d ' \r\t'; }
