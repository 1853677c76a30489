-- Callback deliveries: a random message id per delivery (the webhook-id, the same on every retry),
-- never the global sequence, which would tell tenants the operator's volume; the last HTTP status seen;
-- and the per-tenant listing of deliveries, newest first.
ALTER TABLE callback_outbox ADD COLUMN message_id text NOT NULL
    DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
ALTER TABLE callback_outbox ADD COLUMN last_status integer;
CREATE INDEX callback_outbox_tenant ON callback_outbox (tenant_id, id DESC);
-- in-flight deliveries per tenant and target, for fair leasing
CREATE INDEX callback_outbox_leased ON callback_outbox (lease_until) WHERE delivered_at IS NULL AND gave_up_at IS NULL AND lease_until IS NOT NULL;
