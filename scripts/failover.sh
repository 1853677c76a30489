#!/usr/bin/env bash
# Failover under load: two gateways through PgBouncer (transaction mode), SIGKILL of the primary's
# postmaster, `pg_ctl promote` of its synchronous standby, PgBouncer repointed (RELOAD); then creates in
# the gap must be 503/5001 reserving nothing, no accepted task lost, reconcile ok on the new primary.
# Prints lost and double-counted; exits 1 unless both are 0 and every check held.
#   bash scripts/failover.sh [--seconds 30] [--kill-at 10] [--gap 3] [--tenants 2] [--binary PATH]
# Its clusters are its own (.omnimeter/failover*, ports OMNIMETER_PG_PORT+110..112) and are removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start   # installs PostgreSQL and libpq when missing
exec python3 scripts/failover.py "$@"
