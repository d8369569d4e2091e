#!/usr/bin/env bash
# Lints the programs that run on routers (src/remote/programs/*.sh) as POSIX sh: routers run
# busybox ash, which adds only `local` (unused) to POSIX. Every exclusion is a directive in the
# file it applies to, with its reason. The awk programs are not shell: `awk` checks their syntax.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || { echo 'shellcheck is missing: apt-get install shellcheck (scripts/ensure-deps.sh)' >&2; exit 2; }
shellcheck --shell=sh --severity=style src/remote/programs/*.sh
for f in src/remote/programs/*.awk; do
  awk -f "$f" </dev/null >/dev/null 2>&1 || { awk -f "$f" </dev/null; echo "awk syntax error in $f" >&2; exit 1; }
done
