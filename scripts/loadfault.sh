#!/usr/bin/env bash
# Load and faults against a release build, then a money audit: tenants submit videos and images for a
# bounded time while the gateway is SIGKILLed and restarted and PostgreSQL restarts once; every task and
# balance is then checked against the ledger. Exits 1 if any money is lost or double-counted.
#   bash scripts/loadfault.sh [--tenants 4] [--seconds 60] [--kills 3] [--help]
# Uses its own database (omnimeter_loadfault) in the cluster of scripts/pg.sh; loopback only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start
exec python3 scripts/loadfault.py "$@"
