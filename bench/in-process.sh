#!/usr/bin/env bash
# In-process benchmarks (token cache hit, single-flight burst, App JWT signing), inside the real
# application with the GitHub fake. Results: bench/results/in-process.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
rm -f bench/results/in-process.txt
./mvnw -q test -Dtest=InProcessBench -Dtest.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
cat bench/results/in-process.txt
