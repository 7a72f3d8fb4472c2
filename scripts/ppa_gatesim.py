#!/usr/bin/env python3
"""Gate-level simulation for make ppa (issue 18): the synthesised netlist of a unit, driven cycle by
cycle with the input-port values its RTL instance saw in a real co-simulation (scripts/
ppa_activity.py stimulus), simulated by Icarus Verilog with the library's cell models and their
specify delays if PPA_SPECIFY=1 (-gspecify: glitches inside a cycle are then simulated, as far as
the cells' fixed delays model them; several times slower), otherwise zero-delay (one transition
per net per cycle at most: glitch energy is not counted). Its output ports are compared with the RTL's every cycle (the netlist and
the alignment of the stimulus are checked, not assumed), and every net of the unit is dumped
to a VCD for the toggle count.
"""
from __future__ import annotations

import os
import subprocess

CELLS_V = "/usr/share/qflow/tech/osu018/osu018_stdcells.v"
PERIOD_NS = 200  # simulation clock: longer than any path, so every cycle settles


def write_testbench(path: str, top: str, inputs: list[tuple[str, int]], outputs: list[tuple[str, int]],
                    stim_path: str, ncycles: int, reset_cycles: int = 2, compare_from: int = 2) -> float:
    """Testbench; returns the time (ns) at which cycle 0's inputs are applied. Outputs are compared
    from cycle compare_from on: the centroid-match harness holds its unit in reset for the first two
    cycles of its waves, where the RTL's unreset registers show Verilator's random values."""
    in_w = sum(w for _, w in inputs)
    out_w = sum(w for _, w in outputs)
    half = PERIOD_NS // 2
    decl = [f"  reg  [{w - 1}:0] {n};" for n, w in inputs] + [f"  wire [{w - 1}:0] {n};" for n, w in outputs]
    # The netlist's ports are split into bits (Yosys splitnets -ports: Icarus evaluates every
    # part-select of a vector net when any bit of it changes, quadratic in the width).
    pc = [f"    .clk_i(clk)", f"    .rst_ni(rst_ni)"]
    for n, w in inputs + outputs:
        pc += [f"    .{n}({n})"] if w == 1 else [f"    .\\{n}[{i}] ({n}[{i}])" for i in range(w)]
    conns = ",\n".join(pc)
    in_cat = "{" + ", ".join(n for n, _ in inputs) + "}"
    out_cat = "{" + ", ".join(n for n, _ in outputs) + "}"
    t0 = reset_cycles * PERIOD_NS
    text = f"""`timescale 1ns/10ps
module tb;
  reg clk = 1'b0, rst_ni = 1'b0;
{chr(10).join(decl)}
  reg [{in_w + out_w - 1}:0] mem [0:{ncycles - 1}];
  integer k, b, mismatches, first, bad, unknown;
  reg [{out_w - 1}:0] got;
  {top} dut (
{conns}
  );
  always #{half} clk = ~clk;
  initial begin
    $readmemh("{stim_path}", mem);
    {in_cat} = 0;
    mismatches = 0; first = -1; unknown = 0;
    #({reset_cycles * PERIOD_NS} - 1) rst_ni = 1'b1;
    #1;  // a falling edge: cycle 0's inputs are applied here, its rising edge half a period later
    $dumpfile("{os.path.splitext(stim_path)[0]}.gate.vcd");
    $dumpvars(1, dut);
    for (k = 0; k < {ncycles}; k = k + 1) begin
      {in_cat} = mem[k][{in_w + out_w - 1}:{out_w}];
      #({half} - 1);
      // A bit the netlist knows (0 or 1) must equal the RTL's; an unknown bit is a data register
      // never loaded since reset (Verilator starts those at random values): counted apart.
      got = {out_cat};
      bad = 0;
      for (b = 0; b < {out_w}; b = b + 1) begin
        if (got[b] === 1'bx || got[b] === 1'bz) unknown = unknown + 1;
        else if (got[b] !== mem[k][b]) bad = 1;
      end
      if (bad && k >= {compare_from}) begin
        mismatches = mismatches + 1;
        if (first < 0) first = k;
        if (mismatches <= 8) $display("GATEDIFF cycle %0d gate %h rtl %h", k, got, mem[k][{out_w - 1}:0]);
      end
      #({half} + 1);
    end
    $display("GATESIM cycles=%0d mismatches=%0d first=%0d unknown_bit_cycles=%0d", {ncycles}, mismatches, first, unknown);
    $finish;
  end
endmodule
"""
    open(path, "w").write(text)
    return float(t0)


def pack_stimulus(stim_path: str, widths: list[int], out_path: str) -> int:
    """One hexadecimal word per cycle: the fields of a stimulus line concatenated."""
    n = 0
    with open(stim_path) as f, open(out_path, "w") as o:
        for line in f:
            fields = line.split()
            if not fields:
                continue
            v = 0
            for h, w in zip(fields, widths):
                v = (v << w) | (int(h, 16) & ((1 << w) - 1))
            o.write(format(v, "x") + "\n")
            n += 1
    return n


def run(netlist: str, tb: str, workdir: str, timeout: int) -> str:
    exe = os.path.join(workdir, "gatesim.vvp")
    flags = ["-gspecify"] if os.environ.get("PPA_SPECIFY") == "1" else []
    subprocess.run(["iverilog", "-g2012"] + flags + ["-o", exe, "-s", "tb", tb, netlist, CELLS_V],
                   check=True, timeout=timeout, stderr=subprocess.DEVNULL)
    r = subprocess.run(["vvp", "-n", exe], check=True, capture_output=True, text=True, timeout=timeout)
    line = " | ".join(x for x in r.stdout.splitlines() if x.startswith(("GATESIM", "GATEDIFF")))
    if not line:
        raise SystemExit("ppa: gate-level simulation printed no result:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    return line
