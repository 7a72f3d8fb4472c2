#!/usr/bin/env python3
"""RTL coverage summary (issue 15, `make coverage`, scripts/coverage.sh).

Merges the Verilator coverage files (SystemC::Coverage-3 text, one per Verilated context of the
test run) by point, over every instance and every parameterisation of a module (the hierarchy is
dropped, pim_mac__L10_S10_C2 counts as pim_mac), and writes:
  OUT/merged.dat     the merged counts (input of verilator_coverage --annotate)
  OUT/table.txt      per module of rtl/: line and toggle points covered, percentages
  OUT/summary.json   {module: {line_pct, toggle_pct, line_points, toggle_points,
                     uncovered_lines: ["file:line (what)", ...]}}
"Line" is Verilator's --coverage-line: its block points (v_line) and branch points (v_branch).
Exit status 1 when a module is below --min-line percent (0: report only).

usage: coverage_summary.py OUT RTL_DIR [--min-line PCT] FILE.dat...
"""
import argparse
import json
import os
import re
import sys
from collections import defaultdict

SEP_KEY, SEP_VAL = "\x01", "\x02"


def parse_point(text):
    fields = {}
    for part in text.split(SEP_KEY):
        if SEP_VAL in part:
            k, v = part.split(SEP_VAL, 1)
            fields[k] = v
    return fields


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("rtl_dir")
    ap.add_argument("--min-line", type=float, default=0.0)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    line_re = re.compile(r"^C '(.*)' (\d+)$")
    counts = defaultdict(int)  # point text without the hierarchy -> count
    for path in a.files:
        with open(path, encoding="latin-1") as f:
            for line in f:
                m = line_re.match(line.rstrip("\n"))
                if not m:
                    continue
                # Drop the hierarchy and fold parameterised copies (page v_line/pim_mac__L10_S10_C2)
                # into their module: a point is covered when any instance of any build covers it.
                parts = []
                for p in m.group(1).split(SEP_KEY):
                    if not p or p.startswith("h" + SEP_VAL):
                        continue
                    if p.startswith("page" + SEP_VAL):
                        p = p.split("__", 1)[0]
                    parts.append(p)
                counts[SEP_KEY + SEP_KEY.join(parts)] += int(m.group(2))
    with open(os.path.join(a.out, "merged.dat"), "w", encoding="latin-1") as f:
        f.write("# SystemC::Coverage-3\n")
        for k, v in counts.items():
            f.write(f"C '{k}' {v}\n")
    rtl = os.path.realpath(a.rtl_dir)
    mods = defaultdict(lambda: {"line": [0, 0], "toggle": [0, 0], "uncovered": []})
    for key, n in counts.items():
        p = parse_point(key)
        page = p.get("page", "")
        kind, _, module = page.partition("/")
        src = os.path.realpath(p.get("f", ""))
        if not src.startswith(rtl + os.sep):
            continue
        m = mods[module]
        if kind in ("v_line", "v_branch"):
            m["line"][1] += 1
            if n > 0:
                m["line"][0] += 1
            else:
                m["uncovered"].append((os.path.basename(src), int(p.get("l", 0)), p.get("S", p.get("l", "")),
                                       p.get("o", "")))
        elif kind == "v_toggle":
            m["toggle"][1] += 1
            if n > 0:
                m["toggle"][0] += 1
    pct = lambda c: 100.0 * c[0] / c[1] if c[1] else 100.0
    summary, rows, low = {}, [], []
    for module in sorted(mods):
        m = mods[module]
        unc = sorted(set(m["uncovered"]))
        summary[module] = {
            "line_pct": round(pct(m["line"]), 2),
            "toggle_pct": round(pct(m["toggle"]), 2),
            "line_points": {"covered": m["line"][0], "total": m["line"][1]},
            "toggle_points": {"covered": m["toggle"][0], "total": m["toggle"][1]},
            "uncovered_lines": [f"{f}:{s} ({o})" for f, _, s, o in unc],
        }
        rows.append((module, m["line"], m["toggle"]))
        if pct(m["line"]) < a.min_line:
            low.append(module)
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    lines = [f"{'module':<22} {'line %':>7} {'(points)':>12} {'toggle %':>9} {'(points)':>14}"]
    for module, l, t in rows:
        lines.append(f"{module:<22} {pct(l):7.2f} {l[0]:>5}/{l[1]:<6} {pct(t):9.2f} {t[0]:>6}/{t[1]:<7}")
    lines.append("")
    for module in sorted(summary):
        unc = summary[module]["uncovered_lines"]
        if unc:
            lines.append(f"{module}: not covered: " + ", ".join(unc))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "table.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    if low:
        sys.stdout.write(f"below {a.min_line}% line coverage: {', '.join(low)}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
