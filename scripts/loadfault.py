#!/usr/bin/env python3
"""Load and faults against a real gateway, then a full money audit (Python 3 standard library only).

Tenants submit videos and images concurrently for a bounded time. Meanwhile the gateway is killed with
SIGKILL and restarted --kills times, and PostgreSQL is restarted once. Clients behave as a careful
tenant would: every create carries an Idempotency-Key, and a create that got no answer (or 503) is
sent again with the same key. Then the script waits (bounded) until no task is open, asks
GET /admin/v1/reconcile when the build has it, and checks every task and every tenant against the
ledger in SQL:

  lost           a task whose money is not resolved after the wait (still open, or charged + released
                 != reserved), or a task a client was told was created that the database does not have
  double-counted a task with more than one ledger row of a kind or ledger rows that disagree with it,
                 or a tenant or key whose cached balance differs from its ledger sums

Exit status 1 when either is above zero. Everything runs on 127.0.0.1; loops are bounded in count and time.

    bash scripts/loadfault.sh --tenants 4 --seconds 60 --kills 3
"""
import argparse
import collections
import json
import os
import signal
import sys
import threading
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

OPEN_STATES = "('reserved', 'submitted', 'processing')"


class Tally:
    """One tenant loop's figures (merged at the end; no sharing between threads)."""

    def __init__(self):
        self.submitted = 0
        self.attempts = 0
        self.accepted = set()
        self.refused = collections.Counter()
        self.unanswered = 0


def tenant_loop(port, key, tenant_index, loop_index, deadline, max_requests, rate, tally):
    client = harness.Client(port, timeout=45)
    auth = {"Authorization": f"Bearer {key}"}
    next_at = time.time()
    for number in range(max_requests):
        next_at += 1 / rate
        if time.time() >= deadline:
            break
        time.sleep(max(0.0, next_at - time.time()))
        video = (number + loop_index) % 3 != 2
        path = "/kling/v1/videos/omni-video" if video else "/kling/v1/images/omni-image"
        body = dict(harness.VIDEO if video else harness.IMAGE)
        if number % 4 == 0:
            body["external_task_id"] = f"t{tenant_index}-l{loop_index}-{number}"
        headers = dict(auth, **{"Idempotency-Key": str(uuid.uuid4())})
        tally.submitted += 1
        outcome = None
        for attempt in range(5):  # the first try and up to 4 retries with the same key
            tally.attempts += 1
            try:
                status, answer = client.json("POST", path, body, headers)
            except OSError:
                client.close()
                time.sleep(0.3 * (attempt + 1))  # the gateway may be restarting
                continue
            if status == 503:
                time.sleep(0.3 * (attempt + 1))
                continue
            outcome = (status, answer)
            break
        if outcome is None:
            tally.unanswered += 1
            continue
        status, answer = outcome
        code = (answer or {}).get("code")
        if status == 200 and code == 0:
            tally.accepted.add(answer["data"]["task_id"])
        else:
            tally.refused[f"{status}/{code}"] += 1
            if status == 429:
                time.sleep(0.2)
    client.close()


def restart_gateway(state, binary, database_url, upstream_url, port, admin_token):
    """Starts the gateway; `serve` exits when it cannot migrate (PostgreSQL restarting), so try a few times."""
    for attempt in range(5):
        try:
            state["gateway"] = harness.start_gateway(binary, database_url, upstream_url, port, admin_token)
            return
        except SystemExit as error:
            harness.log(f"loadfault: {error}; trying again")
            time.sleep(2)
    raise SystemExit("loadfault: the gateway does not start")


