#!/usr/bin/env python3
"""Writes the GTKWave save files of a `starcsim run --waves F.fst --csv F.csv` run (make waves;
docs/design.md section 8, "Waves"), next to each other in OUT_DIR:

  starc.gtkw, starc_cmatch.gtkw   from the templates sim/starc.gtkw, sim/starc_cmatch.gtkw
  gtkw_cmd_op.txt, ...            translate filter files (value -> name) of every encoded field,
                                  generated from rtl/pim_pkg.sv and rtl/centroid_match.sv, so that
                                  the names cannot drift from the RTL's encodings
  gtkw_fp16.py, gtkw_bf16.py      translate filter processes: a 16-bit operand shown as its value

From the CSV (one row per policy and step, with the cycle each phase starts at) it places a named
marker at the start of each policy's selection, key, softmax and value phase (A, B, C, ...; at most
26, first steps first) and opens the view on the first STARC step (else the first step). The waves'
time base is 769 ps per cycle (sim/verilated_model.hpp), so a marker at cycle c is at c x 769 ps.

Template placeholders: @FST@ (the dump file), @DIR@ (OUT_DIR, absolute), @TIMESTART@ (before
[size]: GTKWave ignores it after), @VIEW@ (after [pos]: zoom, primary and named markers), @PROC_FP16@ / @PROC_BF16@ (the filter processes), and in a signal line
`@WORD32 SIGNAL[MSB:0] K@`: the 32 bits of word K (bits 32K+31 .. 32K) of a wide vector, as a
GTKWave bit list `(i)SIGNAL` (i counts from the MSB), `@HALF16 SIGNAL[MSB:0] K@` likewise for
16-bit element K.

Usage: waves_gtkw.py --fst F.fst [--csv F.csv] --out-dir DIR [--root REPO]
       [--template NAME=PATH ...]   (tests: another template for a save file)
Standard library only."""
import argparse
import csv
import math
import os
import re
import sys

TCK_PS = 769          # contracts/dram_timing.hpp kTckPs
WAVE_PIXELS = 1100    # wave area of a 1600-pixel window with the signal panes of the templates
# GTKWave 3.3.118 shows 2^-zoom / ZOOM_SCALE time units per pixel (measured under Xvfb: zoom -18
# gives 1311 ps per pixel on this 1 ps FST).
ZOOM_SCALE = 200.0
PHASES = [("selection", "selection_start", "select"), ("keys", "keys_start", "keys"),
          ("softmax", "softmax_start", "softmax"), ("values", "values_start", "values")]


def pkg_params(path, prefix):
    """{NAME: value} of `localparam ... PREFIXNAME = N'dV;` (or plain integers) in an RTL file."""
    out = {}
    pat = re.compile(r"localparam\s+(?:logic|int)\s*(?:\[[^\]]*\])?\s*(" + prefix +
                     r"\w+)\s*=\s*(?:\d+'[dDhHbB])?([0-9a-fA-F_]+)\s*;")
    with open(path) as f:
        for line in f:
            m = pat.search(line)
            if m:
                name, val = m.group(1), m.group(2).replace("_", "")
                base = 16 if "'h" in line.lower() else 2 if "'b" in line.lower() else 10
                out[name] = int(val, base)
    return out


def filters(root):
    """{file name: [(value, label)]} of every encoded field the save files translate. Values are
    written as GTKWave prints them in hexadecimal (zero-padded to the signal's width)."""
    pkg = os.path.join(root, "rtl", "pim_pkg.sv")
    ops = pkg_params(pkg, "OP_")
    rules = pkg_params(pkg, "RULE_")
    fmts = pkg_params(pkg, "FMT_")
    modes = pkg_params(pkg, "MODE_")
    states = pkg_params(os.path.join(root, "rtl", "centroid_match.sv"), "St")
    if len(ops) < 9 or len(rules) < 16 or len(fmts) < 2 or len(modes) < 2 or len(states) < 3:
        sys.exit(f"waves_gtkw: encodings not found in {pkg} / centroid_match.sv "
                 f"(OP_ {len(ops)}, RULE_ {len(rules)}, FMT_ {len(fmts)}, MODE_ {len(modes)}, St {len(states)})")
    out = {
        "gtkw_cmd_op.txt": [(f"{v:x}", k[3:]) for k, v in sorted(ops.items(), key=lambda kv: kv[1])],
        "gtkw_mode.txt": [(f"{v:x}", k[5:].lower()) for k, v in sorted(modes.items(), key=lambda kv: kv[1])],
        "gtkw_fmt.txt": [(f"{v:x}", k[4:].lower()) for k, v in sorted(fmts.items(), key=lambda kv: kv[1])],
        "gtkw_cm_state.txt": [(f"{v:x}", k[2:].lower()) for k, v in sorted(states.items(), key=lambda kv: kv[1])],
    }
    # The timing checker's 16-bit rule mask: one name per single broken rule, 0000 = none.
    rule = [("0000", "-")]
    for k, v in sorted(rules.items(), key=lambda kv: kv[1]):
        rule.append((f"{1 << v:04x}", k[5:]))
    out["gtkw_rule.txt"] = rule
    return out


