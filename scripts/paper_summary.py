#!/usr/bin/env python3
"""Summary of `make paper` (scripts/paper.sh): STARC's latency and energy reduction against
dense, token-wise and Quest per context (mean [min .. max] over the workload seeds), next to the
STARC artifact's figures (docs/design.md section 12), and the .dat files scripts/plots.sh draws:
ctx.dat and budget.dat (per policy: latency mean, energies, latency min and max over the seeds,
the physical limit's latency), phases.dat (cycles per step by phase, per context and policy),
util.dat. Standard library only."""
import glob
import json
import os
import sys

POLICIES = ["dense", "tokenwise", "quest", "starc"]
# STARC artifact (AttAcc model + patched Ramulator 2), LLaMA-7B, B = 1024 (docs/design.md section 12):
# attention-layer latency reduction of STARC against each policy, and its energy reduction
# against full attention (batch 16; measured by running the artifact; its energy model is the
# per-byte AttAcc one that this simulator's `attacc` model reproduces).
PAPER_LATENCY = {"dense": "85% .. 92%", "tokenwise": "~60%", "quest": "~-58% (STARC slower)"}
ARTIFACT_ENERGY_VS_DENSE = {16384: 82.8, 24576: 87.2, 32768: 89.6}


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
    if key == "limit":  # latency of the physical limit (docs/design.md section 8)
        x = p["limit"]["actual_over_limit"]
        return p["latency_ns_per_step"] / x if x > 0 else float("nan")
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
          f"{'STARC rows':>10} {'other rows':>10}   {'artifact latency':<22} artifact energy")
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
            art_e = ARTIFACT_ENERGY_VS_DENSE.get(c) if other == "dense" else None
            print(f"{c:>8} {other:<10} {red('latency'):>22} {red('attacc'):>22} {red('act'):>22} "
                  f"{rows_s:>10.0f} {rows_o:>10.0f}   {PAPER_LATENCY[other]:<22} "
                  f"{f'{art_e:.1f}%' if art_e else '-'}")
    print("(rows = bank activations per step. Artifact: the STARC artifact, LLaMA-7B, batch 16, B = 1024;")
    print(" its energy figure is against full attention only, under AttAcc's per-byte model, which our")
    print(" `E attacc` column reproduces; one head on one channel here, the system's attention layer there)")

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

    # Per-step latency and energy per policy versus context (means over the seeds; the latency's
    # min and max over the seeds; the physical limit's latency).
    def dat_cols(rs):
        if not rs:
            return "nan " * 5 + "nan"
        lat = [per_step(x, "latency") for x in rs]
        return (f"{mean(lat):.1f} {mean([per_step(x, 'attacc') for x in rs]):.2f} "
                f"{mean([per_step(x, 'act') for x in rs]):.2f} {min(lat):.1f} {max(lat):.1f} "
                f"{mean([per_step(x, 'limit') for x in rs]):.1f}")
    head = "# {} " + " ".join(f"{p}_ns {p}_attacc_nJ {p}_act_nJ {p}_ns_min {p}_ns_max {p}_limit_ns"
                              for p in POLICIES) + "\n"
    with open(os.path.join(out, "ctx.dat"), "w") as f:
        f.write(head.format("context"))
        for c in contexts:
            f.write(f"{c} " + " ".join(dat_cols([pols(r)[p] for r in by_ctx[c] if p in pols(r)])
                                       for p in POLICIES) + "\n")
    # Cycles per step by phase (means over seeds and steps), per context and policy: the
    # stacked bars of phases.svg. Rows "CONTEXT POLICY selection keys softmax values gaps",
    # a blank row between contexts.
    for name, shown in (("phases.dat", POLICIES), ("phases_sparse.dat", POLICIES[1:])):
        with open(os.path.join(out, name), "w") as f:
            f.write("# label selection keys softmax values gaps (cycles per step)\n")
            for c in contexts:
                for p in shown:
                    rs = [pols(r)[p] for r in by_ctx[c] if p in pols(r)]
                    if not rs:
                        continue
                    cyc = [mean([x["cycles"][k] / max(1, len(x["steps"])) for x in rs])
                           for k in ("selection", "keys", "softmax", "values", "gaps")]
                    f.write(f'"{c // 1024}K {p}" ' + " ".join(f"{v:.1f}" for v in cyc) + "\n")
                f.write('"" 0 0 0 0 0\n')
    # Versus budget at 16K, over the seeds: the budget runs and the 16K context runs (B = 1024).
    bud = [load(f) for f in glob.glob(os.path.join(out, "budget-*.json"))]
    ctx16 = by_ctx.get(16384, [])
    for r in bud:
        bad += check(r, f"budget {r['run']['budget']} seed {seed_of(r)}")
    by_budget = {}
    for r in bud + ctx16:
        by_budget.setdefault(r["run"]["budget"], []).append(r)
    # Dense does not depend on the budget: the budget runs leave it out and take the 16K runs'.
    dense16 = [pols(r)["dense"] for r in ctx16 if "dense" in pols(r)]
    ctx = [by_ctx[c][0] for c in contexts]  # one run per context for the utilisation plot
    with open(os.path.join(out, "budget.dat"), "w") as f:
        f.write(head.format("budget"))
        for b in sorted(by_budget):
            cols = []
            for p in POLICIES:
                rs = [pols(r)[p] for r in by_budget[b] if p in pols(r)]
                cols.append(dat_cols(rs if rs or p != "dense" else dense16))
            f.write(f"{b} " + " ".join(cols) + "\n")
    # MAC-slot utilisation per bank group at the largest context.
    last = pols(ctx[-1])
    with open(os.path.join(out, "util.dat"), "w") as f:
        f.write(f"# context {ctx[-1]['run']['context']}: bank_group " + " ".join(POLICIES) + "\n")
        groups = len(next(iter(last.values()))["mac_utilisation_per_bg"])
        for g in range(groups):
            f.write(f"{g} " + " ".join(f"{100 * last[p]['mac_utilisation_per_bg'][g]:.2f}"
                                       if p in last else "nan" for p in POLICIES) + "\n")
    print(f"data: {out}/ctx.dat, budget.dat, phases.dat, util.dat")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/paper"))
