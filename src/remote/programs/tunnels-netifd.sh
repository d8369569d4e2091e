# shellcheck shell=sh
# Tunnels netifd runs (manager netifd): interfaces brought up with `ifup`, watched through `ubus
# call network.interface.IFACE status` (see src/pptp/netifd-tunnels.ts); tunnels-down.sh takes
# them down. The output is the tunnels-up program's, so the same parser and verdicts apply.
# Header: TUNNELS (NAME:IFACE:MODE[:PID] words; MODE restart = ifup even while it
# is up, ensure = ifup only when netifd is neither up nor setting it up, or when it is up with PID,
# the pppd that ran before the apply wrote its files), T (seconds to wait),
# MAGIC (first output line), MARK (prefix of the restart markers the apply script leaves),
# ST (prefix of ST-NAME.down: the pids of the failed attempt after which this program took the
# interface down, for tunnels-status.sh).
#
# An attempt that fails or times out ends with `ifdown IFACE`, after its status and log lines were
# captured, as a hand-run tunnel leaves no pppd behind (tunnels-up.sh): left alone, netifd would
# retry it for ever (a wrong password then hammers the server and can lock the account). This
# also holds for a tunnel that was up before and fails after a change with --no-rollback, where
# tunnels-up.sh has stopped the old pppd too. `ifdown` keeps the UCI config; it sets netifd's
# autostart false (interface_set_down), so neither netifd nor a `network reload` with unchanged
# config restarts it: the next run's ensure finds it down and runs `ifup`.
# shellcheck disable=SC2154 # R, W, T, TUNNELS, MAGIC, MARK, PIDDIRS: assigned by the generated header

# ifpid IFACE: the pid in pptp-IFACE.pid (pppd's pid file by interface; ppp.sh gives no linkname).
ifpid() {
  for _pd in $PIDDIRS; do
    if [ -f "$R$_pd/pptp-$1.pid" ]; then sed -n 1p "$R$_pd/pptp-$1.pid" | tr -d ' \r\t'; return 0; fi
  done
}
# ustat IFACE: netifd's status of IFACE, JSON (empty when ubus fails).
ustat() { tool ubus call "network.interface.$1" status 2>/dev/null; }
# scan: adds to W/NAME.pids every live pppd netifd runs for a waiting tunnel's interface, told by
# the head of the command line ppp.sh builds (`nodetach ipparam IFACE ifname ...`; read drops the
# NULs between arguments). Builtins only: one pass over /proc a second.
scan() {
  for _d in /proc/[0-9]*; do
    _c=
    read -r _c 2>/dev/null <"$_d/cmdline"
    case $_c in *pppd*ipparam*) ;; *) continue ;; esac
    for _t in $TUNNELS; do
      _n=${_t%%:*}; _i=${_t#*:}; _i=${_i%%:*}
      [ -f "$W/$_n.rc" ] && continue
      case $_c in *"ipparam${_i}ifname"*)
        grep -qx "${_d#/proc/}" "$W/$_n.pids" 2>/dev/null || echo "${_d#/proc/}" >>"$W/$_n.pids" ;;
      esac
    done
  done
}
# logs NAME: the syslog lines of the pppds of NAME's attempt (W/NAME.pids), framed.
logs() {
  [ -s "$W/$1.pids" ] || { echo; return 0; }
  _e=
  while read -r _p; do _e="$_e -e pppd\\[$_p\\]"; done <"$W/$1.pids"
  # shellcheck disable=SC2086 # _e is a list of grep -e patterns
  syslog | grep $_e | tail -n 80 | pfx
  echo
}

# gone_all IFACE: waits up to 10 s until no pppd netifd ran for IFACE is left (told as scan does).
gone_all() {
  _g=0
  while [ "$_g" -lt 10 ]; do
    _left=
    for _d in /proc/[0-9]*; do
      _c=
      read -r _c 2>/dev/null <"$_d/cmdline"
      case $_c in *pppd*"ipparam${1}ifname"*) _left=1; break ;; esac
    done
    [ -z "$_left" ] && return 0
    sleep 1; _g=$((_g + 1))
  done
  return 1
}

