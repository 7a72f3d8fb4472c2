#!/usr/bin/env python3
"""Summary of `make long` (scripts/long.sh): per context and policy the cycles per step, each
phase's share, recall and checks; STARC's wall time and peak memory (its own run); writes
cycles.dat and share-POLICY.dat for scripts/long.gp. Exits 1 if any run had a bit-exact or
centroid-match mismatch or a timing error."""
import glob, json, os, re, sys

out = sys.argv[1] if len(sys.argv) > 1 else "build/long"
POLICIES = ["dense", "oracle", "tokenwise", "quest", "starc"]
bad = 0

def load(path):
    global bad
    d = json.load(open(path))
    res = {}
    for p in d["policies"]:
        be, te = p["bitexact"], p["timing_errors"]
        if be["mismatches"] or be["centroid_match_mismatches"] or te["rtl_checker"] or te["trace_checker"]:
            print(f"FAIL {path} {p['policy']}: {be['mismatches']} mismatches, "
                  f"{be['centroid_match_mismatches']} centroid-match, timing {te}")
            bad += 1
        res[p["policy"]] = p
    return d["run"]["context"], res

def walltime(name):
    try:
        w, m = open(os.path.join(out, name + ".time")).read().split()[-2:]
        return float(w), int(m) / 1024
    except (OSError, ValueError):
        return None, None

rows = {}
for f in glob.glob(os.path.join(out, "ctx-*.json")):
    ctx, res = load(f)
    rows[ctx] = res
extra = {}
for kind in ["starc-only", "starc-grouprows", "starc-flat"]:
    for f in glob.glob(os.path.join(out, kind + "-*.json")):
        ctx, res = load(f)
        extra[(kind, ctx)] = res["starc"]

def cyc(p):
    return p["cycles_per_step"]

def share(p, phase):
    c = p["cycles"]
    return c[phase] / c["total"] if c["total"] else 0.0

print(f"\nCycles per step (B = {json.load(open(glob.glob(os.path.join(out, 'ctx-*.json'))[0]))['run']['budget']}), "
      "selection share, recall; '-' not run")
print("| context | " + " | ".join(POLICIES) + " | dense / starc | starc select share | starc recall |")
print("|---|" + "---|" * (len(POLICIES) + 3))
with open(os.path.join(out, "cycles.dat"), "w") as dat:
    dat.write("# context " + " ".join(POLICIES) + " (cycles per step; NaN: not run)\n")
    for ctx in sorted(rows):
        r = rows[ctx]
        cells = [f"{cyc(r[p]):.0f}" if p in r else "-" for p in POLICIES]
        ratio = f"{cyc(r['dense']) / cyc(r['starc']):.1f}x" if "dense" in r else "-"
        s = r["starc"]
        print(f"| {ctx} | " + " | ".join(cells) + f" | {ratio} | {share(s, 'selection'):.1%} | {s['fidelity']['recall']:.4f} |")
        dat.write(f"{ctx} " + " ".join(f"{cyc(r[p]):.0f}" if p in r else "NaN" for p in POLICIES) + "\n")
for p in POLICIES:
    with open(os.path.join(out, f"share-{p}.dat"), "w") as dat:
        dat.write("# context selection keys values (share of the step's cycles)\n")
        for ctx in sorted(rows):
            if p in rows[ctx]:
                q = rows[ctx][p]
                dat.write(f"{ctx} {share(q, 'selection'):.4f} {share(q, 'keys'):.4f} {share(q, 'values'):.4f}\n")

print("\nSTARC variants (own runs): cycles per step [selection share] recall; wall s / peak RSS MB of the run")
print("| context | hier (default) | hier, --hier-rows group --hier-cover 2 | flat (paper) |")
print("|---|---|---|---|")
for ctx in sorted(rows):
    cells = []
    for kind in ["starc-only", "starc-grouprows", "starc-flat"]:
        s = extra.get((kind, ctx))
        if s is None:
            cells.append("-")
            continue
        w, m = walltime(f"{kind}-{ctx}")
        cost = f"; {w:.1f} s / {m:.0f} MB" if w is not None else ""
        cells.append(f"{cyc(s):.0f} [{share(s, 'selection'):.1%}] {s['fidelity']['recall']:.4f}{cost}")
    print(f"| {ctx} | " + " | ".join(cells) + " |")
print("\nWall time and peak RSS per run (/usr/bin/time):")
for f in sorted(glob.glob(os.path.join(out, "*.time"))):
    w, m = walltime(os.path.basename(f)[:-5])
    if w is not None:
        print(f"  {os.path.basename(f)[:-5]}: {w:.1f} s, {m:.0f} MB")
if bad:
    print(f"{bad} failing policy runs")
    sys.exit(1)
