#!/usr/bin/env python3
"""Gate-level power of a mapped netlist from per-net toggle counts (make ppa, issue 18).

The Debian 12 OpenSTA (2.0.17, 2019) ignores per-pin activities (`set_power_activity -pins`
fails with `get_pins_error`; `sta::set_power_pin_activity` is accepted but not used: its debug
trace shows the default activity on those pins), so the power from *measured* activity is
computed here, with the same liberty tables OpenSTA uses:

  switching  = sum over nets    toggles x 1/2 x C_load x VDD^2
               (C_load: the input-pin capacitances of the net's loads; no wire load, as
               OpenSTA without parasitics)
  internal   = sum over outputs toggles x (rise_power + fall_power) / 2      (per transition)
             + sum over inputs  toggles x (rise_power + fall_power) / 2      (passive tables)
               every table at the net's load and one input transition time (SLEW_NS);
               arcs of several related pins are averaged; `when` conditions are averaged
             + clock: every flip-flop's CLK pin rises and falls once per cycle
               (rise_power + fall_power of the CLK pin's passive table) and the ideal clock
               net's capacitance C_clk x VDD^2 per cycle (no clock tree: not synthesised)
  leakage    = sum of cell_leakage_power (the library gives one value per cell)

Liberty units of osu018_stdcells.lib: time 1 ns, capacitance 1 pF, leakage 1 nW, internal
energy in pJ per transition (an INVX1 transition into 0.01 pF: about 0.016 pJ internal, and
1/2 C V^2 = 0.016 pJ switching). In its debug trace (`sta::set_debug power 2`), OpenSTA 2.0.17
multiplies rise_power + fall_power by the transition rate, twice the per-transition mean used
here; its `report_power` internal figures are printed by make ppa for reference only.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

SLEW_NS = 0.1  # input transition time used for every table look-up (ns)


# ---- liberty ------------------------------------------------------------------------------------
@dataclass
class Table:
    idx1: list[float]
    idx2: list[float] | None
    values: list[list[float]]

    def at(self, x1: float, x2: float | None = None) -> float:
        def interp(xs: list[float], x: float) -> tuple[int, float]:
            if len(xs) == 1:
                return 0, 0.0
            i = max(0, min(len(xs) - 2, bisect.bisect_right(xs, x) - 1))
            t = (x - xs[i]) / (xs[i + 1] - xs[i])
            return i, max(0.0, min(1.0, t))  # clamp: no extrapolation
        i, ti = interp(self.idx1, x1)
        if self.idx2 is None:
            row = self.values[0]
            j = min(i + 1, len(row) - 1)
            return row[i] + (row[j] - row[i]) * ti
        j, tj = interp(self.idx2, x2 if x2 is not None else 0.0)
        v = self.values
        i1, j1 = min(i + 1, len(v) - 1), min(j + 1, len(v[0]) - 1)
        a = v[i][j] + (v[i][j1] - v[i][j]) * tj
        b = v[i1][j] + (v[i1][j1] - v[i1][j]) * tj
        return a + (b - a) * ti


@dataclass
class Pin:
    direction: str = "input"
    cap: float = 0.0
    clock: bool = False
    # internal power: list of (related pin or "", rise table, fall table)
    power: list[tuple[str, Table | None, Table | None]] = field(default_factory=list)


@dataclass
class Cell:
    name: str
    area: float = 0.0
    leakage_nw: float = 0.0
    pins: dict[str, Pin] = field(default_factory=dict)
    sequential: bool = False


def _nums(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"[-+0-9.eE]+", text)]


def parse_liberty(path: str) -> tuple[dict[str, Cell], float]:
    """Cells with area, leakage, pin capacitances and internal-power tables; the nominal VDD."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S).replace("\\\n", " ")
    vdd = float(re.search(r"nom_voltage\s*:\s*([0-9.]+)", text).group(1))
    # Templates: the default index of a table that gives none.
    templates: dict[str, tuple[list[float], list[float] | None]] = {}
    for m in re.finditer(r"(?:power_lut_template|lu_table_template)\s*\(\s*(\w+)\s*\)\s*\{(.*?)\}", text, re.S):
        i1 = re.search(r'index_1\s*\(\s*"([^"]*)"', m.group(2))
        i2 = re.search(r'index_2\s*\(\s*"([^"]*)"', m.group(2))
        templates[m.group(1)] = (_nums(i1.group(1)) if i1 else [], _nums(i2.group(1)) if i2 else None)
    cells: dict[str, Cell] = {}
    pos = 0
    cell_re = re.compile(r"\bcell\s*\(\s*(\w+)\s*\)\s*\{")
    while (m := cell_re.search(text, pos)) is not None:
        body, pos = _block(text, m.end() - 1)
        cell = Cell(m.group(1))
        a = re.search(r"\barea\s*:\s*([0-9.eE+-]+)", body)
        cell.area = float(a.group(1)) if a else 0.0
        lk = re.search(r"cell_leakage_power\s*:\s*([0-9.eE+-]+)", body)
        cell.leakage_nw = float(lk.group(1)) if lk else 0.0
        cell.sequential = re.search(r"\b(ff|latch)\s*\(", body) is not None
        ppos = 0
        pin_re = re.compile(r"\bpin\s*\(\s*(\w+)\s*\)\s*\{")
        while (pm := pin_re.search(body, ppos)) is not None:
            pbody, ppos = _block(body, pm.end() - 1)
            pin = Pin()
            d = re.search(r"direction\s*:\s*(\w+)", pbody)
            pin.direction = d.group(1) if d else "input"
            c = re.search(r"\bcapacitance\s*:\s*([0-9.eE+-]+)", pbody)
            pin.cap = float(c.group(1)) if c else 0.0
            pin.clock = re.search(r"clock\s*:\s*true", pbody) is not None
            ipos = 0
            ip_re = re.compile(r"internal_power\s*\(\s*\)\s*\{")
            while (im := ip_re.search(pbody, ipos)) is not None:
                ibody, ipos = _block(pbody, im.end() - 1)
                rel = re.search(r'related_pin\s*:\s*"(\w+)"', ibody)
                tabs = {}
                for kind in ("rise_power", "fall_power"):
                    tm = re.search(kind + r"\s*\(\s*(\w+)\s*\)\s*\{", ibody)
                    if not tm:
                        continue
                    tbody, _ = _block(ibody, tm.end() - 1)
                    tmpl = templates.get(tm.group(1), ([], None))
                    i1 = re.search(r'index_1\s*\(\s*"([^"]*)"', tbody)
                    i2 = re.search(r'index_2\s*\(\s*"([^"]*)"', tbody)
                    vals = [_nums(r) for r in re.findall(r'"([^"]*)"', tbody.split("values", 1)[1])]
                    idx1 = _nums(i1.group(1)) if i1 else tmpl[0]
                    idx2 = _nums(i2.group(1)) if i2 else tmpl[1]
                    if idx2 is None and len(vals) > 1:  # one row per value
                        vals = [[v[0] for v in vals]]
                    tabs[kind] = Table(idx1, idx2 if len(vals) > 1 else None, vals)
                pin.power.append((rel.group(1) if rel else "", tabs.get("rise_power"), tabs.get("fall_power")))
            cell.pins[pm.group(1)] = pin
        cells[cell.name] = cell
    return cells, vdd


