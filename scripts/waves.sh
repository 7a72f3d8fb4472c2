#!/usr/bin/env bash
# make waves: a short co-simulation (dense and STARC, 514-token context, two decode steps, budget
# 64) on the Verilated hbm3-pim channel with --waves and --csv, then the GTKWave save files
# (scripts/waves_gtkw.py, from the templates sim/starc.gtkw and sim/starc_cmatch.gtkw) next to
# the FSTs in BUILD/waves, with their translate filters and a marker at each phase's start:
#   starc.gtkw         channel: command bus, per-bank state, MAC datapath, results, checker
#   starc_cmatch.gtkw  the centroid-match unit (its own Verilated model and FST, on the same
#                      time axis: 769 ps per channel cycle)
# Opens GTKWave when a display is available, otherwise prints the commands.
# Usage: scripts/waves.sh [BUILD]
#        scripts/waves.sh --run-only STARCSIM OUT_DIR   (the run and the save files; tests)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--run-only" ]; then
  STARCSIM=$2 OUT=$3 OPEN=0
else
  BUILD=${1:-build}
  STARCSIM=$BUILD/cli/starcsim OUT=$(cd "$BUILD" && pwd)/waves OPEN=1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
FST=$OUT/starc.fst
"$STARCSIM" run --context 514 --steps 2 --budget 64 --policies dense,starc \
  --waves "$FST" --cmd-trace "$OUT/starc.trace" --json "$OUT/starc.json" --csv "$OUT/starc.csv"
python3 "$ROOT/scripts/waves_gtkw.py" --fst "$FST" --csv "$OUT/starc.csv" --out-dir "$OUT"
echo "waves: $FST ($(du -h "$FST" | cut -f1)), $FST.cmatch.fst, trace $OUT/starc.trace, csv $OUT/starc.csv"
[ "$OPEN" = 1 ] || exit 0
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v gtkwave > /dev/null; then
  gtkwave "$OUT/starc.gtkw" &
  gtkwave "$OUT/starc_cmatch.gtkw" &
else
  echo "no display: open them with"
  echo "  gtkwave $OUT/starc.gtkw"
  echo "  gtkwave $OUT/starc_cmatch.gtkw"
fi
