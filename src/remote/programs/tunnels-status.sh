# shellcheck shell=sh
# Reports each tunnel's state and the log of its current (or, when none runs, last) attempt (see
# src/pptp/scripts.ts for which lines that is). A hand-run pppd: its pid file, liveness,
# interface and age. A netifd interface (asked for, or found when no hand-run pppd lives):
# netifd's own report (`ubus call network.interface.IFACE status`, raw JSON, parsed by the tool)
# and the syslog lines of the pppd netifd runs, or of the last one that had the interface.
# Header: MAGIC (first output line), TUNNELS (NAME:IFACE:MANAGER words; MANAGER pppd, netifd or
# auto: the inventory's, auto when it names none).
# shellcheck disable=SC2154 # R, W, ST, TUNNELS, MAGIC, PIDDIRS: assigned by the generated header
echo "$MAGIC"
for _t in $TUNNELS; do
  _n=${_t%%:*}; _i=${_t#*:}; _m=${_i#*:}; _i=${_i%%:*}
  echo "@@tunnel $_n"
  pidfile_of "$_n"; _f=$_pf
  _p=$(link_pid "$_n")
  _u=
  if [ "$_m" = netifd ] || { [ "$_m" = auto ] && ! alive "$_p"; }; then
    _u=$(tool ubus call "network.interface.$_i" status 2>/dev/null)
    case $_u in *'"proto": "pptp"'*) _m=netifd ;; *) _u= ;; esac
  fi
  if [ "$_m" = netifd ]; then
    echo manager=netifd
    _p=$(netifd_pid "$_i")
    if [ -n "$_p" ]; then echo alive=1; else echo alive=0; fi
    # Not up: the attempt to judge is the last one that ended (netifd may have started the next,
    # whose lines say nothing yet), i.e. the last exited pppd that had the interface (OpenWrt's
    # ifname patch logs "Using interface pptp-IFACE"); else the running one.
    _l=$_p
    case $_u in *'"up": true'*) ;; *)
      for _q in $(syslog | sed -n "s/.*pppd\[\([0-9]*\)\]: Using interface pptp-$_i\$/\1/p" | tail -n 5); do
        alive "$_q" || _l=$_q
      done ;;
    esac
    # Taken down by pptp-fleet after a failed attempt (tunnels-netifd.sh) and not set up since
    # (ifup sets autostart again): that attempt's pppds are judged, not the retry netifd had
    # started when the interface went down (its lines end in "Terminating on signal 15").
    _dn=0
    case $_u in *'"up": true'*) ;; *'"autostart": false'*) [ -f "$R$ST$_n.down" ] && _dn=1 ;; esac
    echo "down=$_dn"
    echo "pid=${_p:-$_l}"
    echo "now=$(date +%s)"
    echo '@@ubus'
    [ -n "$_u" ] && { printf '%s\n' "$_u" | pfx; echo; }
    echo '@@syslog'
    if [ "$_dn" = 1 ]; then
      syslog | awk -v f="$R$ST$_n.down" 'BEGIN { while ((getline q < f) > 0) if (q != "") p["pppd[" q "]"] = 1 } !index($0, "[LCP Echo") { for (k in p) if (index($0, k)) { print; break } }' | tail -n 60 | pfx
      echo
    else
      log_of "$_l" 60
    fi
    continue
  fi
  echo manager=pppd
  _ifc=$(link_iface "$_n")
  if [ -f "$_f" ]; then echo pidfile=1; else echo pidfile=0; fi
  echo "pid=$_p"
  if alive "$_p"; then echo alive=1; else echo alive=0; fi
  echo "iface=$_ifc"
  # the kernel's host route to the peer: IPCP done, the proof when the log has rotated out
  if [ -n "$_ifc" ] && alive "$_p"; then echo "peer=$(peer_of "$_ifc")"; fi
  echo "since=$(date -r "$_f" +%s 2>/dev/null)"
  echo "now=$(date +%s)"
  # The tool's last attempt counts when the pppd it left is the one running, or none runs.
  _o=$R$ST$_n.out
  _d=$(sed -n 1p "$R$ST$_n.daemon" 2>/dev/null | tr -d ' \r\t')
  _l=$_p
  _mine=0
  if [ -f "$_o" ]; then
    if alive "$_p"; then
      [ "$_p" = "$_d" ] && _mine=1
    else
      _mine=1; _l=$_d
    fi
  fi
  echo "attempt=$_mine"
  echo '@@stdout'
  if [ "$_mine" = 1 ]; then pfx <"$_o"; echo; fi
  echo '@@syslog'
  log_of "$_l" 60
done
echo '@@end'
rm -rf "$W"
