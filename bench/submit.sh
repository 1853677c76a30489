#!/usr/bin/env bash
# Submits per second and gateway-added latency (p50, p99) of a release gateway against the upstream on
# loopback, beside pgbench running the same reserve-and-settle SQL (bench/reserve_settle.pgbench) on the
# same machine, printed as a ratio. Uses its own databases (omnimeter_bench, omnimeter_pgbench).
#   bash bench/submit.sh [--clients 16] [--seconds 20] [--tenants 32]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start
exec python3 bench/submit.py "$@"
