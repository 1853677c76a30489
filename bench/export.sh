#!/usr/bin/env bash
# Benchmarks for reports and exports (issue #6). Prints figures; it is not a test and asserts nothing
# except that `omnimeter export` and psql write the same bytes.
#
#   bash bench/export.sh                  # generate, then measure
#   SKIP_GENERATE=1 bash bench/export.sh  # measure again on the data already generated
#   DB=omnimeter_seed SKIP_GENERATE=1 EXPORT_TASKS=400000 bash bench/export.sh  # on bench/seed10m.sh's data
#
# In a database of its own (omnimeter_bench, dropped and made again) on the cluster of scripts/pg.sh:
#   1. generates TASKS ended tasks (default 4,200,000: about 10,000,000 ledger rows) with their ledger
#      rows, cached balances and monthly totals, all consistent, by SQL (generate_series);
#   2. times `omnimeter export` of a window of EXPORT_TASKS tasks (default 1,000,000) beside psql's
#      `\copy` of the same statement (rows/s, peak RSS from /usr/bin/time -v) and prints the ratio;
#   3. times the usage report's statement over the whole data set and over one month;
#   4. prints the plans (EXPLAIN ANALYZE) of the report, export and listing statements.
# Output files go to bench-out/ (git-ignored). OMNIMETER_BIN picks the binary (default: a release build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${OMNIMETER_PG_PORT:-54329}"
DB="${DB:-omnimeter_bench}"
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"
TASKS="${TASKS:-4200000}"
EXPORT_TASKS="${EXPORT_TASKS:-1000000}"
OUT="$ROOT/bench-out"
mkdir -p "$OUT"
# tasks are created one every STEP seconds from START, so a window of EXPORT_TASKS tasks is this long
STEP=2
START="2026-01-01T00:00:00Z"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB")
psql_db() { "${PSQL[@]}" "$@"; }
export PGOPTIONS="-c client_min_messages=warning"
seconds_since() { echo "$(date +%s.%N) - $1" | bc; }

bash scripts/pg.sh start
if [ -n "${OMNIMETER_BIN:-}" ]; then
  BIN="$OMNIMETER_BIN"
else
  echo "building omnimeter (release)…"
  swift build -c release --product omnimeter 2>&1 | grep -E "error|Compiling omnimeter|Build complete" || true
  BIN="$(swift build -c release --show-bin-path)/omnimeter"
fi

if [ -z "${SKIP_GENERATE:-}" ]; then
  psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  OMNIMETER_DATABASE_URL="$URL" OMNIMETER_LOG_LEVEL=error "$BIN" migrate >/dev/null
  echo "generating $TASKS tasks and their ledger rows…"
  began=$(date +%s.%N)
  psql_db -v tasks="$TASKS" -v step="$STEP" -v start="$START" <<'SQL'
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
-- Bulk load without the secondary indexes, then build them once (much faster than row by row).
CREATE TEMP TABLE saved_indexes AS
  SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
  FROM pg_index WHERE indrelid IN ('tasks'::regclass, 'ledger_entries'::regclass) AND NOT indisprimary;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT name FROM saved_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

-- 200 tenants with 10 keys each; some names need CSV quoting
INSERT INTO tenants (id, name)
SELECT md5('tenant' || t)::uuid, CASE WHEN t % 10 = 0 THEN 'Tenant ' || t || ', "Ltd"' ELSE 'Tenant ' || t END
FROM generate_series(0, 199) t;
INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash)
SELECT md5('key' || k)::uuid, md5('tenant' || (k % 200))::uuid, 'key ' || k, 'omk_' || k, sha256(('key' || k)::bytea)
FROM generate_series(0, 1999) k;

-- Tasks: one every :step seconds from :start, ended 0..599 s later. Of every 20: one failed, one
-- rejected, one expired, the rest succeeded (every other one charged less than reserved). One in a
-- thousand expired tasks was reported a success later (a late charge). The last 1,000 are still open.
INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, resolution, sound, video_reference, price_version,
                   price_request, request_body, external_task_id, upstream_task_id, state, reserved_micros,
                   charged_micros, released_micros, late_charged_micros, billable_seconds, images,
                   created_at, submitted_at, ended_at, updated_at)
