#!/usr/bin/env bash
# Webhook intake benchmark: the packaged service (JVM mode) against an embedded PostgreSQL on
# this machine, driven by wrk with real signed GitHub payloads and a fresh delivery id per request.
# Every delivery answered 2xx must be in PostgreSQL: the script counts the rows afterwards.
# wrk's latency percentiles are corrected for coordinated omission (bench/README.md, fourth session):
# a stall counts for the requests a steady sender would have sent during it.
#
#   bench/webhook-intake.sh                       # 32 connections, 30 s after a 10 s warm-up
#   CONNECTIONS=64 DURATION=60s bench/webhook-intake.sh
#   MODE=processed bench/webhook-intake.sh        # installation events, all processed: also reports how
#                                                 # fast the processing backlog drains after the run, and
#                                                 # how fast a backlog of REOPEN (100,000) deliveries drains
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-10s}
MODE=${MODE:-settled}
REOPEN=${REOPEN:-100000}
PORT=${PORT:-18080}
SECRET=bench-webhook-secret
results=bench/results
mkdir -p "$results" target

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client; }

./mvnw -q -DskipTests package
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
bench/webhook-payloads.sh "$SECRET" "$MODE" >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 2; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# shellcheck source=bench/postgres.sh
. bench/postgres.sh
start_bench_postgres "$results/postgres.log"

QUARKUS_HTTP_PORT=$PORT \
QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://localhost:$pg_port/postgres" \
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:$pg_port/postgres" \
QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
PARA_GITHUB_WEBHOOK_SECRET=$SECRET PARA_DRY_RUN=true PARA_GITHUB_WEBHOOK_SWEEP_INTERVAL=${PARA_GITHUB_WEBHOOK_SWEEP_INTERVAL:-1s} \
PARA_CRYPTO_KEYS_BENCH=$(head -c 32 /dev/urandom | base64) PARA_CRYPTO_ACTIVE_KEY=bench \
MP_JWT_VERIFY_PUBLICKEY_LOCATION="$PWD/src/test/resources/jwt/public-key.pem" MP_JWT_VERIFY_AUDIENCES=para-dispatch \
  java ${JAVA_OPTS:--Xmx512m} -jar target/quarkus-app/quarkus-run.jar > "$results/service.log" 2>&1 &
service=$!
pids+=($service)
for _ in $(seq 1 120); do curl -fs "localhost:$PORT/q/health/live" >/dev/null 2>&1 && break; sleep 0.5; done

url="http://127.0.0.1:$PORT"
echo "warm-up $WARMUP"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$results/webhook.lua" "$url" > "$results/warmup.txt"
echo "measure $DURATION at $CONNECTIONS connections"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$results/webhook.lua" "$url" | tee "$results/webhook-intake.txt"
# Counted once, after both runs: a count(*) between them would scan the warm-up's rows and set their
# hint bits, so the measured run would also write back the whole warm-up table.
psql_bench() { PGPASSWORD=postgres psql -h localhost -p "$pg_port" -U postgres -tAc "$1"; }
if [ "$MODE" = processed ]; then
  # The backlog the run left, and how fast it drains with no more intake (deliveries processed per second).
  backlog=$(psql_bench "SELECT count(*) FROM webhook_processing WHERE processed_at IS NULL")
  processed=$(psql_bench "SELECT count(*) FROM webhook_processing WHERE processed_at IS NOT NULL")
  start=$(date +%s.%N)
  while [ "$(psql_bench "SELECT count(*) FROM webhook_processing WHERE processed_at IS NULL")" -gt 0 ]; do sleep 0.5; done
  drained=$(date +%s.%N)
  failed=$(psql_bench "SELECT count(*) FROM webhook_processing WHERE outcome = 'failed' OR last_error IS NOT NULL")
  deadlocks=$(grep -c '40P01' "$results/service.log" || true)
  echo "processed during the runs: $processed; backlog at the end: $backlog, drained in $(echo "$drained - $start" | bc) s" \
    "($(echo "$backlog / ($drained - $start)" | bc) deliveries/s); failed or retried: $failed; deadlocks logged: $deadlocks" \
    | tee -a "$results/webhook-intake.txt"
  # Processing may keep up with the intake, leaving nothing to drain: so also time a backlog as an
  # outage leaves it. The last $REOPEN deliveries are made unprocessed again, and older than the
  # lease, and the sweep (every second here) claims and processes them.
  reopened=$(psql_bench "WITH r AS (UPDATE webhook_processing SET processed_at = NULL, outcome = NULL,
    locked_until = NULL, received_at = received_at - interval '1 hour' WHERE delivery_id IN (SELECT delivery_id
    FROM webhook_processing WHERE outcome = 'processed' ORDER BY received_at DESC LIMIT $REOPEN) RETURNING 1)
    SELECT count(*) FROM r")
  start=$(date +%s.%N)
  while [ "$(psql_bench "SELECT count(*) FROM webhook_processing WHERE processed_at IS NULL")" -gt 0 ]; do sleep 0.2; done
  drained=$(date +%s.%N)
  echo "backlog of $reopened reopened deliveries drained in $(echo "$drained - $start" | bc) s" \
    "($(echo "$reopened / ($drained - $start)" | bc) deliveries/s)" | tee -a "$results/webhook-intake.txt"
fi
stored=$(PGPASSWORD=postgres psql -h localhost -p "$pg_port" -U postgres -tAc "SELECT count(*) FROM webhook_deliveries")
warm=$(grep -oP '^status 202: \K[0-9]+' "$results/warmup.txt" || echo 0)
accepted=$(grep -oP '^status 202: \K[0-9]+' "$results/webhook-intake.txt" || echo 0)
echo "stored in PostgreSQL: $stored; answered 202: $((warm + accepted)) ($warm in the warm-up, $accepted measured)" | tee -a "$results/webhook-intake.txt"
echo "service RSS: $(ps -o rss= -p "$service" | awk '{printf "%.0f MB", $1/1024}')" | tee -a "$results/webhook-intake.txt"
[ "$stored" -ge "$((warm + accepted))" ] || { echo "LOST DELIVERIES" >&2; exit 1; }
