-- tasks_channel_upstream (012) duplicated tasks_upstream_id for the one query that looks tasks up by upstream
-- id, the bill import (BillStore.importBill: `upstream_task_id IN (...)`, then the channel as a filter).
-- Every new version of a task row that has an upstream id paid an entry in it.
DROP INDEX tasks_channel_upstream;
