#!/usr/bin/env bash
# Image check latency against real registries on loopback (Debian's docker-registry, Basic auth and
# token auth): cold checks (the registry answers) and warm ones (the cache answers).
# Results: bench/results/registry.txt
set -euo pipefail
cd "$(dirname "$0")/.."
command -v docker-registry >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-registry; }
mkdir -p bench/results
./mvnw -q test -Dtest=ImageCheckBench -Dtest.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
cat bench/results/registry.txt
