#!/usr/bin/env bash
# Lints every RTL module with Verilator (--lint-only -Wall), Icarus (-g2012) and Yosys
# (read_verilog -sv). Any warning or error from any tool fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
RTL=rtl
PKG=$RTL/pim_pkg.sv
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mods=()
for f in "$RTL"/*.sv; do
  [ "$f" = "$PKG" ] && continue
  mods+=("$(basename "$f" .sv)")
done
# Top-level parameters per module (Verilator -G, Icarus -P, Yosys -chparam). pim_channel and
# pim_timing_checker are linted with 2 bank groups: every line and generate branch is the same
# as at the 64-bank default, which took 70 s of Verilator lint and 45 s of Yosys `proc` each
# (2 min for `make lint` in all); the default is elaborated in full by the build
# (sim/CMakeLists.txt, verilate -Wall).
small_org="PseudoChannels=1 Ranks=1 BankGroups=2"
declare -A params=([pim_channel]="$small_org" [pim_timing_checker]="$small_org")
for m in "${mods[@]}"; do
  vparams=() iparams=()
  for p in ${params[$m]:-}; do vparams+=("-G$p"); iparams+=("-P$m.$p"); done
  # Verilator: the module as top, other modules found by file name in rtl/.
  if ! verilator --lint-only -Wall -y "$RTL" "$RTL/lint.vlt" "$PKG" "$RTL/$m.sv" --top-module "$m" \
       "${vparams[@]}" >"$log" 2>&1 \
     || [ -s "$log" ]; then
    echo "lint: verilator: $m"; cat "$log"; fail=1
  fi
  # Icarus: elaborate the module as root.
  if ! iverilog -g2012 -o /dev/null -y "$RTL" -Y .sv "${iparams[@]}" "$PKG" "$RTL/$m.sv" -s "$m" >"$log" 2>&1 \
     || [ -s "$log" ]; then
    echo "lint: iverilog: $m"; cat "$log"; fail=1
  fi
done
# Yosys: read every file once, then elaborate each module as top from a saved copy;
# warnings count as failures.
all_files=("$PKG")
for m in "${mods[@]}"; do all_files+=("$RTL/$m.sv"); done
script="read_verilog -sv ${all_files[*]}; design -save base"
for m in "${mods[@]}"; do
  yparams=""
  for p in ${params[$m]:-}; do yparams+=" -chparam ${p%%=*} ${p#*=}"; done
  script+="; design -load base; hierarchy -check$yparams -top $m; proc"
done
if ! yosys -q -p "$script" >"$log" 2>&1 || grep -qi "warning" "$log"; then
  echo "lint: yosys"; cat "$log"; fail=1
fi
if [ $fail -eq 0 ]; then
  echo "lint: ${#mods[@]} modules clean on verilator, iverilog and yosys"
fi
exit $fail
