-- Statements that do not read the whole ledger (README "Key scopes, tenant usage and statements", "How a
-- statement is read"): the ledger's statement rows (every kind but reserve and release) summed per tenant,
-- 15-minute UTC bucket of the entry's natural instant, kind, task key and model, and floor month.
--   natural instant: the task's created_at for a late_charge, else the entry's created_at. Every zone's
--     offset in use is a multiple of 15 minutes, so every instant of a bucket has its start's local month,
--     in whatever time_zone the tenant has when the statement is read.
--   floor_month: the month after the latest month closed before the entry was written (closed_periods with
--     last_ledger_id < id), NULL if none. Exact when the trigger runs: a close writes its period in the
--     transaction that holds the ledger's SHARE lock (PeriodStore.close), so an entry written before it has
--     id <= last_ledger_id and one written after it waits for its commit and then sees it.
-- An entry counts in GREATEST(local month of bucket, floor_month). Money decisions never read this table;
-- reconcile (statement_rollup_matches_ledger) compares it with the ledger.
CREATE TABLE statement_rollup (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    bucket           timestamptz NOT NULL,
    kind             text NOT NULL,
    key_id           uuid,              -- the task's, for charge and late_charge; NULL otherwise
    model            text,
    floor_month      date,
    entries          bigint NOT NULL,
    amount_micros    bigint NOT NULL,
    billable_seconds bigint NOT NULL,   -- the task's, once per entry (0 for kinds without a task)
    images           bigint NOT NULL,
    min_ledger_id    bigint NOT NULL,   -- every entry of the group has an id in [min, max]
    max_ledger_id    bigint NOT NULL
);
CREATE UNIQUE INDEX statement_rollup_group ON statement_rollup (tenant_id, bucket, kind, key_id, model, floor_month) NULLS NOT DISTINCT;
-- the rare groups counted after their own month (carried in from a closed month)
CREATE INDEX statement_rollup_floor ON statement_rollup (tenant_id, floor_month, bucket) WHERE floor_month IS NOT NULL;
-- a tenant's late charges by id: the carried late charges of a group are found by its id range
CREATE INDEX ledger_late_charges ON ledger_entries (tenant_id, id) WHERE kind = 'late_charge';

-- The 15-minute UTC bucket of an instant (the origin is explicit: the session's TimeZone never matters).
CREATE FUNCTION statement_bucket(instant timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_bin('15 minutes', instant, timestamptz '2000-01-01 00:00:00+00')
$$;

-- Each statement row of the ledger with its group and what it adds: the backfill, reconcile and bulk loads
-- regroup the ledger through this view.
CREATE VIEW statement_rollup_parts AS
SELECT e.id, e.tenant_id, e.task_id, e.created_at,
       statement_bucket(CASE WHEN e.kind = 'late_charge' THEN COALESCE(t.created_at, e.created_at) ELSE e.created_at END) AS bucket,
       e.kind, t.key_id, t.model,
       (SELECT (max(p.month) + interval '1 month')::date FROM closed_periods p WHERE p.last_ledger_id < e.id) AS floor_month,
       e.amount_micros, COALESCE(t.billable_seconds, 0)::bigint AS billable_seconds, COALESCE(t.images, 0)::bigint AS images
FROM ledger_entries e
LEFT JOIN tasks t ON t.id = e.task_id AND e.kind IN ('charge', 'late_charge')
WHERE e.kind NOT IN ('reserve', 'release');

-- Adds (sign 1) or takes out (sign -1) one entry, with its task as it is (or was), in the same transaction.
CREATE FUNCTION statement_rollup_apply(e ledger_entries, t tasks, sign integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO statement_rollup AS r (tenant_id, bucket, kind, key_id, model, floor_month, entries, amount_micros,
                                       billable_seconds, images, min_ledger_id, max_ledger_id)
    SELECT e.tenant_id,
           statement_bucket(CASE WHEN e.kind = 'late_charge' THEN COALESCE(t.created_at, e.created_at) ELSE e.created_at END),
           e.kind, t.key_id, t.model,
           (SELECT (max(p.month) + interval '1 month')::date FROM closed_periods p WHERE p.last_ledger_id < e.id),
           sign, sign * e.amount_micros, sign * COALESCE(t.billable_seconds, 0), sign * COALESCE(t.images, 0), e.id, e.id
    WHERE e.kind NOT IN ('reserve', 'release')
    ON CONFLICT (tenant_id, bucket, kind, key_id, model, floor_month) DO UPDATE SET
        entries = r.entries + EXCLUDED.entries, amount_micros = r.amount_micros + EXCLUDED.amount_micros,
        billable_seconds = r.billable_seconds + EXCLUDED.billable_seconds, images = r.images + EXCLUDED.images,
        min_ledger_id = least(r.min_ledger_id, EXCLUDED.min_ledger_id), max_ledger_id = greatest(r.max_ledger_id, EXCLUDED.max_ledger_id)
$$;

-- Ledger rows are only ever inserted (immutability triggers); following updates and deletes too keeps the
-- rollup exact wherever those triggers are lifted (test fixtures that move time).
CREATE FUNCTION statement_rollup_follow_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    task tasks;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.kind IN ('charge', 'late_charge') THEN
        SELECT * INTO task FROM tasks WHERE id = OLD.task_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM statement_rollup_apply(OLD, task, -1);
    END IF;
    task := NULL;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.kind IN ('charge', 'late_charge') THEN
        SELECT * INTO task FROM tasks WHERE id = NEW.task_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM statement_rollup_apply(NEW, task, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_statement_rollup AFTER INSERT ON ledger_entries
    FOR EACH ROW WHEN (NEW.kind NOT IN ('reserve', 'release')) EXECUTE FUNCTION statement_rollup_follow_ledger();
CREATE TRIGGER ledger_statement_rollup_change AFTER UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION statement_rollup_follow_ledger();

-- A task's figures that the rollup copies (its key, model, seconds, images, and for a late charge its
-- created_at). Settlement sets them before it writes the charge row, and nothing changes them after, so in
-- the product this finds no charge row; it keeps the rollup exact whatever changes them.
CREATE FUNCTION statement_rollup_follow_task() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry ledger_entries;
BEGIN
    FOR entry IN SELECT * FROM ledger_entries WHERE task_id = NEW.id AND kind IN ('charge', 'late_charge') LOOP
        PERFORM statement_rollup_apply(entry, OLD, -1);
        PERFORM statement_rollup_apply(entry, NEW, 1);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER tasks_statement_rollup AFTER UPDATE OF created_at, key_id, model, billable_seconds, images ON tasks
    FOR EACH ROW
    WHEN ((OLD.created_at, OLD.key_id, OLD.model, OLD.billable_seconds, OLD.images)
          IS DISTINCT FROM (NEW.created_at, NEW.key_id, NEW.model, NEW.billable_seconds, NEW.images))
    EXECUTE FUNCTION statement_rollup_follow_task();

-- The rollup made again from the ledger in one grouped pass (the backfill below; bulk loads that insert
-- ledger rows with the trigger off, bench/seed10m.sh). Only with no ledger writers running.
CREATE FUNCTION statement_rollup_rebuild() RETURNS bigint LANGUAGE sql AS $$
    DELETE FROM statement_rollup;
    INSERT INTO statement_rollup (tenant_id, bucket, kind, key_id, model, floor_month, entries, amount_micros,
                                  billable_seconds, images, min_ledger_id, max_ledger_id)
    SELECT tenant_id, bucket, kind, key_id, model, floor_month, count(*), sum(amount_micros), sum(billable_seconds), sum(images),
           min(id), max(id)
    FROM statement_rollup_parts
    GROUP BY tenant_id, bucket, kind, key_id, model, floor_month
    ORDER BY tenant_id, bucket;
    SELECT count(*) FROM statement_rollup;
$$;

SELECT statement_rollup_rebuild();
ANALYZE statement_rollup;
