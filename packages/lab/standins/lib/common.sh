# Shared helpers for the lab stand-ins (busybox ash, sourced, never executed).
# The firmware flavour and scenario are plain words written by populateRootfs.
LAB=/lab
STATE=$LAB/state
# read, not $(cat): every stand-in sources this, and a real router's tool is one process.
read -r FW 2>/dev/null <$LAB/firmware || FW=openwrt
read -r SCENARIO 2>/dev/null <$LAB/scenario || SCENARIO=ok
read -r KVER 2>/dev/null <$LAB/kver || KVER=unknown
SYSLOG=$STATE/syslog
LAB_NL='
'

# lab_log FACILITY.LEVEL TAG MESSAGE -- append one record in the firmware's syslog format.
# A multi-line message (pppd's "lacks kernel support for PPP") is one record: ubox logd keeps
# it as one entry and logread prints it with one printf, so only its first line carries the
# prefix (openwrt/ubox log/syslog.c log_add strips only the trailing newline; log/logread.c
# prints "%s %s.%s%s %s\n"); the lab's logread (lib/logread.awk) reads such lines as one entry.
# White Russian: busybox 1.00 syslogd turns each newline of a message into a space
# (sysklogd/syslogd.c serveConnection: `else if (c == '\n') *q++ = ' ';`), so such a message
# is one line there.
lab_log() {
	_prio=$1 _tag=$2
	shift 2
	if [ "$FW" = whiterussian ]; then
		# busybox 1.00 syslogd: "Mmm dd hh:mm:ss HOST fac.prio tag: msg"
		_stamp="$(date '+%b %e %H:%M:%S') (none)"
		case $* in *"$LAB_NL"*) set -- "$(printf '%s' "$*" | tr '\n' ' ')" ;; esac
	else
		# OpenWrt logd as printed by logread: ctime date, then fac.prio
		_stamp=$(date '+%a %b %e %H:%M:%S %Y')
	fi
	printf '%s %s %s: %s\n' "$_stamp" "$_prio" "$_tag" "$*" >>"$SYSLOG"
}

# pid_alive PID -- true when a process with that pid exists (there is no ps on the router).
pid_alive() {
	[ -n "$1" ] && [ -d "/proc/$1" ]
}

# set_mypid -- MYPID = pid of the calling shell process (works inside ( ) subshells, unlike $$;
# must not run inside $(...), which is a subshell of its own).
set_mypid() {
	read -r MYPID _rest </proc/self/stat
}

# kernel_lock / kernel_unlock -- one change to the simulated kernel state (routes, interfaces,
# iptables, modules) at a time, as the real kernel serializes them: two ip-up scripts running
# at once must not lose each other's routes. A holder that died (SIGKILL) does not wedge it.
kernel_lock() {
	read -r _kl_me _kl_rest </proc/self/stat
	_kl_n=0
	until mkdir "$STATE/.kernel-lock" 2>/dev/null; do
		_kl_p=$(cat "$STATE/.kernel-lock/pid" 2>/dev/null)
		[ "$_kl_p" = "$_kl_me" ] && return 0
		if [ -n "$_kl_p" ] && [ ! -d "/proc/$_kl_p" ]; then rm -rf "$STATE/.kernel-lock"; continue; fi
		_kl_n=$((_kl_n + 1))
		[ "$_kl_n" -gt 3000 ] && break
		/bin/busybox sleep 0.01
	done
	echo "$_kl_me" >"$STATE/.kernel-lock/pid" 2>/dev/null
}
kernel_unlock() {
	rm -rf "$STATE/.kernel-lock"
}

# module_loaded NAME
module_loaded() {
	grep -qx "$1" $STATE/modules 2>/dev/null
}

# iface_exists NAME
iface_exists() {
	awk -v n="$1" '$1 == n { f = 1 } END { exit !f }' $STATE/ifaces 2>/dev/null
}

# route_to IP [noppp] -- true when the kernel has a route to IP (a matching destination/mask in
# /lab/state/routes through an interface that exists); with noppp, not counting routes through
# ppp links (a tunnel's packets to its own server go out through the WAN, not through itself)
route_to() {
	awk -v ip="$1" -v skip="${2:-}" -v ifs="$STATE/ifaces" 'function n(a,  p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
		function band(a, b,  r, bit) { r = 0; bit = 1; while (a > 0 || b > 0) { if ((a % 2) && (b % 2)) r += bit; a = int(a / 2); b = int(b / 2); bit *= 2 } return r }
		BEGIN { while ((getline l < ifs) > 0) { split(l, f, " "); up[f[1]] = 1 } }
		(up[$6]) && !(skip != "" && $6 ~ /^(ppp|pptp-)/) && band(n(ip), n($3)) == band(n($1), n($3)) { found = 1 }
		END { exit !found }' "$STATE/routes" 2>/dev/null
}

# load_module NAME -- loads NAME after the modules whose symbols it uses, like kmodloader does
# for /etc/modules.d and modprobe; quiet, false when it could not be loaded
load_module() {
	module_loaded "$1" && return 0
	_lm_deps=$(awk -v n="$1" '$1 == n { print $3; exit }' "$LAB/modinfo")
	[ -n "$_lm_deps" ] || return 1
	if [ "$_lm_deps" != - ]; then
		for _lm_d in $(echo "$_lm_deps" | tr ',' ' '); do load_module "$_lm_d"; done
	fi
	/sbin/insmod "$1" >/dev/null 2>&1
}
