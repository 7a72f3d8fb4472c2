#!/usr/bin/env bash
# ctest Waves.*: the GTKWave save files of `make waves` (docs/design.md section 8, "Waves").
#   waves_save_files.sh STARCSIM SOURCE_DIR WORK_DIR check
#     runs the `make waves` command (scripts/waves.sh: dense and STARC, 514 tokens, 2 steps),
#     writes the save files (scripts/waves_gtkw.py) and checks that every signal they name is in
#     the FSTs, every filter file exists, and the phase markers are there (scripts/check_gtkw.py);
#   waves_save_files.sh STARCSIM SOURCE_DIR WORK_DIR planted
#     the checker seen failing: a template with one signal renamed (cmd_op_i -> cmd_opcode_i, as
#     an RTL rename would leave it) must be reported, naming the signal.
set -euo pipefail
STARCSIM=$1 ROOT=$2 WORK=$3 MODE=$4
rm -rf "$WORK" && mkdir -p "$WORK"
"$ROOT/scripts/waves.sh" --run-only "$STARCSIM" "$WORK" > "$WORK/run.log"
case $MODE in
  check)
    python3 "$ROOT/scripts/check_gtkw.py" "$WORK/starc.gtkw" "$WORK/starc_cmatch.gtkw"
    # Phase markers (A..) at the STARC steps' selection, keys and softmax+values, and the view
    # opening on the first STARC step.
    for m in "starc s0 select" "starc s0 keys" "starc s0 softmax+values" "dense s0 keys"; do
      grep -q "^\[markername\] [A-Z]$m\$" "$WORK/starc.gtkw" || { echo "no marker '$m'"; exit 1; }
    done
    start=$(awk -F, 'NR > 1 && $1 == "starc" && $5 == 0 { print $16 * 769 }' "$WORK/starc.csv")
    grep -q "^\*[-0-9.]* $start " "$WORK/starc.gtkw" || { echo "primary marker not at the first STARC step ($start ps)"; exit 1; }
    # Every translate filter names the RTL's encodings: MACAB is command 3 (rtl/pim_pkg.sv).
    grep -qx "3 MACAB" "$WORK/gtkw_cmd_op.txt"
    echo "ok: save files, filters and markers"
    ;;
  planted)
    sed 's/cmd_op_i\[3:0\]/cmd_opcode_i[3:0]/' "$ROOT/sim/starc.gtkw" > "$WORK/planted.gtkw"
    python3 "$ROOT/scripts/waves_gtkw.py" --fst "$WORK/starc.fst" --csv "$WORK/starc.csv" \
      --out-dir "$WORK/planted" --template "starc.gtkw=$WORK/planted.gtkw" > /dev/null
    if python3 "$ROOT/scripts/check_gtkw.py" "$WORK/planted/starc.gtkw" > "$WORK/planted.log"; then
      echo "the checker passed a save file naming a signal that is not in the FST"; exit 1
    fi
    grep -q "signal TOP.pim_channel.cmd_opcode_i\[3:0\] is not in" "$WORK/planted.log"
    echo "ok: the renamed signal was reported: $(grep cmd_opcode_i "$WORK/planted.log")"
    ;;
  *) echo "mode: check or planted"; exit 2 ;;
esac
