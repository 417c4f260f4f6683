#!/usr/bin/env bash
# Installs the servers that backend test suites run against, from Debian's packages, when they
# are missing: tests start them themselves on loopback ports (never a shared system instance).
set -euo pipefail
# redis-server: the BullMQ suites; docker-compose: validates docker/*.yml without an engine;
# Java 17 and Maven: the Neo4j test server. (Go, for FerretDB, is checked by install-ferretdb.sh.)
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# promtool (Debian's prometheus package): checks and unit-tests docker/prometheus's SLO rules.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# Chromium: the cloud suite drives the analytics dashboard in it (playwright-core, no download).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "the tests need ${missing[*]}: install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# MongoDB wire protocol (FerretDB, built from the Go module proxy) and Neo4j (Maven Central):
# built once per machine or checkout, started by the test suites themselves.
bash "$(dirname "$0")/install-ferretdb.sh"
bash "$(dirname "$0")/install-neo4j.sh"
bash "$(dirname "$0")/install-schemathesis.sh"
bash "$(dirname "$0")/install-openapi-python-client.sh"
bash "$(dirname "$0")/install-stripe-mock.sh"
bash "$(dirname "$0")/install-temporal.sh"
