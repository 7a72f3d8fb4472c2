#!/usr/bin/env bash
# make waves: a short co-simulation (dense and STARC, 512-token context, one decode step, budget
# 64) on the Verilated hbm3-pim channel with --waves, then GTKWave with the save files:
#   sim/starc.gtkw        channel: command bus, per-bank state, MAC datapath, results, checker
#   sim/starc_cmatch.gtkw the centroid-match unit (its own Verilated model, its own FST)
# Opens GTKWave when a display is available, otherwise prints the commands.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STARCSIM=$BUILD/cli/starcsim
OUT=$(cd "$BUILD" && pwd)/waves
mkdir -p "$OUT"
FST=$OUT/starc.fst
"$STARCSIM" run --context 513 --steps 1 --budget 64 --policies dense,starc \
  --waves "$FST" --cmd-trace "$OUT/starc.trace" --json "$OUT/starc.json"
# The save files name the dump files relative to themselves; copy them next to the FSTs.
sed "s|@FST@|$FST|" "$ROOT/sim/starc.gtkw" > "$OUT/starc.gtkw"
sed "s|@FST@|$FST.cmatch.fst|" "$ROOT/sim/starc_cmatch.gtkw" > "$OUT/starc_cmatch.gtkw"
echo "waves: $FST ($(du -h "$FST" | cut -f1)), $FST.cmatch.fst, trace $OUT/starc.trace"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v gtkwave > /dev/null; then
  gtkwave "$OUT/starc.gtkw" &
  gtkwave "$OUT/starc_cmatch.gtkw" &
else
  echo "no display: open them with"
  echo "  gtkwave $OUT/starc.gtkw"
  echo "  gtkwave $OUT/starc_cmatch.gtkw"
fi
