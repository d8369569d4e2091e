#!/usr/bin/env bash
# Lints the programs that run on routers (src/remote/programs/*.sh) as POSIX sh: routers run
# busybox ash, which adds only `local` (unused) to POSIX. Every exclusion is a directive in the
# file it applies to, with its reason. The awk programs are not shell: `awk` checks their syntax.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || { echo 'shellcheck is missing: apt-get install shellcheck (scripts/ensure-deps.sh)' >&2; exit 2; }
shellcheck --shell=sh --severity=style src/remote/programs/*.sh
# facts.sh runs facts-files.awk with facts-log.awk appended, as one program: each is checked as
# that program.
declare -A program=([facts-files.awk]='facts-files.awk facts-log.awk' [facts-log.awk]='facts-files.awk facts-log.awk')
for f in src/remote/programs/*.awk; do
  args=()
  for p in ${program[${f##*/}]:-${f##*/}}; do args+=(-f "src/remote/programs/$p"); done
  awk "${args[@]}" </dev/null >/dev/null 2>&1 || { awk "${args[@]}" </dev/null; echo "awk syntax error in $f" >&2; exit 1; }
done
