"""The money audit that the fault scripts share (Python 3 standard library only): every task and every
tenant and key checked against the ledger in SQL, after the run.

  lost           a task whose money is not resolved after the wait (still open, or charged + released
                 != reserved), or a task a client was told was created that the database does not have
  double-counted a task with more than one ledger row of a kind or ledger rows that disagree with it,
                 or a tenant or key whose cached balance differs from its ledger sums
"""
import time

import harness

OPEN_STATES = "('reserved', 'submitted', 'processing')"


def wait_until_settled(database, seconds):
    deadline = time.time() + seconds
    while True:
        open_tasks = int(harness.psql(database, f"SELECT count(*) FROM tasks WHERE state IN {OPEN_STATES}")[0][0])
        if open_tasks == 0 or time.time() >= deadline:
            return open_tasks
        time.sleep(1)


def sql_audit(database, accepted):
    """The money checks, straight from the tables. Returns (lost, double_counted, details)."""
    details = []
    one = lambda sql: int(harness.psql(database, sql)[0][0])  # noqa: E731

    still_open = one(f"SELECT count(*) FROM tasks WHERE state IN {OPEN_STATES}")
    unresolved = one(f"SELECT count(*) FROM tasks WHERE state NOT IN {OPEN_STATES} AND charged_micros + released_micros <> reserved_micros")
    known = {row[0] for row in harness.psql(database, "SELECT id FROM tasks")}
    missing = len(accepted - known)
    details += [("open after the wait", still_open), ("ended, charged + released != reserved", unresolved),
                ("accepted by a client, absent from the database", missing)]
    lost = still_open + unresolved + missing

    per_task = """
        WITH sums AS (
            SELECT t.id, t.reserved_micros, t.charged_micros, t.released_micros, t.late_charged_micros,
                   count(l.id) FILTER (WHERE l.kind = 'reserve') AS reserves,
                   count(l.id) FILTER (WHERE l.kind = 'charge') AS charges,
                   count(l.id) FILTER (WHERE l.kind = 'release') AS releases,
                   count(l.id) FILTER (WHERE l.kind = 'late_charge') AS late_charges,
                   coalesce(sum(l.amount_micros) FILTER (WHERE l.kind = 'reserve'), 0) AS reserve_sum,
                   coalesce(sum(l.amount_micros) FILTER (WHERE l.kind = 'charge'), 0) AS charge_sum,
                   coalesce(sum(l.amount_micros) FILTER (WHERE l.kind = 'release'), 0) AS release_sum,
                   coalesce(sum(l.amount_micros) FILTER (WHERE l.kind = 'late_charge'), 0) AS late_sum
            FROM tasks t LEFT JOIN ledger_entries l ON l.task_id = t.id
            GROUP BY t.id)
        SELECT count(*) FILTER (WHERE reserves > 1 OR charges > 1 OR releases > 1 OR late_charges > 1),
               count(*) FILTER (WHERE reserves <> 1 OR reserve_sum <> reserved_micros OR charge_sum <> charged_micros
                                OR release_sum <> released_micros OR late_sum <> late_charged_micros)
        FROM sums"""
    repeated, disagreeing = (int(v) for v in harness.psql(database, per_task)[0])
    tenants = one("""
        SELECT count(*) FROM tenants t
        LEFT JOIN LATERAL (
            SELECT coalesce(sum(amount_micros) FILTER (WHERE kind IN ('credit', 'adjustment')), 0) AS credits,
                   coalesce(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0) AS charged,
                   coalesce(sum(amount_micros) FILTER (WHERE kind = 'reserve'), 0)
                     - coalesce(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'release')), 0) AS reserved
            FROM ledger_entries l WHERE l.tenant_id = t.id) s ON true
        LEFT JOIN LATERAL (
            SELECT coalesce(sum(charged_micros + late_charged_micros), 0) AS charged,
                   coalesce(sum(reserved_micros) FILTER (WHERE state IN ('reserved', 'submitted', 'processing')), 0) AS reserved
            FROM tasks k WHERE k.tenant_id = t.id) k ON true
        WHERE t.credits_micros <> s.credits OR t.charged_micros <> s.charged OR t.reserved_micros <> s.reserved
           OR t.charged_micros <> k.charged OR t.reserved_micros <> k.reserved""")
    keys = one("""
        SELECT count(*) FROM api_keys a
        LEFT JOIN LATERAL (
            SELECT coalesce(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'late_charge')), 0) AS charged,
                   coalesce(sum(amount_micros) FILTER (WHERE kind = 'reserve'), 0)
                     - coalesce(sum(amount_micros) FILTER (WHERE kind IN ('charge', 'release')), 0) AS reserved
            FROM ledger_entries l WHERE l.key_id = a.id) s ON true
        WHERE a.charged_micros <> s.charged OR a.reserved_micros <> s.reserved""")
    negative = one("SELECT count(*) FROM tenants WHERE credits_micros - charged_micros - reserved_micros < -credit_limit_micros")
    details += [("tasks with more than one ledger row of a kind", repeated),
                ("tasks whose ledger rows disagree with the task", disagreeing),
                ("tenants whose balance differs from the ledger and task sums", tenants),
                ("keys whose balance differs from the ledger sums", keys),
                ("tenants below their credit limit", negative)]
    return lost, repeated + disagreeing + tenants + keys + negative, details
