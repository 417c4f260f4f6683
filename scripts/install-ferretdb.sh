#!/usr/bin/env bash
# Builds FerretDB 1.24 (MongoDB wire protocol on an embedded SQLite backend) for the MongoDB
# test suites, into ~/.cache/engram/bin, once per machine. `go install` alone gives a binary
# that panics at start (its build/version/version.txt is generated at release time and not in
# the module), so the module source is copied and that file written before building.
set -euo pipefail
version=v1.24.2
bin="${ENGRAM_CACHE:-$HOME/.cache/engram}/bin"
target="$bin/ferretdb-$version"
[ -x "$target" ] && exit 0
command -v go >/dev/null || {
  echo "Go 1.22 or newer is needed once, to build FerretDB for the MongoDB tests (or set MONGODB_URL)" >&2
  exit 1
}
echo "== building FerretDB $version (once per machine)"
src=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
work=$(mktemp -d)
cp -r "$src/." "$work"
chmod -R u+w "$work"
echo "$version" > "$work/build/version/version.txt"
mkdir -p "$bin"
(cd "$work" && go build -buildvcs=false -o "$target.tmp" ./cmd/ferretdb)
mv "$target.tmp" "$target"
rm -rf "$work"
