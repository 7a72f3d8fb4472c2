#!/usr/bin/env python3
"""check_layers.py [--quiet] [--self-test] ROOT

The include rule of docs/design.md section 1: the C++ folders are layers, bottom up

    contracts  <-  mapping  <-  host  <-  sim  <-  cli

and a file may include its own layer or a lower one, always naming the folder
(`#include "mapping/kv_layout.hpp"`). Reports every include that points up, every include of a
project header that names no folder, and prints the folder graph (folder A -> B when a file under
A includes one under B). Exit 1 on any violation. tests/ may include every layer and is not
checked. --self-test runs the check on small generated trees and fails unless it catches an
upward include and a bare include and accepts a legal tree.
"""
import os
import re
import sys
import tempfile

LAYERS = ["contracts", "mapping", "host", "sim", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def sources(root):
    for layer in LAYERS:
        top = os.path.join(root, layer)
        for dirpath, _, names in os.walk(top):
            for n in sorted(names):
                if n.endswith((".hpp", ".h", ".cpp", ".cc")):
                    yield layer, os.path.relpath(os.path.join(dirpath, n), root)


def check(root):
    """Returns (violations, edges)."""
    files = list(sources(root))
    basenames = {os.path.basename(rel) for _, rel in files}
    violations, edges = [], set()
    for layer, rel in files:
        with open(os.path.join(root, rel), errors="replace") as f:
            text = f.read()
        for lineno, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            name = m.group(1)
            top = name.split("/", 1)[0] if "/" in name else None
            if top in RANK:
                if top != layer:
                    edges.add((layer, top))
                if RANK[top] > RANK[layer]:
                    violations.append(f"{rel}:{lineno}: {layer}/ includes {name}, a higher layer "
                                      f"({' <- '.join(LAYERS)})")
            elif "/" not in name and name in basenames:
                violations.append(f"{rel}:{lineno}: include \"{name}\" names no folder")
    return violations, sorted(edges, key=lambda e: (RANK[e[0]], RANK[e[1]]))


def self_test():
    def tree(files):
        d = tempfile.mkdtemp(prefix="check_layers_")
        for rel, text in files.items():
            os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        return d

    legal = {"contracts/a.hpp": "#pragma once\n",
             "mapping/b.hpp": '#include "contracts/a.hpp"\n',
             "cli/main.cpp": '#include "mapping/b.hpp"\n#include "Vtop.h"\n'}
    v, edges = check(tree(legal))
    assert not v, v
    assert edges == [("mapping", "contracts"), ("cli", "mapping")], edges
    upward = dict(legal, **{"mapping/c.cpp": '#include "sim/x.hpp"\n', "sim/x.hpp": ""})
    v, _ = check(tree(upward))
    assert len(v) == 1 and "mapping/c.cpp:1" in v[0] and "higher layer" in v[0], v
    bare = dict(legal, **{"host/d.cpp": '#include "b.hpp"\n'})
    v, _ = check(tree(bare))
    assert len(v) == 1 and "names no folder" in v[0], v
    print("check_layers self-test: an upward include and a bare include are caught, a legal tree passes")


def main(argv):
    quiet = "--quiet" in argv
    if "--self-test" in argv:
        self_test()
        return 0
    args = [a for a in argv if not a.startswith("--")]
    root = args[0] if args else "."
    violations, edges = check(root)
    if not quiet or violations:
        print("layers (bottom up): " + " <- ".join(LAYERS))
        print("folder graph: " + ", ".join(f"{a}->{b}" for a, b in edges))
    for v in violations:
        print(v, file=sys.stderr)
    if violations:
        print(f"check_layers: {len(violations)} include(s) break the layering", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
