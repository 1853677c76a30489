-- Upstream bills and the cost side of settlement (docs/channels.md, "Cost, margin and bills").

-- One import of a channel's bill: who, when, the SHA-256 of the body as sent, and what matching found,
-- kept so that finance can show it later. channel_id is 'default' or a channels row (no foreign key:
-- 'default' is never a row).
CREATE TABLE channel_bills (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    channel_id      text NOT NULL,
    imported_by     text NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    digest          text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    lines           integer NOT NULL CHECK (lines >= 0),
    matched         integer NOT NULL CHECK (matched >= 0),
    billed_micros   bigint NOT NULL,
    cost_micros     bigint NOT NULL,
    result          jsonb NOT NULL
);
CREATE INDEX channel_bills_channel ON channel_bills (channel_id, imported_at DESC, id DESC);

-- Tasks that ended before cost was recorded: the built-in channel made them (they went upstream when they
-- have an upstream id), and they cost the list price of their price version applied to their settled
-- usage, by the price rules (seconds × unit × reference multiplier rounded half up; images × unit).
-- Failed, rejected and expired tasks cost 0.
UPDATE tasks SET channel_id = 'default' WHERE channel_id IS NULL AND upstream_task_id IS NOT NULL AND ended_at IS NOT NULL;
UPDATE tasks t SET cost_micros = COALESCE((
        SELECT CASE
            WHEN t.endpoint = 'omni-image' THEN t.images * (
                SELECT (r->>'micros_per_image')::bigint FROM jsonb_array_elements(b.book->'image') r
                WHERE r->>'model' = t.model AND r->>'resolution' = t.resolution LIMIT 1)
            ELSE round(t.billable_seconds * (
                SELECT (r->>'micros_per_second')::bigint FROM jsonb_array_elements(b.book->'video') r
                WHERE r->>'model' = t.model AND r->>'mode' = t.mode AND r->>'sound' = CASE WHEN t.sound THEN 'on' ELSE 'off' END LIMIT 1)
                * CASE WHEN t.video_reference THEN (b.book->>'video_reference_multiplier')::numeric ELSE 1 END)::bigint
            END
        FROM price_books b WHERE b.version = t.price_version), 0)
WHERE t.cost_micros IS NULL AND t.ended_at IS NOT NULL AND t.state = 'succeeded';
UPDATE tasks SET cost_micros = 0 WHERE cost_micros IS NULL AND ended_at IS NOT NULL;

-- Reconcile's check that every ended task has its cost reads this (normally empty) index, not the table.
CREATE INDEX tasks_ended_without_cost ON tasks (id) WHERE ended_at IS NOT NULL AND cost_micros IS NULL;
