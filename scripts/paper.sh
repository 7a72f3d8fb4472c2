#!/usr/bin/env bash
# make paper: the paper's performance configuration on the Verilated hbm3-pim channel (64 banks,
# FP16, D = 128, B = 1024) at contexts 16K, 24K and 32K, plus a budget sweep at 16K; prints
# STARC's latency and energy reduction against dense, token-wise and Quest next to the figures
# of the STARC artifact (docs/design.md section 12), STARC in three variants (the paper's cluster
# layout with the flat selection, the striped layout with the flat selection, and the default:
# striped layout, hierarchical selection), and writes plots (scripts/plots.sh).
# Usage: scripts/paper.sh [BUILD]   (env: STEPS decode steps per run, default 1; SEEDS synthetic
#        workload seeds of the context runs, default 1 (the budget runs use the first);
#        CONTEXTS, BUDGETS to override the sweeps; OUT output directory)
set -euo pipefail
BUILD=${1:-build}
STARCSIM=$BUILD/cli/starcsim
OUT=${OUT:-$BUILD/paper}
STEPS=${STEPS:-1}
SEEDS=${SEEDS:-1}
CONTEXTS=${CONTEXTS:-"16384 24576 32768"}
BUDGETS=${BUDGETS:-"256 512 2048"}
POLICIES=dense,tokenwise,quest,starc
mkdir -p "$OUT"
run() {  # name, policies, extra args...
  local name=$1 policies=$2; shift 2
  echo "== $STARCSIM run $* --policies $policies --json $OUT/$name.json"
  "$STARCSIM" run "$@" --policies "$policies" --json "$OUT/$name.json" > "$OUT/$name.txt"
}
start=$(date +%s)
for s in $SEEDS; do
  for c in $CONTEXTS; do
    run "ctx-$c-seed$s" "$POLICIES" --context "$c" --steps "$STEPS" --budget 1024 --seed "$s"
    # STARC as in the paper (the paper's clustering, cluster layout, flat selection) and the same
    # clusters on the striped layout with the flat selection, next to the default (window
    # clustering, striped layout, hierarchical selection; docs/design.md section 6).
    run "variant-cluster-flat-$c-seed$s" starc --clustering paper --layout cluster --selection flat --context "$c" --steps "$STEPS" --budget 1024 --seed "$s"
    run "variant-striped-flat-$c-seed$s" starc --clustering paper --layout striped --selection flat --context "$c" --steps "$STEPS" --budget 1024 --seed "$s"
  done
done
first_seed=${SEEDS%% *}
# Dense reads every token whatever the budget: the budget runs leave it out, and
# paper_summary.py takes dense from the 16K context run (same seed, workload and steps).
for b in $BUDGETS; do
  run "budget-$b" "${POLICIES#dense,}" --context 16384 --steps "$STEPS" --budget "$b" --seed "$first_seed"
done
echo "(runs took $(( $(date +%s) - start )) s; tables in $OUT/*.txt)"
python3 "$(dirname "$0")/paper_summary.py" "$OUT"
"$(dirname "$0")/plots.sh" "$OUT"
