#!/usr/bin/env bash
# Lints every RTL module with Verilator (--lint-only -Wall), Icarus (-g2012) and Yosys
# (read_verilog -sv). Any warning or error from any tool fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
RTL=rtl
PKG=$RTL/pim_pkg.sv
fail=0
log=$(mktemp)
ylog=$(mktemp)
trap 'rm -f "$log" "$ylog"' EXIT
mods=()
for f in "$RTL"/*.sv; do
  [ "$f" = "$PKG" ] && continue
  mods+=("$(basename "$f" .sv)")
done
# Top-level parameters per module (Verilator -G, Icarus -P, Yosys -chparam): small
# configurations with every line and generate branch of the defaults (2 bank groups, 4 lanes,
# a 16-entry selection). At the defaults Yosys elaborates and `proc`s one inlined copy of the
# floating-point functions per lane (1024 in the channel): minutes, where these take seconds.
# The defaults are elaborated in full by the build (sim/CMakeLists.txt, verilate -Wall).
small_org="PseudoChannels=1 Ranks=1 BankGroups=2"
declare -A params=([pim_channel]="$small_org Lanes=4" [pim_timing_checker]="$small_org"
                   [pim_bank_group]="Lanes=4" [pim_bank]="Lanes=4" [pim_mac]="Lanes=4"
                   [pim_mac_front]="Lanes=4" [centroid_match]="MaxSel=16 MaxClusters=256")
# Yosys (in the background, on the second core, while Verilator and Icarus run below): read
# every file once (-defer: no elaboration at the default parameters), then elaborate each
# module as top from a saved copy; warnings count as failures.
all_files=("$PKG")
for m in "${mods[@]}"; do all_files+=("$RTL/$m.sv"); done
script="read_verilog -sv -defer ${all_files[*]}; design -save base"
for m in "${mods[@]}"; do
  yparams=""
  for p in ${params[$m]:-}; do yparams+=" -chparam ${p%%=*} ${p#*=}"; done
  script+="; design -load base; hierarchy -check$yparams -top $m; proc"
done
yosys -q -p "$script" >"$ylog" 2>&1 &
ypid=$!
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
if ! wait "$ypid" || grep -qi "warning" "$ylog"; then
  echo "lint: yosys"; cat "$ylog"; fail=1
fi
if [ $fail -eq 0 ]; then
  echo "lint: ${#mods[@]} modules clean on verilator, iverilog and yosys"
fi
exit $fail
