#!/usr/bin/env bash
# The test command (README): unit tests (pure logic), then the lab tests (real dropbear
# routers in bubblewrap on 127.0.0.1). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "==> lint"
npm run --silent lint
echo "==> build"
npm run --silent build
echo "==> unit tests"
npx vitest run --project unit
echo "==> lab tests"
npx vitest run --project lab
