#!/usr/bin/env python3
"""Switching activity from a real co-simulation, for make ppa (issue 18).

1. `stimulus`: reads the VCD of a `starcsim run --waves` dump (fst2vcd), finds the instance of a
   unit (its scope: the first one whose path ends with the given suffix and holds every listed
   port) and writes, per clock cycle, the values of its input ports as the unit's registers
   sample them (the state before each time step in which the clock rises: the Verilator
   harnesses dump the inputs with the clock low, then the rising edge) and of its output ports
   (for the gate-level comparison). One line per cycle, hexadecimal, in port order.
2. `toggles`: reads the VCD of the gate-level simulation (Icarus, the synthesised netlist driven
   by that stimulus) and counts the 0<->1 transitions of every net bit, separately for each
   class of cycle (a file with one class name per cycle). Transitions from or to x/z are not
   counted (uninitialised data registers before their first load).
"""
from __future__ import annotations

import re
import sys


def read_header(stream) -> tuple[list[tuple[str, str, int, str]], str]:
    """(scope path, name, width, id) of every $var, and the timescale text."""
    scopes: list[str] = []
    out = []
    timescale = ""
    in_ts = False
    for line in stream:
        s = line.strip()
        if s.startswith("$timescale"):
            in_ts = True
            s = s[len("$timescale"):]
        if in_ts:
            timescale += s.replace("$end", " ")
            if "$end" in s:
                in_ts = False
            continue
        if s.startswith("$scope"):
            scopes.append(s.split()[2])
        elif s.startswith("$upscope"):
            scopes.pop()
        elif s.startswith("$var"):
            p = s.split()
            # $var type width id name [range] $end
            out.append((".".join(scopes), p[4], int(p[2]), p[3]))
        elif s.startswith("$enddefinitions"):
            break
    return out, timescale.strip()


def stimulus(vcd_path: str, suffix: str, inputs: list[str], outputs: list[str], out_path: str,
             clock: str = "clk_i") -> int:
    with open(vcd_path) as f:
        vars_, _ = read_header(f)
        by_scope: dict[str, dict[str, tuple[int, str]]] = {}
        for scope, name, width, ident in vars_:
            by_scope.setdefault(scope, {})[name] = (width, ident)
        want = inputs + outputs + [clock]
        scope = next((s for s in by_scope if s.endswith(suffix) and all(p in by_scope[s] for p in want)), None)
        if scope is None:
            raise SystemExit(f"ppa_activity: no scope ending in {suffix} with ports {want}")
        ports = by_scope[scope]
        ids = {ports[p][1]: p for p in want}
        clk_id = ports[clock][1]
        value = {p: "0" for p in want}
        width = {p: ports[p][0] for p in want}
        lines = []
        pending: list[tuple[str, str]] = []

        def sample() -> None:
            def hexv(p: str) -> str:
                v = re.sub(r"[xXzZ]", "0", value[p])
                return format(int(v, 2), "0{}x".format((width[p] + 3) // 4))
            lines.append(" ".join(hexv(p) for p in inputs + outputs))

        def flush() -> None:
            # A rising clock edge in this time step samples the state before the step's changes
            # (the inputs were dumped at an earlier time, with the clock low).
            if any(i == clk_id and v == "1" for i, v in pending) and value[clock] == "0":
                sample()
            for i, v in pending:
                value[ids[i]] = v
            pending.clear()
        for line in f:
            c = line[0] if line else ""
            if c == "#":
                flush()
            elif c == "b":
                v, ident = line[1:].split()
                if ident in ids:
                    pending.append((ident, v))
            elif c in "01xzXZ":
                ident = line[1:].strip()
                if ident in ids:
                    pending.append((ident, c))
        flush()
    with open(out_path, "w") as o:
        o.write("\n".join(lines) + "\n")
    return len(lines)


_UNITS = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0, "ps": 1e-3, "fs": 1e-6}


def toggles(vcd_path: str, classes: list[str], period_ns: float, offset_ns: float) -> dict[str, dict[str, int]]:
    """class -> net bit -> 0<->1 transitions; a change at t ns belongs to cycle (t - offset) // period."""
    with open(vcd_path) as f:
        vars_, ts = read_header(f)
        m = re.match(r"\s*(\d+)\s*(\w+)", ts)
        unit_ns = int(m.group(1)) * _UNITS[m.group(2)]
        period = round(period_ns / unit_ns)
        offset = round(offset_ns / unit_ns)
        names: dict[str, list[tuple[str, int]]] = {}
        for _scope, name, width, ident in vars_:
            names.setdefault(ident, []).append((name.lstrip("\\"), width))
        prev: dict[str, str] = {}
        counts: dict[str, dict[str, int]] = {c: {} for c in set(classes)}
        counts["other"] = {}
        cur = counts["other"]
        for line in f:
            c = line[0] if line else ""
            if c == "#":
                cyc = (int(line[1:]) - offset) // period
                cur = counts[classes[cyc]] if 0 <= cyc < len(classes) else counts["other"]
                continue
            if c == "b":
                v, ident = line[1:].split()
            elif c in "01xzXZ":
                v, ident = c, line[1:].strip()
            else:
                continue
            old = prev.get(ident)
            prev[ident] = v
            if old is None or ident not in names:
                continue
            for name, width in names[ident]:
                if width == 1:
                    if old in "01" and v in "01" and old != v:
                        cur[name] = cur.get(name, 0) + 1
                    continue
                a, b = old.rjust(width, "0" if old[0] == "1" else old[0]), v.rjust(width, "0" if v[0] == "1" else v[0])
                if "x" in a or "x" in b or "z" in a or "z" in b:
                    for i in range(width):
                        if a[i] != b[i] and a[i] in "01" and b[i] in "01":
                            key = f"{name}[{width - 1 - i}]"
                            cur[key] = cur.get(key, 0) + 1
                    continue
                x = int(a, 2) ^ int(b, 2)
                while x:
                    low = x & -x
                    key = f"{name}[{low.bit_length() - 1}]"
                    cur[key] = cur.get(key, 0) + 1
                    x ^= low
    return counts


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "stimulus":
        n = stimulus(sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5].split(","), sys.argv[6])
        print(f"{n} cycles")
    else:
        print(__doc__)
