#!/usr/bin/env bash
# Startup time and memory of the packaged service, started the way a container starts it, against
# an embedded PostgreSQL on this machine (migrations included: the first start migrates an empty
# database, the later ones find it migrated).
#
#   bench/startup.sh                     # the JVM app, target/quarkus-app/quarkus-run.jar
#   bench/startup.sh target/*-runner     # a native executable (built in CI, see .github/workflows)
#   RUNS=10 JAVA_OPTS="-XX:+UseSerialGC" bench/startup.sh
#
# For each run: wall time from exec to the first 200 of /q/health/ready (database reached, App key
# loaded, session informers synced), Quarkus' own "started in", and the process RSS when ready and
# after a minute of idling with one request a second.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
IDLE=${IDLE:-60}
PORT=${PORT:-18090}
results=bench/results
mkdir -p "$results" target/tmp
native=${1:-}

if [ -z "$native" ]; then
  ./mvnw -q -DskipTests package
fi
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
./mvnw -q test-compile

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# shellcheck source=bench/postgres.sh
. bench/postgres.sh
start_bench_postgres "$results/postgres.log"

# Kubernetes: none here, so the readiness check of the session informers is served by the dry run.
sealing_key=$(head -c 32 /dev/urandom | base64)
export QUARKUS_HTTP_PORT=$PORT \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://localhost:$pg_port/postgres" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:$pg_port/postgres" \
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
  PARA_GITHUB_APP_ID=123456 PARA_GITHUB_PRIVATE_KEY_FILE="$PWD/src/test/resources/github/app-private-key-pkcs1.pem" \
  PARA_GITHUB_WEBHOOK_SECRET=bench PARA_DRY_RUN=true \
  PARA_CRYPTO_KEYS_BENCH="$sealing_key" PARA_CRYPTO_ACTIVE_KEY=bench \
  MP_JWT_VERIFY_PUBLICKEY_LOCATION="$PWD/src/test/resources/jwt/public-key.pem" MP_JWT_VERIFY_AUDIENCES=para-dispatch

now_ms() { date +%s%3N; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

out="$results/startup.txt"
echo "# $(date -u +%FT%TZ) ${native:-JVM $(java -version 2>&1 | head -1)} ${JAVA_OPTS:-}" | tee "$out"
printf '%-4s %10s %12s %14s %14s\n' run ready_ms started_in rss_ready_mb rss_idle_mb | tee -a "$out"
for run in $(seq 1 "$RUNS"); do
  start=$(now_ms)
  if [ -n "$native" ]; then
    "$native" > "$results/startup-service.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$results/startup-service.log" 2>&1 &
  fi
  service=$!
  pids+=("$service")
  until curl -fs "localhost:$PORT/q/health/ready" >/dev/null 2>&1; do
    kill -0 "$service" 2>/dev/null || { cat "$results/startup-service.log" >&2; exit 1; }
    sleep 0.02
  done
  ready=$(( $(now_ms) - start ))
  rss_ready=$(rss_mb "$service")
  started=$(grep -oP 'started in \K[0-9.]+s' "$results/startup-service.log" || echo "?")
  rss_idle="-"
  if [ "$run" = "$RUNS" ] && [ "$IDLE" -gt 0 ]; then
    for _ in $(seq 1 "$IDLE"); do curl -fs "localhost:$PORT/q/health/ready" >/dev/null; sleep 1; done
    rss_idle=$(rss_mb "$service")
  fi
  printf '%-4s %10s %12s %14s %14s\n' "$run" "$ready" "$started" "$rss_ready" "$rss_idle" | tee -a "$out"
  kill "$service"; wait "$service" 2>/dev/null || true
done
