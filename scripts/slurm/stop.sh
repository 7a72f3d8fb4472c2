#!/usr/bin/env bash
# Stops the Slurm daemons that scripts/slurm/start.sh STATE_DIR started (the pids it recorded
# in STATE_DIR/pids, nothing else): SIGTERM, then SIGKILL after 10 s. Safe to run twice.
set -uo pipefail
state="${1:?usage: stop.sh STATE_DIR}"
[ -f "$state/pids" ] || exit 0
while read -r name pid; do
  [ -n "${pid:-}" ] || continue
  # Only a process that is still the daemon we started (the pid may have been reused).
  if kill -0 "$pid" 2>/dev/null && grep -qa "$name" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    echo "slurm: stopped $name ($pid)"
  fi
done < "$state/pids"
rm -f "$state/pids"
