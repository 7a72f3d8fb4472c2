#!/usr/bin/env bash
# Yosys generic synthesis (`synth; stat`) of the main RTL units at their default parameters,
# printing the cell counts.
set -euo pipefail
cd "$(dirname "$0")/.."
# Units to synthesise; add a module here when it should be reported.
TOPS=(${SYNTH_TOPS:-pim_mac centroid_match})
files=(rtl/pim_pkg.sv)
for f in rtl/*.sv; do [ "$f" = rtl/pim_pkg.sv ] || files+=("$f"); done
if [ ${#TOPS[@]} -eq 0 ]; then
  echo "synth: no units listed" >&2
  exit 1
fi
for top in "${TOPS[@]}"; do
  echo "== synth $top"
  yosys -q -p "read_verilog -sv ${files[*]}; synth -top $top; tee -o /dev/stdout stat" \
    | sed -n '/Number of cells/,/^$/p'
done