def _block(text: str, open_brace: int) -> tuple[str, int]:
    depth = 0
    for k in range(open_brace, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return text[open_brace + 1:k], k + 1
    raise ValueError("liberty: unbalanced braces")


def _energy(pin: Pin, load: float, related: str | None = None) -> float:
    """Mean energy per transition (pJ) of a pin's internal-power tables."""
    vals = []
    for rel, rise, fall in pin.power:
        if related is not None and rel != related:
            continue
        e = []
        for t in (rise, fall):
            if t is None:
                continue
            e.append(t.at(SLEW_NS) if t.idx2 is None else t.at(load, SLEW_NS))
        if e:
            vals.append(sum(e) / len(e))
    return sum(vals) / len(vals) if vals else 0.0


# ---- netlist ------------------------------------------------------------------------------------
@dataclass
class Instance:
    name: str
    cell: str
    conns: dict[str, str]  # pin -> net bit ("" for a constant)


def _norm(ref: str) -> str:
    ref = ref.strip()
    if ref.startswith("\\"):
        m = re.match(r"\\(\S+)\s*(\[\d+\])?$", ref)
        return m.group(1) + (m.group(2) or "")
    return re.sub(r"\s+", "", ref)


def parse_netlist(path: str) -> tuple[str, list[Instance], dict[str, int], list[tuple[str, str]], dict[str, str]]:
    """A flat Yosys `write_verilog -noattr -noexpr` netlist: top name, instances, wire widths,
    bit-level assign aliases (lhs, rhs), and port directions."""
    text = open(path).read()
    top = re.search(r"^module\s+(\S+)\s*\(", text, re.M).group(1)
    widths: dict[str, int] = {}  # vectors only; a name not here is a scalar
    ports: dict[str, str] = {}
    for m in re.finditer(r"^\s*(wire|input|output|reg)\s+(\[(\d+):(\d+)\]\s+)?(\\\S+|\w+)\s*;", text, re.M):
        name = _norm(m.group(5))
        if m.group(2):
            widths[name] = abs(int(m.group(3)) - int(m.group(4))) + 1
        if m.group(1) in ("input", "output"):
            ports[name] = m.group(1)
    insts = []
    for m in re.finditer(r"^\s*(\w+)\s+(\\\S+|\S+)\s*\((.*?)\);", text, re.M | re.S):
        if m.group(1) in ("module", "assign", "wire", "input", "output", "reg"):
            continue
        conns = {}
        for c in re.finditer(r"\.(\w+)\(([^()]*)\)", m.group(3)):
            v = c.group(2).strip()
            conns[c.group(1)] = "" if re.match(r"^\d+'", v) or v == "" else _norm(v)
        insts.append(Instance(_norm(m.group(2)), m.group(1), conns))
    aliases = []
    for m in re.finditer(r"^\s*assign\s+(.*?)\s*=\s*(.*?);", text, re.M | re.S):
        lhs, rhs = _bits(m.group(1), widths), _bits(m.group(2), widths)
        for a, b in zip(lhs, rhs):
            if a and b:
                aliases.append((a, b))
    return top, insts, widths, aliases, ports


def _bits(expr: str, widths: dict[str, int]) -> list[str]:
    """The bits of an expression, most significant first ("" for a constant bit)."""
    expr = expr.strip()
    if expr.startswith("{"):
        out = []
        for part in _split_concat(expr[1:-1]):
            out += _bits(part, widths)
        return out
    m = re.match(r"^(\d+)'[bhd]", expr)
    if m:
        return [""] * int(m.group(1))
    m = re.match(r"^(\\\S+|[\w$.]+)\s*(\[(\d+)(:(\d+))?\])?$", expr)
    if not m:
        raise ValueError(f"netlist: cannot read the expression {expr!r}")
    name = _norm(m.group(1))
    if m.group(2) is None:
        if name not in widths:
            return [name]
        return [f"{name}[{i}]" for i in range(widths[name] - 1, -1, -1)]
    hi = int(m.group(3))
    lo = int(m.group(5)) if m.group(5) is not None else hi
    return [f"{name}[{i}]" for i in range(hi, lo - 1, -1)]


def _split_concat(s: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    return [p for p in (x.strip() for x in parts) if p]


class PowerModel:
    """Per-net capacitance and per-toggle energies of a mapped netlist."""

    def __init__(self, liberty: str, netlist: str):
        self.cells, self.vdd = parse_liberty(liberty)
        self.top, self.insts, self.widths, aliases, self.ports = parse_netlist(netlist)
        # union-find over assign aliases
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x
        for a, b in aliases:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
        self.find = find
        self.load: dict[str, float] = {}
        self.driver: dict[str, tuple[Instance, str]] = {}
        self.clock_pins = 0
        self.clock_cap = 0.0
        self.clock_pin_energy = 0.0  # pJ per cycle, all flip-flops
        for inst in self.insts:
            cell = self.cells[inst.cell]
            for pin, net in inst.conns.items():
                if not net:
                    continue
                n = find(net)
                p = cell.pins[pin]
                if p.direction == "output":
                    self.driver[n] = (inst, pin)
                elif p.clock:
                    self.clock_pins += 1
                    self.clock_cap += p.cap
                    self.clock_pin_energy += sum(
                        (t.at(SLEW_NS) if t.idx2 is None else t.at(0.0, SLEW_NS))
                        for _, r, f in p.power for t in (r, f) if t is not None) / max(1, len(p.power))
                else:
                    self.load[n] = self.load.get(n, 0.0) + p.cap
        # per-net energy per toggle (pJ): switching, driver internal, loads' input internal
        self.e_switch: dict[str, float] = {}
        self.e_internal: dict[str, float] = {}
        input_energy: dict[str, float] = {}
        for inst in self.insts:
            cell = self.cells[inst.cell]
            for pin, net in inst.conns.items():
                p = cell.pins[pin]
                if net and p.direction != "output" and not p.clock and p.power:
                    n = find(net)
                    input_energy[n] = input_energy.get(n, 0.0) + _energy(p, 0.0)
        nets = set(self.load) | set(self.driver)
        for n in nets:
            c = self.load.get(n, 0.0)
            self.e_switch[n] = 0.5 * c * self.vdd ** 2  # pF x V^2 = pJ
            e = input_energy.get(n, 0.0)
            if n in self.driver:
                inst, pin = self.driver[n]
                e += _energy(self.cells[inst.cell].pins[pin], c)
            self.e_internal[n] = e
        self.leakage_w = sum(self.cells[i.cell].leakage_nw for i in self.insts) * 1e-9
        self.area = sum(self.cells[i.cell].area for i in self.insts)

    def clock_energy_per_cycle(self) -> dict[str, float]:
        """pJ per cycle: the flip-flops' clock pins (internal) and the ideal clock net (switching)."""
        return {"internal": self.clock_pin_energy, "switching": self.clock_cap * self.vdd ** 2}

    def energy(self, toggles: dict[str, float]) -> dict[str, float]:
        """pJ of the given toggle counts (net name -> toggles; aliases resolved here)."""
        sw = internal = 0.0
        seen: dict[str, float] = {}
        for net, t in toggles.items():
            n = self.find(net)
            seen[n] = max(seen.get(n, 0.0), t)  # aliases carry the same toggles
        for n, t in seen.items():
            sw += t * self.e_switch.get(n, 0.0)
            internal += t * self.e_internal.get(n, 0.0)
        return {"switching": sw, "internal": internal}
