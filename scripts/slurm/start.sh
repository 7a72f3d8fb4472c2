#!/usr/bin/env bash
# Starts a one-node Slurm (slurmctld + slurmd, Debian 12's slurm-wlm) whose every file lives in
# STATE_DIR (created; must not hold a running Slurm): writes STATE_DIR/slurm.conf from
# slurm.conf.in (node `hostname -s` at 127.0.0.1, CPUs from nproc, two free TCP ports from 6817
# on), starts both daemons in the foreground mode (-D) as background processes, records their
# pids in STATE_DIR/pids, and waits (at most 60 s) until the node is idle. Clients use it with
# `export SLURM_CONF=STATE_DIR/slurm.conf`. scripts/slurm/stop.sh STATE_DIR stops exactly these
# daemons. docs/design.md section 15.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${1:?usage: start.sh STATE_DIR}"
mkdir -p "$state"
state="$(cd "$state" && pwd)"
for tool in slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm: '$tool' not found (install slurm-wlm: make deps)" >&2; exit 1; }
done
if [ -s "$state/pids" ]; then
  echo "slurm: $state/pids exists (a Slurm started there may still run; scripts/slurm/stop.sh $state)" >&2
  exit 1
fi
mkdir -p "$state/ctld" "$state/spool"
node="$(hostname -s)"
# Two free TCP ports on 127.0.0.1, from 6817 (Slurm's default) up.
read -r ctld_port slurmd_port < <(python3 - <<'PY'
import socket
ports = []
p = 6817
while len(ports) < 2 and p < 7817:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        ports.append(p)
    except OSError:
        pass
    finally:
        s.close()
    p += 1
print(*ports)
PY
)
[ -n "${slurmd_port:-}" ] || { echo "slurm: no free TCP port pair in 6817-7816" >&2; exit 1; }
sed -e "s|@STATE@|$state|g" -e "s|@NODE@|$node|g" -e "s|@CPUS@|$(nproc)|g" \
    -e "s|@USER@|$(id -un)|g" -e "s|@CTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" \
    "$here/slurm.conf.in" > "$state/slurm.conf"
export SLURM_CONF="$state/slurm.conf"
: > "$state/pids"
slurmctld -D -i -f "$SLURM_CONF" >>"$state/slurmctld.out" 2>&1 &
echo "slurmctld $!" >> "$state/pids"
slurmd -D -f "$SLURM_CONF" -N "$node" >>"$state/slurmd.out" 2>&1 &
echo "slurmd $!" >> "$state/pids"
for _ in $(seq 1 120); do
  while read -r name pid; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "slurm: $name exited at start; its log:" >&2
      tail -n 20 "$state/$name.log" "$state/$name.out" >&2 2>/dev/null || true
      exit 1
    fi
  done < "$state/pids"
  st="$(sinfo -h -n "$node" -o %T 2>/dev/null || true)"
  if [ "$st" = "idle" ]; then
    echo "slurm: one node '$node' ($(nproc) CPUs) idle; SLURM_CONF=$SLURM_CONF (ports $ctld_port, $slurmd_port)"
    exit 0
  fi
  sleep 0.5
done
echo "slurm: node '$node' not idle after 60 s (state '${st:-none}'); logs in $state" >&2
exit 1
