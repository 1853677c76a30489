-- Indexes for reports, exports and admin listings (issue #6), checked with EXPLAIN on 10 million tasks
-- (bench/export.sh prints the plans).
--
-- Already in 001 and used here:
--   tasks_ended (ended_at, id) WHERE ended_at IS NOT NULL   usage report and CSV export over all tenants
--   tasks_created (created_at DESC, id DESC)                GET /admin/v1/tasks, keyset pages
--   tasks_tenant_created (tenant_id, created_at DESC, id DESC)   the same for one tenant
--   ledger_tenant_time (tenant_id, created_at, id)          GET /admin/v1/tenants/{id}/ledger, scanned backwards
--   ledger_one_per_task_and_kind (task_id, kind)            reconcile's look-ups of open tasks' rows
--
-- Monthly partitioning of tasks and ledger_entries was considered and not adopted, because:
--   * PostgreSQL requires every unique index of a partitioned table to include the partition key, so
--     tasks' primary key and the ledger's one-row-per-task-and-kind index (the database's own guarantee
--     of exactly-once settlement) would have to include created_at, and no longer guarantee it alone;
--   * foreign keys to tasks would need the partition key too;
--   * at 10 million tasks the btree indexes below keep every window scan and keyset page proportional
--     to the rows it returns, which is all partition pruning would add for these queries.
-- Revisit when old months must be dropped or archived cheaply (retention), or past a few hundred million
-- rows; BRIN indexes on created_at are the cheap step before that for append-ordered scans.

-- One tenant's export (usage.csv?tenant_id=, omnimeter export --tenant-id): that tenant's ended tasks
-- in the window, already in export order.
CREATE INDEX tasks_tenant_ended ON tasks (tenant_id, ended_at, id) WHERE ended_at IS NOT NULL;

-- GET /admin/v1/tasks?key_id=: keyset pages of one key. It also serves the reservation path's
-- "tasks of this key in the last minute", so it replaces 001's (key_id, created_at): one index fewer
-- to write on every task insert.
CREATE INDEX tasks_key_created_id ON tasks (key_id, created_at DESC, id DESC);
DROP INDEX tasks_key_created;