# errs STATUS: the errors block of a ubus status, empty when it has none or only USER_REQUEST:
# ppp.sh's teardown reports that code when netifd stops a running pppd (ifdown, the down half of
# ifup, a reload restarting the interface: no exit status, ppp_exitcode_tostring's default 5), so
# it tells nothing about an attempt.
errs() {
  printf '%s\n' "$1" | sed -n '/"errors"/,/\]/p' >"$W/errs"
  grep -q '"USER_REQUEST"' "$W/errs" || cat "$W/errs"
}
# failed NAME STATUS: 0 when STATUS's errors tell that NAME's attempt failed. The ppp protocols
# set lasterror=1 (ppp.sh), and netifd then flushes an interface's errors only when it comes up
# (interface_clear_errors keeps them while the protocol has PROTO_FLAG_LASTERROR: ifdown, ifup and
# a reload leave the last one; openwrt/netifd interface.c): an error from before this attempt is
# no answer. A different error is; so is a pppd of this attempt that ran and is gone (netifd's
# pppd exits only when its link failed or ended), which tells a repeated failure with the same code.
# Only a pid that logged this attempt's "Using interface pptp-IFACE" counts: a process found by its
# command line may be one of pppd's forks (a script's child before its exec, the pptp plugin's call
# manager), whose end says nothing.
failed() {
  _fe=$(errs "$2")
  [ -n "$_fe" ] && [ "$_fe" != "$(cat "$W/$1.err0")" ] && return 0
  _op=$(cat "$W/$1.old" 2>/dev/null)
  syslog | after "$_mark" | sed -n "s/.*pppd\[\([0-9]*\)\]: Using interface pptp-$(cat "$W/$1.iface")\$/\1/p" >"$W/$1.seen"
  # (alive uses _k, the caller's loop counter, for its own)
  _fk=$_k _fr=1
  while read -r _fp; do [ -z "$_fp" ] || [ "$_fp" = "$_op" ] || alive "$_fp" || { _fr=0; break; }; done <"$W/$1.seen"
  _k=$_fk
  return $_fr
}

