#!/usr/bin/env bash
# Records the screen of a short tabular run with tmux (capture-pane) into demo/screen.txt, the
# text the README shows. Usage: demo/record.sh [nas-tui binary]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/nas-tui}
session=nas-tui-demo-$$
study=$(mktemp -d)/demo.db
tmux new-session -d -s "$session" -x 132 -y 40 "$bin run --config demo/nb201_tabular.toml --budget 400000 --storage $study"
sleep 4
tmux send-keys -t "$session" p
sleep 0.5
tmux capture-pane -t "$session" -p > demo/screen.txt
tmux send-keys -t "$session" q
sleep 1
tmux kill-session -t "$session" 2>/dev/null || true
echo "wrote demo/screen.txt"
