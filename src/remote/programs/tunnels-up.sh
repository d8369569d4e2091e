# shellcheck shell=sh
# Brings tunnels up concurrently (see src/pptp/scripts.ts for the policy and the output).
# Header: TUNNELS (NAME:RESTART words, RESTART 1 or 0), LIMIT (seconds to wait for every
# foreground pppd: T, plus the restart wait when one restarts), STOPWAIT (seconds a restart
# waits for the old pppd), IPUPWAIT (seconds to wait for "ip-up finished"), MARK (prefix of the
# restart markers), PPPD (pppd's path), MAGIC (first line of the output).
# shellcheck disable=SC2154 # R, W, ST, MARK, PPPD, TUNNELS, NAMES, LIMIT, *WAIT, MAGIC: header

# start_one NAME RESTART: keep, or stop then start, NAME's pppd; records the outcome in $W.
start_one() {
  _n=$1
  _p=$(link_pid "$_n")
  if alive "$_p"; then
    echo "$_p" >"$W/$_n.old"
    if [ "$2" = 0 ]; then echo kept >"$W/$_n.action"; return 0; fi
    if stop_pid "$_p" "$STOPWAIT"; then :; else echo stop-failed >"$W/$_n.action"; return 0; fi
  fi
  echo started >"$W/$_n.action"
  rm -f "$R$ST$_n.daemon" "$R$MARK$_n"
  # `logfd 1`: pppd logs to the captured stdout whatever /etc/ppp/options says (OpenWrt's says
  # `logfile /dev/null`); the command line is parsed after it and has the higher priority.
  "$R$PPPD" call "$_n" updetach debug logfd 1 >"$R$ST$_n.out" 2>&1 </dev/null &
  echo $! >"$W/$_n.fg"
  wait $!
  echo $? >"$W/$_n.rc"
}
# pending NAME: 0 while NAME's foreground pppd still runs (or has not been started yet).
pending() {
  [ -f "$W/$1.action" ] || return 0
  [ "$(cat "$W/$1.action")" = started ] || return 1
  [ -f "$W/$1.rc" ] && return 1
  return 0
}
for _t in $TUNNELS; do start_one "${_t%:*}" "${_t##*:}" & done
_s=0
while :; do
  _busy=0
  for _n in $NAMES; do pending "$_n" && _busy=1; done
  [ "$_busy" = 0 ] && break
  [ "$_s" -ge "$LIMIT" ] && break
  sleep 1; _s=$((_s + 1))
done
# Timed out: stop that tunnel's foreground pppd and its pid-file pid, nothing else.
for _n in $NAMES; do
  pending "$_n" || continue
  echo 1 >"$W/$_n.timeout"
  _f=$(cat "$W/$_n.fg" 2>/dev/null); _p=$(link_pid "$_n")
  alive "$_f" && kill "$_f" 2>/dev/null
  stop_pid "$_p" 5
  wait_gone "$_f" 5
done
# Came up: give ip-up a moment to log "Script /etc/ppp/ip-up finished".
_s=0
while [ "$_s" -lt "$IPUPWAIT" ]; do
  _busy=0
  for _n in $NAMES; do
    [ "$(cat "$W/$_n.rc" 2>/dev/null)" = 0 ] || continue
    _p=$(link_pid "$_n")
    alive "$_p" || continue
    syslog | grep "pppd\[$_p\]" | grep -q 'ip-up finished' || _busy=1
  done
  [ "$_busy" = 0 ] && break
  sleep 1; _s=$((_s + 1))
done
echo "$MAGIC"
for _n in $NAMES; do
  echo "@@tunnel $_n"
  echo "action=$(cat "$W/$_n.action" 2>/dev/null)"
  if [ -f "$W/$_n.timeout" ]; then echo exit=timeout; else echo "exit=$(cat "$W/$_n.rc" 2>/dev/null)"; fi
  _p=$(link_pid "$_n"); _f=$(cat "$W/$_n.fg" 2>/dev/null)
  echo "pid=$_p"
  if alive "$_p"; then echo alive=1; else echo alive=0; fi
  echo "iface=$(link_iface "$_n")"
  echo "fgpid=$_f"
  # A pppd that logged nothing to its stdout (a log option we could not override) still logged
  # to syslog: the attempt's output is then the foreground pid's syslog lines, prefixes removed.
  if [ -n "$_f" ] && [ ! -s "$R$ST$_n.out" ]; then
    syslog | grep "pppd\[$_f\]" | sed 's/^.*pppd\[[0-9]*\]: *//' >"$R$ST$_n.out"
  fi
  echo '@@stdout'
  if [ -n "$_f" ] && [ -f "$R$ST$_n.out" ]; then pfx <"$R$ST$_n.out"; echo; fi
  # The pppd this attempt left behind is the tunnel's until the next start (status reads it).
  [ -n "$_f" ] && [ -n "$_p" ] && [ "$(cat "$W/$_n.rc" 2>/dev/null)" = 0 ] && echo "$_p" >"$R$ST$_n.daemon"
  echo '@@syslog'
  # Kept or not restarted: the running (old) pid's lines. Started: only the new daemon's lines,
  # never those of the pppd this run stopped.
  [ -z "$_p" ] && [ -z "$_f" ] && _p=$(cat "$W/$_n.old" 2>/dev/null)
  [ -n "$_p" ] && [ "$_p" != "$_f" ] && log_of "$_p" 60
done
echo '@@end'
rm -rf "$W"
