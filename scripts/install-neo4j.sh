#!/usr/bin/env bash
# Builds the Neo4j 5 LTS test server (scripts/neo4j: the official server libraries from Maven
# Central behind a small Java main) once per checkout; Maven caches the jars in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/neo4j"
[ -f target/.built ] && [ target/.built -nt pom.xml ] && exit 0
command -v mvn >/dev/null && command -v java >/dev/null || { echo "Java 17 and Maven are needed for the Neo4j tests" >&2; exit 1; }
echo "== building the Neo4j test server (Maven)"
mvn -q -B compile dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
touch target/.built
