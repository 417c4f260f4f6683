#!/usr/bin/env bash
# Builds stripe-mock (Stripe's own API mock, a Go program) for the cloud billing tests, into
# ~/.cache/engram/bin, once per machine.
set -euo pipefail
version=v0.203.0
bin="${ENGRAM_CACHE:-$HOME/.cache/engram}/bin"
target="$bin/stripe-mock-$version"
[ -x "$target" ] && exit 0
command -v go >/dev/null || {
  echo "Go 1.22 or newer is needed once, to build stripe-mock for the billing tests" >&2
  exit 1
}
echo "== building stripe-mock $version (once per machine)"
mkdir -p "$bin"
work=$(mktemp -d)
GOBIN="$work" go install "github.com/stripe/stripe-mock@$version"
mv "$work/stripe-mock" "$target"
rm -rf "$work"
