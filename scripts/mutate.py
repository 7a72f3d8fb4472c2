#!/usr/bin/env python3
"""RTL mutation check (issue 15, `make mutate`, not in CI).

Applies single mutations to the RTL in a scratch copy and runs the mutant under Icarus Verilog on
the `make xsim` vector files (tests/xsim/tb_*.sv): a mutant is killed when its results differ from
the reference (the unmutated RTL's Verilator results, which are checked against the golden model),
when an RTL assertion ($error) fires, when the testbench fails or when it times out. A mutant that does not compile (iverilog) is
stillborn and not counted.

Mutated regions (the units whose Icarus benches exist):
  fp units        rtl/pim_pkg.sv, the fp_unpack / fp_mul / fp32_add function bodies -> MAC bench
  pim_mac         rtl/pim_mac.sv after its port list                              -> MAC bench
  pim_mac_front   rtl/pim_mac_front.sv after its port list                        -> MAC bench
  centroid_match  rtl/centroid_match.sv after its port list                       -> cmatch bench
The timing checker has no Icarus bench and no Verilator rebuild fits this script's budget: it is
not mutated here (its RTL tests are in tests/test_timing_rules_rtl.cpp).

Operators (one occurrence per mutant): + <-> -, == <-> !=, && <-> ||, > -> >=, < -> <=,
1'b0 <-> 1'b1, a decimal constant n -> n+1 (off by one), `+ 1` -> `+ 0` (dropped increment),
if (c) -> if (!(c)) (inverted condition).

usage: mutate.py BUILD [--per-unit N] [--seed S]   (needs BUILD/xsim from scripts/xsim.sh)
Writes BUILD/mutate/report.txt: per unit killed / total, and every survivor.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTL = os.path.join(ROOT, "rtl")

UNITS = {
    "fp units": ("pim_pkg.sv", "mac", (33, 203)),
    "pim_mac": ("pim_mac.sv", "mac", None),
    "pim_mac_front": ("pim_mac_front.sv", "mac", None),
    "centroid_match": ("centroid_match.sv", "cmatch", None),
}

OPS = [
    ("+ -> -", re.compile(r"(?<=[\w\)\]\}] )\+(?= [\w\(\{'])"), "-"),
    ("- -> +", re.compile(r"(?<=[\w\)\]\}] )-(?= [\w\(\{'])"), "+"),
    ("== -> !=", re.compile(r"=="), "!="),
    ("!= -> ==", re.compile(r"!="), "=="),
    ("&& -> ||", re.compile(r"&&"), "||"),
    ("|| -> &&", re.compile(r"\|\|"), "&&"),
    ("> -> >=", re.compile(r"(?<=\w |\) )>(?= )"), ">="),
    ("< -> <=", re.compile(r"(?<=\w |\) )<(?= )"), "<="),
    ("1'b0 -> 1'b1", re.compile(r"1'b0"), "1'b1"),
    ("1'b1 -> 1'b0", re.compile(r"1'b1"), "1'b0"),
    ("+ 1 -> + 0", re.compile(r"\+ 1(?![\d'])"), "+ 0"),
    ("n -> n+1", re.compile(r"(?<![\w'.\[:])\d+(?![\w'.])(?![^\[]*\])"), None),
    ("if (c) -> if (!(c))", re.compile(r"\bif \((.*)\)(?= begin|\s*$| \w)"), None),
]


def code_part(line):
    i = line.find("//")
    return line if i < 0 else line[:i]


def candidate_lines(text, region):
    lines = text.split("\n")
    if region:
        lo, hi = region
    else:
        # after the module's port list: the first line that is exactly ");"
        lo = next(i for i, l in enumerate(lines) if l.strip() == ");") + 2
        hi = len(lines)
    return lines, range(max(lo - 1, 0), min(hi, len(lines)))


def mutants(path, region):
    text = open(path).read()
    lines, rng = candidate_lines(text, region)
    out = []
    for i in rng:
        code = code_part(lines[i])
        if not code.strip() or code.lstrip().startswith(("localparam", "parameter", "logic ", "input", "output")):
            continue
        for name, rx, rep in OPS:
            for m in rx.finditer(code):
                if name == "n -> n+1":
                    new = str(int(m.group(0)) + 1)
                elif name.startswith("if"):
                    new = f"if (!({m.group(1)}))"
                else:
                    new = rep
                mutated = code[: m.start()] + new + code[m.end():] + lines[i][len(code):]
                out.append((i + 1, name, lines[i].strip(), lines[:i] + [mutated] + lines[i + 1:]))
    return out


def run(cmd, timeout):
    """Exit status, "timeout", or "error" when the simulator printed an RTL $error/$fatal."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    if p.returncode == 0 and cmd[0] == "vvp" and re.search(rb"ERROR|FATAL", p.stdout):
        return "error"
    return p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--per-unit", type=int, default=25)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    xsim = os.path.join(a.build, "xsim")
    out = os.path.join(a.build, "mutate")
    work = os.path.join(out, "rtl")
    os.makedirs(out, exist_ok=True)
    benches = {
        "mac": (["pim_pkg.sv", "pim_mac_front.sv", "pim_mac.sv"], "tb_pim_mac", "mac"),
        "cmatch": (["pim_pkg.sv", "centroid_match.sv"], "tb_centroid_match", "cmatch"),
    }
    # Smaller vector files than `make xsim` (the first operations/selections of its files).
    vec = {}
    for b, n in (("mac", 400), ("cmatch", 150)):
        src, ref = os.path.join(xsim, f"{b}.vec"), os.path.join(xsim, f"{b}.verilator")
        if not (os.path.exists(src) and os.path.exists(ref)):
            sys.exit(f"mutate: {src} / {ref} missing: run `make xsim` first")
        if b == "mac":
            body = [l for l in open(src) if l.strip() and not l.startswith("#")][:n]
        else:
            body, count, sels = [], 0, 0
            it = [l for l in open(src) if l.strip() and not l.startswith("#")]
            k = 0
            while k < len(it) and sels < n:
                c = int(it[k].split()[2], 16)
                body += it[k: k + 1 + c]
                k += 1 + c
                sels += 1
        vpath = os.path.join(out, f"{b}.vec")
        open(vpath, "w").writelines(body)
        # The reference: the unmutated RTL under Icarus on the shortened file, which must agree
        # line for line with the Verilator results of the same operations / passes.
        files, top, _ = benches[b]
        vvp, rpath = os.path.join(out, f"{b}.ref.vvp"), os.path.join(out, f"{b}.ref")
        subprocess.run(["iverilog", "-g2012", "-o", vvp, "-s", top] + [os.path.join(RTL, f) for f in files] +
                       [os.path.join(ROOT, "tests", "xsim", top + ".sv")], check=True)
        subprocess.run(["vvp", "-n", vvp, f"+vectors={vpath}", f"+out={rpath}"], check=True, stdout=subprocess.DEVNULL)
        ref = open(rpath).read().split("\n")
        if ref[:-1] != open(src.replace(".vec", ".verilator")).read().split("\n")[: len(ref) - 1]:
            sys.exit(f"mutate: the unmutated RTL under Icarus differs from Verilator on {vpath}")
        vec[b] = (vpath, rpath)
    rnd = random.Random(a.seed)
    report, total_k, total_n = [], 0, 0
    for unit, (fname, bench, region) in UNITS.items():
        all_m = mutants(os.path.join(RTL, fname), region)
        pick = rnd.sample(all_m, min(a.per_unit, len(all_m)))
        killed, survivors, stillborn = 0, [], 0
        for line, op, orig, mutated in pick:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(RTL, work)
            open(os.path.join(work, fname), "w").write("\n".join(mutated))
            files, top, _ = benches[bench]
            vvp = os.path.join(out, "mutant.vvp")
            tb = os.path.join(ROOT, "tests", "xsim", top + ".sv")
            rc = run(["iverilog", "-g2012", "-o", vvp, "-s", top] + [os.path.join(work, f) for f in files] + [tb], 120)
            if rc != 0:
                stillborn += 1
                continue
            res = os.path.join(out, "mutant.out")
            if os.path.exists(res):
                os.remove(res)
            vpath, rpath = vec[bench]
            rc = run(["vvp", "-n", vvp, f"+vectors={vpath}", f"+out={res}"], 120)
            same = rc == 0 and os.path.exists(res) and open(res).read() == open(rpath).read()
            if same:
                survivors.append(f"  {fname}:{line} {op}: {orig}")
            else:
                killed += 1
        n = len(pick) - stillborn
        total_k += killed
        total_n += n
        report.append(f"{unit}: {killed}/{n} killed ({100.0 * killed / max(n, 1):.0f}%), {stillborn} stillborn, "
                      f"sampled from {len(all_m)} mutants")
        report += survivors
        print(report[-1 - len(survivors)], flush=True)
    report.append(f"all: {total_k}/{total_n} killed ({100.0 * total_k / max(total_n, 1):.0f}%)")
    text = "\n".join(report) + "\n"
    open(os.path.join(out, "report.txt"), "w").write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
