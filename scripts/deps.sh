#!/usr/bin/env bash
# Installs the Debian 12 packages starc-pim needs. Idempotent: quick when all are present.
# As root it installs them; otherwise it prints the exact command and fails.
set -euo pipefail
PKGS=(build-essential cmake make git pkg-config python3 zlib1g-dev
      verilator iverilog yosys gtkwave gnuplot-nox opensta qflow-tech-osu018
      libeigen3-dev libcli11-dev nlohmann-json3-dev libfmt-dev libmpfr-dev libgmp-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      clang   # clang: libFuzzer for `make fuzz` (issue 15)
      slurm-wlm)  # slurmctld, slurmd, sbatch: `make slurm-check` (issue 13)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "starc-pim: missing Debian packages; install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "starc-pim: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
