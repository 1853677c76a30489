-- Rate cards, budgets by period and credit grants (docs/money.md).

-- A tenant's rate card, versioned like the price book: a PUT or DELETE adds version N+1; a task keeps
-- the version it was reserved with (tasks.pricing_version; 0 = no card, the list prices).
CREATE TABLE rate_cards (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    version    integer NOT NULL CHECK (version >= 1),
    multiplier text NOT NULL,
    video      jsonb NOT NULL DEFAULT '[]',
    image      jsonb NOT NULL DEFAULT '[]',
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, version)
);
ALTER TABLE tasks ADD COLUMN pricing_version integer NOT NULL DEFAULT 0;

-- Budgets by period. The tenant's month budget stays monthly_budget_micros; a key's legacy pair
-- (budget_micros, budget_period) is one of its budgets, the columns below hold the others.
ALTER TABLE tenants
    ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC',
    ADD COLUMN day_budget_micros bigint CHECK (day_budget_micros >= 0),
    ADD COLUMN week_budget_micros bigint CHECK (week_budget_micros >= 0),
    -- grants given minus grants expired and voided: a cache of the ledger's grant rows
    ADD COLUMN granted_micros bigint NOT NULL DEFAULT 0;
ALTER TABLE api_keys
    ADD COLUMN day_budget_micros bigint CHECK (day_budget_micros >= 0),
    ADD COLUMN week_budget_micros bigint CHECK (week_budget_micros >= 0),
    ADD COLUMN month_budget_micros bigint CHECK (month_budget_micros >= 0);
ALTER TABLE api_keys DROP CONSTRAINT api_keys_budget_period_check,
    ADD CONSTRAINT api_keys_budget_period_check CHECK (budget_period IN ('total', 'month', 'week', 'day'));

-- Charges per local day (the tenant's time_zone at the time of the charge) for tenants and keys, so a
-- day, week or month window sums at most 31 rows; reconcile checks them against the ledger.
CREATE TABLE daily_charges (
    subject_id     uuid NOT NULL,
    day            date NOT NULL,
    charged_micros bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (subject_id, day)
);
INSERT INTO daily_charges (subject_id, day, charged_micros)
SELECT subject, (e.created_at AT TIME ZONE 'UTC')::date, sum(e.amount_micros)
FROM ledger_entries e, LATERAL (VALUES (e.tenant_id), (e.key_id)) AS s (subject)
WHERE e.kind IN ('charge', 'late_charge') AND subject IS NOT NULL
GROUP BY 1, 2;

-- Credit grants: money with a priority and an optional expiry. Every micro of a grant is in exactly
-- one of remaining, held, used, expired, voided.
CREATE TABLE credit_grants (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    amount_micros    bigint NOT NULL CHECK (amount_micros > 0),
    priority         integer NOT NULL DEFAULT 10,
    effective_at     timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz,
    models           jsonb,                             -- a JSON array of model names; NULL allows every model
    idempotency_key  text,
    remaining_micros bigint NOT NULL CHECK (remaining_micros >= 0),
    held_micros      bigint NOT NULL DEFAULT 0 CHECK (held_micros >= 0),
    used_micros      bigint NOT NULL DEFAULT 0 CHECK (used_micros >= 0),
    expired_micros   bigint NOT NULL DEFAULT 0 CHECK (expired_micros >= 0),
    voided_micros    bigint NOT NULL DEFAULT 0 CHECK (voided_micros >= 0),
    expired_at       timestamptz,                       -- when the expiry was written
    voided_at        timestamptz,
    lease_until      timestamptz,                       -- the expiry job's lease
    created_by       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at IS NULL OR expires_at > effective_at),
    CHECK (remaining_micros + held_micros + used_micros + expired_micros + voided_micros = amount_micros)
);
CREATE INDEX credit_grants_tenant ON credit_grants (tenant_id, created_at, id);
CREATE UNIQUE INDEX credit_grants_idempotency ON credit_grants (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX credit_grants_due ON credit_grants (expires_at) WHERE expired_at IS NULL AND voided_at IS NULL AND expires_at IS NOT NULL;

-- What each reservation holds on each source, in funding order (grant_id NULL: the plain balance).
-- Settlement fills charged_micros and released_micros (charged + released = held).
CREATE TABLE funding_holds (
    task_id         uuid NOT NULL REFERENCES tasks (id),
    position        smallint NOT NULL,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    grant_id        uuid REFERENCES credit_grants (id),
    model           text NOT NULL,
    held_micros     bigint NOT NULL CHECK (held_micros >= 0),
    charged_micros  bigint CHECK (charged_micros >= 0),
    released_micros bigint CHECK (released_micros >= 0),
    PRIMARY KEY (task_id, position),
    CHECK ((charged_micros IS NULL) = (released_micros IS NULL)),
    CHECK (charged_micros IS NULL OR charged_micros + released_micros = held_micros)
);
CREATE INDEX funding_holds_grant ON funding_holds (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX funding_holds_open ON funding_holds (tenant_id) WHERE charged_micros IS NULL;

-- Ledger kinds for grants; their rows name the grant.
ALTER TABLE ledger_entries ADD COLUMN grant_id uuid REFERENCES credit_grants (id);
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check,
    ADD CONSTRAINT ledger_entries_kind_check CHECK (kind IN ('credit', 'adjustment', 'reserve', 'charge', 'release', 'late_charge',
                                                            'grant', 'grant_expire', 'grant_void'));
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_grant_rows_name_grant
    CHECK ((kind IN ('grant', 'grant_expire', 'grant_void')) = (grant_id IS NOT NULL));

-- Reservations open before this migration are held on the plain balance, so every open reservation
-- has its holds (reconcile checks that they add up).
INSERT INTO funding_holds (task_id, position, tenant_id, grant_id, model, held_micros)
SELECT id, 0, tenant_id, NULL, model, reserved_micros FROM tasks
WHERE state IN ('reserved', 'submitted', 'processing') AND reserved_micros > 0;
