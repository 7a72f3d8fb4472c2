#!/usr/bin/env python3
"""Compares a `starcsim model --merge` report of a sweep's shards (A) with the report of the same
command run unsharded (B): every value equal except the host's wall-clock times (`wall_s`, at
any depth) and `shard` ("merged" against the unsharded run's ""), with compare_merged.py's
comparison. Exits 1 naming the first difference. docs/design.md section 15."""
import json
import sys

from compare_merged import compare


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_model.py MERGED.json UNSHARDED.json")
    a, b = (json.load(open(f)) for f in sys.argv[1:])
    err = compare(a, b, "$", {"wall_s", "shard"}, {})
    if err:
        sys.exit(f"compare_model: the merged shards differ from the unsharded run: {err}")
    heads = sum(len(c["head_steps"]) for c in a["contexts"])
    print(f"compare_model: merged shards = unsharded run ({heads} head-steps; only wall times and 'shard' differ)")


if __name__ == "__main__":
    main()
