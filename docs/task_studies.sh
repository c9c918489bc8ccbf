#!/usr/bin/env bash
# The task studies of docs/tasks.md (the copy task and the adding problem at this machine's size),
# as they were run: every command is `deno task train --task …` with the settings below, one job at
# a time (--workers 1), in two queues that run side by side on the two cores:
#   bash docs/task_studies.sh a & bash docs/task_studies.sh b & wait
# Shared settings: 40 hidden units, embedding 16 (copy), batch 20, Adam, gradient-norm clipping 1,
# 2,000 steps, dev loss every 100 steps, Xavier initialisation; the LSTM and GRU at lr 0.01 with a
# forget (update) gate bias of 1 or chrono (T_max 3T/2 for copy, T for adding); the IRNN with its
# own settings (lr 0.001, clipping 10). Each run folder ends with tasks.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--hidden 40 --embed 16 --batch-size 20 --eval-steps 100 --steps 2000 --workers 1)
gated=(--lr 0.01 --clip 1)
run() { local name=$1; shift; deno task train --out "runs/tasks/$name" "${common[@]}" "$@"; }

case "${1:-}" in
a)
  run copy-lstm-T500          --task copy --cells lstm --lengths 500 --seeds 0,1,2 "${gated[@]}" --forget-bias 1
  run copy-lstm-chrono-T500   --task copy --cells lstm --lengths 500 --seeds 0,1,2 "${gated[@]}" --gate-init chrono
  run copy-gru                --task copy --cells gru --lengths 100,200,500 "${gated[@]}" --forget-bias 1
  run copy-irnn               --task copy --cells irnn --lengths 100,200,500
  ;;
b)
  run adding-T200-400         --task adding --cells lstm,gru --lengths 200,400 "${gated[@]}" --forget-bias 1
  run adding-lstm-chrono-T750 --task adding --cells lstm --lengths 750 "${gated[@]}" --gate-init chrono
  run adding-T100-750         --task adding --cells lstm,gru --lengths 100,750 "${gated[@]}" --forget-bias 1
  run copy-lstm-T100-200      --task copy --cells lstm --lengths 100,200 "${gated[@]}" --forget-bias 1
  run copy-lstm-chrono-T100-200 --task copy --cells lstm --lengths 100,200 "${gated[@]}" --gate-init chrono
  run adding-irnn             --task adding --cells irnn --lengths 100,200
  ;;
*)
  echo "usage: bash docs/task_studies.sh a|b" >&2
  exit 2
  ;;
esac
