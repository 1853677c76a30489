#!/usr/bin/env bash
# Times, on a database filled by bench/seed10m.sh, through a release gateway's HTTP API:
#   1. the usage report of one month grouped by tenant,key,model,day (whole days: read from the
#      usage_daily rollup), beside the same month a microsecond short (read from the tasks);
#   2. /admin/v1/reconcile?full=1 (every row; stores the checkpoint), then /admin/v1/reconcile
#      (incremental: what is new since the checkpoint, and the stored sums) twice.
#
#   bash bench/report.sh                      # on omnimeter_seed, month 2026-02
#   DB=omnimeter_seed MONTH=2026-02 bash bench/report.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${OMNIMETER_PG_PORT:-54329}"
DB="${DB:-omnimeter_seed}"
MONTH="${MONTH:-2026-02}"
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"
LISTEN_PORT=$((PORT + 150))
TOKEN="bench-report-$$"
FROM="$MONTH-01"
TO="$(date -u -d "$FROM + 1 month" +%Y-%m-%d)"

bash scripts/pg.sh start >/dev/null
if [ -n "${OMNIMETER_BIN:-}" ]; then
  BIN="$OMNIMETER_BIN"
else
  swift build -c release --product omnimeter 2>&1 | grep -E "error|Build complete" || true
  BIN="$(swift build -c release --show-bin-path)/omnimeter"
fi
mkdir -p .omnimeter
# no upstream and a poll interval of an hour: the seeded open tasks stay as they are
OMNIMETER_DATABASE_URL="$URL" OMNIMETER_LISTEN="127.0.0.1:$LISTEN_PORT" OMNIMETER_ADMIN_TOKEN="$TOKEN" \
  OMNIMETER_POLL_INTERVAL_MS=3600000 OMNIMETER_TASK_TIMEOUT_S=315360000 OMNIMETER_MIGRATIONS_DIR="$ROOT/sql" \
  OMNIMETER_LOG_LEVEL=error "$BIN" serve >> .omnimeter/bench-report.log 2>&1 &
GATEWAY=$!
trap 'kill -TERM $GATEWAY 2>/dev/null; wait $GATEWAY 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$LISTEN_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 $GATEWAY 2>/dev/null || { echo "report.sh: the gateway exited; see .omnimeter/bench-report.log" >&2; exit 1; }
  sleep 0.2
done
sleep 0.5
kill -0 $GATEWAY 2>/dev/null || { echo "report.sh: the gateway exited (port $LISTEN_PORT taken?); see .omnimeter/bench-report.log" >&2; exit 1; }

get() {  # path -> "seconds bytes status"
  curl -sS -o .omnimeter/bench-report.json -w '%{time_total} %{size_download} %{http_code}' \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$LISTEN_PORT$1"
}
best_of_3() {
  local best=999 line
  for _ in 1 2 3; do
    line=$(get "$1"); set -- "$1" $line
    best=$(echo "if ($2 < $best) $2 else $best" | bc -l)
  done
  echo "$best $3 $4"
}

psql -X -q -tA -F ' ' -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" -c "SELECT 'data:', (SELECT count(*) FROM tasks) || ' tasks,',
  (SELECT count(*) FROM ledger_entries) || ' ledger rows,', (SELECT count(*) FROM tasks WHERE ended_at >= '$FROM' AND ended_at < '$TO') || ' ended in $MONTH,',
  pg_size_pretty(pg_database_size(current_database()))" | sed 's/^/  /'
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
GROUPS_Q="group_by=tenant,key,model,day"
read -r s bytes status <<< "$(best_of_3 "/admin/v1/reports/usage?from=$FROM&to=$TO&$GROUPS_Q")"
rows=$(python3 -c "import json; d=json.load(open('.omnimeter/bench-report.json')); print(len(d['rows']), d['totals']['tasks'])")
printf '  usage report %s, %s (rollup):          %7.3f s  HTTP %s, %s bytes, rows/tasks %s (best of 3)\n' "$MONTH" "$GROUPS_Q" "$s" "$status" "$bytes" "$rows"
# the report's statement alone (UsageReport.rollupQuery, its bound values written in), in the database
sql_ms=$(psql -X -q -tA -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" -v from="$FROM" -v to="$TO" <<'SQL' | grep -o 'Execution Time: [0-9.]*' | sort -t: -k2 -n | head -1
EXPLAIN (ANALYZE, TIMING OFF) WITH grouped AS (
    SELECT tenant_id, key_id, model, day, sum(tasks)::bigint AS tasks, sum(succeeded)::bigint AS succeeded,
           sum(failed)::bigint AS failed, sum(billable_seconds)::bigint AS billable_seconds, sum(images)::bigint AS images,
           sum(charged_micros + late_charged_micros)::bigint AS charged_micros
    FROM usage_daily
    WHERE day >= (:'from'::timestamptz AT TIME ZONE 'UTC')::date AND day < (:'to'::timestamptz AT TIME ZONE 'UTC')::date
      AND (NULL::uuid IS NULL OR tenant_id = NULL) AND (NULL::uuid IS NULL OR key_id = NULL)
    GROUP BY 1, 2, 3, 4 HAVING sum(tasks) <> 0
)
SELECT g.tenant_id, t.name AS tenant_name, g.key_id, k.name AS key_name, g.model, to_char(g.day, 'YYYY-MM-DD') AS day,
       g.tasks, g.succeeded, g.failed, g.billable_seconds, g.images, g.charged_micros
FROM grouped g LEFT JOIN tenants t ON t.id = g.tenant_id LEFT JOIN api_keys k ON k.id = g.key_id
ORDER BY g.day, t.name, g.tenant_id, k.name, g.key_id, g.model;
\g
\g
SQL
)
printf '  the rollup statement alone (psql):      %7.3f s  (best of 3, EXPLAIN ANALYZE)\n' "$(echo "${sql_ms#Execution Time: } / 1000" | bc -l)"
read -r s bytes status <<< "$(best_of_3 "/admin/v1/reports/usage?from=${FROM}T00:00:00Z&to=$(date -u -d "$TO - 1 second" +%Y-%m-%dT%H:%M:%S).999999Z&$GROUPS_Q")"
rows=$(python3 -c "import json; d=json.load(open('.omnimeter/bench-report.json')); print(len(d['rows']), d['totals']['tasks'])")
printf '  the same a microsecond short (tasks):   %7.3f s  HTTP %s, %s bytes, rows/tasks %s (best of 3)\n' "$s" "$status" "$bytes" "$rows"

for run in "full=1:full" ":incremental" ":incremental again"; do
  query=${run%%:*}; name=${run#*:}
  read -r s bytes status <<< "$(get "/admin/v1/reconcile${query:+?$query}")"
  summary=$(python3 -c "import json; d=json.load(open('.omnimeter/bench-report.json')); print('ok' if d.get('ok') else 'NOT ok', 'full' if d.get('full') else 'incremental', [c['name'] for c in d.get('checks', []) if not c['ok']] or '')")
  printf '  reconcile (%s):%*s %7.3f s  HTTP %s  %s\n' "$name" $((24 - ${#name})) '' "$s" "$status" "$summary"
done
