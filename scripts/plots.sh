#!/usr/bin/env bash
# Draws the plots of a `make paper` output directory (ctx.dat, budget.dat, util.dat written by
# phases.dat, phases_sparse.dat, written by scripts/paper_summary.py) with gnuplot: SVG and PNG next
# to the data.
set -euo pipefail
OUT=${1:-build/paper}
for f in ctx.dat budget.dat phases.dat phases_sparse.dat util.dat; do
  [ -f "$OUT/$f" ] || { echo "plots: $OUT/$f missing (run make paper first)" >&2; exit 1; }
done
gnuplot -e "OUT='$OUT'" "$(dirname "$0")/plots.gp"
echo "plots: $(ls "$OUT"/*.svg "$OUT"/*.png | tr '\n' ' ')"
