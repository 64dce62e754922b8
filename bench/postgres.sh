# shellcheck shell=bash
# Sourced by the benchmarks: starts the tests' embedded PostgreSQL (dev.para.dispatch.bench.BenchPostgres)
# in the background, adds its pid to the caller's $pids and sets $pg_port. Needs target/test-classes
# and target/bench-classpath.txt; the server's log goes to the file named by $1.
start_bench_postgres() {
  rm -f target/bench-pg-port
  java -Djava.io.tmpdir=target/tmp -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.para.dispatch.bench.BenchPostgres target/bench-pg-port > "$1" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do [ -s target/bench-pg-port ] && break; sleep 0.5; done
  # shellcheck disable=SC2034 # read by the sourcing script
  pg_port=$(cat target/bench-pg-port)
}
