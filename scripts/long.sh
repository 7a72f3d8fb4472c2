#!/usr/bin/env bash
# make long: the long-context sweep of issue 12 on the Verilated hbm3-pim channel (64 banks, FP16,
# D = 128, B = 2048): every policy at contexts 16K .. 1M (one run per context: the KV source and
# the exact reference are built once for all policies), plus STARC with its centroid stripes in
# per-group rows (--hier-rows group --hier-cover 2) and with the paper's flat selection; writes
# JSON per point, wall time and peak memory per run, a summary table and gnuplot plots of cycles
# per step and of each phase's share per policy (scripts/long.gp).
# Usage: scripts/long.sh [BUILD]   (env: CONTEXTS, BUDGET (2048), STEPS (1), SEED (1), OUT
#        (BUILD/long), DENSE_MAX: the largest context dense and token-wise run at (default
#        1048576, all; each reads every key: 1.9 M cycles at 1M, about 3 min of simulation))
set -euo pipefail
BUILD=${1:-build}
STARCSIM=$BUILD/cli/starcsim
OUT=${OUT:-$BUILD/long}
CONTEXTS=${CONTEXTS:-"16384 65536 131072 262144 1048576"}
BUDGET=${BUDGET:-2048}
STEPS=${STEPS:-1}
SEED=${SEED:-1}
DENSE_MAX=${DENSE_MAX:-1048576}
mkdir -p "$OUT"
run() {  # name, policies, extra args...
  local name=$1 policies=$2; shift 2
  echo "== $STARCSIM run $* --policies $policies --json $OUT/$name.json"
  local t0; t0=$(date +%s.%N)
  /usr/bin/time -f "%e %M" -o "$OUT/$name.time" \
    "$STARCSIM" run "$@" --policies "$policies" --json "$OUT/$name.json" > "$OUT/$name.txt"
  read -r wall rss < "$OUT/$name.time"
  echo "   wall $wall s, peak RSS $((rss / 1024)) MB"
}
start=$(date +%s)
for c in $CONTEXTS; do
  policies=oracle,quest,starc
  [ "$c" -le "$DENSE_MAX" ] && policies=dense,oracle,tokenwise,quest,starc
  common=(--context "$c" --steps "$STEPS" --budget "$BUDGET" --seed "$SEED")
  run "ctx-$c" "$policies" "${common[@]}"
  run "starc-only-$c" starc "${common[@]}"
  run "starc-grouprows-$c" starc "${common[@]}" --hier-rows group --hier-cover 2
  run "starc-flat-$c" starc "${common[@]}" --selection flat
done
echo "(runs took $(( $(date +%s) - start )) s; tables in $OUT/*.txt)"
python3 "$(dirname "$0")/long_summary.py" "$OUT"
gnuplot -e "OUT='$OUT'" "$(dirname "$0")/long.gp"
echo "plots: $(ls "$OUT"/*.svg "$OUT"/*.png | tr '\n' ' ')"
