# shellcheck shell=sh
# Puts every file of the last snapshot (backup.sh) back, each by an atomic rename.
# Header: PREV (the snapshot dir).
# shellcheck disable=SC2154 # PREV: assigned by the generated header
set -u
pf_prev=$PREV
[ -f "$pf_prev/manifest" ] || { echo "no snapshot in $pf_prev" >&2; exit 1; }
rc=0
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
exit $rc
