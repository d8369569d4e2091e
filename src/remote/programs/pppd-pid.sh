# shellcheck shell=sh
# Liveness and stopping of a pppd by pid: the one definition every program uses (facts, tunnels,
# apply) and the boot scripts embed (src/render/init-script.ts). No header variables: it only
# reads /proc and signals the pid it is given.

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
