# shellcheck shell=sh
# Puts every file of the last snapshot (backup.sh) back, each by an atomic rename; around that,
# makes netifd and the firewall follow the restored /etc/config: the interfaces the failed apply
# added or changed go down first (`ifdown`, while netifd still has them: their pppd stops and
# netifd stops retrying them), and the reloads the apply ran after `uci commit` run again.
# Header: PREV (the snapshot dir), IFDOWN (interface names, blank-separated), RELOADS (commands
# with their full path, one a line, ROOT already prefixed), NL.
# shellcheck disable=SC2154 # PREV, IFDOWN, RELOADS, NL: assigned by the generated header
set -u
pf_prev=$PREV
[ -f "$pf_prev/manifest" ] || { echo "no snapshot in $pf_prev" >&2; exit 1; }
rc=0
for _i in $IFDOWN; do
  ifdown "$_i" </dev/null >/dev/null 2>&1 || echo "ifdown $_i failed" >&2
done
while read -r state idx path; do
  case "$state" in
    file)
      tmp="$(dirname "$path")/.pptp-fleet.restore.$$"
      if ! { cp -a "$pf_prev/$idx" "$tmp" && mv -f "$tmp" "$path"; }; then
        echo "cannot restore $path" >&2; rm -f "$tmp"; rc=1
      fi ;;
    absent) rm -f "$path" || rc=1 ;;
  esac
done < "$pf_prev/manifest"
_ifs=$IFS; IFS=$NL; set -f
for _c in $RELOADS; do
  IFS=$_ifs
  # shellcheck disable=SC2086 # a command and its words, as the apply ran it
  if ! _out=$($_c </dev/null 2>&1); then echo "$_c failed: $_out" >&2; rc=1; fi
  IFS=$NL
done
IFS=$_ifs; set +f
exit $rc
