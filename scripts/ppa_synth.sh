#!/usr/bin/env bash
# make ppa, step 1 (issue 18): Yosys synthesis of one RTL unit onto the OSU 0.18 um standard cells
# (qflow-tech-osu018): `synth` (hierarchy kept, so that `stat -liberty` gives the area by block),
# `dfflibmap` and `abc -liberty` (ABC_FLAGS adds flags, e.g. -D 5000), then a flat copy of the
# netlist, every net split into bits (Icarus simulates bit-split netlists orders of magnitude
# faster), for scripts/ppa_buffer.py, OpenSTA and the gate-level simulation.
#   scripts/ppa_synth.sh TOP OUTDIR [CHPARAM...]     e.g. scripts/ppa_synth.sh centroid_match build/ppa MaxSel=64
# Writes OUTDIR/TOP.stat (stat -liberty), OUTDIR/TOP.v (flat mapped netlist), OUTDIR/TOP.synth.log.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOP=$1; OUT=$2; shift 2
LIB=${OSU018_LIB:-/usr/share/qflow/tech/osu018/osu018_stdcells.lib}
[ -f "$LIB" ] || { echo "ppa: $LIB missing (Debian package qflow-tech-osu018; make deps)" >&2; exit 1; }
mkdir -p "$OUT"
files=("$ROOT/rtl/pim_pkg.sv")
for f in "$ROOT"/rtl/*.sv; do [ "$f" = "$ROOT/rtl/pim_pkg.sv" ] || files+=("$f"); done
chparam=""
for p in "$@"; do chparam+="chparam -set ${p%%=*} ${p#*=} $TOP; "; done
yosys -q -l "$OUT/$TOP.synth.log" -p "read_verilog -sv ${files[*]}; $chparam
  synth -top $TOP; dfflibmap -liberty $LIB; abc ${ABC_FLAGS:-} -liberty $LIB; opt_clean -purge;
  tee -q -o $OUT/$TOP.stat stat -liberty $LIB;
  flatten; splitnets -ports; opt_clean -purge; setundef -zero;
  write_verilog -noattr -noexpr $OUT/$TOP.v" > /dev/null
