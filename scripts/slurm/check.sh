#!/usr/bin/env bash
# `make slurm-check` (docs/design.md section 15): the Slurm path of a sweep end to end on this
# machine. Starts a one-node Slurm (start.sh) in a temporary directory, plans SPEC (default
# sweeps/small.json: 4 points of `starcsim run --channel small`), submits it as one job array
# (submit.sh -> sweep_array.sbatch -> `starcsim sweep run`, index from SLURM_ARRAY_TASK_ID),
# waits for it (at most SLURM_CHECK_TIMEOUT s, default 300), checks that every point ran
# under Slurm as its own array task, merges, runs the same manifest with `sweep local`, merges
# that, compares the two (compare_merged.py) and stops the daemons it started, on failure too.
# Outputs: BUILD/slurm-check/{manifest.jsonl,slurm,local}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
spec="${2:-$root/sweeps/small.json}"
starcsim="$build/cli/starcsim"
timeout_s="${SLURM_CHECK_TIMEOUT:-300}"
[ -x "$starcsim" ] || { echo "slurm-check: $starcsim not built" >&2; exit 1; }
work="$build/slurm-check"
rm -rf "$work"
mkdir -p "$work"
state="$(mktemp -d /tmp/starc-slurm.XXXXXX)"
cleanup() {
  local rc=$?
  "$here/stop.sh" "$state" || true
  if [ $rc -ne 0 ]; then
    echo "slurm-check: FAILED; Slurm logs in $state:" >&2
    tail -n 15 "$state"/*.log >&2 2>/dev/null || true
  else
    rm -rf "$state"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$(date +%s%N)
"$here/start.sh" "$state"
export SLURM_CONF="$state/slurm.conf"
manifest="$work/manifest.jsonl"
"$starcsim" sweep plan --spec "$spec" --manifest "$manifest"
points=$(wc -l < "$manifest")
job=$(STARCSIM="$starcsim" "$here/submit.sh" "$manifest" "$work/slurm")
echo "slurm-check: job array $job, $points tasks submitted"
deadline=$(( $(date +%s) + timeout_s ))
while [ -n "$(squeue -h -j "$job" -t pd,r,cf,cg -o %i 2>/dev/null)" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "slurm-check: job $job not finished after $timeout_s s" >&2
    scancel "$job" || true
    exit 1
  fi
  sleep 1
done
t_slurm=$(date +%s%N)
# Every point ran as its own array task of this job (point.json records Slurm's variables).
python3 - "$work/slurm" "$points" "$job" <<'PY'
import json, sys
out, points, job = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(points):
    with open(f"{out}/point-{i}/point.json") as f:
        s = json.load(f).get("slurm", {})
    if s.get("SLURM_ARRAY_JOB_ID") != job or s.get("SLURM_ARRAY_TASK_ID") != str(i):
        sys.exit(f"slurm-check: point {i} did not run as task {i} of array {job}: {s}")
print(f"slurm-check: every point ran as its array task of job {job}")
PY
"$starcsim" sweep status --manifest "$manifest" --out "$work/slurm"
"$starcsim" sweep merge --manifest "$manifest" --out "$work/slurm"
"$starcsim" sweep local --manifest "$manifest" --out "$work/local"
"$starcsim" sweep merge --manifest "$manifest" --out "$work/local"
python3 "$here/compare_merged.py" "$work/slurm/sweep.csv" "$work/slurm/sweep.json" \
  "$work/local/sweep.csv" "$work/local/sweep.json"
t1=$(date +%s%N)
echo "slurm-check: passed in $(( (t1 - t0) / 1000000 )) ms (Slurm start + array: $(( (t_slurm - t0) / 1000000 )) ms); outputs in $work"
