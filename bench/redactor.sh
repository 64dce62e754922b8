#!/usr/bin/env bash
# The log redactor on 60 KB lines, ordinary ones and ones made to stall a backtracking regex.
# Results: bench/results/redactor.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
./mvnw -q test -Dtest=RedactorBench -Dtest.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
cat bench/results/redactor.txt
