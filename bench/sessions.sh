#!/usr/bin/env bash
# Session benchmarks inside the real application, against the fabric8 mock API server and the
# GitHub fake: create -> Job created, GET /sessions/{id} at 1,000 req/s, 1,000 running sessions
# tracked by the informers (heap). Results: bench/results/sessions.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
rm -f bench/results/sessions.txt
./mvnw -q test -Dtest=SessionBench -Dtest.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dquarkus.log.category.\"dev.para\".level=INFO"
cat bench/results/sessions.txt
