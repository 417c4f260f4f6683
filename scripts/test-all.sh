#!/usr/bin/env bash
# The whole test suite: lint (incl. the open-core boundary), type-check, then every package's
# tests. Services for production-backend suites are started by scripts/services.sh when present.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

echo "== lint and boundary check"
biome check .
depcruise packages apps bench --config .dependency-cruiser.cjs --output-type err

echo "== build and type-check"
turbo run build typecheck --output-logs=errors-only

echo "== tests"
turbo run test --concurrency=1 --output-logs=full
