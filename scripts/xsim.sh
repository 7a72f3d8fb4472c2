#!/usr/bin/env bash
# `make xsim` (issue 15): the MAC unit (16 lanes) and the centroid-match unit (MaxSel 16) under a
# second simulator, Icarus Verilog (iverilog -g2012), on the same RTL and the same vector files as
# their Verilated builds, and the results compared byte for byte:
#   1. tests/xsim_vectors.cpp writes XSIM_MAC random MAC operations and XSIM_CMATCH random
#      selections (seed XSIM_SEED) to BUILD/xsim/*.vec;
#   2. xsim_vectors run-mac / run-cmatch run them on the Verilated models (results also checked
#      against the golden model) -> *.verilator;
#   3. tests/xsim/tb_pim_mac.sv and tb_centroid_match.sv read the same files under Icarus
#      -> *.icarus;
#   4. cmp; then the speed: CPU seconds (user + sys, process start and file parsing included) of
#      each simulator on the same vectors, and Verilator's speed over Icarus's.
# Usage: scripts/xsim.sh BUILD (xsim_vectors built in BUILD; `make xsim` does that).
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAC_N=${XSIM_MAC:-3000}
CM_N=${XSIM_CMATCH:-300}
SEED=${XSIM_SEED:-1}
OUT=$BUILD/xsim
X=$BUILD/tests/xsim_vectors
RTL=$ROOT/rtl
mkdir -p "$OUT"
"$X" gen-mac "$OUT/mac.vec" "$MAC_N" "$SEED"
"$X" gen-cmatch "$OUT/cmatch.vec" "$CM_N" "$SEED"
iverilog -g2012 -o "$OUT/tb_pim_mac.vvp" -s tb_pim_mac "$RTL/pim_pkg.sv" "$RTL/pim_mac_front.sv" \
  "$RTL/pim_mac.sv" "$ROOT/tests/xsim/tb_pim_mac.sv"
iverilog -g2012 -o "$OUT/tb_centroid_match.vvp" -s tb_centroid_match "$RTL/pim_pkg.sv" \
  "$RTL/centroid_match.sv" "$ROOT/tests/xsim/tb_centroid_match.sv"

# cpu_seconds FILE CMD...: runs CMD, writes its CPU seconds (user + sys) to FILE.
cpu_seconds() {
  local file=$1
  shift
  local TIMEFORMAT='%3U %3S'
  { time "$@" >/dev/null 2>"$file.log"; } 2>"$file.tmp" || { cat "$file.log" >&2; return 1; }
  awk '{ printf "%.3f\n", $1 + $2 }' "$file.tmp" >"$file"
  rm -f "$file.tmp"
}

status=0
for unit in mac cmatch; do
  if [ $unit = mac ]; then vvp=tb_pim_mac.vvp; run=run-mac; what="$MAC_N MAC operations"
  else vvp=tb_centroid_match.vvp; run=run-cmatch; what="$CM_N centroid-match selections"; fi
  cpu_seconds "$OUT/$unit.verilator.cpu" "$X" "$run" "$OUT/$unit.vec" "$OUT/$unit.verilator"
  cpu_seconds "$OUT/$unit.icarus.cpu" vvp -n "$OUT/$vvp" "+vectors=$OUT/$unit.vec" "+out=$OUT/$unit.icarus"
  lines=$(wc -l <"$OUT/$unit.verilator")
  tv=$(cat "$OUT/$unit.verilator.cpu"); ti=$(cat "$OUT/$unit.icarus.cpu")
  if cmp -s "$OUT/$unit.verilator" "$OUT/$unit.icarus"; then
    verdict="identical ($lines result lines)"
  else
    verdict="DIFFER: $(cmp "$OUT/$unit.verilator" "$OUT/$unit.icarus" | head -1)"
    status=1
  fi
  ratio=$(awk -v a="$ti" -v b="$tv" 'BEGIN { if (b < 0.001) b = 0.001; printf "%.0f", a / b }')
  echo "xsim $unit: $what: Verilator and Icarus $verdict; CPU Verilator ${tv} s, Icarus ${ti} s: Verilator ${ratio}x faster"
done
exit $status
