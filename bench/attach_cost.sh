#!/usr/bin/env bash
# What watching costs: a tabular study with 10,000 finished trials goes on headless (about a
# thousand trials a second), once alone and once with `nas-tui attach` in tmux following it.
# Prints the engine's trials per second both ways and the attached process's CPU (% of one core).
# Rounds alternate alone and watched; the last line gives the medians over the rounds.
# Usage: bench/attach_cost.sh [nas-tui binary] [seconds per measurement, default 20] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/nas-tui}
seconds=${2:-20}
rounds=${3:-2}
dir=$(mktemp -d)
table=demo/benchmarks/nb201_cifar10_subset.csv
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
finished() { "$bin" studies --storage "$1" --json | sed -E 's/.*"trials":([0-9]+).*/\1/'; }

measure() { # $1 study, $2 attach (yes/no) -> "trials_per_second attach_cpu_percent"
    local study=$1 attach=$2 before after pid apid a0 a1 session=nas-tui-cost-$$
    "$bin" run --headless --resume --budget 100000000 --storage "$study" 2>/dev/null &
    pid=$!
    sleep 2
    if [ "$attach" = yes ]; then
        tmux new-session -d -s "$session" -x 160 -y 50 "$bin attach --storage $study"
        sleep 2
        apid=$(pgrep -f "^$bin attach --storage $study" | head -1)  # the TUI itself, not the tmux process whose arguments name it
        a0=$(cpu_ticks "$apid")
    fi
    before=$(finished "$study")
    sleep "$seconds"
    after=$(finished "$study")
    local cpu="-"
    if [ "$attach" = yes ]; then
        a1=$(cpu_ticks "$apid")
        cpu=$(awk -v a="$a0" -v b="$a1" -v t="$ticks" -v s="$seconds" 'BEGIN { printf "%.1f", (b - a) / t / s * 100 }')
        tmux send-keys -t "$session" q; sleep 1; tmux kill-session -t "$session" 2>/dev/null || true
    fi
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    echo "$(awk -v a="$before" -v b="$after" -v s="$seconds" 'BEGIN { printf "%.0f", (b - a) / s }') $cpu"
}

study=$dir/cost.db
"$bin" run --headless --space nb201 --benchmark "$table" --strategy random --budget 10000 --storage "$study" 2>/dev/null
echo "study with $(finished "$study") finished trials; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
slowdowns=() cpus=()
for round in $(seq 1 "$rounds"); do
    read -r alone _ < <(measure "$study" no)
    read -r watched cpu < <(measure "$study" yes)
    slower=$(awk -v a="$alone" -v w="$watched" 'BEGIN { printf "%.1f", (1 - w / a) * 100 }')
    slowdowns+=("$slower") cpus+=("$cpu")
    echo "round $round: engine alone $alone trials/s, watched $watched trials/s ($slower % slower), attach CPU $cpu % of a core; study at $(finished "$study") trials"
done
median() { printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "median of $rounds rounds: engine $(median "${slowdowns[@]}") % slower watched, attach CPU $(median "${cpus[@]}") % of a core"
rm -rf "$dir"
