-- The statement rollup's ledger trigger (019) in one statement of its own. It called the SQL function
-- statement_rollup_apply with whole rows; PostgreSQL parses and plans a non-inlinable SQL function's body
-- again in every transaction that calls it, which made that trigger the dearest statement of a charge
-- (about 0.4 ms a row). A plpgsql function keeps its statements' plans for the session. The arithmetic is
-- 019's, expression for expression; the rare update and delete paths still go through
-- statement_rollup_apply. Reconcile (statement_rollup_matches_ledger) compares the result with the ledger.
CREATE OR REPLACE FUNCTION statement_rollup_follow_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    task tasks;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.kind IN ('charge', 'late_charge') THEN
            SELECT * INTO task FROM tasks WHERE id = OLD.task_id;
        END IF;
        PERFORM statement_rollup_apply(OLD, task, -1);
        task := NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.kind NOT IN ('reserve', 'release') THEN
        INSERT INTO statement_rollup AS r (tenant_id, bucket, kind, key_id, model, floor_month, entries, amount_micros,
                                           billable_seconds, images, min_ledger_id, max_ledger_id)
        SELECT NEW.tenant_id,
               statement_bucket(CASE WHEN NEW.kind = 'late_charge' THEN COALESCE(t.created_at, NEW.created_at) ELSE NEW.created_at END),
               NEW.kind, t.key_id, t.model,
               (SELECT (max(p.month) + interval '1 month')::date FROM closed_periods p WHERE p.last_ledger_id < NEW.id),
               1, NEW.amount_micros, COALESCE(t.billable_seconds, 0), COALESCE(t.images, 0), NEW.id, NEW.id
        FROM (SELECT 1) AS one
        LEFT JOIN tasks t ON t.id = NEW.task_id AND NEW.kind IN ('charge', 'late_charge')
        ON CONFLICT (tenant_id, bucket, kind, key_id, model, floor_month) DO UPDATE SET
            entries = r.entries + EXCLUDED.entries, amount_micros = r.amount_micros + EXCLUDED.amount_micros,
            billable_seconds = r.billable_seconds + EXCLUDED.billable_seconds, images = r.images + EXCLUDED.images,
            min_ledger_id = least(r.min_ledger_id, EXCLUDED.min_ledger_id), max_ledger_id = greatest(r.max_ledger_id, EXCLUDED.max_ledger_id);
    END IF;
    RETURN NULL;
END $$;
