# shellcheck shell=sh
# The facts round trip: prints everything the planner needs in the framed format
# (src/remote/frame.ts) that src/facts/parse.ts reads back. See src/facts/gather.ts.
# Header: R, NL, CR, PIDDIRS (every dir pppd keeps pid files in, space-separated), LOGN (syslog lines per alive pppd), MAXC (content size limit), MAXT (total content limit, 0: none),
# PATHS (managed paths, one a line), LOCKS (package manager lock files, one a line),
# ST (prefix of the tool's per-tunnel state files: ST-NAME.out, .daemon),
# FILES_AWK and LOG_AWK (the programs facts-files.awk and facts-log.awk), NETIFS (the netifd
# interface names of the host's tunnels, one a line: their /etc/config/network sections).
# shellcheck disable=SC2154 # R, NL, CR, PIDDIRS, LOGN, MAXC, MAXT, PATHS, LOCKS, ST, *_AWK, NETIFS: header
LC_ALL=C; export LC_ALL
_ifs=$IFS
# Output is gathered in $O and written once at the end (sections may come in any order), and
# the one awk prints once at its END: every write is an SSH channel packet from the router, and
# one per line made ~280 of them. Only the first line and the awk's output go out as they come.
# o TEXT: one line of output.
o() { O=$O$1$NL; }
# lines TEXT [first|default]: TEXT's lines framed with '|' by builtins (a pipe into sed would cost
# a fork): all of them, only their first word, or only those starting with "default".
lines() {
  set -f; IFS=$NL
  for _x in $1; do
    case $2 in
      first) o "|${_x%%[ 	]*}" ;;
      default) case $_x in default*|*' dev ppp'[0-9]*|*' dev pptp-'*) o "|$_x" ;; esac ;;
      uci) case $_x in firewall.pptp_fleet_*|firewall.*=zone|firewall.*.name=*) o "|$_x" ;; esac ;;
      network)
        case $_x in
          network.pptp_fleet_*) o "|$_x" ;;
          # NETIFS is split on newlines (IFS here)
          *) for _i in $NETIFS; do case $_x in "network.$_i="*|"network.$_i."*) o "|$_x"; break ;; esac; done ;;
        esac ;;
      *) o "|$_x" ;;
    esac
  done
  set +f; IFS=$_ifs
}
# lock_fact PATH: a package manager lock file, held when locked (/proc/locks) or naming a live pid.
lock_fact() {
  [ -e "$R$1" ] || return 0
  _h=0
  # shellcheck disable=SC2046 # word splitting of ls's "INODE PATH" is the point
  set -- "$1" $(ls -di "$R$1"); _ino=$2
  if [ -n "$_ino" ] && grep -q ":$_ino " /proc/locks 2>/dev/null; then _h=1; fi
  _p=
  read -r _p 2>/dev/null <"$R$1"
  _p=${_p%"$CR"}
  case $_p in *[!0-9]*) _p= ;; esac
  if [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null; then _h=1; fi
  o "lock=$_h $1"
}

echo '@@pptp-fleet-facts 1'
O=
o '@@hostname'
_h=
[ -r /proc/sys/kernel/hostname ] && read -r _h </proc/sys/kernel/hostname
[ -n "$_h" ] || _h=$(uname -n 2>/dev/null)
o "|$_h"
o '@@release'
if [ -f "$R/etc/openwrt_release" ]; then
  while read -r _l || [ -n "$_l" ]; do
    case $_l in DISTRIB_RELEASE=*) o "distrib_release=${_l#DISTRIB_RELEASE=}"; break ;; esac
    _l=
  done <"$R/etc/openwrt_release"
fi
if [ -f "$R/etc/openwrt_version" ]; then
  _l=; read -r _l <"$R/etc/openwrt_version"; o "openwrt_version=$_l"
fi
o '@@pkgmgr'
PM=
for _n in apk opkg ipkg; do
  for _d in /bin /sbin /usr/bin /usr/sbin; do
    if [ -z "$PM" ] && [ -x "$R$_d/$_n" ]; then PM=$_n; fi
  done
done
[ -n "$PM" ] && o "|$PM"
# The package database and pppd are read by the awk that frames the managed files (below).
PKGDB=
case "$PM" in
  apk) PKGDB=$R/lib/apk/db/installed ;;
  opkg|ipkg) PKGDB=$R/usr/lib/$PM/status ;;
esac
[ -n "$PKGDB" ] && [ -f "$PKGDB" ] || PKGDB=
PPPD=
[ -x "$R/usr/sbin/pppd" ] && PPPD=$R/usr/sbin/pppd
o '@@pppd-libdirs'
for _d in "$R"/usr/lib/pppd/*; do [ -e "$_d" ] && o "|${_d##*/}"; done
o '@@lsmod'
findtool lsmod && lines "$("$_w" 2>/dev/null </dev/null)" first
o '@@modules-available'
for _m in "$R"/lib/modules/*/*o; do
  _m=${_m##*/}
  case $_m in *.o|*.ko) o "|${_m%.*}" ;; esac