FP_FILTER = '''#!/usr/bin/env python3
"""GTKWave translate filter process (written by scripts/waves_gtkw.py): each input line is a
16-bit {fmt} value as GTKWave prints it in hexadecimal; each output line is its value."""
import math
import struct
import sys


def value(bits):
{body}


for line in sys.stdin:
    text = line.strip()
    try:
        out = value(int(text, 16))
    except ValueError:  # x, z or an empty value
        out = text
    sys.stdout.write(out + "\\n")
    sys.stdout.flush()
'''
FP16_BODY = '''    sign = -1.0 if bits & 0x8000 else 1.0
    e, m = (bits >> 10) & 0x1F, bits & 0x3FF
    if e == 0x1F:
        return "nan" if m else ("-inf" if sign < 0 else "inf")
    v = sign * (m * 2.0 ** -24 if e == 0 else (1 + m / 1024.0) * 2.0 ** (e - 15))
    return f"{v:.6g}"'''
BF16_BODY = '''    v = struct.unpack(">f", struct.pack(">I", bits << 16))[0]
    return "nan" if math.isnan(v) else f"{v:.6g}"'''


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def view(rows):
    """Lines of the save file's view: time start, zoom and named markers."""
    markers = []
    for r in rows:
        starts = []
        for phase, col, short in PHASES:
            if col not in r or r[col] == "":
                continue
            if phase == "selection" and r.get("selection_cycles", "0") == "0":
                continue
            cycle = int(r[col])
            # The softmax takes 0 cycles: its marker and the value phase's, a cycle or two
            # apart, would print over each other; one marker names both.
            if starts and cycle - starts[-1][0] <= 4:
                starts[-1] = (starts[-1][0], starts[-1][1] + "+" + short)
            else:
                starts.append((cycle, short))
        for cycle, short in starts:
            if len(markers) < 26:
                markers.append((cycle * TCK_PS, f"{r['policy']} s{r['step']} {short}"))
    focus = next((r for r in rows if r["policy"] == "starc"), rows[0] if rows else None)
    if focus is None:
        zoom = -math.log2(200 * TCK_PS / WAVE_PIXELS * ZOOM_SCALE)  # the first 200 cycles
        return ["[timestart] 0", f"*{zoom:.6f} -1 " + " ".join(["-1"] * 26)]
    start = int(focus["start_cycle"]) * TCK_PS
    end = (int(focus["end_cycle"]) + 1) * TCK_PS
    span = max(end - start, 1) * 1.08  # the step and a margin
    zoom = -math.log2(span / WAVE_PIXELS * ZOOM_SCALE)
    # GTKWave moves a view that would end after the dump's last time back to 0: keep it inside
    # (the last dump is half a cycle before the last step's end cycle).
    dump_end = max(int(r["end_cycle"]) for r in rows) * TCK_PS - TCK_PS // 2
    t0 = max(0, min(int(start - 0.05 * span), int(dump_end - 1.3 * span)))
    named = [str(t) for t, _ in markers] + ["-1"] * (26 - len(markers))
    lines = [f"[timestart] {t0}", f"*{zoom:.6f} {start} " + " ".join(named)]
    for i, (_, name) in enumerate(markers):
        lines.append(f"[markername] {chr(ord('A') + i)}{name}")
    return lines


