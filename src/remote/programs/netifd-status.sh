# shellcheck shell=sh
# Reports netifd tunnel interfaces: netifd's own status of each (`ubus call
# network.interface.NAME status`, JSON, every line as data) and the pid in the pid file its pppd
# keeps for the device pptp-NAME (pppd 2.5: /var/run/pppd, older: /var/run), whose syslog
# lines are the attempt's. Parsed by src/pptp/netifd-status.ts.
# Header: MAGIC (first output line), IFACES (interface names, [A-Za-z0-9_], space-separated).
# shellcheck disable=SC2154 # R, PIDDIRS, MAGIC, IFACES: assigned by the generated header
echo "$MAGIC"
for _i in $IFACES; do
  echo "@@iface $_i"
  _j=$(tool ubus call "network.interface.$_i" status 2>&1)
  echo "rc=$?"
  _pid=
  for _pd in $PIDDIRS; do
    if [ -f "$R$_pd/pptp-$_i.pid" ]; then
      _pid=$(sed -n 1p "$R$_pd/pptp-$_i.pid" | tr -d ' \r\t')
      break
    fi
  done
  echo "pid=$_pid"
  printf '%s\n' "$_j" | pfx
done
echo '@@end'