def faults(state, args, binary, database_url, upstream_url, port, admin_token, started):
    """SIGKILLs and restarts the gateway --kills times, evenly spread, and restarts PostgreSQL once in between."""
    moments = [("kill", args.seconds * (i + 1) / (args.kills + 1)) for i in range(args.kills)]
    if args.pg_restart:
        moments.append(("pg", args.seconds * (0.5 if args.kills % 2 == 0 else 0.5 + 0.5 / (args.kills + 1))))
    for what, at in sorted(moments, key=lambda m: m[1]):
        time.sleep(max(0.0, started + at - time.time()))
        if what == "kill":
            harness.log(f"loadfault: t={time.time() - started:5.1f}s SIGKILL gateway pid {state['gateway'].pid}")
            harness.stop(state["gateway"], signal.SIGKILL)
            time.sleep(1.0)
            restart_gateway(state, binary, database_url, upstream_url, port, admin_token)
            harness.log(f"loadfault: t={time.time() - started:5.1f}s gateway restarted, pid {state['gateway'].pid}")
            state["kills"] += 1
        else:
            harness.log(f"loadfault: t={time.time() - started:5.1f}s restarting PostgreSQL")
            harness.pg("restart")
            harness.log(f"loadfault: t={time.time() - started:5.1f}s PostgreSQL is back")
            state["pg_restarts"] += 1


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=4)
    parser.add_argument("--loops-per-tenant", type=int, default=2, help="concurrent submitters per tenant")
    parser.add_argument("--seconds", type=float, default=60, help="how long tenants submit")
    parser.add_argument("--max-requests", type=int, default=5000, help="creates per submitter at most")
    parser.add_argument("--rate", type=float, default=4, help="creates per second per submitter, at most")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILL and restart the gateway this many times")
    parser.add_argument("--no-pg-restart", dest="pg_restart", action="store_false", help="do not restart PostgreSQL")
    parser.add_argument("--credits-micros", type=int, default=100_000_000,
                        help="each tenant's credit (100 USD: about 30 s of its submitters' creates, then 429/1102 refusals)")
    parser.add_argument("--settle-timeout", type=float, default=240, help="how long to wait for open tasks to end")
    parser.add_argument("--task-seconds", type=float, default=2.0, help="how long the upstream takes per task")
    parser.add_argument("--binary", help="a built omnimeter (default: build release)")
    parser.add_argument("--database", default="omnimeter_loadfault")
    args = parser.parse_args()

    binary = args.binary or harness.build("release")
    database_url = harness.fresh_database(args.database)
    upstream, upstream_url, upstream_kind = harness.start_upstream(
        binary, task_seconds=args.task_seconds, fail_rate=0.1, lost_answer_rate=0.05)
    port = harness.free_port()
    admin_token = "loadfault-" + uuid.uuid4().hex
    state = {"gateway": None, "kills": 0, "pg_restarts": 0}
    try:
        restart_gateway(state, binary, database_url, upstream_url, port, admin_token)
        tenants = harness.provision(port, admin_token, args.database, args.tenants, args.credits_micros)
        harness.log(f"loadfault: {len(tenants)} tenants; upstream: {upstream_kind}; gateway on 127.0.0.1:{port}")

        started = time.time()
        deadline = started + args.seconds
        tallies = []
        threads = []
        for tenant_index, (_, key) in enumerate(tenants):
            for loop_index in range(args.loops_per_tenant):
                tally = Tally()
                tallies.append(tally)
                threads.append(threading.Thread(target=tenant_loop, daemon=True, args=(
                    port, key, tenant_index, loop_index, deadline, args.max_requests, args.rate, tally)))
        fault_thread = threading.Thread(target=faults, daemon=True, args=(
            state, args, binary, database_url, upstream_url, port, admin_token, started))
        for thread in threads:
            thread.start()
        fault_thread.start()
        for thread in threads:
            thread.join(args.seconds + 300)
        fault_thread.join(120)
        harness.log(f"loadfault: load over after {time.time() - started:.0f}s; waiting for open tasks to end")

        still_open = wait_until_settled(args.database, args.settle_timeout)
        client = harness.Client(port)
        status, report = client.json("GET", "/admin/v1/reconcile", headers={"Authorization": f"Bearer {admin_token}"})
        reconcile = (f"ok={report.get('ok')}" + "".join(f"\n    {c['name']}: {'ok' if c['ok'] else 'FAILED ' + json.dumps(c.get('detail'))}"
                                                       for c in report.get("checks", []))) if status == 200 and report else f"not in this build (HTTP {status})"
    finally:
        harness.stop(state["gateway"])
        harness.stop(upstream)

    accepted = set().union(*(t.accepted for t in tallies))
    refused = sum((t.refused for t in tallies), collections.Counter())
    lost, double_counted, details = sql_audit(args.database, accepted)
    ended = harness.psql(args.database, f"""
        SELECT count(*) FILTER (WHERE charged_micros + late_charged_micros > 0),
               count(*) FILTER (WHERE charged_micros + late_charged_micros = 0),
               coalesce(sum(charged_micros + late_charged_micros), 0), coalesce(sum(released_micros), 0)
        FROM tasks WHERE state NOT IN {OPEN_STATES}""")[0]
    by_state = harness.psql(args.database, "SELECT state, count(*) FROM tasks GROUP BY state ORDER BY state")

    print(f"loadfault: {args.tenants} tenants x {args.loops_per_tenant} submitters, {args.seconds:.0f} s, "
          f"{state['kills']} gateway SIGKILLs, {state['pg_restarts']} PostgreSQL restart(s); upstream: {upstream_kind}")
    print(f"  submitted        {sum(t.submitted for t in tallies)} creates ({sum(t.attempts for t in tallies)} HTTP attempts, retries with the same Idempotency-Key)")
    print(f"  accepted         {len(accepted)}")
    print(f"  refused          {sum(refused.values())}" + "".join(f"  [{code}: {n}]" for code, n in sorted(refused.items())))
    print(f"  unanswered       {sum(t.unanswered for t in tallies)} (no answer after 5 tries)")
    print(f"  tasks in the db  " + ", ".join(f"{state_}: {n}" for state_, n in by_state))
    print(f"  settled          charged {ended[0]} ({int(ended[2]) / 1e6:.6f}), released {ended[1]} (released total {int(ended[3]) / 1e6:.6f})")
    print(f"  open after wait  {still_open}")
    print(f"  reconcile        {reconcile}")
    for name, count in details:
        print(f"    {name}: {count}")
    print(f"  lost             {lost}")
    print(f"  double-counted   {double_counted}")
    sys.exit(1 if lost or double_counted else 0)


if __name__ == "__main__":
    main()
