#!/usr/bin/env python3
"""Compares a `starcsim model --merge` report of a sweep's shards (A) with the report of the same
command run unsharded (B): every value equal except the host's wall-clock times (`wall_s`, at
any depth) and `shard` ("merged" against the unsharded run's ""). Exits 1 naming the first
difference. docs/design.md section 15."""
import json
import sys

IGNORE = {"wall_s", "shard"}


def first_difference(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return f"{path}: keys {sorted(set(a) ^ set(b))} in only one report"
        for k in a:
            if k not in IGNORE:
                d = first_difference(a[k], b[k], f"{path}.{k}")
                if d:
                    return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b and type(a) is type(b) else f"{path}: {a!r} != {b!r}"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_model.py MERGED.json UNSHARDED.json")
    a, b = (json.load(open(f)) for f in sys.argv[1:])
    d = first_difference(a, b, "$")
    if d:
        sys.exit(f"compare_model: the merged shards differ from the unsharded run: {d}")
    heads = sum(len(c["head_steps"]) for c in a["contexts"])
    print(f"compare_model: merged shards = unsharded run ({heads} head-steps; only wall times and 'shard' differ)")


if __name__ == "__main__":
    main()
