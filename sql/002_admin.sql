-- Indexes for the admin API's lists: tenants newest first (keyset on created_at, id), and the audit
-- log of one resource.
CREATE INDEX tenants_created ON tenants (created_at DESC, id DESC);
CREATE INDEX audit_log_resource ON audit_log (resource_id, created_at DESC, id DESC);
