#!/usr/bin/env bash
# `make coverage` (issue 15): line and toggle coverage of the RTL from its unit tests.
#   1. configures BUILD-cov with -DSTARC_RTL_COVERAGE=ON (every Verilated model built with
#      --coverage-line --coverage-toggle) and builds only the tests of the small RTL models:
#      the fp units, the MAC (4 lanes), the centroid-match unit (MaxSel 4 and 16), the timing
#      checker (hbm3-pim and iso timing, and two ranks) and the small channel (with the bank, bank group and MAC
#      front end inside it), and the head-dimension tests (small and 2x2 channels at D = 64, 128,
#      256); not the 64-bank channel;
#   2. runs them with STARC_COVERAGE_DIR set (each Verilated context writes its counts);
#   3. merges the counts (scripts/coverage_summary.py): BUILD/coverage/table.txt,
#      BUILD/coverage/summary.json, BUILD/coverage/merged.dat, and annotated sources in
#      BUILD/coverage/annotated (verilator_coverage --annotate: lines with %000000 never ran).
# Fails when a module in rtl/ is below MIN_LINE percent line coverage (default 95).
set -euo pipefail
BUILD=${1:-build}
MIN_LINE=${MIN_LINE:-95}
JOBS=${JOBS:-$(nproc)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
COV_BUILD=${BUILD}-cov
OUT=$BUILD/coverage
TESTS=(test_fp_units test_mac_rtl test_centroid_match test_timing_rules test_timing_ranks_rtl test_channel test_head_dim)
start=$(date +%s)
cmake -S "$ROOT" -B "$COV_BUILD" -DCMAKE_BUILD_TYPE=Release -DSTARC_RTL_COVERAGE=ON >/dev/null
cmake --build "$COV_BUILD" -j"$JOBS" --target "${TESTS[@]}"
rm -rf "$OUT"
mkdir -p "$OUT/dat"
export STARC_COVERAGE_DIR=$(cd "$OUT/dat" && pwd)
for t in "${TESTS[@]}"; do
  echo "coverage: running $t"
  "$COV_BUILD/tests/$t" --gtest_brief=1
done
python3 "$ROOT/scripts/coverage_summary.py" "$OUT" "$ROOT/rtl" --min-line "$MIN_LINE" "$OUT"/dat/*.dat || status=$?
verilator_coverage --annotate "$OUT/annotated" --annotate-min 1 "$OUT/merged.dat" >/dev/null
echo "coverage: $OUT/table.txt, $OUT/summary.json, annotated sources in $OUT/annotated ($(( $(date +%s) - start )) s)"
exit "${status:-0}"
