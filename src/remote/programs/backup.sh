# shellcheck shell=sh
# Snapshots the files an apply will touch into PREV (run first, in the apply's exec), with a
# manifest line per file: `file INDEX PATH` (copy INDEX kept, symlinks as symlinks) or
# `absent INDEX PATH`. Header: PREV (the snapshot dir), TARGETS (paths, one a line), NL.
# shellcheck disable=SC2154 # PREV, TARGETS, NL: assigned by the generated header
pf_prev=$PREV
if ! { rm -rf "$pf_prev.new" && mkdir -p "$pf_prev.new" && chmod 700 "$pf_prev.new"; }; then
  echo "PF-FAIL backup - 1 cannot create $pf_prev.new"; exit 1
fi
: > "$pf_prev.new/manifest"
_i=0
_ifs=$IFS; IFS=$NL; set -f
for _t in $TARGETS; do
  if [ -e "$_t" ] || [ -L "$_t" ]; then
    if ! { cp -a "$_t" "$pf_prev.new/$_i" && echo "file $_i $_t" >> "$pf_prev.new/manifest"; }; then
      echo "PF-FAIL backup $_t 1 copy failed"; exit 1
    fi
  else
    echo "absent $_i $_t" >> "$pf_prev.new/manifest"
  fi
  _i=$((_i + 1))
done
IFS=$_ifs; set +f
rm -rf "$pf_prev" && mv "$pf_prev.new" "$pf_prev"
