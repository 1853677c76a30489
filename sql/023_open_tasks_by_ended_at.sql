-- A task is open exactly while ended_at is NULL (settlement sets its end state and ended_at together), now a
-- constraint. The indexes of open tasks are defined on that instead of on the state, so that no index
-- mentions `state`: a change of state between open states (submitted -> processing) changes no indexed
-- column and can be a heap-only (HOT) update, with no new index entries, when its page has room, which a
-- fill factor of 80 leaves for rows written from now on. Queries that use these indexes say
-- `ended_at IS NULL AND state IN (open states)`.
ALTER TABLE tasks ADD CONSTRAINT tasks_open_until_ended
    CHECK ((state IN ('reserved', 'submitted', 'processing')) = (ended_at IS NULL));
DROP INDEX tasks_open_by_key;
DROP INDEX tasks_open_by_tenant;
CREATE INDEX tasks_open_by_key ON tasks (key_id) WHERE ended_at IS NULL;
CREATE INDEX tasks_open_by_tenant ON tasks (tenant_id) WHERE ended_at IS NULL;
ALTER TABLE tasks SET (fillfactor = 80);
