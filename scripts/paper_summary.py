#!/usr/bin/env python3
"""Summary of `make paper` (scripts/paper.sh): STARC's latency and energy reduction against
dense, token-wise and Quest per context, next to the STARC artifact's figures (docs/design.md
section 12), and the .dat files scripts/plots.sh draws. Standard library only."""
import glob
import json
import os
import sys

POLICIES = ["dense", "tokenwise", "quest", "starc"]
# STARC artifact (AttAcc model + patched Ramulator 2), LLaMA-7B, B = 1024 (docs/design.md section 12):
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


def seed_of(report):
    """The synthetic seed of a run (its `source` string), or the source itself for a KV trace."""
    for word in report["run"]["source"].split():
        if word.startswith("seed="):
            return word[len("seed="):]
    return report["run"]["source"]


def mean(xs):
    return sum(xs) / len(xs)


def main(out):
    runs = [load(f) for f in glob.glob(os.path.join(out, "ctx-*.json"))]
    if not runs:
        sys.exit(f"paper_summary: no ctx-*.json in {out}")
    by_ctx = {}
    for r in runs:
        by_ctx.setdefault(r["run"]["context"], []).append(r)
    contexts = sorted(by_ctx)
    for c in contexts:
        by_ctx[c].sort(key=seed_of)
    seeds = sorted({seed_of(r) for r in runs})
    bad = 0
    print("\nSTARC against each policy, 1 - STARC/other (this simulator, one head on one channel, "
          f"budget 1024; {len(seeds)} workload seed(s): {' '.join(seeds)}; with several seeds: "
          "mean [min .. max] over the seeds):")
    print(f"{'context':>8} {'vs':<10} {'latency':>22} {'E attacc':>22} {'E act-aw':>22} "
          f"{'STARC rows':>10} {'other rows':>10}   artifact latency")
    for c in contexts:
        for r in by_ctx[c]:
            bad += check(r, f"context {c} seed {seed_of(r)}")
        for other in ["dense", "tokenwise", "quest"]:
            rs = [r for r in by_ctx[c] if other in pols(r) and "starc" in pols(r)]
            if not rs:
                continue

            def red(k):
                xs = [100 * (1 - per_step(pols(r)["starc"], k) / per_step(pols(r)[other], k)) for r in rs]
                if len(xs) == 1:
                    return f"{xs[0]:.1f}%"
                return f"{mean(xs):.1f}% [{min(xs):.1f} .. {max(xs):.1f}]"

            rows_s = mean([per_step(pols(r)["starc"], "acts") for r in rs])
            rows_o = mean([per_step(pols(r)[other], "acts") for r in rs])
            print(f"{c:>8} {other:<10} {red('latency'):>22} {red('attacc'):>22} {red('act'):>22} "
                  f"{rows_s:>10.0f} {rows_o:>10.0f}   {PAPER_LATENCY[other]}")
    print("(rows = bank activations per step; the artifact gives no energy figures in docs/design.md)")

    # STARC variants: the paper's (cluster layout, flat selection), the striped layout with the
    # flat selection, and the default (striped, hierarchical): cycles per step, x lim, MAC
    # utilisation, bank activations and recall.
    variants = {}
    for f in glob.glob(os.path.join(out, "variant-*.json")):
        r = load(f)
        name = os.path.basename(f)[len("variant-"):].rsplit("-", 2)[0]
        variants.setdefault(name, {})[(r["run"]["context"], seed_of(r))] = pols(r)["starc"]
    if variants:
        print("\nSTARC variants (per step; x lim = cycles / physical limit; means over the seeds):")
        print(f"{'context':>8} {'variant':<14} {'cycles':>8} {'select':>7} {'keys':>6} {'values':>6} "
              f"{'x lim':>6} {'util':>6} {'rows':>6} {'recall':>7}")
        for c in contexts:
            rows = []
            for name in sorted(variants):
                rows.append((name, [v for (cc, _), v in variants[name].items() if cc == c]))
            rows.append(("striped-hier", [pols(r)["starc"] for r in by_ctx[c] if "starc" in pols(r)]))
            for name, ps in rows:
                if not ps:
                    continue
                n = [max(1, len(p["steps"])) for p in ps]
                cyc = lambda k: mean([p["cycles"][k] / m for p, m in zip(ps, n)])
                rec = mean([mean([s["recall"] for s in p["steps"]]) for p in ps])
                print(f"{c:>8} {name:<14} {cyc('total'):>8.0f} {cyc('selection'):>7.0f} {cyc('keys'):>6.0f} "
                      f"{cyc('values'):>6.0f} {mean([p['limit']['actual_over_limit'] for p in ps]):>6.2f} "
                      f"{100 * mean([p['mac_utilisation_mean'] for p in ps]):>5.1f}% "
                      f"{mean([per_step(p, 'acts') for p in ps]):>6.0f} {rec:>7.4f}")
        for name in variants:
            for p in variants[name].values():
                bad += p["bitexact"]["mismatches"] + p["bitexact"]["centroid_match_mismatches"]
                bad += p["timing_errors"]["rtl_checker"] + p["timing_errors"]["trace_checker"]

    # Per-step latency and energy per policy versus context (means over the seeds).
    with open(os.path.join(out, "ctx.dat"), "w") as f:
        f.write("# context " + " ".join(f"{p}_ns {p}_attacc_nJ {p}_act_nJ" for p in POLICIES) + "\n")
        for c in contexts:
            cols = []
            for p in POLICIES:
                rs = [pols(r)[p] for r in by_ctx[c] if p in pols(r)]
                cols.append(" ".join(f"{mean([per_step(x, k) for x in rs]):.{d}f}"
                                     for k, d in (("latency", 1), ("attacc", 2), ("act", 2)))
                            if rs else "nan nan nan")
            f.write(f"{c} " + " ".join(cols) + "\n")
    # Versus budget at 16K, one seed (the budget runs'): the ctx-16384 run of that seed is B = 1024.
    bud = [load(f) for f in glob.glob(os.path.join(out, "budget-*.json"))]
    bud_seed = seed_of(bud[0]) if bud else seeds[0]
    ctx16 = [r for r in by_ctx.get(16384, []) if seed_of(r) == bud_seed]
    bud += ctx16
    bud.sort(key=lambda r: r["run"]["budget"])
    for r in bud:
        bad += check(r, f"budget {r['run']['budget']}")
    # Dense does not depend on the budget: budget runs without it take the 16K run's dense.
    dense16 = next((pols(r)["dense"] for r in ctx16 if "dense" in pols(r)), None)
    ctx = [by_ctx[c][0] for c in contexts]  # one run per context for the utilisation plot
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
