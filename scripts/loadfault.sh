#!/usr/bin/env bash
# Load and faults against a release build, then a money audit. The whole schedule is drawn from a seed:
# gateway SIGKILLs, a PostgreSQL restart, windows where the upstream refuses connections, failed tasks,
# creates answered 500 or lost after the task was made, slow answers, failed polls, the load's shape.
# Exits 1 if money is lost or double-counted, reconcile fails, or a fault kind did not happen.
#   bash scripts/loadfault.sh [--seed N | --seeds 1..5] [--tenants 4] [--seconds 60] [--kills K] [--help]
# Uses its own database (omnimeter_loadfault) in the cluster of scripts/pg.sh; loopback only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start
exec python3 scripts/loadfault.py "$@"
