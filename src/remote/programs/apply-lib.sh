# shellcheck shell=sh
# The apply script's fixed part (src/apply/script.ts writes the per-change lines that call it).
# Protocol on stdout, one line per change, in order:
#   PF-OK <kind> <target>
#   PF-FAIL <kind> <target> <exit code> <message>     (then the script exits 1: nothing later runs)
#   PF-END                                            (every change done; a trailer's output follows)
# Header: R, PIDDIR (common.sh), PPPD (pppd's path on the router).
# shellcheck disable=SC2154 # PPPD: assigned by the generated header
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# Temp files stay private until chmod gives them their final mode (chap-secrets holds secrets).
umask 077
pf_tmp=
# pf_fail KIND TARGET CODE MESSAGE: reports the failed change (message on one line) and exits.
pf_fail() {
  [ -n "$pf_tmp" ] && rm -f "$pf_tmp"
  echo "PF-FAIL $1 $2 $3 $(printf %s "$4" | tr '\n' ' ')"
  exit 1
}
# pf_install MANAGER UPDATE TARGET PACKAGE...: install with ipkg/opkg/apk (after updating the
# lists when UPDATE is 1), retried while another run holds the package lock.
pf_install() {
  _m=$1; _u=$2; _tg=$3; shift 3
  case $_m in apk) _a=add ;; *) _a=install ;; esac
  pf_n=0
  while :; do
    pf_out=$( { if [ "$_u" = 1 ]; then "$_m" update && "$_m" "$_a" "$@"; else "$_m" "$_a" "$@"; fi; } </dev/null 2>&1 ); pf_rc=$?
    [ "$pf_rc" -eq 0 ] && return 0
    # Output of a package manager that could not take its lock (another run holds it).
    case "$pf_out" in
      *"ould not lock"*|*"nable to lock"*|*opkg.lock*|*"ipkg.lock"*|*"Resource temporarily unavailable"*) ;;
      # The kernel lines of a kmod/kernel mismatch and the router's kernel are read back by
      # explainInstallFailure (resources/package.ts): tail alone loses them behind apk's list.
      *) pf_fail install "$_tg" "$pf_rc" "$(echo "$pf_out" | grep -e 'kernel' -e 'incompatible with the arch' | head -n 4; echo "$pf_out" | tail -n 3; echo "(router kernel: $(uname -r 2>/dev/null))")" ;;
    esac
    pf_n=$((pf_n + 1))
    [ "$pf_n" -ge 10 ] && pf_fail install "$_tg" "$pf_rc" "package manager still locked after 10 tries: $(echo "$pf_out" | tail -n 1)"
    sleep 3
  done
}
# In the functions below, TARGET is the change's target as the protocol prints it.
# pf_remove TARGET PACKAGE: removes PACKAGE with whichever package manager the router has.
pf_remove() {
  pf_out=$( { if command -v opkg >/dev/null; then opkg remove "$2"; elif command -v apk >/dev/null; then apk del "$2"; else ipkg remove "$2"; fi; } </dev/null 2>&1 ) || pf_fail remove-package "$1" $? "$pf_out"
}
# pf_load TARGET MODULE: insmod MODULE unless lsmod lists it.
pf_load() {
  if ! lsmod </dev/null | grep -q "^$2[ 	]"; then
    pf_out=$(insmod "$2" </dev/null 2>&1) || pf_fail load-module "$1" $? "$pf_out"
  fi
}
# pf_stop_tunnel KIND TARGET NAME: stops tunnel NAME by its own pid file (up to 10 s).
pf_stop_tunnel() {
  pf_pid=$(link_pid "$3")
  stop_pid "$pf_pid" 10 || pf_fail "$1" "$2" 1 "pppd $pf_pid did not stop"
}
# pf_restart_tunnel TARGET NAME: stops, then starts tunnel NAME (pppd daemonizes itself).
pf_restart_tunnel() {
  pf_stop_tunnel tunnel-restart "$1" "$2"
  pf_out=$("$PPPD" call "$2" </dev/null 2>&1) || pf_fail tunnel-restart "$1" $? "$pf_out"
}
# pf_ifdown TARGET IFACE: `ifdown IFACE` (netifd stops its pppd and keeps the interface down),
# then up to 10 s for that pppd (pid in pptp-IFACE.pid) to exit; a pppd netifd left running is
# stopped by its pid.
pf_ifdown() {
  pf_pid=
  for _pd in $PIDDIRS; do
    [ -f "$R$_pd/pptp-$2.pid" ] && pf_pid=$(sed -n 1p "$R$_pd/pptp-$2.pid" | tr -d ' \r\t')
  done
  pf_out=$(tool ifdown "$2" </dev/null 2>&1) || pf_fail interface-down "$1" $? "ifdown: $pf_out"
  wait_gone "$pf_pid" 10 || stop_pid "$pf_pid" 5 || pf_fail interface-down "$1" 1 "pppd $pf_pid did not stop"
}
# pf_uci CONFDIR ARG...: uci, with -c CONFDIR unless it is empty (the router's /etc/config).
pf_uci() {
  _cd=$1; shift
  if [ -n "$_cd" ]; then uci -c "$_cd" "$@"; else uci "$@"; fi
}
# pf_uci_revert TARGET CONFDIR CONFIG SECTION...: our sections' pending changes, left by a run
# cut before its commit, reverted; anyone else's stay (we commit nothing here).
pf_uci_revert() {
  _tg=$1; _cd=$2; _c=$3; shift 3
  for _s in "$@"; do
    pf_out=$(pf_uci "$_cd" revert "$_c.$_s" </dev/null 2>&1) || pf_fail uci-revert "$_tg" $? "uci revert $_c.$_s: $pf_out"
  done
}
# pf_uci_pending TARGET CONFDIR CONFIG OWN...: before our batch, the pending (uncommitted)
# changes of CONFIG (`uci changes`, from the deltas in /tmp/.uci). Our own (a section in OWN, or
# one named pptp_fleet_*: an earlier run cut between its batch and its commit) are reverted.
# Anyone else's fail the change before anything is written, as our `uci commit` would commit
# them too. Values of options named like a password or key are masked in the message.
pf_uci_pending() {
  _tg=$1; _cd=$2; _c=$3; shift 3
  pf_out=$(pf_uci "$_cd" changes "$_c" </dev/null 2>&1) || pf_fail uci-batch "$_tg" $? "uci changes $_c: $pf_out"
  [ -n "$pf_out" ] || return 0
  _own=; _oth=
  while IFS= read -r _l; do
    [ -n "$_l" ] || continue
    _s=${_l#-}; _s=${_s#"$_c".}; _s=${_s%%[!A-Za-z0-9_]*}
    _m=0
    case $_s in pptp_fleet_*) _m=1 ;; *) for _o in "$@"; do [ "$_o" = "$_s" ] && _m=1; done ;; esac
    if [ "$_m" = 1 ]; then
      case " $_own " in *" $_s "*) ;; *) _own="$_own $_s" ;; esac
    else
      _n=${_l%%=*}
      _q="'"
      case ${_n##*.} in *[Pp][Aa][Ss][Ss]*|*[Kk][Ee][Yy]*|*[Ss][Ee][Cc][Rr][Ee][Tt]*) case $_l in *"$_q"*) _l="${_l%%"$_q"*}$_q***$_q" ;; esac ;; esac
      _oth="$_oth, $_l"
    fi
  done <<PFCHANGES
$pf_out
PFCHANGES
  [ -z "$_oth" ] || pf_fail uci-batch "$_tg" 1 "/etc/config/$_c has uncommitted changes that are not pptp-fleet's (${_oth#, }); our 'uci commit $_c' would apply them too, so nothing was written: review them with 'uci changes $_c', then 'uci commit $_c' or 'uci revert $_c', and run again"
  for _s in $_own; do
    pf_out=$(pf_uci "$_cd" revert "$_c.$_s" </dev/null 2>&1) || pf_fail uci-batch "$_tg" $? "uci revert $_c.$_s: $pf_out"
  done
}
