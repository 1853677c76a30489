-- Reports that do not scan (docs/money.md, "Reports"): a daily rollup of ended tasks kept in the
-- settlement transaction, and the stored checkpoint that lets /admin/v1/reconcile check only what is new.

-- One row per tenant, key, model and UTC day of ended_at: exactly the groups the usage report makes.
-- Kept by UsageRollup in the transaction that ends a task (and that late-charges it, which moves its
-- end); money decisions never read it; reconcile compares it with the tasks.
CREATE TABLE usage_daily (
    day                 date NOT NULL,
    tenant_id           uuid NOT NULL REFERENCES tenants (id),
    key_id              uuid NOT NULL REFERENCES api_keys (id),
    model               text NOT NULL,
    tasks               bigint NOT NULL DEFAULT 0,
    succeeded           bigint NOT NULL DEFAULT 0,
    failed              bigint NOT NULL DEFAULT 0,
    billable_seconds    bigint NOT NULL DEFAULT 0,
    images              bigint NOT NULL DEFAULT 0,
    charged_micros      bigint NOT NULL DEFAULT 0,
    late_charged_micros bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, tenant_id, key_id, model)
);
CREATE INDEX usage_daily_tenant ON usage_daily (tenant_id, day);

INSERT INTO usage_daily (day, tenant_id, key_id, model, tasks, succeeded, failed, billable_seconds, images,
                         charged_micros, late_charged_micros)
SELECT (ended_at AT TIME ZONE 'UTC')::date, tenant_id, key_id, model, count(*),
       count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state IN ('failed', 'rejected', 'expired')),
       COALESCE(sum(billable_seconds), 0), COALESCE(sum(images), 0), sum(charged_micros), sum(late_charged_micros)
FROM tasks WHERE ended_at IS NOT NULL
GROUP BY 1, 2, 3, 4;

-- Grant rows of the ledger are few: reconcile sums them per grant without reading the whole ledger.
CREATE INDEX ledger_grant ON ledger_entries (grant_id) WHERE grant_id IS NOT NULL;

-- The incremental reconcile's checkpoint. Every ledger row created before `horizon` was committed (or
-- rolled back) before the check that stored it began, so it is final; `reconcile_ledger_sums` holds
-- their sums per subject (tenant or key) and UTC month. Only a check that found nothing moves it.
CREATE TABLE reconcile_checkpoint (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    horizon    timestamptz NOT NULL,
    full_check boolean NOT NULL,
    checked_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE reconcile_ledger_sums (
    subject_id      uuid NOT NULL,
    month           date NOT NULL,
    credits_micros  bigint NOT NULL,
    charged_micros  bigint NOT NULL,
    reserved_micros bigint NOT NULL,
    granted_micros  bigint NOT NULL,
    PRIMARY KEY (subject_id, month)
);

-- Ledger rows created at or after `since`, found through each tenant's (tenant_id, created_at) index.
CREATE FUNCTION ledger_rows_since(since timestamptz) RETURNS SETOF ledger_entries
LANGUAGE sql STABLE AS $$
    SELECT e.* FROM tenants t
    CROSS JOIN LATERAL (SELECT * FROM ledger_entries e WHERE e.tenant_id = t.id AND e.created_at >= since) e
$$;

-- What each ledger row adds to its tenant's and its key's sums, in its UTC month.
CREATE FUNCTION ledger_subject_deltas(since timestamptz, upto timestamptz)
RETURNS TABLE (subject_id uuid, month date, credits bigint, charged bigint, reserved bigint, granted bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.subject, date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date,
           sum(CASE WHEN e.kind IN ('credit', 'adjustment') THEN e.amount_micros ELSE 0 END)::bigint,
           sum(CASE WHEN e.kind IN ('charge', 'late_charge') THEN e.amount_micros ELSE 0 END)::bigint,
           sum(CASE e.kind WHEN 'reserve' THEN e.amount_micros WHEN 'charge' THEN -e.amount_micros
                           WHEN 'release' THEN -e.amount_micros ELSE 0 END)::bigint,
           sum(CASE e.kind WHEN 'grant' THEN e.amount_micros WHEN 'grant_expire' THEN -e.amount_micros
                           WHEN 'grant_void' THEN -e.amount_micros ELSE 0 END)::bigint
    FROM ledger_rows_since(since) e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
    WHERE s.subject IS NOT NULL AND (upto IS NULL OR e.created_at < upto)
    GROUP BY 1, 2
$$;

-- The stored sums plus every row since the checkpoint: the whole ledger's sums, read cheaply.
CREATE FUNCTION ledger_subject_sums(since timestamptz)
RETURNS TABLE (subject_id uuid, month date, credits bigint, charged bigint, reserved bigint, granted bigint)
LANGUAGE sql STABLE AS $$
    SELECT subject_id, month, sum(credits)::bigint, sum(charged)::bigint, sum(reserved)::bigint, sum(granted)::bigint
    FROM (SELECT subject_id, month, credits_micros, charged_micros, reserved_micros, granted_micros FROM reconcile_ledger_sums
          UNION ALL
          SELECT * FROM ledger_subject_deltas(since, NULL)) AS parts (subject_id, month, credits, charged, reserved, granted)
    GROUP BY 1, 2
$$;

-- Tasks whose money or end may have changed since the checkpoint: made, ended, or given a ledger row since.
CREATE FUNCTION tasks_changed_since(since timestamptz) RETURNS TABLE (id uuid)
LANGUAGE sql STABLE AS $$
    SELECT id FROM tasks WHERE created_at >= since
    UNION SELECT id FROM tasks WHERE ended_at >= since
    UNION SELECT task_id FROM ledger_rows_since(since) WHERE task_id IS NOT NULL
$$;
