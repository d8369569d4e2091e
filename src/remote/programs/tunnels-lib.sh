# shellcheck shell=sh
# What the three tunnel programs (tunnels-up/down/status.sh) share, after common.sh.
# Header: T (timeout, seconds), NAMES (tunnel names, space-separated, each [A-Za-z0-9_-]+),
# ST (prefix of the per-tunnel state files: ST-NAME.out, ST-NAME.daemon), WORK (prefix of this
# run's private work dir).
# shellcheck disable=SC2154 # R, WORK: assigned by the generated header

# log_of PID [MAX]: syslog lines of pppd[PID], framed.
log_of() { [ -n "$1" ] && syslog | grep "pppd\[$1\]" | tail -n "${2:-60}" | pfx; echo; }
LC_ALL=C; export LC_ALL
mkdir -p "$R/tmp"
W=$R$WORK$$
rm -rf "$W"; mkdir -p "$W" || exit 1