done
o '@@flags'
if [ -d "$R/etc/modules.d" ]; then o modules.d=1; else o modules.d=0; fi
if [ -e "$R/sbin/procd" ] || [ -e "$R/etc/rc.common" ]; then o procd=1; else o procd=0; fi
if [ -x "$R/usr/sbin/pptp" ]; then o pptp=1; else o pptp=0; fi
_s=0
IFS=:
for _d in $PATH; do [ -x "${_d:-.}/sha256sum" ] && _s=1; done
IFS=$_ifs
o "sha256sum=$_s"
# netifd's PPTP protocol: /lib/netifd/proto/ppp.sh (the ppp package) registers `pptp` with
# netifd once ppp-mod-pptp's pptp.so is installed (openwrt/openwrt package/network/services/ppp).
if [ -x "$R/sbin/netifd" ] && [ -f "$R/lib/netifd/proto/ppp.sh" ]; then o netifd=1; else o netifd=0; fi
o '@@pptp-plugin'
for _f in "$R"/usr/lib/pppd/*/pptp.so; do [ -f "$_f" ] && o "|${_f#"$R"}"; done

# Running pppds, before the managed files: their log lines come from the same awk. pppd_fact
# PIDFILE [ifname]: one pid file: ppp-LINKNAME.pid (pid, then the interface), or with `ifname`
# IFNAME.pid (pid only: pppd's pid file by interface, the only one a pppd run by netifd has, as
# ppp.sh gives it no linkname). A dead pppd's @@pppd section is written here; a live one's is a
# line of LIVE (name, pid, interface, `ifname` or nothing, its captured output; tab-separated)
# for the awk, which prints the section with the pppd's log lines.
PIDS=' '
LIVE=
TAB='	'
pppd_fact() {
  _f=$1
  if [ "$2" = ifname ]; then _n=${_f##*/}; else _n=${_f##*/ppp-}; fi
  _n=${_n%.pid}
  _p=; _i=
  { read -r _p; read -r _i; } 2>/dev/null <"$_f"
  _p=${_p%"$CR"}; _i=${_i%"$CR"}
  # A pppd with both (a hand-run tunnel with `ifname`) is reported once, by its linkname.
  case $PIDS in *" $_p "*) [ "$2" = ifname ] && return 0 ;; esac
  PIDS="$PIDS$_p "
  if alive "$_p"; then
    # The pppd pptp-fleet started (recorded in .daemon) logged its negotiation to the captured
    # output before it detached; its syslog lines after that only tell about ip-up and later.
    _d=; _o=
    [ -f "$R$ST$_n.daemon" ] && read -r _d 2>/dev/null <"$R$ST$_n.daemon"
    _d=${_d%"$CR"}
    [ "$_p" = "$_d" ] && [ -f "$R$ST$_n.out" ] && _o=$R$ST$_n.out
    # (a name with a tab or a line break would shift the record's fields: such a pid file is skipped)
    case $_n$_i in *"$TAB"*|*"$NL"*) return 0 ;; esac
    LIVE=$LIVE$_n$TAB$_p$TAB$_i$TAB$2$TAB$_o$NL
  else
    if [ "$2" = ifname ]; then _by="${NL}by=ifname"; else _by=; fi
    o "@@pppd $_n"; o "pid=$_p"; o "iface=$_i"; o "alive=0$_by"
  fi
}
# Every pid dir any pppd version uses (the version is what these facts tell).
for _pd in $PIDDIRS; do
  for _f in "$R$_pd"/ppp-*.pid; do
    [ -f "$_f" ] && pppd_fact "$_f"
  done
done
for _pd in $PIDDIRS; do
  for _f in "$R$_pd"/pptp-*.pid; do
    [ -f "$_f" ] && pppd_fact "$_f" ifname
  done
done
# logread straight into the awk (no subshell between them); ':' prints nothing when it is missing.
if findtool logread; then LOGREAD=$_w; else LOGREAD=:; fi

