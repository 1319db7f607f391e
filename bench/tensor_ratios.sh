#!/usr/bin/env bash
# Alternates `nas-tui bench --json` and bench/reference_torch.py ROUNDS times (2 threads each)
# and prints, per workload, the runs, the medians and the ratio nas-tui / PyTorch, and each
# process's peak resident memory (GNU time; W2's supernet is what sets it).
#   usage: bash bench/tensor_ratios.sh [NAS_TUI_BINARY] [PYTHON_WITH_TORCH] [ROUNDS]
set -euo pipefail
bin=${1:-.build/release/nas-tui}
python=${2:-python3}
rounds=${3:-5}
[ -x "$bin" ] || { echo "tensor_ratios: $bin is not an executable; build it with 'make build'" >&2; exit 2; }
"$python" -c 'import torch' 2>/dev/null || { echo "tensor_ratios: $python cannot import torch; pass a Python that has PyTorch" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "tensor_ratios: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$rounds"); do
    /usr/bin/time -f '%M' -o "$out/ours_mem_$r" "$bin" bench --json --threads 2 > "$out/ours_$r.json"
    /usr/bin/time -f '%M' -o "$out/torch_mem_$r" "$python" "$here/reference_torch.py" --json --threads 2 > "$out/torch_$r.json"
    echo "round $r of $rounds done" >&2
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def runs(side):
    return [json.load(open(f"{out}/{side}_{r}.json")) for r in range(1, rounds + 1)]
def memory(side):
    return [int(open(f"{out}/{side}_mem_{r}").read().split()[-1]) / 1024 for r in range(1, rounds + 1)]
ours, torch = runs("ours"), runs("torch")
print(f"PyTorch {torch[0].get('torch', '?')}, {rounds} alternated rounds, 2 threads")
for key in ("W1_cnn_train_step_ms", "W2_darts_search_step_ms", "W3_nb201_fwd_bwd_ms"):
    a, b = [r[key] for r in ours], [r[key] for r in torch]
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{key[:2]}: nas-tui {ma:.1f} ms {['%.1f' % v for v in a]}  PyTorch {mb:.1f} ms {['%.1f' % v for v in b]}  ratio {ma / mb:.3f}")
ma, mb = statistics.median(memory("ours")), statistics.median(memory("torch"))
print(f"peak memory: nas-tui {ma:.0f} MB, PyTorch {mb:.0f} MB, ratio {ma / mb:.2f}")
print("sgemm GFLOP/s 256/512/1024 (median): " + " / ".join(
    f"{statistics.median(r[f'sgemm_{n}_gflops'] for r in ours):.0f}" for n in (256, 512, 1024)))
PY
