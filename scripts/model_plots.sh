#!/usr/bin/env bash
# Plots of a `starcsim model` CSV (make paper's system-level table, docs/design.md section 14):
# attention latency and energy of one decode step of the whole model versus context, per policy,
# error bars = the estimate's 5% .. 95% range (a sampled run) or none (exact). SVG and PNG next to
# the CSV. Usage: scripts/model_plots.sh OUT (reads OUT/model.csv, writes OUT/model.dat and
# OUT/model_{latency,energy}_vs_context.{svg,png}).
set -euo pipefail
OUT=${1:-build/paper}
[ -f "$OUT/model.csv" ] || { echo "model_plots: $OUT/model.csv missing" >&2; exit 1; }
python3 - "$OUT" <<'PY'
import csv, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/model.csv")))
policies = ["dense", "tokenwise", "quest", "starc"]
by = {}
for r in rows:
    by.setdefault(int(r["context"]), {})[r["policy"]] = r
with open(f"{out}/model.dat", "w") as f:
    f.write("# context, then per policy (dense tokenwise quest starc): latency us mean lo hi, energy uJ mean lo hi\n")
    for c in sorted(by):
        cols = [str(c)]
        for p in policies:
            r = by[c].get(p)
            if r is None:
                cols += ["NaN"] * 6
                continue
            us = 0.769e-3
            cols += [f"{float(r['latency_cycles'])*us:.3f}", f"{float(r['latency_lo'])*us:.3f}", f"{float(r['latency_hi'])*us:.3f}",
                     f"{float(r['energy_attacc_pj'])*1e-6:.3f}", f"{float(r['energy_lo'])*1e-6:.3f}", f"{float(r['energy_hi'])*1e-6:.3f}"]
        f.write(" ".join(cols) + "\n")
PY
gnuplot -e "OUT='$OUT'" "$(dirname "$0")/model_plots.gp"
echo "model plots: $OUT/model_latency_vs_context.svg $OUT/model_energy_vs_context.svg (and .png)"
