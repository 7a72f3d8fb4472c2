#!/usr/bin/env bash
# make paper: the paper's performance configuration on the Verilated hbm3-pim channel (64 banks,
# FP16, D = 128, B = 1024) at contexts 16K, 24K and 32K, plus a budget sweep at 16K; prints
# STARC's latency and energy reduction against dense, token-wise and Quest (mean [min .. max]
# over the workload seeds, each run STEPS decode steps) next to the figures of the STARC artifact
# (latency, and energy against full attention; docs/design.md section 12), STARC in three
# variants (the paper's cluster layout with the flat selection, the striped layout with the flat
# selection, and the default: striped layout, hierarchical selection), and writes the plots
# (scripts/plots.sh: latency from zero with each policy's physical limit, energy, cycles by phase).
# The default is the robust one: 5 seeds x 2 steps (single steps vary: STARC against Quest moves
# by tens of percent from step to step). QUICK=1: one seed, one step, in BUILD/paper-quick, for a
# first look.
# Usage: scripts/paper.sh [BUILD]   (env: QUICK=1; STEPS decode steps per run, default 2; SEEDS
#        synthetic workload seeds, default "1 2 3 4 5" (context and budget runs); CONTEXTS,
#        BUDGETS to override the sweeps; OUT output directory, default BUILD/paper)
set -euo pipefail
BUILD=${1:-build}
STARCSIM=$BUILD/cli/starcsim
if [ "${QUICK:-0}" = 1 ]; then
  OUT=${OUT:-$BUILD/paper-quick} STEPS=${STEPS:-1} SEEDS=${SEEDS:-1}
else
  OUT=${OUT:-$BUILD/paper} STEPS=${STEPS:-2} SEEDS=${SEEDS:-"1 2 3 4 5"}
fi
CONTEXTS=${CONTEXTS:-"16384 24576 32768"}
BUDGETS=${BUDGETS:-"256 512 2048"}
POLICIES=dense,tokenwise,quest,starc
mkdir -p "$OUT"
# Results of an earlier run with other seeds or steps would be averaged in: start clean.
rm -f "$OUT"/ctx-*.json "$OUT"/variant-*.json "$OUT"/budget-*.json "$OUT"/*.txt "$OUT"/model.*
echo "paper: seeds $SEEDS, $STEPS step(s) per run, output $OUT"
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
# Dense reads every token whatever the budget: the budget runs leave it out, and
# paper_summary.py takes dense from the 16K context run (same seed, workload and steps).
for s in $SEEDS; do
  for b in $BUDGETS; do
    run "budget-$b-seed$s" "${POLICIES#dense,}" --context 16384 --steps "$STEPS" --budget "$b" --seed "$s"
  done
done
echo "(runs took $(( $(date +%s) - start )) s; tables in $OUT/*.txt)"
python3 "$(dirname "$0")/paper_summary.py" "$OUT"
"$(dirname "$0")/plots.sh" "$OUT"
# The system-level table (issue 13): scripts/paper_model.sh; MODEL=0 leaves it out.
if [ "${MODEL:-1}" != 0 ]; then
  CONTEXTS="$CONTEXTS" "$(dirname "$0")/paper_model.sh" "$BUILD" "$OUT"
fi
