#!/usr/bin/env python3
"""make ppa (issue 18): area, timing and energy per operation of the RTL on a real cell library.

For pim_bank (one bank's PIM unit: global-buffer slice, scalars, column register and its 16-lane
pim_mac; pim_mac and pim_mac_front are reported as blocks of it) and centroid_match:
  1. Yosys onto the OSU 0.18 um library (scripts/ppa_synth.sh): cells and um2 by block;
  2. OpenSTA: the critical path, the achievable clock, the worst path into each pipeline stage,
     and OpenSTA's own power report at its default activity;
  3. activity from a real co-simulation: `starcsim run` of one STARC decode step with --waves;
     bank 0's and the centroid-match unit's input ports, cycle by cycle, drive the synthesised
     netlist in a gate-level simulation (scripts/ppa_gatesim.py), whose outputs are compared
     with the RTL's every cycle; every net's toggles, per class of cycle (dot, axpy, idle;
     busy, idle), give the energy (scripts/ppa_power.py, the liberty tables; scripts/
     ppa_buffer.py adds the fan-out buffer trees first);
  4. energy per operation at 0.18 um and scaled (scripts/ppa_scaling.py, Stillmaker & Baas 2017);
  5. the table on stdout and OUT/ppa.json.
Design: docs/design.md section 9; results: README "Hardware cost from the RTL".
Usage: scripts/ppa.py [--build build] [--cm-max-sel 128] [--units pim_bank,centroid_match]
       scripts/ppa.py --print build/ppa/ppa.json
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ppa_activity  # noqa: E402
import ppa_gatesim  # noqa: E402
import ppa_power  # noqa: E402
import ppa_scaling  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.environ.get("OSU018_LIB", "/usr/share/qflow/tech/osu018/osu018_stdcells.lib")
TCK_NS = 0.769          # HBM3 5.2 Gbps command clock (docs/design.md section 2)
NCCDAB = 6              # MACAB -> MACAB, cycles
LANES = 16
MAC_WINDOW = 9          # cycles a MACAB keeps bank 0's datapath busy: decode, column, 1 + log2(16), accumulate, +1
RUN = ["run", "--context", "16384", "--steps", "1", "--budget", "1024", "--policies", "starc"]

UNITS = {
    "pim_bank": {
        "scope": "gen_bank[0].u_bank", "wave": "channel", "params": [],
        "inputs": [("fmt_i", 1), ("cpt_log2_i", 3), ("mac_i", 1), ("wrgb_i", 1), ("mvgb_i", 1), ("mvsb_i", 1), ("mode_i", 1),
                   ("col_i", 8), ("data_i", 256), ("col_data_i", 256)],
        "outputs": [("col_req_o", 1), ("snap_o", 1), ("snap_mode_o", 1), ("acc_dot_o", 1024), ("acc_axpy_o", 2048)],
    },
    "centroid_match": {
        "scope": "centroid_match", "wave": "cmatch", "params": [],
        "inputs": [("start_i", 1), ("budget_i", 21), ("resume_i", 1), ("in_valid_i", 1), ("in_last_i", 1),
                   ("in_id_i", 20), ("in_score_i", 32), ("in_size_i", 7)],
        "outputs": [("ready_o", 1), ("out_valid_o", 1), ("out_last_o", 1), ("out_id_o", 20), ("out_take_o", 7),
                    ("done_o", 1), ("budget_met_o", 1), ("s_limit_o", 1)],
    },
}


def log(msg: str) -> None:
    print(f"ppa: {msg}", file=sys.stderr, flush=True)


# ---- 1. synthesis ----------------------------------------------------------------------------------
def synth(top: str, out: str, params: list[str], timeout: int) -> float:
    net = os.path.join(out, top + ".v")
    rtl = [os.path.join(ROOT, "rtl", f) for f in os.listdir(os.path.join(ROOT, "rtl")) if f.endswith(".sv")]
    key = os.path.join(out, top + ".params")
    if (os.path.exists(net) and os.path.exists(key) and open(key).read() == " ".join(params)
            and os.path.getmtime(net) > max(os.path.getmtime(f) for f in rtl)):
        log(f"{top}: netlist up to date ({net})")
        return -1.0
    log(f"{top}: synthesising (Yosys + ABC onto osu018){' ' + ' '.join(params) if params else ''}")
    t = time.time()
    subprocess.run([os.path.join(ROOT, "scripts", "ppa_synth.sh"), top, out] + params, check=True, timeout=timeout)
    open(key, "w").write(" ".join(params))
    return time.time() - t


def read_stat(path: str) -> dict:
    """Cells and area of each module (own cells, submodule instances excluded) and the total."""
    text = open(path).read()
    blocks = {}
    for m in re.finditer(r"=== (\S+) ===(.*?)(?==== |\Z)", text, re.S):
        name = re.sub(r"^\$paramod(\$[0-9a-f]+)?\\", "", m.group(1)).split("\\")[0]
        body = m.group(2)
        if "design hierarchy" in name:
            continue
        cells = sum(int(n) for c, n in re.findall(r"^\s+(\S+)\s+(\d+)$", body, re.M) if not c.startswith("$"))
        area = re.search(r"Chip area for module .*?: ([0-9.]+)", body)
        flops = sum(int(n) for c, n in re.findall(r"^\s+(DFF\S*|LATCH)\s+(\d+)$", body, re.M))
        blocks[name.lstrip("\\")] = {"cells": cells, "area_um2": float(area.group(1)) if area else 0.0, "flops": flops}
    return blocks


# ---- 2. timing -------------------------------------------------------------------------------------
def stage_of(unit: str, q: str) -> str:
    """The pipeline stage whose end register drives net q (pim_bank), or the register (other units)."""
    name = re.sub(r"\[\d+\]$", "", q)
    bit = int(re.search(r"\[(\d+)\]$", q).group(1)) if re.search(r"\[(\d+)\]$", q) else 0
    if unit != "pim_bank":
        return re.sub(r"\[\d+\]", "[*]", name)
    if name == "u_mac.u_front.stage_q":
        lvl = bit // (LANES * 32)
        return "2 multiply" if lvl == 0 else f"{2 + lvl} tree level {lvl}"
    m = re.match(r"u_mac\.u_front\.gen_level\[(\d+)\]", name)
    if m:
        lvl = int(m.group(1)) - 1
        return "2 multiply" if lvl == 0 else f"{2 + lvl} tree level {lvl}"
    if name == "u_mac.front_sum":
        return "6 tree level 4"
    if name in ("acc_dot_o", "acc_axpy_o"):
        return "7 accumulate"
    if name.startswith("u_mac.") and name.split(".")[1] in ("a_i", "b_i", "p_i", "fmt_i", "mode_i", "sel_i", "snap_i"):
        return "1 column register"
    if name == "u_mac.u_front.valid_i":
        return "1 column register"
    if name in ("b_r_q", "p_r_q", "sel_r_q", "mode_r_q", "mvsb_r_q", "col_req_o", "gbuf_q", "scal_q"):
        return "0 decode"
    return "control pipeline"


def sta(unit: str, out: str, model: ppa_power.PowerModel, timeout: int) -> dict:
    groups: dict[str, list[str]] = {}
    for inst in model.insts:
        if model.cells[inst.cell].sequential and inst.conns.get("Q"):
            groups.setdefault(stage_of(unit, inst.conns["Q"]), []).append(f"{inst.name}/D")
    period = 100.0
    tcl = [f"read_liberty {LIB}", f"read_verilog {out}/{unit}.buf.v", f"link_design {unit}",
           f"create_clock -name clk -period {period} [get_ports clk_i]",
           "set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports {clk_i rst_ni}]]",
           "set_output_delay 0 -clock clk [all_outputs]",
           "set_false_path -from [get_ports rst_ni]",
           'puts "=== critical"', "report_checks -path_delay max -digits 3"]
    for g, pins in sorted(groups.items()):
        tcl += [f'puts "=== stage {g}"', f"report_checks -path_delay max -digits 3 -to [get_pins {{{' '.join(pins)}}}]"]
    tcl += ['puts "=== power"', "report_power -digits 5"]
    path = os.path.join(out, unit + ".sta.tcl")
    open(path, "w").write("\n".join(tcl) + "\nexit\n")
    r = subprocess.run(["sta", "-no_init", "-exit", path], capture_output=True, text=True, timeout=timeout)
    open(os.path.join(out, unit + ".sta.log"), "w").write(r.stdout + r.stderr)
    res: dict = {"period_ns": period, "stages": {}}
    for sec in r.stdout.split("=== ")[1:]:
        head, _, body = sec.partition("\n")
        slack = re.search(r"([-0-9.]+)\s+slack \((?:MET|VIOLATED)\)", body)
        if head == "critical" and slack:
            res["critical_path_ns"] = round(period - float(slack.group(1)), 3)
            sp = re.search(r"Startpoint: (\S+)", body)
            ep = re.search(r"Endpoint: (\S+)", body)
            res["critical_from"], res["critical_to"] = sp.group(1) if sp else "", ep.group(1) if ep else ""
        elif head.startswith("stage ") and slack:
            res["stages"][head[6:]] = {"path_ns": round(period - float(slack.group(1)), 3),
                                       "registers": len(groups[head[6:]])}
        elif head == "power":
            tot = re.search(r"^Total\s+([-0-9.e]+)\s+([-0-9.e]+)\s+([-0-9.e]+)\s+([-0-9.e]+)", body, re.M)
            if tot:
                res["opensta_default_power_w"] = {"internal": float(tot.group(1)), "switching": float(tot.group(2)),
                                                  "leakage": float(tot.group(3)), "total": float(tot.group(4)),
                                                  "clock_period_ns": period}
    if "critical_path_ns" not in res:
        raise SystemExit(f"ppa: OpenSTA gave no critical path for {unit}; see {path} and the log")
    return res


# ---- 3. activity and energy ------------------------------------------------------------------------
def cosim(starcsim: str, out: str, timeout: int) -> dict:
    run_dir = os.path.join(out, "run")
    os.makedirs(run_dir, exist_ok=True)
    fst = os.path.join(run_dir, "starc.fst")
    cmd = [starcsim] + RUN + ["--waves", fst, "--json", os.path.join(run_dir, "starc.json")]
    log("co-simulation: " + " ".join(["starcsim"] + RUN + ["--waves", fst]))
    subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL)
    for src, dst in ((fst, "channel.vcd"), (fst + ".cmatch.fst", "cmatch.vcd")):
        with open(os.path.join(run_dir, dst), "w") as f:
            subprocess.run(["fst2vcd", src], check=True, stdout=f, stderr=subprocess.DEVNULL, timeout=timeout)
    rep = json.load(open(os.path.join(run_dir, "starc.json")))
    p = rep["policies"][0]
    return {"command": "starcsim " + " ".join(RUN) + " --waves F.fst", "policy": p["policy"],
            "cycles": p["cycles"]["total"], "macab": p["commands"].get("MACAB", 0),
            "centroid_match_cycles": p["centroid_match_cycles"], "dir": run_dir}


def cycle_classes(unit: str, stim: list[list[int]]) -> list[str]:
    if unit == "pim_bank":
        n = len(stim)
        dot, axpy = [False] * n, [False] * n
        for k, f in enumerate(stim):
            if f[1]:  # mac_i
                target = axpy if f[5] else dot  # mode_i: 1 = axpy
                for j in range(k, min(n, k + MAC_WINDOW)):
                    target[j] = True
        return ["mixed" if d and a else "dot" if d else "axpy" if a else "idle" for d, a in zip(dot, axpy)]
    busy, out = False, []
    for f in stim:  # start_i .. done_o; a start in a done cycle begins the next selection
        if f[0]:
            busy = True
        out.append("busy" if busy else "idle")
        if f[8 + 5] and not f[0]:  # done_o (outputs follow the 8 inputs)
            busy = False
    return out


def activity_energy(unit: str, cfg: dict, out: str, run: dict, model: ppa_power.PowerModel, timeout: int) -> dict:
    work = os.path.join(out, "gate_" + unit)
    os.makedirs(work, exist_ok=True)
    vcd = os.path.join(run["dir"], cfg["wave"] + ".vcd")
    stim_txt = os.path.join(work, "stim.txt")
    n = ppa_activity.stimulus(vcd, cfg["scope"], [p for p, _ in cfg["inputs"]], [p for p, _ in cfg["outputs"]], stim_txt)
    stim = [[int(h, 16) for h in line.split()] for line in open(stim_txt) if line.strip()]
    widths = [w for _, w in cfg["inputs"] + cfg["outputs"]]
    hexf = os.path.join(work, "stim.hex")
    ppa_gatesim.pack_stimulus(stim_txt, widths, hexf)
    tb = os.path.join(work, "tb.v")
    t0 = ppa_gatesim.write_testbench(tb, unit, cfg["inputs"], cfg["outputs"], hexf, n)
    log(f"{unit}: gate-level simulation of {n} cycles (Icarus)")
    t = time.time()
    result = ppa_gatesim.run(os.path.join(out, unit + ".buf.v"), tb, work, timeout)
    sim_s = time.time() - t
    mism = int(re.search(r"mismatches=(\d+)", result).group(1))
    classes = cycle_classes(unit, stim)
    counts = ppa_activity.toggles(os.path.splitext(hexf)[0] + ".gate.vcd", classes, ppa_gatesim.PERIOD_NS, t0)
    os.remove(os.path.splitext(hexf)[0] + ".gate.vcd")  # hundreds of MB; the counts are what matters
    clock = model.clock_energy_per_cycle()
    leak_pj_per_cycle = model.leakage_w * TCK_NS * 1e-9 * 1e12
    per_class = {}
    for c in sorted(set(classes)):
        ncyc = classes.count(c)
        e = model.energy(counts.get(c, {}))
        per_class[c] = {"cycles": ncyc, "switching_pj": e["switching"], "internal_pj": e["internal"],
                        "clock_pj": ncyc * (clock["internal"] + clock["switching"]),
                        "leakage_pj": ncyc * leak_pj_per_cycle}
        per_class[c]["total_pj"] = sum(v for k, v in per_class[c].items() if k.endswith("_pj"))
    res = {"cycles": n, "gatesim_output_mismatches": mism, "gatesim": result, "gatesim_seconds": round(sim_s, 1),
           "clock_pj_per_cycle": clock, "leakage_w": model.leakage_w, "classes": per_class}
    floor = clock["internal"] + clock["switching"] + leak_pj_per_cycle
    res["clock_leakage_floor_pj_per_cycle"] = floor
    if unit == "pim_bank":
        idle = per_class.get("idle", {"total_pj": floor, "cycles": 1})
        e_idle = idle["total_pj"] / max(1, idle["cycles"])
        ops = {"dot": sum(1 for f in stim if f[1] and not f[5]), "axpy": sum(1 for f in stim if f[1] and f[5])}
        res["ops"] = ops
        res["idle_cycle_pj"] = e_idle
        for mode in ("dot", "axpy"):
            c = per_class.get(mode)
            if c and ops[mode]:
                excess = c["total_pj"] - e_idle * c["cycles"]
                res[f"{mode}_macab_pj"] = excess / ops[mode]
                res[f"{mode}_mac_pj"] = excess / ops[mode] / LANES
        res["mixed_cycles"] = per_class.get("mixed", {}).get("cycles", 0)
    else:
        busy = per_class.get("busy")
        scores = sum(1 for f in stim if f[3])
        res["scores"] = scores
        res["idle_cycle_pj"] = floor  # the unit idles with its inputs still: clock and leakage
        if busy and scores:
            excess = busy["total_pj"] - floor * busy["cycles"]
            res["score_pj"] = excess / scores
            res["busy_cycle_pj"] = busy["total_pj"] / busy["cycles"]
            res["busy_cycle_excess_pj"] = excess / busy["cycles"]
    return res


# ---- 4./5. scaling, table, JSON ----------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--units", default="pim_bank,centroid_match")
    ap.add_argument("--cm-max-sel", type=int, default=128,
                    help="centroid_match MaxSel (S) to synthesise (the RTL default is 256; see README)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per tool run")
    ap.add_argument("--print", metavar="JSON", help="only print the table of an earlier run's ppa.json")
    a = ap.parse_args()
    if a.print:
        print(table(json.load(open(a.print))))
        return 0
    start = time.time()
    out = os.path.join(a.build, "ppa")
    os.makedirs(out, exist_ok=True)
    UNITS["centroid_match"]["params"] = [] if a.cm_max_sel == 256 else [f"MaxSel={a.cm_max_sel}"]
    starcsim = os.path.join(a.build, "cli", "starcsim")
    run = cosim(starcsim, out, a.timeout)
    report: dict = {"library": LIB + " (OSU 0.18 um, typical corner, 1.8 V, 25 C)", "run": run, "units": {},
                    "tck_ns": TCK_NS, "nccdab": NCCDAB, "scaling": {}}
    for node in (ppa_scaling.TARGET, ppa_scaling.OTHER):
        report["scaling"][node] = ppa_scaling.factors(node)
    report["scaling"]["source"] = ppa_scaling.SOURCE
    old_json = os.path.join(out, "ppa.json")
    if os.path.exists(old_json):  # units not run now keep their last results
        for unit, u in json.load(open(old_json)).get("units", {}).items():
            if unit not in a.units.split(","):
                report["units"][unit] = u
    for unit in a.units.split(","):
        cfg = UNITS[unit]
        u: dict = {"params": cfg["params"] or ["defaults"]}
        u["synth_seconds"] = round(synth(unit, out, cfg["params"], a.timeout), 1)
        u["blocks"] = read_stat(os.path.join(out, unit + ".stat"))
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "ppa_buffer.py"), os.path.join(out, unit + ".v"),
                        os.path.join(out, unit + ".buf.v")], check=True, timeout=a.timeout)
        model = ppa_power.PowerModel(LIB, os.path.join(out, unit + ".buf.v"))
        u["cells"], u["area_um2"] = len(model.insts), model.area
        u["flops"] = sum(1 for i in model.insts if model.cells[i.cell].sequential)
        log(f"{unit}: {u['cells']} cells, {u['area_um2'] / 1e6:.3f} mm2; OpenSTA")
        u["timing"] = sta(unit, out, model, a.timeout)
        u["energy"] = activity_energy(unit, cfg, out, run, model, a.timeout)
        report["units"][unit] = u
    report["per_op"] = per_op(report)
    report["make_ppa_seconds"] = round(time.time() - start, 1)
    json.dump(report, open(os.path.join(out, "ppa.json"), "w"), indent=2)
    print(table(report))
    print(f"\nwritten: {os.path.join(out, 'ppa.json')} ({report['make_ppa_seconds']:.0f} s)")
    bad = [u for u, v in report["units"].items() if v["energy"]["gatesim_output_mismatches"]]
    if bad:
        log("the gate-level outputs differ from the RTL's in " + ", ".join(bad))
        return 1
    return 0


def per_op(r: dict) -> dict:
    b = r["units"].get("pim_bank", {}).get("energy", {})
    c = r["units"].get("centroid_match", {}).get("energy", {})
    base = {"dot_mac_pj": b.get("dot_mac_pj"), "axpy_mac_pj": b.get("axpy_mac_pj"),
            "bank_idle_cycle_pj": b.get("idle_cycle_pj"), "centroid_score_pj": c.get("score_pj"),
            "centroid_busy_cycle_excess_pj": c.get("busy_cycle_excess_pj"),
            "centroid_idle_cycle_pj": c.get("idle_cycle_pj")}
    out = {"180": base}
    for node in (ppa_scaling.TARGET, ppa_scaling.OTHER):
        f = r["scaling"][node]["energy"]["factor"]
        out[node] = {k: (v * f if v is not None else None) for k, v in base.items()}
    out["attacc_alu_pj_per_mac"] = 0.32
    t = out[ppa_scaling.TARGET]
    if t["dot_mac_pj"]:
        out["rtl_over_attacc_dot"] = t["dot_mac_pj"] / 0.32
        out["rtl_over_attacc_axpy"] = t["axpy_mac_pj"] / 0.32
    return out


def table(r: dict) -> str:
    o = []
    T, O = ppa_scaling.TARGET, ppa_scaling.OTHER
    o.append(f"make ppa: {r['library']}")
    o.append(f"activity: {r['run']['command']} ({r['run']['cycles']} cycles, {r['run']['macab']} MACABs); "
             "bank 0 and the centroid-match unit")
    o.append("")
    o.append(f"{'unit / block':<28} {'cells':>8} {'flops':>6} {'area mm2':>9} {'crit ns':>8} {'fmax MHz':>9}")
    for unit, u in r["units"].items():
        t = u["timing"]
        o.append(f"{unit:<28} {u['cells']:>8} {u['flops']:>6} {u['area_um2'] / 1e6:>9.3f} {t['critical_path_ns']:>8.2f} "
                 f"{1e3 / t['critical_path_ns']:>9.1f}")
        for b, v in u["blocks"].items():
            o.append(f"  {b:<26} {v['cells']:>8} {v['flops']:>6} {v['area_um2'] / 1e6:>9.3f}")
    o.append("")
    ft = r["scaling"][T]["delay"]["factor"]
    o.append(f"Pipeline stages (worst path into the stage's registers, ns) at 0.18 um and scaled to {T} "
             f"(x {ft:.4f}); nCCDAB = {NCCDAB} x {TCK_NS} = {NCCDAB * TCK_NS:.2f} ns, tCK = {TCK_NS} ns:")
    for unit, u in r["units"].items():
        for s, v in sorted(u["timing"]["stages"].items(), key=lambda kv: kv[0] if unit == "pim_bank" else -kv[1]["path_ns"])[:12]:
            sc = v["path_ns"] * ft
            o.append(f"  {unit:<15} {s:<44} {v['path_ns']:>7.2f} {sc:>6.3f}  "
                     f"{'meets' if sc <= NCCDAB * TCK_NS else 'MISSES'} nCCDAB, {'meets' if sc <= TCK_NS else 'misses'} tCK")
    o.append("")
    o.append("Energy from the co-simulation's activity (pJ; 0.18 um; per cycle class: cycles, switching, internal, "
             "clock, leakage, total):")
    for unit, u in r["units"].items():
        e = u["energy"]
        o.append(f"  {unit}: gate-level outputs vs RTL: {e['gatesim_output_mismatches']} mismatching cycles of {e['cycles']}")
        for c, v in e["classes"].items():
            o.append(f"    {c:<6} {v['cycles']:>6} {v['switching_pj']:>12.0f} {v['internal_pj']:>12.0f} "
                     f"{v['clock_pj']:>12.0f} {v['leakage_pj']:>8.2f} {v['total_pj']:>12.0f}")
        cyc = sum(v["cycles"] for v in e["classes"].values())
        clk = e["clock_pj_per_cycle"]
        internal = sum(v["internal_pj"] for v in e["classes"].values()) + cyc * clk["internal"]
        switching = sum(v["switching_pj"] for v in e["classes"].values()) + cyc * clk["switching"]
        leak = sum(v["leakage_pj"] for v in e["classes"].values())
        tot = internal + switching + leak
        crit = u["timing"]["critical_path_ns"]
        o.append(f"    whole run: {tot / cyc:.0f} pJ/cycle = internal {100 * internal / tot:.1f}% (clock pins "
                 f"{100 * cyc * clk['internal'] / tot:.1f}%), switching {100 * switching / tot:.1f}% (clock net "
                 f"{100 * cyc * clk['switching'] / tot:.1f}%), leakage {100 * leak / tot:.4f}%; "
                 f"{tot / cyc / crit:.1f} mW at the achievable clock ({crit:.2f} ns)")
        p = u["timing"].get("opensta_default_power_w")
        if p:
            o.append(f"    OpenSTA default activity at {p['clock_period_ns']:.0f} ns: internal {p['internal']:.4g} W, "
                     f"switching {p['switching']:.4g} W, leakage {p['leakage']:.4g} W, total {p['total']:.4g} W")
    o.append("")
    po = r["per_op"]
    o.append(f"Energy per operation (pJ)               {'0.18 um':>10} {T:>10} {O:>10}")
    for k, label in (("dot_mac_pj", "dot-mode MAC (one lane)"), ("axpy_mac_pj", "axpy MAC (one lane)"),
                     ("bank_idle_cycle_pj", "bank PIM unit, idle cycle"), ("centroid_score_pj", "centroid score"),
                     ("centroid_idle_cycle_pj", "centroid-match unit, idle cycle")):
        v = [po[n][k] for n in ("180", T, O)]
        if v[0] is not None:
            o.append(f"  {label:<38} {v[0]:>10.3f} {v[1]:>10.4f} {v[2]:>10.4f}")
    if "rtl_over_attacc_dot" in po:
        o.append(f"  AttAcc's ALU constant: 0.32 pJ/MAC; the RTL at {T}: {po['rtl_over_attacc_dot']:.2f}x (dot), "
                 f"{po['rtl_over_attacc_axpy']:.2f}x (axpy)")
    o.append("")
    o.append(f"Scaling ({r['scaling']['source']}):")
    for n in (T, O):
        for k, v in r["scaling"][n].items():
            o.append(f"  {n:<5} {k:<7} x {v['factor']:.5g}   {v['formula']}")
    return "\n".join(o)


if __name__ == "__main__":
    sys.exit(main())
