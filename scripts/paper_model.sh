#!/usr/bin/env bash
# The system-level table of `make paper` (issue 13, docs/design.md section 14): LLaMA-2-7B,
# batch 16, the paper's 640-channel HBM3-PIM system, B = 1024, contexts CONTEXTS (default 16K, 24K,
# 32K): MODEL_SAMPLE head-steps per context (default 256 of 16384, drawn uniformly; 0: all,
# exact, hours: run it as a sweep of shards) on the fast engine with MODEL_JOBS threads, MODEL_RTL
# of them (default 2) also co-simulated on the RTL; table in OUT/model.txt, JSON, CSV, plots.
# QUICK=1: 32 head-steps, 1 on the RTL. Usage: scripts/paper_model.sh [BUILD] [OUT]
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-$BUILD/paper}
STARCSIM=$BUILD/cli/starcsim
CONTEXTS=${CONTEXTS:-"16384 24576 32768"}
if [ "${QUICK:-0}" = 1 ]; then MODEL_SAMPLE=${MODEL_SAMPLE:-32} MODEL_RTL=${MODEL_RTL:-1}; fi
SAMPLE=${MODEL_SAMPLE:-256} RTL=${MODEL_RTL:-2} JOBS=${MODEL_JOBS:-2}
mkdir -p "$OUT"
rm -f "$OUT"/model.*
start=$(date +%s)
set -x
"$STARCSIM" model --model llama2-7b --system hbm3-pim --batch 16 --context "${CONTEXTS// /,}" --budget 1024 \
  --sample "$SAMPLE" --rtl-sample "$RTL" --jobs "$JOBS" --json "$OUT/model.json" --csv "$OUT/model.csv" > "$OUT/model.txt"
set +x
cat "$OUT/model.txt"
echo "(system table: $(( $(date +%s) - start )) s)"
"$(dirname "$0")/model_plots.sh" "$OUT"
