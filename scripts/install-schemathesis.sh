#!/usr/bin/env bash
# Installs schemathesis (the API fuzzer the OSS server's suite runs over /openapi.json).
set -euo pipefail
bash "$(dirname "$0")/install-pypi-tool.sh" schemathesis 4.32.5 "schemathesis==4.32.5" "the API fuzzer"
