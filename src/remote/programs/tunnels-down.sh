# shellcheck shell=sh
# Stops tunnels concurrently: SIGTERM to the pid in each tunnel's pid file only, then up to T
# seconds for it to exit (pppd runs ip-down before exiting). Header: MAGIC (first output line).
# shellcheck disable=SC2154 # W, T, NAMES, MAGIC: assigned by the generated header

# stop_one NAME: stops NAME's pppd, recording its pid, the syslog line count before, and the outcome.
stop_one() {
  _n=$1
  _p=$(link_pid "$_n")
  alive "$_p" || return 0
  echo "$_p" >"$W/$_n.pid"
  syslog | grep -c "pppd\[$_p\]" >"$W/$_n.before"
  if stop_pid "$_p" "$T"; then echo 1 >"$W/$_n.stopped"; else echo 0 >"$W/$_n.stopped"; fi
}
for _n in $NAMES; do stop_one "$_n" & done
wait
echo "$MAGIC"
for _n in $NAMES; do
  echo "@@tunnel $_n"
  _p=$(cat "$W/$_n.pid" 2>/dev/null)
  if [ -n "$_p" ]; then
    echo was=1; echo "pid=$_p"; echo "stopped=$(cat "$W/$_n.stopped" 2>/dev/null)"
    echo '@@syslog'
    _b=$(cat "$W/$_n.before" 2>/dev/null); _b=${_b:-0}
    syslog | grep "pppd\[$_p\]" | sed -n "$((_b + 1)),\$p" | tail -n 60 | pfx
  else
    echo was=0; echo pid=; echo stopped=1
    echo '@@syslog'
  fi
done
echo '@@end'
rm -rf "$W"
