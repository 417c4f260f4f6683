#!/usr/bin/env bash
# Installs a tool from PyPI into its own virtualenv under ~/.cache/engram, once per machine:
#   install-pypi-tool.sh NAME VERSION PIP-SPEC "WHAT IT IS FOR"
# The marker is written last: a venv half-made by an interrupted install is made again.
set -euo pipefail
name=$1 version=$2 spec=$3 purpose=$4
venv="${ENGRAM_CACHE:-$HOME/.cache/engram}/$name-$version"
[ -f "$venv/.installed" ] && exit 0
command -v python3 >/dev/null || {
  echo "Python 3.9 or newer is needed once, to install $name ($purpose)" >&2
  exit 1
}
echo "== installing $name $version ($purpose; once per machine)"
rm -rf "$venv"
python3 -m venv "$venv" 2>/dev/null || {
  # Debian's python3 ships venv in its own package.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  else
    echo "python3 -m venv failed: install python3-venv" >&2
    exit 1
  fi
}
"$venv/bin/pip" install -q --disable-pip-version-check "$spec"
touch "$venv/.installed"
