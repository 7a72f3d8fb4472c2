#!/usr/bin/env python3
"""Technology scaling for make ppa (issue 18): A. Stillmaker and B. Baas, "Scaling equations for the
accurate prediction of CMOS device performance from 180 nm to 7 nm", Integration, the VLSI
Journal 58 (2017) 74-81, doi:10.1016/j.vlsi.2017.02.002.

The paper fits, per node, delay as a cubic and energy and power as quadratics in VDD (its fitted
equations, from HSPICE FO4-chain simulations with the PTM models, 180 nm .. 7 nm); the ratio of
a quantity's fit at the target node and voltage to its fit at the source node and voltage
scales a measured figure. Area scales by the paper's per-node area factors. The coefficient
values below are the paper's, as transcribed in the MIT-licensed nodeScale tool (W. Romaszkan,
UCLA NanoCAD Laboratory, 2021); they have not been checked against the paper's PDF here.
"""
from __future__ import annotations

SOURCE = ("Stillmaker & Baas, Integration 58 (2017) 74-81, fitted delay/energy/power equations "
          "(coefficients as transcribed in UCLA NanoCAD's nodeScale)")

# node: (delay a3, a2, a1, a0; energy b2, b1, b0; power c2, c1, c0), VDD in volts
COEFF = {
    "180": (0, 97.09, -356.7, 406.5, 0, 24.64, -17.98, 0, 101000, -79720),
    "HP14": (-40.66, 109.2, -100.6, 35.92, 0.2363, -0.09675, 0.02239, 1675, -711, 159),
    "HP7": (-28.58, 76.6, -70.26, 24.69, 0.1776, -0.09097, 0.02447, 1179, -515.7, 123.4),
}
# Area relative to 180 nm (the paper's area scaling, same transcription): area_node = area_180 / AREA_DIV
AREA_DIV = {"180": 1.0, "HP14": 110.0, "HP7": 320.0}
NOMINAL_VDD = {"180": 1.8, "HP14": 0.8, "HP7": 0.7}  # PTM nominal supplies used by the paper

# The target: the logic (buffer) die of an HBM3-class stack. HBM3 base dies are built in the DRAM
# makers' own processes; the logic base dies announced for HBM4 use TSMC 12 nm-class (N12FFC+)
# and 5 nm-class (N5) processes. The paper's nearest node to 12 nm-class is 14 nm (HP, FinFET,
# 0.8 V), the main target; 7 nm (0.7 V) is printed as the optimistic bound.
TARGET = "HP14"
OTHER = "HP7"


def _delay(node: str, v: float) -> float:
    a3, a2, a1, a0 = COEFF[node][0:4]
    return a3 * v ** 3 + a2 * v ** 2 + a1 * v + a0


def _energy(node: str, v: float) -> float:
    b2, b1, b0 = COEFF[node][4:7]
    return b2 * v ** 2 + b1 * v + b0


def _power(node: str, v: float) -> float:
    c2, c1, c0 = COEFF[node][7:10]
    return c2 * v ** 2 + c1 * v + c0


def factors(node: str, src: str = "180") -> dict[str, dict[str, float | str]]:
    vs, vt = NOMINAL_VDD[src], NOMINAL_VDD[node]
    return {
        "delay": {"factor": _delay(node, vt) / _delay(src, vs),
                  "formula": f"delay_{node}({vt} V) / delay_{src}({vs} V) = {_delay(node, vt):.4g} / {_delay(src, vs):.4g}"},
        "energy": {"factor": _energy(node, vt) / _energy(src, vs),
                   "formula": f"energy_{node}({vt} V) / energy_{src}({vs} V) = {_energy(node, vt):.4g} / {_energy(src, vs):.4g}"},
        "power": {"factor": _power(node, vt) / _power(src, vs),
                  "formula": f"power_{node}({vt} V) / power_{src}({vs} V) = {_power(node, vt):.4g} / {_power(src, vs):.4g}"},
        "area": {"factor": AREA_DIV[src] / AREA_DIV[node], "formula": f"1 / {AREA_DIV[node]:g}"},
    }


if __name__ == "__main__":
    for n in (TARGET, OTHER):
        for k, v in factors(n).items():
            print(n, k, f"{v['factor']:.4g}", v["formula"])
