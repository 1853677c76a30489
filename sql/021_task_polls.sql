-- The poll queue in a narrow table of its own (docs/task-life.md "Following a task"). Every poll wrote a
-- new version of the wide task row, with an entry in each of its thirteen indexes (about 0.4 ms a poll);
-- a poll now writes this row of five columns and two indexes. A row exists exactly while its task is open:
-- the reservation inserts it and the settlement deletes it, each in the transaction that moves the money.
-- Lock order: a transaction that locks both takes the task first; the lease and the lone statements of a
-- poll lock only this row.
CREATE TABLE task_polls (
    task_id       uuid PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    next_poll_at  timestamptz NOT NULL,
    lease_owner   text,
    lease_until   timestamptz,
    poll_attempts integer NOT NULL DEFAULT 0   -- copied to tasks.poll_attempts when the task ends
);
CREATE INDEX task_polls_due ON task_polls (next_poll_at);

INSERT INTO task_polls (task_id, next_poll_at, lease_owner, lease_until, poll_attempts)
SELECT id, COALESCE(next_poll_at, now()), lease_owner, lease_until, poll_attempts
FROM tasks WHERE state IN ('reserved', 'submitted', 'processing');

DROP INDEX tasks_poll_queue;
ALTER TABLE tasks DROP COLUMN next_poll_at, DROP COLUMN lease_owner, DROP COLUMN lease_until;
