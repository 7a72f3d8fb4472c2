#!/usr/bin/env bash
# Submits every point of a sweep manifest as one Slurm job array and prints the job id:
#   scripts/slurm/submit.sh MANIFEST OUT_DIR [sbatch flags...]
# STARCSIM (default: starcsim on PATH) is passed to the job; the array runs
# scripts/slurm/sweep_array.sbatch, one task per manifest line (docs/design.md section 15).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
manifest="${1:?usage: submit.sh MANIFEST OUT_DIR [sbatch flags]}"
out="${2:?usage: submit.sh MANIFEST OUT_DIR [sbatch flags]}"
shift 2
[ -f "$manifest" ] || { echo "submit: '$manifest' is not a file" >&2; exit 1; }
points=$(wc -l < "$manifest")
[ "$points" -gt 0 ] || { echo "submit: '$manifest' has no points" >&2; exit 1; }
mkdir -p "$out"
manifest="$(cd "$(dirname "$manifest")" && pwd)/$(basename "$manifest")"
out="$(cd "$out" && pwd)"
STARCSIM="$(command -v "${STARCSIM:-starcsim}")" || { echo "submit: starcsim not found (set STARCSIM)" >&2; exit 1; }
export STARCSIM
sbatch --parsable --array="0-$((points - 1))" --chdir="$out" --output="$out/slurm-%A_%a.out" \
  "$@" "$here/sweep_array.sbatch" "$manifest" "$out"
