#!/usr/bin/env python3
"""Compares two merged sweeps (`starcsim sweep merge` outputs): A.csv with B.csv byte for byte,
A.json with B.json value for value except the keys named by --ignore (default: wall_seconds and wall_s,
the host wall-clock times each run measures of itself: they differ between any two runs of the
same point, whatever ran them). Prints what it compared and exits 1 on the first difference.
docs/design.md section 15."""
import argparse
import json
import sys


def compare(a, b, path, ignore, counts):
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{path}: keys {list(a.keys())} != {list(b.keys())}"
        for k in a:
            if k in ignore:
                counts[k] = counts.get(k, 0) + 1
                continue
            err = compare(a[k], b[k], f"{path}.{k}", ignore, counts)
            if err:
                return err
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            err = compare(x, y, f"{path}[{i}]", ignore, counts)
            if err:
                return err
        return None
    if type(a) is not type(b) or a != b:
        return f"{path}: {json.dumps(a)[:80]} != {json.dumps(b)[:80]}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("a_csv")
    ap.add_argument("a_json")
    ap.add_argument("b_csv")
    ap.add_argument("b_json")
    ap.add_argument("--ignore", action="append", default=None,
                    help="a JSON key whose values may differ (repeatable; default wall_seconds)")
    args = ap.parse_args()
    ignore = set(args.ignore or ["wall_seconds", "wall_s"])
    with open(args.a_csv, "rb") as f:
        a_csv = f.read()
    with open(args.b_csv, "rb") as f:
        b_csv = f.read()
    if a_csv != b_csv:
        a_lines, b_lines = a_csv.splitlines(), b_csv.splitlines()
        for i, (x, y) in enumerate(zip(a_lines, b_lines)):
            if x != y:
                print(f"compare: {args.a_csv} and {args.b_csv} differ at line {i + 1}", file=sys.stderr)
                return 1
        print(f"compare: {args.a_csv} has {len(a_lines)} lines, {args.b_csv} {len(b_lines)}", file=sys.stderr)
        return 1
    with open(args.a_json) as f:
        a = json.load(f)
    with open(args.b_json) as f:
        b = json.load(f)
    counts = {}
    err = compare(a, b, "$", ignore, counts)
    if err:
        print(f"compare: {args.a_json} and {args.b_json} differ: {err}", file=sys.stderr)
        return 1
    rows = a_csv.count(b"\n") - 1
    skipped = ", ".join(f"{n} '{k}' objects" for k, n in sorted(counts.items())) or "nothing"
    print(f"compare: CSV identical ({rows} rows); JSON identical ({len(a.get('points', []))} points) "
          f"except {skipped} (run-specific wall-clock times)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
