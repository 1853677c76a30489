-- Events and alerts (docs/events.md): one outbox for task callbacks and events, operator webhook
-- endpoints, budget thresholds decided once per window, balance alerts, and webhook secret rotation.

-- Tenant settings: where events go, the budget percentages that alert, the balance that alerts; the
-- balance alert's state (set while the balance is low, so each crossing fires once); and the secret
-- that keeps signing beside a rotated one until previous_webhook_secret_until.
ALTER TABLE tenants
    ADD COLUMN events_url text,
    ADD COLUMN alert_thresholds jsonb NOT NULL DEFAULT '[50, 80, 100]',
    ADD COLUMN low_balance_micros bigint,
    ADD COLUMN balance_low_since timestamptz,
    ADD COLUMN previous_webhook_secret text,
    ADD COLUMN previous_webhook_secret_until timestamptz;

-- Operator endpoints receive the events of every tenant (all types when events is NULL).
CREATE TABLE webhook_endpoints (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url        text NOT NULL,
    events     jsonb,
    secret     text NOT NULL,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);

-- An event is stored once; each target gets its own delivery row in callback_outbox.
CREATE TABLE events (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- the order of writing (ids are random)
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    type       text NOT NULL,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_created ON events (created_at);
CREATE INDEX events_tenant ON events (tenant_id, seq);

-- A delivery is a task callback (payload: the Kling task object) or an event (payload built from the
-- event row when sent); an event for an operator endpoint names it (signed with its secret).
ALTER TABLE callback_outbox
    ADD COLUMN kind text NOT NULL DEFAULT 'callback' CHECK (kind IN ('callback', 'event')),
    ADD COLUMN event_id uuid REFERENCES events (id),
    ADD COLUMN endpoint_id uuid REFERENCES webhook_endpoints (id),
    ALTER COLUMN task_id DROP NOT NULL,
    ALTER COLUMN payload DROP NOT NULL,
    ADD CONSTRAINT callback_outbox_kind_shape CHECK (
        (kind = 'callback' AND payload IS NOT NULL AND task_id IS NOT NULL) OR (kind = 'event' AND event_id IS NOT NULL));
CREATE INDEX callback_outbox_event ON callback_outbox (event_id) WHERE event_id IS NOT NULL;

-- Budget thresholds: crossed at most once per subject, period, window and percentage (this key decides
-- it, under the money move's row locks), resolved at most once after that.
CREATE TABLE budget_thresholds (
    subject           text NOT NULL CHECK (subject IN ('tenant', 'key')),
    subject_id        uuid NOT NULL,
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    period            text NOT NULL,
    window_start      timestamptz NOT NULL,
    threshold_percent integer NOT NULL,
    crossed_at        timestamptz NOT NULL DEFAULT now(),
    resolved_at       timestamptz,
    PRIMARY KEY (subject, subject_id, period, window_start, threshold_percent)
);
CREATE INDEX budget_thresholds_open ON budget_thresholds (subject_id, period) WHERE resolved_at IS NULL;