# Managed files: typed with test builtins, then one ls for the links' targets, and one ls, one
# md5sum and one awk for all of them; the same awk reads the syslog for the running pppds.
# Lists are newline-separated, no globbing.
IFS=$NL
set -f
# shellcheck disable=SC2086 # PATHS is split on newlines (IFS), globbing off
set -- $PATHS
LNK=
for _p in "$@"; do [ -L "$R$_p" ] && LNK=$LNK$R$_p$NL; done
_lo=
# shellcheck disable=SC2086,SC2217 # LNK is a newline-separated list (IFS), globbing off; every
# command's stdin is /dev/null, as the program itself arrives on the shell's stdin
[ -n "$LNK" ] && _lo=$(ls -ldn $LNK 2>/dev/null </dev/null)
SPEC=; LSL=; REG=
for _p in "$@"; do
  _f=$R$_p; _l=; _tf=
  if [ -L "$_f" ]; then
    _t=symlink
    for _x in $_lo; do case $_x in *" $_f -> "*) _l=${_x#*" $_f -> "}; break ;; esac; done
    case $_l in '') ;; /*) _tf=$R$_l ;; *) _tf=${_f%/*}/$_l ;; esac
    if [ -n "$_tf" ] && [ -f "$_tf" ]; then LSL=$LSL$_tf$NL; REG=$REG$_tf$NL; else _tf=; fi
  elif [ -d "$_f" ]; then _t=dir
  elif [ -f "$_f" ]; then _t='file'; REG=$REG$_f$NL
  elif [ -e "$_f" ]; then _t=other
  else _t=missing
  fi
  [ "$_t" = missing ] || LSL=$LSL$_f$NL
  SPEC=$SPEC$_t$NL$_p$NL$_f$NL$_l$NL$_tf$NL
done
# shellcheck disable=SC2086 # LSL and REG are newline-separated lists (IFS), globbing off
{
  echo '#S'; echo "$SPEC"
  if [ -n "$LSL" ]; then echo '#L'; ls -ldn $LSL 2>/dev/null; fi
  if [ -n "$REG" ]; then echo '#M'; md5sum $REG 2>/dev/null; fi
  if [ -n "$LIVE" ]; then echo '#G'; "$LOGREAD" 2>/dev/null; fi
} </dev/null | LIVE=$LIVE awk -v MAXC="$MAXC" -v MAXT="$MAXT" -v sq="'" -v PM="$PM" -v PKGDB="$PKGDB" -v PPPD="$PPPD" \
  -v LOGN="$LOGN" -v MSGS="$R/var/log/messages" "$FILES_AWK$NL$LOG_AWK"
set +f
IFS=$_ifs

# The default route and the tunnels' peer routes: `route -n`; `ip route` (its default and
# tunnel lines) only where route is missing or printed nothing (both read the same main table,
# and one process less is what a converged router pays).
o '@@route-n'
_r=
findtool route && _r=$("$_w" -n 2>/dev/null </dev/null)
lines "$_r"
o '@@ip-route-default'
[ -z "$_r" ] && findtool ip && lines "$("$_w" route show 2>/dev/null </dev/null)" default
# The firewall (fw4/fw3 are configured through UCI), our own UCI firewall sections and the other
# zones' names (uci show, filtered), and a banner naming an unsupported old release (issue 15).
if [ -x "$R/sbin/fw4" ]; then _fw=fw4; elif [ -x "$R/sbin/fw3" ]; then _fw=fw3; elif findtool iptables; then _fw=iptables; else _fw=none; fi
o '@@firmware'
o "firewall=$_fw"
if [ -f "$R/etc/banner" ]; then
  while read -r _l; do case $_l in *KAMIKAZE*|*Kamikaze*|*BACKFIRE*|*Backfire*) o "banner=$_l"; break ;; esac; done <"$R/etc/banner"
fi
o '@@uci-firewall'
# `uci show /etc/config/CONFIG`, a path: libuci loads a file outside its config dir without
# replaying the pending (uncommitted) changes in /tmp/.uci (openwrt/uci file.c uci_file_load,
# has_delta false), so the plan is made against what is committed, which is what the apply
# script's revert of our own pending changes leaves (src/apply/uci.ts).
case $_fw in fw3|fw4) findtool uci && lines "$("$_w" -q show "$R/etc/config/firewall" 2>/dev/null </dev/null)" uci ;; esac
# Our tunnels' interfaces and static routes in /etc/config/network (netifd routers only).
if [ -x "$R/sbin/netifd" ]; then
  o '@@uci-network'
  findtool uci && lines "$("$_w" -q show "$R/etc/config/network" 2>/dev/null </dev/null)" network
fi
# Our sections with pending (uncommitted) changes in uci's save directory: an apply cut between
# its `uci batch` and its commit leaves them; the plan above is made without them, so on a
# converged router nothing would revert them and the next `uci commit` (LuCI's Save & Apply)
# would apply a stale half batch. Read with builtins, only the section names (a delta line may
# hold a password): `[+-@^|~]CONFIG.SECTION[.OPTION][=VALUE]` (openwrt/uci delta.c).
o '@@uci-pending'
for _c in firewall network; do
  [ -s "$R/tmp/.uci/$_c" ] || continue
  while IFS= read -r _l; do
    _s=${_l#[-+@^|~]}; _s=${_s#"$_c".}; _s=${_s%%[!A-Za-z0-9_]*}
    case $_s in pptp_fleet_*) o "|$_c $_s"; continue ;; esac
    # shellcheck disable=SC2086 # NETIFS is split on newlines (interface names are plain words)
    if [ "$_c" = network ]; then for _i in $NETIFS; do [ "$_i" = "$_s" ] && o "|$_c $_s"; done; fi
  done <"$R/tmp/.uci/$_c"
done
o '@@lock'
IFS=$NL
set -f
# shellcheck disable=SC2086 # LOCKS is split on newlines (IFS), globbing off
set -- $LOCKS
set +f
IFS=$_ifs
for _x in "$@"; do lock_fact "$_x"; done
# echo, not printf: White Russian's ash may lack a printf builtin (and its busybox the applet).
echo "$O@@end"
