#!/usr/bin/env python3
"""Fan-out buffering of a flat, bit-split netlist for make ppa (issue 18).

Yosys 0.23's ABC maps logic but does not buffer the fan-out of its inputs, which include every
flip-flop output: the pipeline's valid/mode bits and the accumulator index drive hundreds to
thousands of gates directly (fan-out up to ~1500), and OpenSTA then times those nets at tens of
nanoseconds, far outside the library's tables. A placement-and-routing flow would repair them
with buffer trees; this script does the same, simply: every net with more than MAX_FANOUT loads
(the clock and the reset excepted: the clock is ideal, the reset is not timed) gets a balanced
tree of BUFX4 cells, at most MAX_FANOUT loads per buffer. The buffers are real library cells: the
timing, the area and the energy (simulated and counted like every other cell) include them.

  scripts/ppa_buffer.py IN.v OUT.v      (prints the buffers added)
"""
from __future__ import annotations

import re
import sys

MAX_FANOUT = 16
BUF, BUF_IN, BUF_OUT = "BUFX4", "A", "Y"
SKIP = {"clk_i", "rst_ni"}
OUTPUT_PINS = {"Y", "Q", "YC", "YS"}  # the library's output pin names


def esc(name: str) -> str:
    return name if re.match(r"^[A-Za-z_][A-Za-z0-9_$]*$", name) else "\\" + name + " "


def main(src: str, dst: str) -> int:
    text = open(src).read()
    head = text[:text.index(";", text.index("module")) + 1]
    decls = re.findall(r"^\s*(?:input|output|wire)\s+[^;]*;", text, re.M)
    insts = []
    for m in re.finditer(r"^\s*(\w+)\s+(\\\S+\s|\S+)\s*\((.*?)\);", text, re.M | re.S):
        if m.group(1) in ("module", "assign", "wire", "input", "output", "reg"):
            continue
        conns = [(c.group(1), c.group(2).strip()) for c in re.finditer(r"\.(\w+)\(([^()]*)\)", m.group(3))]
        insts.append([m.group(1), m.group(2).strip(), conns])
    if re.search(r"^\s*assign\s", text, re.M):
        raise SystemExit("ppa_buffer: the netlist has assign statements; split and clean it first")
    loads: dict[str, list[tuple[int, int]]] = {}
    for i, (_cell, _name, conns) in enumerate(insts):
        for k, (pin, net) in enumerate(conns):
            if pin not in OUTPUT_PINS and net and not re.match(r"^\d+'", net):
                loads.setdefault(net, []).append((i, k))
    new_wires, new_insts, nbuf = [], [], 0
    for net, ls in loads.items():
        bare = net.lstrip("\\").strip()
        if len(ls) <= MAX_FANOUT or bare in SKIP:
            continue
        level = ls  # the pins still to drive
        depth = 0
        while len(level) > MAX_FANOUT:
            depth += 1
            nxt = []
            for g in range(0, len(level), MAX_FANOUT):
                w = f"{bare}__fo{depth}_{g // MAX_FANOUT}"
                new_wires.append(f"  wire {esc(w)};")
                for (i, k) in level[g:g + MAX_FANOUT]:
                    if i >= 0:
                        insts[i][2][k] = (insts[i][2][k][0], esc(w))
                    else:
                        new_insts[-i - 1][2][0] = (BUF_IN, esc(w))
                new_insts.append([BUF, f"fo_buf_{nbuf}", [(BUF_IN, net), (BUF_OUT, esc(w))]])
                nbuf += 1
                nxt.append((-len(new_insts), 0))
            level = nxt
    body = [head] + decls + new_wires
    def ref(n: str) -> str:  # an escaped identifier ends at white space
        return n.rstrip() + " " if n.startswith("\\") else n
    for cell, name, conns in insts + new_insts:
        body.append(f"  {cell} {ref(name)} (" + ", ".join(f".{p}({ref(n)})" for p, n in conns) + ");")
    body.append("endmodule")
    open(dst, "w").write("\n".join(body) + "\n")
    print(f"ppa_buffer: {nbuf} {BUF} added (fan-out > {MAX_FANOUT})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
