#!/usr/bin/env bash
# The demo (README's first command): a simulated fleet of 20 OpenWrt routers — four firmware
# flavours, a few broken VPN servers — provisioned end to end, then again to show that a
# converged fleet gets 0 changes. The lab is torn down on exit, also on Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit $?
npm run --silent build || exit $?

cli() { node dist/cli.js "$@"; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/pptp-fleet-demo.XXXXXX")
cleanup() { cli lab down --dir "$DIR" >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> starting a lab of 20 simulated routers in $DIR"
cli lab up --routers 20 --dir "$DIR" \
  --firmware whiterussian:5 --firmware openwrt:5 --firmware openwrt-24:5 --firmware openwrt-apk:5 \
  --scenario ok:3 --scenario wrong_password:1 --scenario ok:4 --scenario requires_stateless:1 \
  --scenario ok:3 --scenario gre_blocked:1 --scenario eap_first:1 --scenario control_refused:1 \
  --scenario ok:3 --scenario feed_down:1 --scenario ok:1 || exit $?

common=(-i "$DIR/inventory.yaml" --known-hosts "$DIR/known_hosts" --key "$DIR/id_ed25519")

echo
echo "==> pptp-fleet apply (first run: empty routers to tunnels up)"
cli apply "${common[@]}" --report-json "$DIR/report.json"
echo "(exit code $? — 1 because some simulated VPN servers are broken on purpose)"

echo
echo "==> pptp-fleet apply again: a converged fleet gets 0 changes"
cli apply "${common[@]}" --limit 'all' --quiet
echo "(exit code $?)"

echo
echo "==> pptp-fleet status"
cli status "${common[@]}" --quiet
exit 0
