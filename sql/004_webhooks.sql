-- Each tenant signs-checks its callbacks with its own secret (Standard Webhooks: "whsec_" + base64).
-- Two v4 UUIDs (244 random bits from the server's strong random source) hashed into 32 bytes.
ALTER TABLE tenants ADD COLUMN webhook_secret text NOT NULL
    DEFAULT 'whsec_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'base64');

-- Deliveries go out in order per task: the next one waits for the earlier ones.
CREATE INDEX callback_outbox_task ON callback_outbox (task_id, id) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
