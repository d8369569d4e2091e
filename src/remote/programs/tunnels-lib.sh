# shellcheck shell=sh
# What the tunnel programs (tunnels-up/down/status.sh, tunnels-netifd.sh) share, after common.sh
# and pppd-pid.sh.
# Header: T (timeout, seconds), NAMES (tunnel names, space-separated, each [A-Za-z0-9_-]+),
# ST (prefix of the per-tunnel state files: ST-NAME.out, ST-NAME.daemon), WORK (prefix of this
# run's private work dir).
# shellcheck disable=SC2154 # R, WORK, T, PIDDIRS: assigned by the generated header

# log_of PID [MAX]: syslog lines of pppd[PID] but its LCP echo chatter (see facts-log.awk), framed.
log_of() { [ -n "$1" ] && syslog | awk -v p="pppd[$1]" 'index($0, p) && !index($0, "[LCP Echo")' | tail -n "${2:-60}" | pfx; echo; }
# peer_of IFACE: the peer address of the kernel's host route via IFACE (route -n, else ip route).
peer_of() {
  tool route -n 2>/dev/null | awk -v i="$1" '$NF == i && $3 == "255.255.255.255" && $4 ~ /H/ { print $1; exit }' | grep . ||
    tool ip route show dev "$1" 2>/dev/null | awk '/scope link/ && $1 ~ /^[0-9.]+$/ { print $1; exit }'
}
# stop_begin NAME PID: records the pppd a stop is about to end and the last syslog line it logged so far.
stop_begin() {
  echo "$2" >"$W/$1.pid"
  syslog | grep "pppd\[$2\]" | tail -n 1 >"$W/$1.before"
}
# stop_end NAME OK: records whether the stop ended it (OK 0: it did).
stop_end() { if [ "$2" = 0 ]; then echo 1 >"$W/$1.stopped"; else echo 0 >"$W/$1.stopped"; fi; }
# stop_report NAME: NAME's frame of a down program: was it running, stopped, and the lines its
# pppd logged since the stop began.
stop_report() {
  echo "@@tunnel $1"
  _p=$(cat "$W/$1.pid" 2>/dev/null)
  if [ -n "$_p" ]; then
    echo was=1; echo "pid=$_p"; echo "stopped=$(cat "$W/$1.stopped" 2>/dev/null)"
    echo '@@syslog'
    _b=$(cat "$W/$1.before" 2>/dev/null)
    syslog | grep "pppd\[$_p\]" | after "$_b" | tail -n 60 | pfx
  else
    echo was=0; echo pid=; echo stopped=1
    echo '@@syslog'
  fi
}
# netifd_pid IFACE: the live pppd in pptp-IFACE.pid (the pid file pppd keeps by interface for
# netifd's interfaces: ppp.sh gives no linkname), else nothing.
netifd_pid() {
  _np=
  for _pd in $PIDDIRS; do
    [ -f "$R$_pd/pptp-$1.pid" ] && _np=$(sed -n 1p "$R$_pd/pptp-$1.pid" | tr -d ' \r\t')
  done
  alive "$_np" && echo "$_np"
}
# ifdown_one NAME IFACE: `ifdown IFACE` (netifd keeps it down until the next ifup), then up to T
# seconds for its pppd to exit (SIGTERM after that), recorded for stop_report NAME.
ifdown_one() {
  _dp=$(netifd_pid "$2")
  [ -n "$_dp" ] && stop_begin "$1" "$_dp"
  tool ifdown "$2" </dev/null >/dev/null 2>&1
  [ -n "$_dp" ] && { wait_gone "$_dp" "$T" || stop_pid "$_dp" 5; stop_end "$1" $?; }
  return 0
}
LC_ALL=C; export LC_ALL
mkdir -p "$R/tmp"
W=$R$WORK$$
rm -rf "$W"; mkdir -p "$W" || exit 1
