#!/usr/bin/env bash
# Installs openapi-python-client (generates the Python client the OSS server's suite tests
# against the running server, from its /openapi.json).
set -euo pipefail
bash "$(dirname "$0")/install-pypi-tool.sh" openapi-python-client 0.29.1 "openapi-python-client==0.29.1" \
  "the Python client generator"
