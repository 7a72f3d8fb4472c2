#!/usr/bin/env python3
"""Unit tests of make ppa's pieces (issue 18) on tiny inputs, against hand-computed values:
the liberty energy model, the fan-out buffering, the port sampling of a VCD, the scaling.
Needs the OSU 0.18 um liberty (qflow-tech-osu018); skipped without it. Run by ctest."""
from __future__ import annotations

import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import ppa_activity  # noqa: E402
import ppa_buffer  # noqa: E402
import ppa_power  # noqa: E402
import ppa_scaling  # noqa: E402

LIB = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"

TINY = """module t(clk_i, a, y);
  input clk_i;
  input a;
  output y;
  wire n1;
  wire n2;
  INVX1 u1 (.A(a), .Y(n1));
  DFFPOSX1 r1 (.CLK(clk_i), .D(n1), .Q(n2));
  INVX1 u2 (.A(n2), .Y(y));
endmodule
"""


@unittest.skipUnless(os.path.exists(LIB), "qflow-tech-osu018 not installed")
class PowerModelTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.net = os.path.join(self.dir, "t.v")
        open(self.net, "w").write(TINY)
        self.m = ppa_power.PowerModel(LIB, self.net)

    def test_area_and_leakage_are_the_cells_sums(self):
        # INVX1 area 16, leakage 0.0221741 nW; DFFPOSX1 area 96, leakage 0.160725 nW
        self.assertAlmostEqual(self.m.area, 16 + 96 + 16)
        self.assertAlmostEqual(self.m.leakage_w, (2 * 0.0221741 + 0.160725) * 1e-9)

    def test_switching_is_half_c_v_squared_of_the_loads(self):
        # n1 drives the DFF's D (0.00882947 pF): one toggle = 1/2 x 0.00882947 x 1.8^2 pJ
        e = self.m.energy({"n1": 1})
        self.assertAlmostEqual(e["switching"], 0.5 * 0.00882947 * 1.8 ** 2, places=9)
        self.assertGreater(e["internal"], 0)  # INVX1's output tables and the DFF's D pin

    def test_clock_is_every_flip_flop_every_cycle(self):
        clk = self.m.clock_energy_per_cycle()
        self.assertAlmostEqual(clk["switching"], 0.0279235 * 1.8 ** 2, places=9)  # C V^2: rise and fall
        # DFFPOSX1 CLK passive tables at 0.1 ns: rise 0.006865..0.006943, fall 0.11034..0.129769
        rise = 0.006865 + (0.006943 - 0.006865) * (0.1 - 0.06) / 0.18
        fall = 0.11034 + (0.129769 - 0.11034) * (0.1 - 0.06) / 0.18
        self.assertAlmostEqual(clk["internal"], rise + fall, places=9)

    def test_unknown_nets_cost_nothing(self):
        self.assertEqual(self.m.energy({"no_such_net": 5}), {"switching": 0.0, "internal": 0.0})


class BufferTest(unittest.TestCase):
    def test_fanout_above_16_gets_a_tree_and_every_load_is_driven(self):
        d = tempfile.mkdtemp()
        loads = "\n".join(f"  INVX1 u{i} (.A(a), .Y(y{i}));" for i in range(40))
        wires = "\n".join(f"  output y{i};" for i in range(40))
        src, dst = os.path.join(d, "in.v"), os.path.join(d, "out.v")
        open(src, "w").write(f"module f(clk_i, a);\n  input clk_i;\n  input a;\n{wires}\n{loads}\nendmodule\n")
        self.assertEqual(ppa_buffer.main(src, dst), 0)
        out = open(dst).read()
        # 40 loads: 3 buffers of at most 16 loads each, driven by a
        self.assertEqual(out.count("BUFX4"), 3)
        self.assertEqual(out.count(".A(a)"), 3)
        for i in range(40):
            self.assertRegex(out, rf"INVX1 u{i} \(\.A\(a__fo1_{i // 16} ?\)")


class StimulusTest(unittest.TestCase):
    def test_ports_are_sampled_before_each_rising_edge(self):
        # Three dumps per cycle as the centroid-match harness writes them: inputs (clock low), rising
        # edge, falling edge; an extra dump (reset) in between shifts the edges to odd and even times.
        d = tempfile.mkdtemp()
        vcd = os.path.join(d, "w.vcd")
        open(vcd, "w").write("""$timescale 1ps $end
$scope module top $end
$scope module u $end
$var wire 1 ! clk_i $end
$var wire 4 " x_i [3:0] $end
$var wire 1 # y_o $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
0!
b0 "
0#
#1
b101 "
#2
1!
1#
#3
0!
#4
#5
b11 "
#6
1!
0#
#7
0!
""")
        out = os.path.join(d, "s.txt")
        n = ppa_activity.stimulus(vcd, "u", ["x_i"], ["y_o"], out)
        self.assertEqual(n, 2)
        self.assertEqual(open(out).read().split("\n")[:2], ["5 0", "3 1"])


class ScalingTest(unittest.TestCase):
    def test_factors_are_the_fitted_equations_ratios(self):
        f = ppa_scaling.factors("HP14")
        e180 = 24.64 * 1.8 - 17.98
        e14 = 0.2363 * 0.8 ** 2 - 0.09675 * 0.8 + 0.02239
        self.assertAlmostEqual(f["energy"]["factor"], e14 / e180, places=12)
        d180 = 97.09 * 1.8 ** 2 - 356.7 * 1.8 + 406.5
        d14 = -40.66 * 0.8 ** 3 + 109.2 * 0.8 ** 2 - 100.6 * 0.8 + 35.92
        self.assertAlmostEqual(f["delay"]["factor"], d14 / d180, places=12)
        self.assertAlmostEqual(f["area"]["factor"], 1 / 110)
        # the figure the rtl energy model uses (host/energy_model.hpp)
        self.assertAlmostEqual(f["energy"]["factor"], 0.003649, places=6)


if __name__ == "__main__":
    unittest.main()
