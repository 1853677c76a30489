-- Delivery retention (docs/events.md, "Retention"): with OMNIMETER_DELIVERY_RETENTION_DAYS set, finished
-- deliveries (delivered or given up) and the events none of whose deliveries are left are deleted once
-- older than that. This index finds the finished deliveries by the time they finished, oldest first,
-- without reading the pending ones or the whole outbox.
CREATE INDEX callback_outbox_finished ON callback_outbox ((COALESCE(delivered_at, gave_up_at)), id)
    WHERE delivered_at IS NOT NULL OR gave_up_at IS NOT NULL;