SELECT md5('task' || i)::uuid, md5('tenant' || (i % 2000 % 200))::uuid, md5('key' || (i % 2000))::uuid,
       CASE WHEN i % 3 = 2 THEN 'omni-image' ELSE 'omni-video' END,
       CASE i % 3 WHEN 0 THEN 'kling-video-o1' WHEN 1 THEN 'kling-v3-omni' ELSE 'kling-image-o1' END,
       CASE i % 3 WHEN 0 THEN 'pro' WHEN 1 THEN 'std' END,
       CASE WHEN i % 3 = 2 THEN '1k' END,
       false, false, 1, '{}'::jsonb,
       '{"prompt":"a fox running through snow at dusk","aspect_ratio":"16:9","duration":"5"}'::jsonb,
       CASE WHEN i % 4 = 0 THEN 'ext-' || i END, 'up-' || i,
       state, reserved, charged, CASE WHEN state = 'processing' THEN 0 ELSE reserved - charged END,
       late, CASE WHEN i % 3 <> 2 AND (charged > 0 OR late > 0) THEN 5 END,
       CASE WHEN i % 3 = 2 AND (charged > 0 OR late > 0) THEN 2 END,
       created, created + interval '1 second', CASE WHEN state = 'processing' THEN NULL ELSE created + (i % 600) * interval '1 second' END,
       created
FROM (
  SELECT i, created, reserved, state,
         CASE WHEN state = 'succeeded' AND NOT late_success THEN CASE WHEN i % 2 = 0 THEN reserved ELSE reserved - 28000 END ELSE 0 END AS charged,
         CASE WHEN late_success THEN reserved ELSE 0 END AS late
  FROM (
    SELECT i, :'start'::timestamptz + i * :step * interval '1 second' AS created,
           CASE i % 3 WHEN 0 THEN 560000 WHEN 1 THEN 420000 ELSE 56000 END::bigint AS reserved,
           CASE WHEN i >= :tasks - 1000 THEN 'processing'
                WHEN i % 1000 = 2 THEN 'succeeded'
                WHEN i % 20 = 0 THEN 'failed' WHEN i % 20 = 1 THEN 'rejected' WHEN i % 20 = 2 THEN 'expired'
                ELSE 'succeeded' END AS state,
           i % 1000 = 2 AND i < :tasks - 1000 AS late_success
    FROM generate_series(0, :tasks - 1) i
  ) base
) shaped;

-- The ledger: the rows the product would have written, at the times it would have.
-- statement rows are summed once after the load, not row by row (sql/019)
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_statement_rollup;
INSERT INTO ledger_entries (tenant_id, kind, amount_micros, reason, created_at)
SELECT id, 'credit', 1000000000000, 'bench', '2025-12-31' FROM tenants;
INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros, created_at)
SELECT tenant_id, key_id, id, 'reserve', reserved_micros, created_at FROM tasks
UNION ALL SELECT tenant_id, key_id, id, 'charge', charged_micros, ended_at FROM tasks WHERE charged_micros > 0
UNION ALL SELECT tenant_id, key_id, id, 'release', released_micros, ended_at FROM tasks WHERE released_micros > 0
UNION ALL SELECT tenant_id, key_id, id, 'late_charge', late_charged_micros, ended_at + interval '1 hour' FROM tasks WHERE late_charged_micros > 0;

-- The caches and monthly totals, from the ledger (what Ledger.append keeps row by row).
UPDATE tenants t SET credits_micros = l.credits, charged_micros = l.charged, reserved_micros = l.reserved
FROM (SELECT tenant_id,
             COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('credit', 'adjustment')), 0) AS credits,
             COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0) AS charged,
             COALESCE(sum(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'charge' THEN -amount_micros WHEN 'release' THEN -amount_micros ELSE 0 END), 0) AS reserved
      FROM ledger_entries GROUP BY tenant_id) l
WHERE l.tenant_id = t.id;
UPDATE api_keys k SET charged_micros = l.charged, reserved_micros = l.reserved
FROM (SELECT key_id,
             COALESCE(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0) AS charged,
             COALESCE(sum(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'charge' THEN -amount_micros WHEN 'release' THEN -amount_micros ELSE 0 END), 0) AS reserved
      FROM ledger_entries WHERE key_id IS NOT NULL GROUP BY key_id) l
WHERE l.key_id = k.id;
INSERT INTO monthly_charges (subject_id, month, charged_micros)
SELECT subject, date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date, sum(e.amount_micros)
FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
WHERE e.kind IN ('charge', 'late_charge') AND subject IS NOT NULL
GROUP BY 1, 2;

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_statement_rollup;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT definition FROM saved_indexes LOOP EXECUTE r.definition; END LOOP;
END $$;
DO $$ BEGIN PERFORM statement_rollup_rebuild(); END $$;
VACUUM ANALYZE;
SQL
  echo "generated in $(seconds_since "$began" | xargs printf '%.0f') s"
fi

psql_db -tA -F ' ' -c "SELECT 'data:', (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM ledger_entries) AS ledger_rows,
  pg_size_pretty(pg_database_size(current_database()))" | sed 's/^/  /'

