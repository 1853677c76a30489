-- Sessions of the operators' console and the tenants' portal (README, "Web console and portal"). The cookie holds a
-- random session id; only its SHA-256 is stored, so a copy of this table signs nobody in.
CREATE TABLE console_sessions (
    id_hash        bytea PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('console', 'portal')),
    role           text CHECK (role IN ('admin', 'finance')),
    -- console: the stored admin token signed in with, or NULL and the bootstrap token's hash
    admin_token_id uuid REFERENCES admin_tokens (id),
    bootstrap_hash bytea,
    -- portal: the tenant key signed in with
    api_key_id     uuid REFERENCES api_keys (id),
    tenant_id      uuid REFERENCES tenants (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    CHECK ((kind = 'console') = (role IS NOT NULL)),
    CHECK (kind <> 'console' OR (admin_token_id IS NULL) <> (bootstrap_hash IS NULL)),
    CHECK ((kind = 'portal') = (api_key_id IS NOT NULL AND tenant_id IS NOT NULL))
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at) WHERE ended_at IS NULL;
