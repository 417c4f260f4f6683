#!/usr/bin/env bash
# The whole test suite: lint (incl. the open-core boundary), type-check, then every package's
# tests. scripts/services.sh installs the servers that backend suites start (Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

bash scripts/services.sh

echo "== lint and boundary check"
biome check .
depcruise packages apps bench examples --config .dependency-cruiser.cjs --output-type err

echo "== build and type-check"
turbo run build typecheck --output-logs=errors-only

echo "== tests"
log=$(mktemp)
status=0
turbo run test --concurrency=1 --output-logs=full 2>&1 | tee "$log" || status=$?
# One closing line for the whole suite, summed over every package's jest run.
summary=$(awk '/Tests: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
  END { printf "%d passed, %d failed, %d skipped", p, f, s }' "$log")
rm -f "$log"
echo
echo "$summary"
exit "$status"
