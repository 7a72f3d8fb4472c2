#!/usr/bin/env bash
# `make slurm-check` (docs/design.md section 15): the Slurm path of a sweep end to end on this
# machine. Starts a one-node Slurm (start.sh) in a temporary directory and, for each SPEC
# (default: sweeps/small.json, 4 points of `starcsim run --channel small`, and
# sweeps/model-reduced.json, 4 shards of a sampled `starcsim model` step): plans it, submits it as
# one job array (submit.sh -> sweep_array.sbatch -> `starcsim sweep run`, index from
# SLURM_ARRAY_TASK_ID), waits for it (at most SLURM_CHECK_TIMEOUT s, default 300), checks that
# every point ran under Slurm as its own array task, merges, runs the same manifest with `sweep
# local`, merges that, compares the two (compare_merged.py). For a `model` spec it also combines
# the array's shards with `starcsim model --merge` and compares that system table with the same
# command run unsharded. The daemons it started are stopped on every exit, failure too.
# Usage: check.sh [BUILD] [SPEC...]. Outputs: BUILD/slurm-check/<spec>/{manifest.jsonl,slurm,local}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
shift || true
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=("$root/sweeps/small.json" "$root/sweeps/model-reduced.json")
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
# One spec on the running Slurm: plan, array, checks, merge, local, compare.
check_spec() {
  local spec="$1" w manifest points job deadline
  w="$work/$(basename "$spec" .json)"
  mkdir -p "$w"
  manifest="$w/manifest.jsonl"
  "$starcsim" sweep plan --spec "$spec" --manifest "$manifest"
  points=$(wc -l < "$manifest")
  job=$(STARCSIM="$starcsim" "$here/submit.sh" "$manifest" "$w/slurm")
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
  # Every point ran as its own array task of this job (point.json records Slurm's variables).
  python3 - "$w/slurm" "$points" "$job" <<'PY'
import json, sys
out, points, job = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(points):
    with open(f"{out}/point-{i}/point.json") as f:
        s = json.load(f).get("slurm", {})
    if s.get("SLURM_ARRAY_JOB_ID") != job or s.get("SLURM_ARRAY_TASK_ID") != str(i):
        sys.exit(f"slurm-check: point {i} did not run as task {i} of array {job}: {s}")
print(f"slurm-check: every point ran as its array task of job {job}")
PY
  "$starcsim" sweep status --manifest "$manifest" --out "$w/slurm"
  "$starcsim" sweep merge --manifest "$manifest" --out "$w/slurm"
  "$starcsim" sweep local --manifest "$manifest" --out "$w/local"
  "$starcsim" sweep merge --manifest "$manifest" --out "$w/local"
  python3 "$here/compare_merged.py" "$w/slurm/sweep.csv" "$w/slurm/sweep.json" \
    "$w/local/sweep.csv" "$w/local/sweep.json"
  if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["command"] != "model")' "$spec"; then
    # The shards the array computed, combined, are the system table of the unsharded command.
    "$starcsim" model --merge "$w"/slurm/point-*/result.json --json "$w/slurm/model.json" > "$w/slurm/model.txt"
    mapfile -t whole < <(python3 - "$manifest" <<'PY'
import json, sys
args = json.loads(open(sys.argv[1]).readline())["args"]
i = args.index("--shard")
print("\n".join(args[:i] + args[i + 2:]))
PY
)
    "$starcsim" model "${whole[@]}" --json "$w/whole.json" > "$w/whole.txt"
    python3 "$here/compare_model.py" "$w/slurm/model.json" "$w/whole.json"
  fi
}
for spec in "${specs[@]}"; do
  [ -f "$spec" ] || { echo "slurm-check: spec '$spec' is not a file" >&2; exit 1; }
  check_spec "$spec"
done
t1=$(date +%s%N)
echo "slurm-check: passed in $(( (t1 - t0) / 1000000 )) ms (${#specs[@]} sweeps); outputs in $work"