# --- export: omnimeter export beside psql \copy of the same statement ------------------------------
FROM_TS="$START"
TO_TS="$(date -u -d "@$(( $(date -u -d "$START" +%s) + EXPORT_TASKS * STEP ))" +%Y-%m-%dT%H:%M:%SZ)"
# The statement UsageExport.query writes, as the server receives it from omnimeter (bound values are
# read with current_setting, see PostgresConnection.copyOut). Keep in step with
# Sources/Accounting/Reports/UsageExport.swift: the byte comparison below fails when they drift apart.
EXPORT_SQL="SELECT t.id AS task_id, t.tenant_id,
  CASE WHEN left(n.name, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || n.name ELSE n.name END AS tenant_name,
  t.key_id,
  CASE WHEN left(k.name, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || k.name ELSE k.name END AS key_name,
  t.endpoint, t.model, t.mode, t.sound::text AS sound, t.video_reference::text AS video_reference, t.billable_seconds, t.images,
  t.state AS status, t.reserved_micros, t.charged_micros + t.late_charged_micros AS charged_micros, t.released_micros,
  ((t.charged_micros + t.late_charged_micros) / 1000000)::text || '.' || lpad(((t.charged_micros + t.late_charged_micros) % 1000000)::text, 6, '0') AS charged,
  t.currency,
  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at,
  to_char(t.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS ended_at,
  CASE WHEN left(t.external_task_id, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || t.external_task_id ELSE t.external_task_id END AS external_task_id,
  t.upstream_task_id
FROM tasks t JOIN tenants n ON n.id = t.tenant_id JOIN api_keys k ON k.id = t.key_id
WHERE t.ended_at >= current_setting('omnimeter.copy_p0')::timestamptz AND t.ended_at < current_setting('omnimeter.copy_p1')::timestamptz
ORDER BY t.ended_at, t.id"
SETTINGS="SELECT set_config('omnimeter.copy_p0', '$FROM_TS', false), set_config('omnimeter.copy_p1', '$TO_TS', false) \\g /dev/null"

# "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.21" → seconds; "Maximum resident set size (kbytes): 12345"
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

echo "export of [$FROM_TS, $TO_TS): best of 3 runs each (warm cache)"
best_ours=999999; best_psql=999999; ours_rss=0; psql_rss=0
for run in 1 2 3; do
  OMNIMETER_DATABASE_URL="$URL" OMNIMETER_LOG_LEVEL=error /usr/bin/time -v -o "$OUT/time-ours.txt" \
    "$BIN" export --from "$FROM_TS" --to "$TO_TS" --output "$OUT/export-ours.csv"
  printf '%s\n\\copy (%s) to %s with (format csv, header)\n' "$SETTINGS" "$(echo "$EXPORT_SQL" | tr '\n' ' ')" "'$OUT/export-psql.csv'" > "$OUT/export-psql.sql"
  /usr/bin/time -v -o "$OUT/time-psql.txt" "${PSQL[@]}" -f "$OUT/export-psql.sql"
  w=$(wall "$OUT/time-ours.txt"); [ "$(echo "$w < $best_ours" | bc)" = 1 ] && best_ours=$w && ours_rss=$(rss "$OUT/time-ours.txt")
  w=$(wall "$OUT/time-psql.txt"); [ "$(echo "$w < $best_psql" | bc)" = 1 ] && best_psql=$w && psql_rss=$(rss "$OUT/time-psql.txt")
done
rows=$(( $(wc -l < "$OUT/export-ours.csv") - 1 ))
bytes=$(stat -c %s "$OUT/export-ours.csv")
if cmp -s "$OUT/export-ours.csv" "$OUT/export-psql.csv"; then same="identical bytes"; else same="OUTPUTS DIFFER (the statements drifted apart)"; fi
printf '  rows %d, %d MB, %s\n' "$rows" $((bytes / 1000000)) "$same"
printf '  omnimeter export: %6.2f s  %9.0f rows/s  peak RSS %6d KB\n' "$best_ours" "$(echo "$rows / $best_ours" | bc -l)" "$ours_rss"
printf '  psql \\copy:       %6.2f s  %9.0f rows/s  peak RSS %6d KB\n' "$best_psql" "$(echo "$rows / $best_psql" | bc -l)" "$psql_rss"
printf '  omnimeter / psql rows per second: %.2f\n' "$(echo "$best_psql / $best_ours" | bc -l)"

# --- usage report ----------------------------------------------------------------------------------
# The statement of UsageReport.run (Sources/Accounting/Reports/UsageReport.swift) with its bound values
# written in: :t, :k, :m, :d say which columns are grouped.
report() {  # from to tenant key model day [psql options]; EXPLAIN="EXPLAIN (…)" prints the plan instead
  psql_db -v from="$1" -v to="$2" -v t="$3" -v k="$4" -v m="$5" -v d="$6" -v explain="${EXPLAIN:-}" "${@:7}" <<'SQL'
\timing on
:explain WITH grouped AS (
    SELECT CASE WHEN :t THEN tenant_id END AS tenant_id, CASE WHEN :k THEN key_id END AS key_id,
           CASE WHEN :m THEN model END AS model, CASE WHEN :d THEN (ended_at AT TIME ZONE 'UTC')::date END AS day,
           count(*) AS tasks, count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE state IN ('failed', 'rejected', 'expired')) AS failed,
           COALESCE(sum(billable_seconds), 0)::bigint AS billable_seconds, COALESCE(sum(images), 0)::bigint AS images,
           COALESCE(sum(charged_micros + late_charged_micros), 0)::bigint AS charged_micros
    FROM tasks WHERE ended_at >= :'from'::timestamptz AND ended_at < :'to'::timestamptz
    GROUP BY 1, 2, 3, 4
)
SELECT count(*) AS groups, sum(g.tasks) AS tasks, sum(g.charged_micros) AS charged_micros FROM (
    SELECT g.*, t.name AS tenant_name, k.name AS key_name FROM grouped g
    LEFT JOIN tenants t ON t.id = g.tenant_id LEFT JOIN api_keys k ON k.id = g.key_id
    ORDER BY g.day, t.name, g.tenant_id, k.name, g.key_id, g.model) g;
SQL
}
LEDGER_CHARGED=$(psql_db -tA -c "SELECT sum(amount_micros) FROM ledger_entries WHERE kind IN ('charge', 'late_charge')")
echo "usage report (ledger charge + late_charge rows: $LEDGER_CHARGED micros)"
for grouping in "false false false false:none" "true false false false:tenant" "true true true true:tenant,key,model,day"; do
  flags=${grouping%%:*}; name=${grouping##*:}
  for window in "2025-01-01 2030-01-01 all" "2026-02-01 2026-03-01 February"; do
    set -- $window
    result=$(report "$1" "$2" $flags -tA -F ' ')
    printf '  group_by=%-22s %-9s groups/tasks/charged: %s  %s\n' "$name" "$3" "$(echo "$result" | head -1)" "$(echo "$result" | grep '^Time' | cut -d' ' -f2-3)"
  done
done

# --- plans -----------------------------------------------------------------------------------------
TENANT=$(psql_db -tA -c "SELECT md5('tenant7')::uuid")
KEY=$(psql_db -tA -c "SELECT md5('key7')::uuid")
{
  echo "== usage report, February, grouped by tenant"
  EXPLAIN="EXPLAIN (ANALYZE, BUFFERS)" report 2026-02-01 2026-03-01 true false false false
  echo "== usage report, one day, grouped by tenant,key,model,day"
  EXPLAIN="EXPLAIN (ANALYZE, BUFFERS)" report 2026-02-01 2026-02-02 true true true true
  echo "== export, one tenant, February (usage.csv?tenant_id=)"
  psql_db -c "EXPLAIN (ANALYZE, BUFFERS) SELECT t.id FROM tasks t JOIN tenants n ON n.id = t.tenant_id JOIN api_keys k ON k.id = t.key_id WHERE t.ended_at >= '2026-02-01' AND t.ended_at < '2026-03-01' AND t.tenant_id = '$TENANT' ORDER BY t.ended_at, t.id"
  for filter in "true" "tenant_id = '$TENANT'" "key_id = '$KEY'" "tenant_id = '$TENANT' AND state = 'failed'"; do
    echo "== tasks page: $filter, after a cursor"
    psql_db -c "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM tasks WHERE $filter AND (created_at, id) < (timestamptz 'epoch' + 1769000000000000 * interval '1 microsecond', 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid) ORDER BY created_at DESC, id DESC LIMIT 51"
  done
  echo "== ledger page of one tenant, after a cursor"
  psql_db -c "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM ledger_entries WHERE tenant_id = '$TENANT' AND (created_at, id) < (timestamptz 'epoch' + 1769000000000000 * interval '1 microsecond', 9223372036854775807) ORDER BY created_at DESC, id DESC LIMIT 51"
} > "$OUT/plans.txt" 2>&1
echo "plans (EXPLAIN ANALYZE): $OUT/plans.txt"
grep -E '^==|Execution Time|Index|Seq Scan' "$OUT/plans.txt" | grep -vE 'Index Cond|Filter' | sed 's/^/  /' | head -60
