#!/usr/bin/env bash
# Fashion-MNIST, end to end on this machine within a wall-clock budget:
#   1. search CNNs on a small proxy (demo/fashion_mnist.toml), stopped at its time share;
#   2. retrain the best on all 60,000 training images, for as many epochs as fit in what is left
#      of the budget (one short timed epoch first), with crop, flip and label smoothing, and save
#      the model (ONNX, safetensors, model.py);
#   3. print the retraining's `train --json` result (test accuracy on the 10,000 test images) as
#      the last line.
# Usage: bash demo/fashion_pipeline.sh [nas-tui binary]
# Environment (defaults in brackets): MINUTES [50] in all, SEARCH_MINUTES [8], CONFIG
# [demo/fashion_mnist.toml] the search, OUT [runs/fashion-<time>] (the study, the genotype, the
# model, the log), TRAIN_LIMIT [60000] images to retrain on (smaller only for a quick try);
# for a DARTS-cell search (CONFIG=demo/fashion_darts_cells.toml) the retrained width and depth,
# CHANNELS [16] and LAYERS [5].
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/nas-tui}
minutes=${MINUTES:-50}
search_minutes=${SEARCH_MINUTES:-8}
config=${CONFIG:-demo/fashion_mnist.toml}
channels=${CHANNELS:-16}
layers=${LAYERS:-5}
train_limit=${TRAIN_LIMIT:-60000}
out=${OUT:-runs/fashion-$(date +%Y%m%d-%H%M%S)}
recipe=(--crop-padding 2 --horizontal-flip --label-smoothing 0.1)

[ -x "$bin" ] || { echo "fashion_pipeline: $bin is not an executable (build it with make build, or pass the binary)" >&2; exit 2; }
[ -f "$config" ] || { echo "fashion_pipeline: CONFIG=$config is not a file (a search config such as demo/fashion_mnist.toml)" >&2; exit 2; }
for value in "$minutes" "$search_minutes" "$channels" "$layers" "$train_limit"; do
    [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "fashion_pipeline: '$value' is not a positive whole number (MINUTES, SEARCH_MINUTES, CHANNELS, LAYERS, TRAIN_LIMIT)" >&2; exit 2; }
done
(( search_minutes < minutes )) || { echo "fashion_pipeline: SEARCH_MINUTES=$search_minutes leaves nothing of MINUTES=$minutes to retrain" >&2; exit 2; }
[ ! -e "$out" ] || { echo "fashion_pipeline: $out exists; choose another OUT" >&2; exit 2; }
mkdir -p "$out"
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }

# 1. The search: timeout's SIGTERM at its time share stops it at the next batch (timeout exits
# 124; 143 if the TERM came from elsewhere); every finished trial is in the study.
echo "== search: $config for at most $search_minutes min" >&2
status=0
timeout -s TERM "$((search_minutes * 60))" "$bin" run --config "$config" --headless \
    --storage "$out/search.db" --study fashion 2> "$out/search.log" || status=$?
[ "$status" = 0 ] || [ "$status" = 143 ] || [ "$status" = 124 ] || { tail -n 5 "$out/search.log" >&2; exit "$status"; }
"$bin" studies --storage "$out/search.db" >&2
"$bin" export --storage "$out/search.db" --study fashion --format json --out "$out/best.json"
if grep -q '"space":"darts"' "$out/best.json"; then
    "$bin" export --storage "$out/search.db" --study fashion --format darts --out "$out/best.darts.txt"
fi
echo "best architecture after $(elapsed) s: $(cat "$out/best.json")" >&2

# 2. Time one epoch of 4,000 images (or all, if fewer), then fit the epochs to what is left.
# (--config gives a chain genotype its space; --channels and --layers size a darts or nb201 cell.)
train=("$bin" train --genotype "$out/best.json" --config "$config" --channels "$channels" --layers "$layers"
       --dataset fashion-mnist --train-limit "$train_limit" "${recipe[@]}")
timed_images=$(( train_limit < 4000 ? train_limit : 4000 ))
timed=$("${train[@]}" --epochs 1 --train-limit "$timed_images" --test-limit 500 --json | tail -n 1)
per_epoch=$(echo "$timed" | grep -o '"train_seconds":[0-9.]*' | cut -d: -f2)
left=$(( minutes * 60 - $(elapsed) ))
# An epoch costs train_limit / timed_images times the timed one, and 1.1 times more for margin
# (real epochs took 0.87-0.99 of the scaled time, DARTS cells and CNNs); 60 s are kept for the
# test pass and saving.
epoch_seconds=$(awk -v t="$per_epoch" -v n="$train_limit" -v m="$timed_images" 'BEGIN { printf "%.0f", 1.1 * t * n / m }')
epochs=$(awk -v left="$left" -v e="$epoch_seconds" 'BEGIN { k = int((left - 60) / (e > 0 ? e : 1)); print (k < 1 ? 1 : k) }')
echo "== retrain: $train_limit images, $epochs epochs of about $epoch_seconds s, $left s left" >&2
result=$("${train[@]}" --epochs "$epochs" --save "$out/model" --json | tail -n 1)
echo "== done in $(elapsed) s (search and retraining); model in $out/model" >&2
echo "$result"
