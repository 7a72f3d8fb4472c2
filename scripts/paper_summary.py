#!/usr/bin/env python3
"""Summary of `make paper` (scripts/paper.sh): STARC's latency and energy reduction against
dense, token-wise and Quest per context, next to the STARC artifact's figures (DESIGN.md
section 12), and the .dat files scripts/plots.sh draws. Standard library only."""
import glob
import json
import os
import sys

POLICIES = ["dense", "tokenwise", "quest", "starc"]
# STARC artifact (AttAcc model + patched Ramulator 2), LLaMA-7B, B = 1024 (DESIGN.md section 12):
# attention-layer latency reduction of STARC against each policy. No energy figures are given
# there, so none are quoted.
PAPER_LATENCY = {"dense": "85% .. 92%", "tokenwise": "~60%", "quest": "~-58% (STARC slower)"}


def load(path):
    with open(path) as f:
        return json.load(f)


def per_step(p, key):
    n = max(1, len(p["steps"]))
    if key == "latency":
        return p["latency_ns_per_step"]
    if key == "attacc":
        return p["energy"]["attacc"]["total_pj"] / n / 1e3
    if key == "act":
        return p["energy"]["act-aware"]["total_pj"] / n / 1e3
    if key == "acts":
        return p["row_activations"] / n
    raise KeyError(key)


def pols(report):
    return {p["policy"]: p for p in report["policies"]}


def check(report, name):
    bad = 0
    for p in report["policies"]:
        bad += p["bitexact"]["mismatches"] + p["bitexact"]["centroid_match_mismatches"]
        bad += p["timing_errors"]["rtl_checker"] + p["timing_errors"]["trace_checker"]
    bad += report.get("trace", {}).get("violations", 0)
    if bad:
        print(f"WARNING: {name}: {bad} mismatches / timing errors")
    return bad


def main(out):
    ctx = sorted((load(f) for f in glob.glob(os.path.join(out, "ctx-*.json"))),
                 key=lambda r: r["run"]["context"])
    if not ctx:
        sys.exit(f"paper_summary: no ctx-*.json in {out}")
    bad = 0
    print("\nSTARC against each policy, 1 - STARC/other (this simulator, one head on one channel, "
          "budget 1024):")
    print(f"{'context':>8} {'vs':<10} {'latency':>9} {'E attacc':>9} {'E act-aw':>9} "
          f"{'STARC rows':>10} {'other rows':>10}   artifact latency")
    for r in ctx:
        bad += check(r, f"context {r['run']['context']}")
        ps = pols(r)
        s = ps["starc"]
        for other in ["dense", "tokenwise", "quest"]:
            if other not in ps:
                continue
            o = ps[other]
            red = lambda k: 100 * (1 - per_step(s, k) / per_step(o, k))
            print(f"{r['run']['context']:>8} {other:<10} {red('latency'):>8.1f}% {red('attacc'):>8.1f}% "
                  f"{red('act'):>8.1f}% {per_step(s, 'acts'):>10.0f} {per_step(o, 'acts'):>10.0f}   "
                  f"{PAPER_LATENCY[other]}")
    print("(rows = bank activations per step; the artifact gives no energy figures in DESIGN.md)")

    # Per-step latency and energy per policy versus context.
    with open(os.path.join(out, "ctx.dat"), "w") as f:
        f.write("# context " + " ".join(f"{p}_ns {p}_attacc_nJ {p}_act_nJ" for p in POLICIES) + "\n")
        for r in ctx:
            ps = pols(r)
            f.write(f"{r['run']['context']} " + " ".join(
                f"{per_step(ps[p], 'latency'):.1f} {per_step(ps[p], 'attacc'):.2f} {per_step(ps[p], 'act'):.2f}"
                if p in ps else "nan nan nan" for p in POLICIES) + "\n")
    # Versus budget at 16K (the ctx-16384 run is budget 1024).
    bud = [load(f) for f in glob.glob(os.path.join(out, "budget-*.json"))]
    bud += [r for r in ctx if r["run"]["context"] == 16384]
    bud.sort(key=lambda r: r["run"]["budget"])
    for r in bud:
        bad += check(r, f"budget {r['run']['budget']}")
    # Dense does not depend on the budget: budget runs without it take the 16K run's dense.
    dense16 = next((pols(r)["dense"] for r in ctx
                    if r["run"]["context"] == 16384 and "dense" in pols(r)), None)
    with open(os.path.join(out, "budget.dat"), "w") as f:
        f.write("# budget " + " ".join(f"{p}_ns {p}_attacc_nJ {p}_act_nJ" for p in POLICIES) + "\n")
        for r in bud:
            ps = pols(r)
            if "dense" not in ps and dense16 is not None:
                ps["dense"] = dense16
            f.write(f"{r['run']['budget']} " + " ".join(
                f"{per_step(ps[p], 'latency'):.1f} {per_step(ps[p], 'attacc'):.2f} {per_step(ps[p], 'act'):.2f}"
                if p in ps else "nan nan nan" for p in POLICIES) + "\n")
    # MAC-slot utilisation per bank group at the largest context.
    last = pols(ctx[-1])
    with open(os.path.join(out, "util.dat"), "w") as f:
        f.write(f"# context {ctx[-1]['run']['context']}: bank_group " + " ".join(POLICIES) + "\n")
        groups = len(next(iter(last.values()))["mac_utilisation_per_bg"])
        for g in range(groups):
            f.write(f"{g} " + " ".join(f"{100 * last[p]['mac_utilisation_per_bg'][g]:.2f}"
                                       if p in last else "nan" for p in POLICIES) + "\n")
    print(f"data: {out}/ctx.dat, budget.dat, util.dat")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/paper"))
