# shellcheck shell=sh
# Reports each tunnel's pid file, liveness, interface, age and the log of its current (or, when
# none runs, last) attempt (see src/pptp/scripts.ts for which lines that is).
# Header: MAGIC (first output line).
# shellcheck disable=SC2154 # R, W, ST, NAMES, MAGIC: assigned by the generated header
echo "$MAGIC"
for _n in $NAMES; do
  echo "@@tunnel $_n"
  pidfile_of "$_n"; _f=$_pf
  _p=$(link_pid "$_n"); _i=$(link_iface "$_n")
  # No hand-run pppd: netifd's, whose only pid file is by interface (pptp-IFACE.pid, pid only;
  # IFACE is the tunnel name with "-" as "_").
  if ! alive "$_p"; then
    _ifx=$(echo "$_n" | tr - _)
    for _pd in $PIDDIRS; do
      [ -f "$R$_pd/pptp-$_ifx.pid" ] || continue
      _q=$(sed -n 1p "$R$_pd/pptp-$_ifx.pid" | tr -d ' \r\t')
      if alive "$_q"; then _f=$R$_pd/pptp-$_ifx.pid; _p=$_q; _i=pptp-$_ifx; fi
    done
  fi
  if [ -f "$_f" ]; then echo pidfile=1; else echo pidfile=0; fi
  echo "pid=$_p"
  if alive "$_p"; then echo alive=1; else echo alive=0; fi
  echo "iface=$_i"
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
