#!/usr/bin/env bash
# Trials per second of tabular NAS-Bench-201 studies (the full table) on one PostgreSQL study
# worked by 1, 2 and 4 processes: TPE and random, 1 000 and 10 000 trials. The server is one of
# the script's own (tools/pg_test_server.sh: initdb in a temporary directory, a free loopback
# port, default settings: fsync and synchronous commits on), stopped at the end.
# The rate is the study's: finished trials / (last finish - first start) on the server's clock,
# so process start-up and table loading are not counted; the wall time of the whole run is
# printed beside it. Optuna 5.0's figures on the same kind of server and table (the issue):
# TPE 10.6 trials/s with 1 worker, 21.1 with 2; random 44.5 with 2.
# Usage: bench/postgres_rate.sh [nas-tui binary] [trial counts, default "1000 10000"] [worker counts, default "1 2 4"]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/nas-tui}
counts=${2:-1000 10000}
workers_list=${3:-1 2 4}
table=demo/benchmarks/nb201_full.csv
dir=$(mktemp -u /tmp/nas-tui-pgbench-XXXXXX)
url=$(tools/pg_test_server.sh start "$dir")
trap 'tools/pg_test_server.sh stop "$dir"' EXIT
base=${url%/*}
n=0
printf "%-7s %7s %8s %10s %9s %8s\n" strategy trials workers "trials/s" "wall s" "vs 1"
for strategy in tpe random; do
  for count in $counts; do
    one=""
    for workers in $workers_list; do
      n=$((n + 1)); db="bench$n"
      tools/pg_test_server.sh psql "$dir" "CREATE DATABASE $db" >/dev/null
      storage="$base/$db"
      start=$(date +%s.%N)
      "$bin" run --headless --storage "$storage" --study rate --space nb201 --strategy "$strategy" \
          --benchmark "$table" --budget "$count" --seed "$n" 2>"$dir.run.log" &
      pids=($!)
      for _ in $(seq 2 "$workers"); do
        until "$bin" studies --storage "$storage" 2>/dev/null | grep -q rate; do sleep 0.05; done
        "$bin" worker --storage "$storage" --study rate 2>/dev/null &
        pids+=($!)
      done
      for pid in "${pids[@]}"; do wait "$pid"; done
      wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
      read -r finished span < <(PGDATABASE=$db tools/pg_test_server.sh psql "$dir" \
          "SELECT COUNT(*), MAX(finished_at) - MIN(started_at) FROM nas_tui.trials WHERE status = 'complete'" | tr '|' ' ')
      [ "$finished" -eq "$count" ] || { echo "$strategy $count x$workers: $finished finished, expected $count" >&2; cat "$dir.run.log" >&2; exit 1; }
      rate=$(awk -v n="$finished" -v s="$span" 'BEGIN { printf "%.1f", n / s }')
      [ -z "$one" ] && one=$rate
      printf "%-7s %7d %8d %10.1f %9.1f %7.2fx\n" "$strategy" "$count" "$workers" "$rate" "$wall" "$(awk -v r="$rate" -v o="$one" 'BEGIN { print r / o }')"
    done
  done
done
rm -f "$dir.run.log"
