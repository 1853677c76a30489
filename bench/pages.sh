#!/usr/bin/env bash
# Times every console and portal page against a database of N tasks (bench/pages_seed.sql), signed in
# with a session cookie like a browser: RUNS requests per page after one warm-up, prints p50 and max in
# ms and the HTTP status. It asserts nothing; it prints the machine's load beside the figures.
#
#   bash bench/pages.sh [TASKS]            # default 1000000; SKIP_GENERATE=1 reuses the data
#   RUNS=20 OMNIMETER_BIN=.build/release/omnimeter bash bench/pages.sh 1000000
#   PAGES_DB_URL=postgresql://postgres@127.0.0.1:54329/omnimeter_seed SKIP_GENERATE=1 PAGES_FROM=2026-03-01 PAGES_TO=2026-03-31 bash bench/pages.sh
#
# Its own database (omnimeter_pages_bench, dropped and made again) on the cluster of scripts/pg.sh
# (OMNIMETER_PG_PORT); the server listens on 127.0.0.1:(PORT+150). The full reconcile
# (/console/reconcile?full=1) reads every row and is left out: it is allowed to be slow.
#
# An existing database instead (the 10 M omnimeter_seed): PAGES_DB_URL=postgresql://… SKIP_GENERATE=1.
# Nothing is generated or migrated there; the server (no polling, no expiry) signs in with its own admin
# token and a tenant key it creates through the admin API for the tenant with the most tasks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TASKS="${1:-1000000}"
RUNS="${RUNS:-10}"
PORT="${OMNIMETER_PG_PORT:-54329}"
DB=omnimeter_pages_bench
URL="${PAGES_DB_URL:-postgresql://postgres@127.0.0.1:$PORT/$DB}"
LISTEN="127.0.0.1:$((PORT + 150))"
BASE="http://$LISTEN"
TOKEN="omt_pages_bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
KEY="omk_pagesbench0"
OUT="$ROOT/bench-out"
mkdir -p "$OUT"
BIN="${OMNIMETER_BIN:-$(swift build --show-bin-path)/omnimeter}"
[ -x "$BIN" ] || { echo "pages.sh: no binary at $BIN (swift build, or set OMNIMETER_BIN)" >&2; exit 1; }

[ -n "${PAGES_DB_URL:-}" ] || bash scripts/pg.sh start >/dev/null
if [ -n "${PAGES_DB_URL:-}" ] && [ -z "${SKIP_GENERATE:-}" ]; then
  echo "pages.sh: PAGES_DB_URL needs SKIP_GENERATE=1 (an existing database is never regenerated)" >&2; exit 1
fi
if [ -z "${SKIP_GENERATE:-}" ]; then
  psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  OMNIMETER_DATABASE_URL="$URL" OMNIMETER_LOG_LEVEL=error OMNIMETER_MIGRATIONS_DIR="$ROOT/sql" "$BIN" migrate >/dev/null
  echo "generating $TASKS tasks…"
  began=$(date +%s)
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" \
    -v tasks="$TASKS" -f bench/pages_seed.sql
  echo "generated in $(( $(date +%s) - began )) s"
fi
psql -X -tA "$URL" -F ' ' -c "SELECT 'data: tasks', (SELECT count(*) FROM tasks), 'ledger rows',
  (SELECT count(*) FROM ledger_entries), 'deliveries', (SELECT count(*) FROM callback_outbox), pg_size_pretty(pg_database_size(current_database()))"

OMNIMETER_DATABASE_URL="$URL" OMNIMETER_LISTEN="$LISTEN" OMNIMETER_ADMIN_TOKEN="$TOKEN" OMNIMETER_LOG_LEVEL=error \
  OMNIMETER_POLL_INTERVAL_MS=3600000 OMNIMETER_TASK_TIMEOUT_S=315360000 \
  OMNIMETER_MIGRATIONS_DIR="$ROOT/sql" "$BIN" serve >"$OUT/pages-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.3; done
curl -fsS "$BASE/healthz" >/dev/null || { echo "pages.sh: the server did not start; see $OUT/pages-server.log" >&2; exit 1; }

if [ -n "${PAGES_DB_URL:-}" ]; then
  TENANT=$(psql -X -tA "$URL" -c "SELECT tenant_id FROM usage_daily GROUP BY 1 ORDER BY sum(tasks) DESC LIMIT 1")
  KEY=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"pages-bench"}' \
    "$BASE/admin/v1/tenants/$TENANT/keys" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("secret") or d.get("key"))')
else
  TENANT=$(psql -X -tA "$URL" -c "SELECT md5('pages-tenant0')::uuid")
fi
CONSOLE="$OUT/pages-console.cookies"
PORTAL="$OUT/pages-portal.cookies"
curl -sS -o /dev/null -c "$CONSOLE" --data-urlencode "token=$TOKEN" "$BASE/console/login"
curl -sS -o /dev/null -c "$PORTAL" --data-urlencode "key=$KEY" "$BASE/portal/login"
MONTH=$(date -u +%Y-%m)
FROM=${PAGES_FROM:-$(date -u -d "7 days ago" +%Y-%m-%d)}
TO=${PAGES_TO:-$(date -u -d tomorrow +%Y-%m-%d)}

PAGES=(
  "console /console/" "console /console/tenants" "console /console/tenants/$TENANT" "console /console/tenants/$TENANT/ledger"
  "console /console/tenants/$TENANT/deliveries" "console /console/tasks" "console /console/tasks?tenant_id=$TENANT"
  "console /console/tasks?status=failed" "console /console/prices" "console /console/reports"
  "console /console/reports?from=$FROM&to=$TO&group_by=tenant" "console /console/reports?from=$FROM&to=$TO&margin_by=tenant,channel"
  "console /console/reconcile" "console /console/audit" "console /console/channels" "console /console/events"
  "console /console/events?tenant_id=$TENANT" "console /console/events?type=balance.low&from=$FROM&to=$TO"
  "portal /portal/" "portal /portal/tasks" "portal /portal/statements" "portal /portal/statements/$MONTH.html"
  "portal /portal/deliveries"
)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs); $RUNS runs per page after one warm-up; $(basename "$BIN") from $(dirname "$BIN")"
printf '%-64s %6s %8s %8s\n' page status p50_ms max_ms
for entry in "${PAGES[@]}"; do
  area=${entry%% *}
  path=${entry#* }
  jar=$CONSOLE; [ "$area" = portal ] && jar=$PORTAL
  status=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$BASE$path")
  times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(curl -sS -o /dev/null -w '%{time_total}' -b "$jar" "$BASE$path")")
  done
  read -r p50 max < <(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[NR] }')
  printf '%-64s %6s %8s %8s\n' "${path:0:64}" "$status" "$p50" "$max"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
