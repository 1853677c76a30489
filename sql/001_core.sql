-- omnimeter core schema. Money is bigint micro-units everywhere; never numeric or float.
-- Every money movement is an immutable row in ledger_entries, written in the same transaction as the
-- state change that causes it. Balance columns on tenants and api_keys are caches of ledger sums,
-- changed only beside the ledger row; GET /admin/v1/reconcile checks them against the sums.

CREATE TABLE tenants (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    credit_limit_micros   bigint NOT NULL DEFAULT 0 CHECK (credit_limit_micros >= 0),
    monthly_budget_micros bigint CHECK (monthly_budget_micros >= 0),
    max_concurrent_tasks  integer CHECK (max_concurrent_tasks > 0),
    rpm_limit             integer CHECK (rpm_limit > 0),
    callback_url          text,
    credits_micros        bigint NOT NULL DEFAULT 0,
    charged_micros        bigint NOT NULL DEFAULT 0,
    reserved_micros       bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix               text NOT NULL,                 -- the first characters of the secret, for people to recognise it
    secret_hash          bytea NOT NULL UNIQUE,         -- SHA-256 of the secret; the secret itself is never stored
    budget_micros        bigint CHECK (budget_micros >= 0),
    budget_period        text NOT NULL DEFAULT 'total' CHECK (budget_period IN ('total', 'month')),
    allowed_models       jsonb,                         -- a JSON array of model names; NULL allows every model
    expires_at           timestamptz,
    revoked_at           timestamptz,
    max_concurrent_tasks integer CHECK (max_concurrent_tasks > 0),
    rpm_limit            integer CHECK (rpm_limit > 0),
    charged_micros       bigint NOT NULL DEFAULT 0,
    reserved_micros      bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
    last_used_at         timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE admin_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        text NOT NULL CHECK (role IN ('admin', 'finance')),
    token_hash  bytea NOT NULL UNIQUE,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Price-book versions: a PUT inserts a new version; a task keeps the version it was priced with.
CREATE TABLE price_books (
    version     integer PRIMARY KEY,
    book        jsonb NOT NULL,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The upstream's official list prices (KLING.md), in micro-USD.
INSERT INTO price_books (version, book, created_by) VALUES (1, '{
  "currency": "USD",
  "video_reference_multiplier": "1.5",
  "video": [
    {"model": "kling-video-o1", "mode": "std", "sound": "off", "micros_per_second": 84000},
    {"model": "kling-video-o1", "mode": "pro", "sound": "off", "micros_per_second": 112000},
    {"model": "kling-v3-omni",  "mode": "std", "sound": "off", "micros_per_second": 84000},
    {"model": "kling-v3-omni",  "mode": "pro", "sound": "off", "micros_per_second": 112000},
    {"model": "kling-v3-omni",  "mode": "std", "sound": "on",  "micros_per_second": 112000},
    {"model": "kling-v3-omni",  "mode": "pro", "sound": "on",  "micros_per_second": 140000},
    {"model": "kling-v3-omni",  "mode": "4k",  "sound": "off", "micros_per_second": 420000},
    {"model": "kling-v3-omni",  "mode": "4k",  "sound": "on",  "micros_per_second": 420000}
  ],
  "image": [
    {"model": "kling-image-o1", "resolution": "1k", "micros_per_image": 28000},
    {"model": "kling-image-o1", "resolution": "2k", "micros_per_image": 28000},
    {"model": "kling-v3-omni",  "resolution": "1k", "micros_per_image": 28000},
    {"model": "kling-v3-omni",  "resolution": "2k", "micros_per_image": 28000},
    {"model": "kling-v3-omni",  "resolution": "4k", "micros_per_image": 56000}
  ]
}', 'migration 001');

-- A task's life: reserved -> submitted -> processing -> succeeded | failed | rejected | expired.
CREATE TABLE tasks (
    id                   uuid PRIMARY KEY,
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    key_id               uuid NOT NULL REFERENCES api_keys (id),
    endpoint             text NOT NULL CHECK (endpoint IN ('omni-video', 'omni-image')),
    model                text NOT NULL,
    mode                 text,                          -- video: std, pro, 4k
    resolution           text,                          -- image: 1k, 2k, 4k
    sound                boolean NOT NULL DEFAULT false,
    video_reference      boolean NOT NULL DEFAULT false,
    price_version        integer NOT NULL REFERENCES price_books (version),
    price_request        jsonb NOT NULL,                -- the estimate's breakdown at reservation (billable seconds, rate, …)
    request_body         jsonb NOT NULL,                -- the normalized body sent upstream
    external_task_id     text,                          -- the tenant's own id
    callback_url         text,                          -- the tenant's own callback
    upstream_task_id     text,
    state                text NOT NULL CHECK (state IN ('reserved', 'submitted', 'processing', 'succeeded', 'failed', 'rejected', 'expired')),
    currency             text NOT NULL DEFAULT 'USD',
    reserved_micros      bigint NOT NULL CHECK (reserved_micros >= 0),
    charged_micros       bigint NOT NULL DEFAULT 0 CHECK (charged_micros >= 0),
    released_micros      bigint NOT NULL DEFAULT 0 CHECK (released_micros >= 0),
    late_charged_micros  bigint NOT NULL DEFAULT 0 CHECK (late_charged_micros >= 0),
    billable_seconds     integer,
    images               integer,
    upstream_status      text,
    upstream_status_msg  text,
    upstream_result      jsonb,
    final_unit_deduction text,
    submit_attempts      integer NOT NULL DEFAULT 0,
    poll_attempts        integer NOT NULL DEFAULT 0,
    next_poll_at         timestamptz,
    lease_owner          text,
    lease_until          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    submitted_at         timestamptz,
    ended_at             timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- a charge never exceeds its reservation (invariant 5); a late charge is its own, explicit, column
    CHECK (charged_micros + released_micros <= reserved_micros),
    CHECK ((state IN ('succeeded', 'failed', 'rejected', 'expired')) = (ended_at IS NOT NULL))
);
CREATE UNIQUE INDEX tasks_tenant_external_id ON tasks (tenant_id, external_task_id) WHERE external_task_id IS NOT NULL;
-- not unique: ids are unique per upstream only, and an operator may change upstreams
CREATE INDEX tasks_upstream_id ON tasks (upstream_task_id) WHERE upstream_task_id IS NOT NULL;
CREATE INDEX tasks_tenant_created ON tasks (tenant_id, created_at DESC, id DESC);
CREATE INDEX tasks_key_created ON tasks (key_id, created_at);
CREATE INDEX tasks_open_by_key ON tasks (key_id) WHERE state IN ('reserved', 'submitted', 'processing');
CREATE INDEX tasks_open_by_tenant ON tasks (tenant_id) WHERE state IN ('reserved', 'submitted', 'processing');
CREATE INDEX tasks_poll_queue ON tasks (next_poll_at) WHERE state IN ('reserved', 'submitted', 'processing');
CREATE INDEX tasks_ended ON tasks (ended_at, id) WHERE ended_at IS NOT NULL;
CREATE INDEX tasks_created ON tasks (created_at DESC, id DESC);

CREATE TABLE ledger_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    key_id          uuid REFERENCES api_keys (id),
    task_id         uuid REFERENCES tasks (id),
    kind            text NOT NULL CHECK (kind IN ('credit', 'adjustment', 'reserve', 'charge', 'release', 'late_charge')),
    amount_micros   bigint NOT NULL,
    reason          text,
    idempotency_key text,
    actor           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind IN ('reserve', 'charge', 'release', 'late_charge')) = (task_id IS NOT NULL)),
    CHECK (kind = 'adjustment' OR amount_micros >= 0),
    CHECK (kind <> 'credit' OR amount_micros > 0)
);
-- Exactly once, enforced by the database: a task has at most one row of each kind (invariant 2).
CREATE UNIQUE INDEX ledger_one_per_task_and_kind ON ledger_entries (task_id, kind) WHERE task_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_credit_idempotency ON ledger_entries (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ledger_tenant_time ON ledger_entries (tenant_id, created_at, id);

-- Ledger rows are never changed or removed: corrections are new rows (adjustments).
CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are immutable; write a new entry instead' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_immutable();

-- Charges per calendar month (UTC) for tenants and keys, kept beside the charge rows so that a
-- monthly budget is checked without summing a month of ledger; reconcile checks them against the ledger.
CREATE TABLE monthly_charges (
    subject_id     uuid NOT NULL,                       -- a tenant id or an api key id
    month          date NOT NULL,                       -- the first day of the month, UTC
    charged_micros bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (subject_id, month)
);

-- Idempotency-Key on creates: the same key and body answer the first response, nothing new is made.
CREATE TABLE idempotency_records (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    key           text NOT NULL,
    request_hash  bytea NOT NULL,
    task_id       uuid REFERENCES tasks (id),
    response_code integer,
    response_body jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

-- Every admin change: who, what, before and after, when.
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor         text NOT NULL,
    action        text NOT NULL,
    resource_type text NOT NULL,
    resource_id   text,
    before        jsonb,
    after         jsonb,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_time ON audit_log (created_at DESC, id DESC);

-- Tenant callbacks, sent from here with retries so that none is lost when a process stops.
CREATE TABLE callback_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    task_id         uuid NOT NULL REFERENCES tasks (id),
    url             text NOT NULL,
    payload         jsonb NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    delivered_at    timestamptz,
    gave_up_at      timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX callback_outbox_due ON callback_outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
