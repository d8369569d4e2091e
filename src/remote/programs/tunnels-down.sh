# shellcheck shell=sh
# Stops tunnels concurrently: SIGTERM to the pid in each tunnel's pid file only, then up to T
# seconds for it to exit (pppd runs ip-down before exiting). Header: MAGIC (first output line).
# shellcheck disable=SC2154 # W, T, NAMES, MAGIC: assigned by the generated header

# stop_one NAME: stops NAME's pppd, recording its pid, the syslog line count before, and the outcome.
stop_one() {
  _p=$(link_pid "$1")
  alive "$_p" || return 0
  stop_begin "$1" "$_p"
  stop_pid "$_p" "$T"; stop_end "$1" $?
}
for _n in $NAMES; do stop_one "$_n" & done
wait
echo "$MAGIC"
for _n in $NAMES; do stop_report "$_n"; done
echo '@@end'
rm -rf "$W"
