-- Key scopes and monthly statements (README "Key scopes", "Statements and closed periods").

-- What a key may do; a key made without scopes has every one.
ALTER TABLE api_keys ADD COLUMN scopes jsonb NOT NULL
    DEFAULT '["tasks:write", "tasks:read", "usage:read", "account:secrets"]';

-- A closed month (a calendar month, read in each tenant's own time zone). last_ledger_id is the last
-- ledger entry written before the close: the close waits for money moves in flight, so every entry
-- with a larger id was written after it, and counts in the month after the latest closed month.
CREATE TABLE closed_periods (
    month          date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    last_ledger_id bigint NOT NULL,
    closed_by      text NOT NULL,
    closed_at      timestamptz NOT NULL DEFAULT now()
);

-- The statements of a closed month, stored once at close (or at the first read of a tenant made
-- after it) and never changed: document is the exact JSON text whose SHA-256 is digest.
CREATE TABLE closed_statements (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    month      date NOT NULL REFERENCES closed_periods (month),
    document   text NOT NULL,
    digest     text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, month)
);

CREATE FUNCTION closed_statements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'closed statements and periods are immutable' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER closed_statements_no_update BEFORE UPDATE OR DELETE ON closed_statements
    FOR EACH ROW EXECUTE FUNCTION closed_statements_immutable();
CREATE TRIGGER closed_periods_no_update BEFORE UPDATE OR DELETE ON closed_periods
    FOR EACH ROW EXECUTE FUNCTION closed_statements_immutable();
