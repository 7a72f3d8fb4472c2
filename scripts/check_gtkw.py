#!/usr/bin/env python3
"""Checks that every signal a GTKWave save file names exists in its dump file (docs/design.md
section 8, "Waves"): a renamed or resized RTL signal must not leave a save file pointing at
nothing (GTKWave drops such a row without a word). Also checks that every translate filter file
and filter process it references exists.

The FST's signal names come from its header (`fst2vcd`, the definitions only): scopes joined with
`.`, a vector with its range (`TOP.pim_channel.cmd_op_i[3:0]`), as GTKWave names them. A save
file names a signal on a line of its own, or inside a bit list `#{alias} (i)SIGNAL ...` (bit i of
SIGNAL, 0 = its most significant bit; checked against the width) or `#{alias} SIGNAL`.

Usage: check_gtkw.py SAVEFILE [SAVEFILE ...]   (each names its dump file in [dumpfile])
Exit status 0 when every name resolves; 1 with one line per missing signal otherwise.
Standard library only (fst2vcd comes with GTKWave)."""
import os
import re
import subprocess
import sys


def fst_signals(path):
    """{full name: width} of the signals in an FST (or VCD) header."""
    if path.endswith(".vcd"):
        with open(path) as f:
            header = f.read().split("$enddefinitions")[0]
    else:
        proc = subprocess.Popen(["fst2vcd", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lines = []
        for line in proc.stdout:
            if "$enddefinitions" in line:
                break
            lines.append(line)
        proc.kill()
        proc.wait()
        header = "".join(lines)
    if "$var" not in header:
        raise SystemExit(f"check_gtkw: {path}: no signal definitions (not an FST/VCD file?)")
    names = {}
    scope = []
    for tok in re.finditer(r"\$(scope|upscope|var)\b(.*?)\$end", header, re.S):
        kind, body = tok.group(1), tok.group(2).split()
        if kind == "scope":
            scope.append(body[1])
        elif kind == "upscope":
            scope.pop()
        else:  # var TYPE WIDTH ID NAME [RANGE]
            width, name = int(body[1]), body[3]
            if len(body) > 4 and body[4].startswith("["):
                name += body[4]
            names[".".join(scope + [name])] = width
    return names


def save_file_refs(path):
    """(dump file, [(line number, signal, bit or None)], [(line number, filter path)])."""
    dump = None
    sigs, filters = [], []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line or line.startswith("[*]"):
                continue
            if line.startswith("[dumpfile]"):
                dump = line.split(None, 1)[1].strip().strip('"')
            elif line.startswith("^"):  # ^N file filter, ^>N filter process, ^<N transaction
                filters.append((n, line.split(None, 1)[1].strip()))
            elif line.startswith("#{"):
                for tok in line[line.index("}") + 1:].split():
                    m = re.match(r"^\((\d+)\)(.+)$", tok)
                    sigs.append((n, m.group(2), int(m.group(1))) if m else (n, tok, None))
            elif line[0] in "[*@-":
                continue  # settings, zoom and markers, flags, group and comment rows
            else:
                sigs.append((n, line, None))
    if dump is None:
        raise SystemExit(f"check_gtkw: {path}: no [dumpfile] line")
    if not os.path.isabs(dump):
        dump = os.path.join(os.path.dirname(os.path.abspath(path)), dump)
    return dump, sigs, filters


def check(path):
    dump, sigs, filters = save_file_refs(path)
    if not os.path.exists(dump):
        return [f"{path}: [dumpfile] {dump} does not exist"]
    names = fst_signals(dump)
    errors = []
    for n, sig, bit in sigs:
        if sig not in names:
            errors.append(f"{path}:{n}: signal {sig} is not in {dump}")
        elif bit is not None and bit >= names[sig]:
            errors.append(f"{path}:{n}: bit ({bit}) of {sig} is outside its {names[sig]} bits")
    for n, fil in filters:
        if not os.path.exists(fil):
            errors.append(f"{path}:{n}: filter {fil} does not exist")
    if not sigs:
        errors.append(f"{path}: names no signal")
    print(f"check_gtkw: {path}: {len(sigs)} signal references, {len(filters)} filters, "
          f"{len(errors)} problems ({len(names)} signals in {os.path.basename(dump)})")
    return errors


def main(paths):
    if not paths:
        raise SystemExit("usage: check_gtkw.py SAVEFILE [SAVEFILE ...]")
    errors = []
    for p in paths:
        errors += check(p)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
