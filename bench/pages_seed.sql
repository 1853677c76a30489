-- The console/portal page benchmark's data (bench/pages.sh): :tasks tasks over the 60 days up to now,
-- 100 tenants with 5 keys each, each task's reserve and charge or release rows and hold, cached balances, daily and
-- monthly charge totals, some deliveries, grants and audit rows, all consistent. Small and fast on
-- purpose (generate_series, secondary indexes built after the load); the reports' 10 M seeder is another.
--   psql -v tasks=1000000 -f bench/pages_seed.sql
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
CREATE TEMP TABLE saved_indexes AS
  SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
  FROM pg_index WHERE indrelid IN ('tasks'::regclass, 'ledger_entries'::regclass, 'funding_holds'::regclass) AND NOT indisprimary;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT name FROM saved_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

-- tenants 0..99 (tenant 0 has day and month budgets), created 90 days ago; key k belongs to tenant k % 100.
-- Key 0's secret is omk_pagesbench0 (pages.sh signs in to the portal with it).
INSERT INTO tenants (id, name, created_at, day_budget_micros, monthly_budget_micros)
SELECT md5('pages-tenant' || t)::uuid, 'Pages tenant ' || t, now() - interval '90 days',
       CASE WHEN t = 0 THEN 900000000 END, CASE WHEN t = 0 THEN 90000000000 END
FROM generate_series(0, 99) t;
INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, created_at)
SELECT md5('pages-key' || k)::uuid, md5('pages-tenant' || (k % 100))::uuid, 'key ' || k, 'omk_pagesben',
       sha256(('omk_pagesbench' || k)::bytea), now() - interval '90 days'
FROM generate_series(0, 499) k;

-- three upstream channels (one disabled); tasks went to the first two
INSERT INTO channels (id, name, base_url, api_key, priority, weight, enabled)
VALUES ('bench-a', 'bench primary', 'https://kling-a.example', 'sk-bench-a', 1, 3, true),
       ('bench-b', 'bench second', 'https://kling-b.example', 'sk-bench-b', 1, 1, true),
       ('bench-c', 'bench spare', 'https://kling-c.example', NULL, 5, 1, false);

-- one task every (60 days / :tasks) up to now; of every 20: one failed, one expired, the rest succeeded;
-- the newest 200 are still processing
INSERT INTO tasks (id, tenant_id, key_id, endpoint, model, mode, resolution, price_version, price_request, request_body,
                   upstream_task_id, state, reserved_micros, charged_micros, released_micros, billable_seconds, images,
                   channel_id, cost_micros, created_at, submitted_at, ended_at, updated_at)
SELECT md5('pages-task' || i)::uuid, md5('pages-tenant' || (i % 500 % 100))::uuid, md5('pages-key' || (i % 500))::uuid,
       CASE WHEN i % 3 = 2 THEN 'omni-image' ELSE 'omni-video' END,
       CASE i % 3 WHEN 0 THEN 'kling-video-o1' WHEN 1 THEN 'kling-v3-omni' ELSE 'kling-image-o1' END,
       CASE i % 3 WHEN 0 THEN 'pro' WHEN 1 THEN 'std' END, CASE WHEN i % 3 = 2 THEN '1k' END,
       (SELECT max(version) FROM price_books), '{}'::jsonb, '{"prompt":"a fox in the snow"}'::jsonb, 'up-' || i,
       state, reserved, CASE WHEN state = 'succeeded' THEN reserved ELSE 0 END,
       CASE WHEN state IN ('failed', 'expired') THEN reserved ELSE 0 END,
       CASE WHEN state = 'succeeded' AND i % 3 <> 2 THEN 5 END, CASE WHEN state = 'succeeded' AND i % 3 = 2 THEN 2 END,
       CASE WHEN i % 4 = 0 THEN 'bench-b' ELSE 'bench-a' END,
       CASE WHEN state = 'succeeded' THEN reserved * 6 / 10 WHEN state <> 'processing' THEN 0 END,
       created, created + interval '1 second', CASE WHEN state <> 'processing' THEN created + interval '90 seconds' END, created
FROM (
  SELECT i, now() - interval '60 days' + (i::float8 / :tasks) * interval '60 days' - interval '2 minutes' AS created,
         CASE i % 3 WHEN 0 THEN 560000 WHEN 1 THEN 420000 ELSE 56000 END::bigint AS reserved,
         CASE WHEN i >= :tasks - 200 THEN 'processing' WHEN i % 20 = 0 THEN 'failed' WHEN i % 20 = 1 THEN 'expired'
              ELSE 'succeeded' END AS state
  FROM generate_series(0, :tasks - 1) i
) base;

-- statement rows are summed once after the load, not row by row (sql/019)
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_statement_rollup;
INSERT INTO ledger_entries (tenant_id, kind, amount_micros, reason, actor, created_at)
SELECT id, 'credit', 100000000000000, 'bench', 'bench', now() - interval '90 days' FROM tenants;
-- each task's reserve row, and its charge or release when it ended; its hold on the plain balance
-- settled the same way (reconcile holds on this data, so its checkpoint moves)
INSERT INTO ledger_entries (tenant_id, key_id, task_id, kind, amount_micros, created_at)
SELECT tenant_id, key_id, id, 'reserve', reserved_micros, created_at FROM tasks
UNION ALL SELECT tenant_id, key_id, id, 'charge', charged_micros, ended_at FROM tasks WHERE charged_micros > 0
UNION ALL SELECT tenant_id, key_id, id, 'release', released_micros, ended_at FROM tasks WHERE released_micros > 0;
-- the open tasks wait in the poll queue (sql/021), never due: nothing polls a seeded task
INSERT INTO task_polls (task_id, next_poll_at) SELECT id, 'infinity' FROM tasks WHERE ended_at IS NULL;
INSERT INTO funding_holds (task_id, position, tenant_id, grant_id, model, held_micros, charged_micros, released_micros)
SELECT id, 0, tenant_id, NULL, model, reserved_micros,
       CASE WHEN ended_at IS NOT NULL THEN charged_micros END, CASE WHEN ended_at IS NOT NULL THEN released_micros END
