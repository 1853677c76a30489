#!/usr/bin/env bash
# Fills a benchmark database with N tasks (default 10,000,000) by SQL alone (generate_series), all
# consistent as the product would have written them: tasks, their ledger rows and funding holds, the
# cached balances, monthly and daily charge totals, and the usage_daily rollup. Reconcile finds nothing.
#
#   bash bench/seed10m.sh [N]         # N tasks into omnimeter_seed (dropped and made again)
#   TENANTS=50 KEYS=4 DAYS=90 START=2026-01-01 DB=omnimeter_seed bash bench/seed10m.sh 1000000
#
# Tasks are spread evenly over DAYS days from START (UTC): the default gives about 3.7 M in each of
# January, February and March 2026 at 10 M. Of every 20: one failed, one rejected, one expired, the rest
# succeeded (every other one charged less than reserved); one in a thousand expired tasks was reported
# a success later (a late charge, an hour after). The last 1,000 are still open (processing).
# Secondary indexes are dropped during the load and built once at the end (much faster).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${OMNIMETER_PG_PORT:-54329}"
TASKS="${1:-${TASKS:-10000000}}"
TENANTS="${TENANTS:-50}"
KEYS="${KEYS:-4}"
DAYS="${DAYS:-90}"
START="${START:-2026-01-01}"
DB="${DB:-omnimeter_seed}"
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"
export PGOPTIONS="-c client_min_messages=warning"

bash scripts/pg.sh start >/dev/null
if [ -n "${OMNIMETER_BIN:-}" ]; then
  BIN="$OMNIMETER_BIN"
else
  swift build -c release --product omnimeter 2>&1 | grep -E "error|Build complete" || true
  BIN="$(swift build -c release --show-bin-path)/omnimeter"
fi
psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
OMNIMETER_DATABASE_URL="$URL" OMNIMETER_MIGRATIONS_DIR="$ROOT/sql" OMNIMETER_LOG_LEVEL=error "$BIN" migrate >/dev/null
echo "seed: $TASKS tasks, $TENANTS tenants x $KEYS keys, $DAYS days from $START into $DB"
began=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" \
  -v tasks="$TASKS" -v tenants="$TENANTS" -v keys="$KEYS" -v days="$DAYS" -v start="$START" <<'SQL'
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';
CREATE TEMP TABLE saved_indexes AS
  SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
  FROM pg_index WHERE indrelid IN ('tasks'::regclass, 'ledger_entries'::regclass, 'funding_holds'::regclass) AND NOT indisprimary;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT name FROM saved_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

INSERT INTO tenants (id, name) SELECT md5('tenant' || t)::uuid, 'Tenant ' || t FROM generate_series(0, :tenants - 1) t;
INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash)
SELECT md5('key' || k)::uuid, md5('tenant' || (k % :tenants))::uuid, 'key ' || k, 'omk_' || k, sha256(('key' || k)::bytea)
FROM generate_series(0, :tenants * :keys - 1) k;

INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, resolution, sound, video_reference, price_version,
                   price_request, request_body, external_task_id, upstream_task_id, state, reserved_micros,
                   charged_micros, released_micros, late_charged_micros, billable_seconds, images,
                   created_at, submitted_at, ended_at, updated_at, channel_id, cost_micros)
SELECT md5('task' || i)::uuid, md5('tenant' || (i % (:tenants * :keys) % :tenants))::uuid, md5('key' || (i % (:tenants * :keys)))::uuid,
       CASE WHEN i % 3 = 2 THEN 'omni-image' ELSE 'omni-video' END,
       CASE i % 3 WHEN 0 THEN 'kling-video-o1' WHEN 1 THEN 'kling-v3-omni' ELSE 'kling-image-o1' END,
       CASE i % 3 WHEN 0 THEN 'pro' WHEN 1 THEN 'std' END,
       CASE WHEN i % 3 = 2 THEN '1k' END,
       false, false, 1, '{}'::jsonb, '{"prompt":"a fox running through snow at dusk","aspect_ratio":"16:9","duration":"5"}'::jsonb,
       CASE WHEN i % 4 = 0 THEN 'ext-' || i END, 'up-' || i,
       state, reserved, charged, CASE WHEN state = 'processing' THEN 0 ELSE reserved - charged END,
       late, CASE WHEN i % 3 <> 2 AND (charged > 0 OR late > 0) THEN 5 END,
       CASE WHEN i % 3 = 2 AND (charged > 0 OR late > 0) THEN 2 END,
       created, created + interval '1 second',
       CASE WHEN state = 'processing' THEN NULL WHEN late > 0 THEN created + (i % 600) * interval '1 second' + interval '1 hour'
            ELSE created + (i % 600) * interval '1 second' END,
       created,
       -- the built-in channel at the list price: an ended task costs what its usage was charged (docs/channels.md)
       'default', CASE WHEN state = 'processing' THEN NULL ELSE charged + late END