def bits_of(sig, width, k):
    """GTKWave bit list of element k (`width` bits, from bit 0) of vector SIG[MSB:0]."""
    m = re.match(r"^(.*)\[(\d+):0\]$", sig)
    if not m:
        sys.exit(f"waves_gtkw: {sig}: a word needs a [MSB:0] vector")
    msb = int(m.group(2))
    hi = width * k + width - 1
    if hi > msb:
        sys.exit(f"waves_gtkw: {sig}: element {k} of {width} bits is outside [{msb}:0]")
    return " ".join(f"({msb - b}){sig}" for b in range(hi, hi - width, -1))


def run_lines(rows):
    """Comment lines naming what ran: each policy with its layout and controller mode, its steps."""
    seen = {}
    for r in rows:
        seen.setdefault(r["policy"], (r["layout"], r["mode"], []))[2].append(
            f"s{r['step']} cycles {r['start_cycle']}..{r['end_cycle']}")
    return [f"[*] {p}: layout {lay}, controller {mode}; {', '.join(steps)}"
            for p, (lay, mode, steps) in seen.items()]


def render(template, fst, out_dir, view_lines, comments=()):
    with open(template) as f:
        text = f.read()
    first, _, rest = text.partition("\n")
    text = "\n".join([first, *comments, rest])
    text = text.replace("@FST@", fst).replace("@DIR@", out_dir)
    text = text.replace("@PROC_FP16@", os.path.join(out_dir, "gtkw_fp16.py"))
    text = text.replace("@PROC_BF16@", os.path.join(out_dir, "gtkw_bf16.py"))
    text = text.replace("@TIMESTART@", view_lines[0]).replace("@VIEW@", "\n".join(view_lines[1:]))
    text = re.sub(r"@WORD32 (\S+) (\d+)@", lambda m: bits_of(m.group(1), 32, int(m.group(2))), text)
    text = re.sub(r"@HALF16 (\S+) (\d+)@", lambda m: bits_of(m.group(1), 16, int(m.group(2))), text)
    left = re.findall(r"@[A-Z0-9_]+[ @]", text)
    if left:
        sys.exit(f"waves_gtkw: {template}: unknown placeholder(s) {sorted(set(left))}")
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fst", required=True)
    ap.add_argument("--csv", help="the run's --csv file (phase markers, view); without it: no markers, "
                    "the view from time 0 (e.g. for `starcsim dense --waves`)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--template", action="append", default=[], help="NAME=PATH (replaces sim/NAME)")
    a = ap.parse_args()
    out_dir = os.path.abspath(a.out_dir)
    fst = os.path.abspath(a.fst)
    os.makedirs(out_dir, exist_ok=True)
    for name, entries in filters(a.root).items():
        with open(os.path.join(out_dir, name), "w") as f:
            f.write("# GTKWave translate filter (scripts/waves_gtkw.py, from the RTL's encodings)\n")
            f.writelines(f"{v} {label}\n" for v, label in entries)
    for name, body, fmt in (("gtkw_fp16.py", FP16_BODY, "fp16 (binary16)"),
                            ("gtkw_bf16.py", BF16_BODY, "bf16 (bfloat16)")):
        path = os.path.join(out_dir, name)
        with open(path, "w") as f:
            f.write(FP_FILTER.format(fmt=fmt, body=body))
        os.chmod(path, 0o755)
    rows = read_rows(a.csv) if a.csv else []
    lines = view(rows)
    templates = {"starc.gtkw": (fst, os.path.join(a.root, "sim", "starc.gtkw")),
                 "starc_cmatch.gtkw": (fst + ".cmatch.fst", os.path.join(a.root, "sim", "starc_cmatch.gtkw"))}
    for spec in a.template:
        name, _, path = spec.partition("=")
        if name not in templates:
            sys.exit(f"waves_gtkw: --template {spec}: no save file {name}")
        templates[name] = (templates[name][0], path)
    for name, (dump, template) in templates.items():
        with open(os.path.join(out_dir, name), "w") as f:
            f.write(render(template, dump, out_dir, lines, run_lines(rows)))
    print(f"save files: {' '.join(os.path.join(out_dir, n) for n in templates)} "
          f"({len([l for l in lines if l.startswith('[markername]')])} phase markers)")


if __name__ == "__main__":
    main()
