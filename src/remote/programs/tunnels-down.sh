# shellcheck shell=sh
# Stops tunnels concurrently, hand-run and netifd's in one program: a hand-run pppd by SIGTERM to
# the pid in its pid file only, a netifd interface by `ifdown`; then up to T seconds for each
# pppd to exit (pppd runs ip-down before exiting).
# Header: MAGIC (first output line), NAMES (hand-run tunnels), NETIFD (NAME:IFACE words: netifd's).
# shellcheck disable=SC2154 # R, W, T, ST, NAMES, NETIFD, MAGIC: assigned by the generated header

# stop_one NAME: stops NAME's pppd, recording its pid, the syslog line count before, and the outcome.
stop_one() {
  _p=$(link_pid "$1")
  alive "$_p" || return 0
  stop_begin "$1" "$_p"
  stop_pid "$_p" "$T"; stop_end "$1" $?
}
for _n in $NAMES; do stop_one "$_n" & done
# Taken down by request: not after a failed attempt (tunnels-status.sh judges the last pppd again).
for _t in $NETIFD; do rm -f "$R$ST${_t%%:*}.down"; ifdown_one "${_t%%:*}" "${_t#*:}" & done
wait
echo "$MAGIC"
for _n in $NAMES; do stop_report "$_n"; done
for _t in $NETIFD; do stop_report "${_t%%:*}"; done
echo '@@end'
rm -rf "$W"
