#!/usr/bin/env bash
# Installs what pptp-fleet's demo and tests need on a fresh Debian 12 machine (as root):
# npm packages, and the lab's Debian packages (real dropbear, bubblewrap, Debian's pppd for
# option checks, the OpenSSH client). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi

need=()
command -v dropbear >/dev/null 2>&1 || need+=(dropbear-bin)
command -v ansible-inventory >/dev/null 2>&1 || need+=(ansible-core)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ -x /usr/sbin/pppd ] || need+=(ppp)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
[ -x /usr/bin/chromium ] || need+=(chromium)   # renders the HTML report in the tests (never a downloaded browser)
command -v apt-get >/dev/null 2>&1 && { dpkg -s ca-certificates >/dev/null 2>&1 || true; }
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need[*]} — run as root: apt-get update && apt-get install -y ${need[*]}" >&2
    exit 2
  fi
  echo "==> apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