# proto_pptp: makes netifd load ppp.sh's pptp protocol when it has not. netifd loads its protocol
# handlers once, when it starts (openwrt/netifd main.c: proto_shell_init before config_init_all;
# a reload is config_init_all alone), and ppp.sh adds pptp only where ppp-mod-pptp's pptp.so is
# installed then: on a router that got the plugin after netifd started (a first apply installs
# it) a pptp interface never starts (INVALID_PROTO, then NO_DEVICE) until netifd restarts. The
# restart takes every interface down and up again (Wi-Fi, LAN, WAN: a PPPoE or LTE WAN dials
# again, and an SSH session over it may not survive), so it runs only when netifd lacks pptp;
# once it has it, a reboot included, it keeps it. procd starts the new netifd after the init
# script returns: its answer counts once it lists pptp. An answer without a handler list (an old
# netifd without get_proto_handlers) is left alone. RESTARTED: 1 restarted and pptp is there,
# failed restarted and still no pptp, 0 no restart. The `auto 0` interfaces an admin had brought
# up by hand, which the new netifd leaves down, are brought back (restore).
RESTARTED=0
proto_pptp() {
  _h=$(tool ubus call network get_proto_handlers 2>/dev/null </dev/null)
  case $_h in *'"ppp"'*) ;; *) return 0 ;; esac
  case $_h in *'"pptp"'*) return 0 ;; esac
  # A restart loads only what ppp.sh then finds, with this very test (it fails where two pppd
  # version dirs match too): without ppp-mod-pptp's plugin it brings no pptp, and would take every
  # interface down on every run for nothing (the tunnel's hint says what is missing).
  # shellcheck disable=SC2144
  [ -f "$R"/usr/lib/pppd/*/pptp.so ] 2>/dev/null || return 0
  started_ifaces >"$W/started-before"
  tool logger -t pptp-fleet "netifd has no pptp protocol (ppp-mod-pptp was installed after it started): restarting the network" </dev/null 2>/dev/null
  "$R/etc/init.d/network" restart </dev/null >/dev/null 2>&1
  RESTARTED=failed
  _g=0
  while [ "$_g" -lt 20 ]; do
    sleep 1; _g=$((_g + 1))
    case $(tool ubus call network get_proto_handlers 2>/dev/null </dev/null) in *'"pptp"'*) RESTARTED=1; break ;; esac
  done
  restore
}

# started_ifaces: the logical interfaces netifd keeps up, one a line: autostart true, set by
# `auto` or by an `ifup` (up now, or dialling again, or waiting for its device); `ubus list` names
# every interface it knows; no jsonfilter needed: the status test is ustat's, as everywhere here.
started_ifaces() {
  tool ubus list 'network.interface.*' 2>/dev/null </dev/null | while read -r _o; do
    _i=${_o#network.interface.}
    case $_i in '' | *[!A-Za-z0-9_.-]*) continue ;; esac
    case $(ustat "$_i" </dev/null) in *'"autostart": true'*) echo "$_i" ;; esac
  done
}
# restore: after the restart, `ifup` each interface of W/started-before that the config keeps
# `option auto '0'` and that the new netifd neither has up nor is setting up nor will start by
# itself, but the tunnels of this run (up() starts them). The restart's `ifdown -a` and the new
# netifd leave an interface the admin keeps auto 0 and brought up by hand (a backup LTE link, a
# test VPN) down: `ifup` had set its autostart true (interface_set_up), and a starting netifd sets
# it from the config again (interface_alloc: `auto`, default true; openwrt/netifd interface.c).
# autostart false alone is not enough: a protocol that blocks its own restarts (ppp's exit 2, an
# `authfail`, a SIM's PIN) sets it too, and an ifup would override that on purpose; nor is an
# interface with errors brought back. Whichever netifd answers (also one still without pptp:
# RESTARTED=failed), the interfaces went down. RESTORED: the names brought back, space-separated.
RESTORED=
restore() {
  while read -r _i; do
    _own=
    for _t in $TUNNELS; do _ti=${_t#*:}; [ "${_ti%%:*}" = "$_i" ] && _own=1; done
    [ -n "$_own" ] && continue
    # (libuci's uci_to_blob reads a bool as 1/true or 0/false; any other word leaves the default)
    case $(tool uci -q get "network.$_i.auto" </dev/null) in 0 | false) ;; *) continue ;; esac
    case $(ustat "$_i" </dev/null) in
      *'"up": true'* | *'"pending": true'* | *'"errors"'*) continue ;;
      *'"autostart": false'*) ;;
      *) continue ;;
    esac
    tool ifup "$_i" </dev/null >/dev/null 2>&1
    RESTORED="${RESTORED:+$RESTORED }$_i"
  done <"$W/started-before"
  [ -z "$RESTORED" ] || tool logger -t pptp-fleet "brought back up after the network restart (auto 0, up by hand before it): $RESTORED" </dev/null 2>/dev/null
}

up() {
  proto_pptp
  # A line of our own before the attempts: their "Using interface" lines come after it. (The log's
  # last line is no mark: a multi-line message's continuation lines carry no stamp or pid, and a
  # pppd netifd retries prints them again word for word.)
  _mark="tunnels-up $$: attempts begin"
  tool logger -t pptp-fleet "$_mark" </dev/null 2>/dev/null
  # No such line (no logger, no logd): the last line is the mark. Never all of the log: an
  # earlier attempt's "Using interface" pids would end this attempt (failed).
  syslog | grep -qF "$_mark" || _mark=$(syslog | tail -n 1)
  for _t in $TUNNELS; do
    _n=${_t%%:*}; _i=${_t#*:}; _m=${_i#*:}; _i=${_i%%:*}
    # This attempt supersedes the one an earlier run took the interface down after.
    rm -f "$R$ST$_n.down"
    # ensure:PID: the pppd that must not be kept (it runs the files from before this apply)
    _sp=; case $_m in *:*) _sp=${_m#*:}; _m=${_m%%:*} ;; esac
    _s=$(ustat "$_i")
    _old=$(ifpid "$_i")
    echo "$_i" >"$W/$_n.iface"
    # netifd's error from before this attempt: the ppp protocols keep their last error through
    # ifdown, ifup and reloads until the interface is up again (lasterror, see errs)
    errs "$_s" >"$W/$_n.err0"
    case $_m:$_s in
      ensure:*'"up": true'*)
        # Up again after the reload, or never restarted by it: only a new pppd is kept.
        if [ -z "$_sp" ] || [ "$_old" != "$_sp" ]; then
          echo kept >"$W/$_n.action"; echo 0 >"$W/$_n.rc"; echo "$_old" >"$W/$_n.pids"; rm -f "$R$MARK$_n"; continue
        fi ;;
    esac
    echo started >"$W/$_n.action"
    rm -f "$R$MARK$_n"
    # netifd's own attempt is under way: an interface pending after the reload, or any autostart
    # one once netifd just restarted (proto_pptp), with the configuration written now. An ifup
    # (down, then up) would stop that first attempt (and no pppd from before the restart is left
    # to tell apart).
    case $_m:$_s in ensure:*'"pending": true'*) continue ;; esac
    case $RESTARTED:$_s in 1:*'"autostart": true'*) continue ;; esac
    # A restart's old pppd is not part of the new attempt.
    echo "$_old" >"$W/$_n.old"
    _o=$(tool ifup "$_i" </dev/null 2>&1)
    [ -n "$_o" ] && echo "$_o" >"$W/$_n.ifup"
  done
  # Five passes a second where busybox sleeps fractions: a pppd that fails fast lives briefly.
  _step=5
  sleep 0.2 2>/dev/null || _step=1
  _k=0
  while :; do
    scan
    _busy=0
    for _t in $TUNNELS; do
      _n=${_t%%:*}
      [ -f "$W/$_n.rc" ] && continue
      _s=$(ustat "$(cat "$W/$_n.iface")")
      case $_s in
        *'"up": true'*) echo 0 >"$W/$_n.rc" ;;
        # netifd recorded why pppd exited (it retries on its own): the attempt is over
        *'"errors"'*) if failed "$_n" "$_s"; then echo 1 >"$W/$_n.rc"; else _busy=1; fi ;;
        '') echo 1 >"$W/$_n.rc"; echo 'ubus: no status' >"$W/$_n.ifup" ;;
        *) _busy=1 ;;
      esac
    done
    [ "$_busy" = 0 ] && break
    [ "$_k" -ge $((T * _step)) ] && break
    if [ "$_step" = 5 ]; then sleep 0.2; else sleep 1; fi
    _k=$((_k + 1))
  done
  # Came up: give ppp-up a moment to log "Script /lib/netifd/ppp-up finished".
  sleep 1
  syslog | after "$_mark" >"$W/log"
  _lone=; _nl=0
  for _t in $TUNNELS; do
    _n=${_t%%:*}; _i=$(cat "$W/$_n.iface")
    # A pppd that exited between two scans is still found by the line pppd logs when it
    # creates its interface (OpenWrt's ifname patch: "Using interface pptp-IFACE").
    sed -n "s/.*pppd\[\([0-9]*\)\]: Using interface pptp-$_i\$/\1/p" "$W/log" >>"$W/$_n.pids"
    # (no `sort -o`: OpenWrt's busybox, built without FEATURE_SORT_BIG, ignores it and prints to stdout)
    sort -u "$W/$_n.pids" >"$W/$_n.p3" 2>/dev/null && mv "$W/$_n.p3" "$W/$_n.pids"
    _o=$(cat "$W/$_n.old" 2>/dev/null)
    [ -n "$_o" ] && grep -vx "$_o" "$W/$_n.pids" >"$W/$_n.p2" 2>/dev/null && mv "$W/$_n.p2" "$W/$_n.pids"
    if [ "$(cat "$W/$_n.action")" = started ] && [ ! -s "$W/$_n.pids" ]; then _lone=$_n; _nl=$((_nl + 1)); fi
  done
  # One that failed before it had an interface (the PPTP control connection refused) and between
  # two scans left no trace of its own. When a single started tunnel has no pppd, the pppds that
  # logged during the attempts, that no other tunnel claims and no pid file names (a PPPoE WAN),
  # are its.
  if [ "$_nl" = 1 ]; then
    { echo x; cat "$W"/*.pids "$W"/*.old 2>/dev/null
      for _pd in $PIDDIRS; do for _f in "$R$_pd"/*.pid; do [ -f "$_f" ] && sed -n 1p "$_f"; done; done
    } >"$W/claimed"
    grep -v '^$' "$W/claimed" >"$W/claimed2"
    sed -n 's/.*pppd\[\([0-9]*\)\]:.*/\1/p' "$W/log" | sort -u | grep -vxF -f "$W/claimed2" >"$W/$_lone.pids"
  fi
  for _t in $TUNNELS; do
    _n=${_t%%:*}; _i=$(cat "$W/$_n.iface")
    _s=$(ustat "$_i")
    {
      echo "action=$(cat "$W/$_n.action")"
      if [ -f "$W/$_n.rc" ]; then echo "exit=$(cat "$W/$_n.rc")"; else echo exit=timeout; fi
      _p=$(ifpid "$_i")
      echo "pid=$_p"
      if alive "$_p"; then echo alive=1; else echo alive=0; fi
      case $_s in *'"up": true'*) echo "iface=pptp-$_i" ;; *) echo iface= ;; esac
      echo fgpid=
      # netifd's name for pppd's exit status (ppp.sh: AUTH_TOPEER_FAILED, CONNECT_FAILED, ...)
      echo "netifd_error=$(printf '%s\n' "$_s" | sed -n 's/.*"code": *"\([A-Z_]*\)".*/\1/p' | tail -n 1)"
      echo "netifd_restarted=$RESTARTED"
      echo "netifd_restored=$RESTORED"
    } >"$W/$_n.head"
    {
      echo '@@stdout'
      if [ -f "$W/$_n.ifup" ]; then pfx <"$W/$_n.ifup"; echo; fi
      echo '@@syslog'
      logs "$_n"
    } >"$W/$_n.body"
    # Started (by ifup or by the apply's reload) and not up: failed or timed out. Only an
    # interface netifd has (a status) is taken down.
    [ -n "$_s" ] && [ "$(cat "$W/$_n.action")" = started ] && [ "$(cat "$W/$_n.rc" 2>/dev/null)" != 0 ] && : >"$W/$_n.down"
  done
  # Taken down once every attempt's lines are captured (netifd's teardown adds its own lines),
  # each waiting for its pppds to exit (netifd stops them: SIGTERM, then SIGKILL).
  for _t in $TUNNELS; do
    _n=${_t%%:*}; _i=$(cat "$W/$_n.iface")
    [ -f "$W/$_n.down" ] || continue
    cat "$W/$_n.pids" >"$R$ST$_n.down" 2>/dev/null || : >"$R$ST$_n.down"
    { ifdown_one "$_n" "$_i"; gone_all "$_i"; } &
  done
  wait
  echo "$MAGIC"
  for _t in $TUNNELS; do
    _n=${_t%%:*}
    echo "@@tunnel $_n"
    cat "$W/$_n.head"
    if [ -f "$W/$_n.down" ]; then echo down=1; else echo down=0; fi
    cat "$W/$_n.body"
  done
  echo '@@end'
}

up
rm -rf "$W"