FROM tasks;

UPDATE tenants t SET credits_micros = 100000000000000, charged_micros = s.charged, reserved_micros = s.reserved
FROM (SELECT tenant_id, sum(charged_micros) AS charged, sum(reserved_micros) FILTER (WHERE state = 'processing') AS reserved
      FROM tasks GROUP BY tenant_id) s
WHERE s.tenant_id = t.id;
UPDATE tenants SET reserved_micros = 0 WHERE reserved_micros IS NULL;
UPDATE api_keys k SET charged_micros = s.charged, reserved_micros = COALESCE(s.reserved, 0)
FROM (SELECT key_id, sum(charged_micros) AS charged, sum(reserved_micros) FILTER (WHERE state = 'processing') AS reserved
      FROM tasks GROUP BY key_id) s
WHERE s.key_id = k.id;
INSERT INTO daily_charges (subject_id, day, charged_micros)
SELECT subject, (e.created_at AT TIME ZONE 'UTC')::date, sum(e.amount_micros)
FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
WHERE e.kind = 'charge' AND subject IS NOT NULL GROUP BY 1, 2;
INSERT INTO monthly_charges (subject_id, month, charged_micros)
SELECT subject, date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date, sum(e.amount_micros)
FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
WHERE e.kind = 'charge' AND subject IS NOT NULL GROUP BY 1, 2;

-- a callback delivery for one task in 100 (one in ten of them given up), and a few audit rows
INSERT INTO callback_outbox (tenant_id, task_id, url, payload, attempts, last_status, last_error, delivered_at, gave_up_at, next_attempt_at, created_at)
SELECT tenant_id, id, 'https://hooks.example/omnimeter', '{}'::jsonb, CASE WHEN n % 10 = 0 THEN 8 ELSE 1 END,
       CASE WHEN n % 10 = 0 THEN 503 ELSE 200 END, CASE WHEN n % 10 = 0 THEN 'HTTP 503' END,
       CASE WHEN n % 10 <> 0 THEN ended_at + interval '1 second' END, CASE WHEN n % 10 = 0 THEN ended_at + interval '1 hour' END,
       ended_at, ended_at
FROM (SELECT t.*, row_number() OVER () AS n FROM tasks t WHERE t.ended_at IS NOT NULL AND hashtext(t.id::text) % 100 = 0) picked;
INSERT INTO audit_log (actor, action, resource_type, resource_id, after, created_at)
SELECT 'bench', 'tenant.update', 'tenant', md5('pages-tenant' || (a % 100))::uuid::text, '{}'::jsonb, now() - a * interval '1 minute'
FROM generate_series(1, 5000) a;

-- an event for one task in 40 (the console's events page),
-- half of them with a delivery to the tenant's events URL
INSERT INTO events (tenant_id, type, data, created_at)
SELECT tenant_id, CASE WHEN n % 2 = 0 THEN 'task.updated' ELSE 'balance.low' END, '{}'::jsonb, ended_at
FROM (SELECT t.tenant_id, t.ended_at, row_number() OVER (ORDER BY t.ended_at) AS n
      FROM tasks t WHERE t.ended_at IS NOT NULL AND hashtext(t.id::text) % 20 = 1) picked
ORDER BY ended_at;
INSERT INTO callback_outbox (tenant_id, kind, event_id, url, attempts, last_status, delivered_at, next_attempt_at, created_at)
SELECT tenant_id, 'event', id, 'https://hooks.example/events', 1, 200, created_at + interval '1 second', created_at, created_at
FROM events WHERE seq % 2 = 0;

-- the usage report's daily rollup, where the schema has one (its migration backfilled an empty table)
DO $$ BEGIN
  IF to_regclass('usage_daily') IS NOT NULL THEN
    EXECUTE $q$
      INSERT INTO usage_daily (day, tenant_id, key_id, model, tasks, succeeded, failed, billable_seconds, images,
                               charged_micros, late_charged_micros)
      SELECT (ended_at AT TIME ZONE 'UTC')::date, tenant_id, key_id, model, count(*),
             count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state IN ('failed', 'rejected', 'expired')),
             COALESCE(sum(billable_seconds), 0), COALESCE(sum(images), 0), sum(charged_micros), sum(late_charged_micros)
      FROM tasks WHERE ended_at IS NOT NULL GROUP BY 1, 2, 3, 4
    $q$;
  END IF;
END $$;

ALTER TABLE ledger_entries ENABLE TRIGGER ledger_statement_rollup;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT definition FROM saved_indexes LOOP EXECUTE r.definition; END LOOP;
END $$;
DO $$ BEGIN PERFORM statement_rollup_rebuild(); END $$;
VACUUM ANALYZE;