FROM (
  SELECT i, created, reserved, state,
         CASE WHEN state = 'succeeded' AND NOT late_success THEN CASE WHEN i % 2 = 0 THEN reserved ELSE reserved - 28000 END ELSE 0 END AS charged,
         CASE WHEN late_success THEN reserved ELSE 0 END AS late
  FROM (
    SELECT i, :'start'::timestamptz + i * (:days * 86400.0 / :tasks) * interval '1 second' AS created,
           CASE i % 3 WHEN 0 THEN 560000 WHEN 1 THEN 420000 ELSE 56000 END::bigint AS reserved,
           CASE WHEN i >= :tasks - 1000 THEN 'processing'
                WHEN i % 1000 = 2 THEN 'succeeded'
                WHEN i % 20 = 0 THEN 'failed' WHEN i % 20 = 1 THEN 'rejected' WHEN i % 20 = 2 THEN 'expired'
                ELSE 'succeeded' END AS state,
           i % 1000 = 2 AND i < :tasks - 1000 AS late_success
    FROM generate_series(0, :tasks - 1) i
  ) base
) shaped;

-- each task's hold on the plain balance, settled as the task was
INSERT INTO funding_holds (task_id, position, tenant_id, grant_id, model, held_micros, charged_micros, released_micros)
SELECT id, 0, tenant_id, NULL, model, reserved_micros,
       CASE WHEN ended_at IS NOT NULL THEN charged_micros END, CASE WHEN ended_at IS NOT NULL THEN released_micros END
FROM tasks;

-- the ledger rows at the times the product would have written them (a late charge is written at the
-- new end, an hour after the expiry released the reservation)
-- statement rows are summed once after the load, not row by row (sql/019)
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_statement_rollup;
INSERT INTO ledger_entries (tenant_id, kind, amount_micros, reason, created_at)
SELECT id, 'credit', 1000000000000, 'seed', :'start'::timestamptz - interval '1 day' FROM tenants;
INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros, created_at)
SELECT tenant_id, key_id, id, 'reserve', reserved_micros, created_at FROM tasks
UNION ALL SELECT tenant_id, key_id, id, 'charge', charged_micros, ended_at FROM tasks WHERE charged_micros > 0
UNION ALL SELECT tenant_id, key_id, id, 'release', released_micros, ended_at - CASE WHEN late_charged_micros > 0 THEN interval '1 hour' ELSE interval '0' END
          FROM tasks WHERE released_micros > 0
UNION ALL SELECT tenant_id, key_id, id, 'late_charge', late_charged_micros, ended_at FROM tasks WHERE late_charged_micros > 0;
-- the open tasks wait in the poll queue (sql/021), never due: nothing polls a seeded task
INSERT INTO task_polls (task_id, next_poll_at) SELECT id, 'infinity' FROM tasks WHERE ended_at IS NULL;

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
INSERT INTO daily_charges (subject_id, day, charged_micros)
SELECT subject, (e.created_at AT TIME ZONE 'UTC')::date, sum(e.amount_micros)
FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
WHERE e.kind IN ('charge', 'late_charge') AND subject IS NOT NULL
GROUP BY 1, 2;
INSERT INTO usage_daily (day, tenant_id, key_id, model, tasks, succeeded, failed, billable_seconds, images,
                         charged_micros, late_charged_micros)
SELECT (ended_at AT TIME ZONE 'UTC')::date, tenant_id, key_id, model, count(*),
       count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state IN ('failed', 'rejected', 'expired')),
       COALESCE(sum(billable_seconds), 0), COALESCE(sum(images), 0), sum(charged_micros), sum(late_charged_micros)
FROM tasks WHERE ended_at IS NOT NULL
GROUP BY 1, 2, 3, 4;

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_statement_rollup;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT definition FROM saved_indexes LOOP EXECUTE r.definition; END LOOP;
END $$;
DO $$ BEGIN PERFORM statement_rollup_rebuild(); END $$;
VACUUM ANALYZE;
SQL
printf 'seeded in %.0f s: ' "$(echo "$(date +%s.%N) - $began" | bc)"
psql -X -q -tA -F ' ' -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" -c "SELECT (SELECT count(*) FROM tasks) || ' tasks,',
  (SELECT count(*) FROM ledger_entries) || ' ledger rows,', (SELECT count(*) FROM usage_daily) || ' rollup rows,',
  pg_size_pretty(pg_database_size(current_database()))"
