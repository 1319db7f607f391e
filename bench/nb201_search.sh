#!/usr/bin/env bash
# Search on all of NAS-Bench-201 (demo/benchmarks/nb201_full.csv), objective cifar10_val_acc:
# each strategy over 10 seeds at 100 queries, and demo/nb201_search.toml also under a budget in
# simulated seconds equal to 50 full queries' mean cost (50 × the table's mean train_seconds).
# Prints per strategy: mean ± sd of the best (full-fidelity) accuracy, how many seeds reached
# the optimum (91.607) and their mean queries to it, and the cost per trial: wall milliseconds
# (this machine) and simulated seconds (the table's train_seconds at the query's fidelity).
# Usage: bench/nb201_search.sh [nas-tui binary] [seeds, default 10] [strategy names...]
#   strategies: random evolution tpe hyperband demo demo-seconds (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/nas-tui}
seeds=${2:-10}
shift $(( $# > 2 ? 2 : $# )) || true
table=demo/benchmarks/nb201_full.csv
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mean_cost=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "train_seconds") c = i; next } { s += $c; n++ } END { printf "%.4f", s / n }' "$table")
seconds_budget=$(awk -v m="$mean_cost" 'BEGIN { printf "%.1f", 50 * m }')
strategies=("$@")
[ ${#strategies[@]} -eq 0 ] && strategies=(random evolution tpe hyperband demo demo-seconds)

echo "table $table: mean train_seconds $mean_cost, so 50 full queries = $seconds_budget simulated s"
printf '%-14s %-18s %-22s %-16s %s\n' strategy "best@budget" "optimum reached" "wall ms/trial" "simulated s/trial"
for strategy in "${strategies[@]}"; do
    for seed in $(seq 1 "$seeds"); do
        case $strategy in
            demo) args=(--config demo/nb201_search.toml --budget 100) ;;
            demo-seconds) args=(--config demo/nb201_search.toml --budget-seconds "$seconds_budget") ;;
            *) args=(--space nb201 --benchmark "$table" --strategy "$strategy" --budget 100) ;;
        esac
        start=$(date +%s.%N)
        "$bin" run "${args[@]}" --seed "$seed" --headless --json --storage "$dir/$strategy-$seed.db" \
            > "$dir/$strategy-$seed.jsonl" 2>/dev/null
        end=$(date +%s.%N)
        echo "$start $end" > "$dir/$strategy-$seed.time"
    done
    python3 - "$dir" "$strategy" "$seeds" <<'PY'
import json, statistics, sys
directory, strategy, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3])
optimum = 0.91607
bests, reached, wall, simulated = [], [], [], []
for seed in range(1, seeds + 1):
    trials = [e for e in map(json.loads, open(f"{directory}/{strategy}-{seed}.jsonl")) if e["event"] == "trial"]
    full = [(i + 1, t["accuracy"]) for i, t in enumerate(trials) if t["status"] == "complete" and t.get("fidelity") is None]
    bests.append(max(a for _, a in full) * 100)
    hit = next((q for q, a in full if abs(a - optimum) < 1e-9), None)
    if hit: reached.append(hit)
    start, end = map(float, open(f"{directory}/{strategy}-{seed}.time").read().split())
    wall.append((end - start) * 1000 / len(trials))
    simulated.append(statistics.mean(t["cost_seconds"] or 0 for t in trials))
sd = statistics.stdev(bests) if len(bests) > 1 else 0
hits = f"{len(reached)}/{seeds}" + (f", mean {statistics.mean(reached):.0f} q" if reached else "")
print(f"{strategy:<14} {statistics.mean(bests):.3f} ± {sd:.3f}    {hits:<22} {statistics.mean(wall):<16.0f} {statistics.mean(simulated):.0f}")
PY
done
