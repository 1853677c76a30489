#!/usr/bin/env python3
"""Failover of the primary under load, end to end (Python 3 standard library only).

A primary and a synchronous streaming standby of their own (`scripts/pg.sh`, cluster "failover":
`synchronous_standby_names` naming the standby with `synchronous_commit = on`, as deploy/ recommends, so
every acknowledged commit is flushed on the standby before the gateway answers),
PgBouncer in transaction mode in front of the primary, and two gateway instances through PgBouncer
(they migrate through it as they start). Tenants submit creates to both. Then:

  1. the primary's postmaster is SIGKILLed;
  2. after --gap seconds the standby is promoted (`pg_ctl promote`);
  3. PgBouncer is repointed at it (RELOAD).

Creates answered in the gap must be 503/5001 and reserve nothing (the task is absent, or released in full
and never charged); no create answered 200 may be missing on the new primary; reconcile on the new
primary must be ok; the money audit (scripts/loadfault_audit.py) must find lost 0 and double-counted 0.
It prints those counts and exits 1 otherwise. Everything is on 127.0.0.1 and is removed at the end.

    bash scripts/failover.sh [--seconds 30] [--kill-at 10] [--gap 3] [--tenants 2]
"""
import argparse
import collections
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from loadfault_audit import sql_audit, wait_until_settled  # noqa: E402

BASE = int(os.environ.get("OMNIMETER_PG_PORT", "54329"))
PRIMARY, STANDBY, BOUNCER = BASE + 110, BASE + 111, BASE + 112
CLUSTER_ENV = {"OMNIMETER_PG_CLUSTER": "failover", "OMNIMETER_PG_PORT": str(PRIMARY),
               "OMNIMETER_REPLICA_PORT": str(STANDBY), "OMNIMETER_PGBOUNCER_PORT": str(BOUNCER)}
DATABASE = "omnimeter_failover"


def pg(*args, check=True):
    env = dict(os.environ, **CLUSTER_ENV)
    return subprocess.run(["bash", os.path.join(harness.ROOT, "scripts", "pg.sh"), *args], env=env, check=check)


def state_dir():
    # scripts/pg.sh falls back to /tmp when the postgres user cannot reach .omnimeter
    for candidate in [harness.STATE] + [os.path.join("/tmp", d) for d in os.listdir("/tmp") if d.startswith("omnimeter-pg-")]:
        if os.path.isfile(os.path.join(candidate, "failover", "postmaster.pid")):
            return candidate
    return harness.STATE


def as_postgres(command):
    return (["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []) + command


def cleanup():
    pg("pgbouncer", "stop", check=False)
    state = state_dir()
    bindir = subprocess.run("ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1", shell=True, capture_output=True, text=True).stdout.strip()
    for folder in ("failover", "failover-replica"):
        path = os.path.join(state, folder)
        if os.path.isfile(os.path.join(path, "PG_VERSION")):
            subprocess.run(as_postgres([f"{bindir}/pg_ctl", "-D", path, "-m", "immediate", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", path, path + ".log", os.path.join(state, "failover-pgbouncer")])
    return bindir


class Answers:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (sent_at, answered_at, external_id, status, code, task_id)

    def add(self, row):
        with self.lock:
            self.rows.append(row)


def submitter(port, key, name, deadline, rate, answers):
    client = harness.Client(port, timeout=60)
    number = 0
    while time.time() < deadline:
        number += 1
        external = f"{name}-{number}"
        body = dict(harness.VIDEO, external_task_id=external)
        sent = time.time()
        try:
            status, answer = client.json("POST", "/kling/v1/videos/omni-video", body, {"Authorization": f"Bearer {key}"})
        except OSError:
            client.close()
            status, answer = 0, None
        code = (answer or {}).get("code")
        task = (answer or {}).get("data", {}).get("task_id") if status == 200 and code == 0 else None
        answers.add((sent, time.time(), external, status, code, task))
        time.sleep(max(0.0, sent + 1 / rate - time.time()))
    client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="how long tenants submit")
    parser.add_argument("--kill-at", type=float, default=10, help="seconds into the load when the primary is killed")
    parser.add_argument("--gap", type=float, default=3, help="seconds from the kill to the promotion")
    parser.add_argument("--tenants", type=int, default=2)
    parser.add_argument("--rate", type=float, default=4, help="creates per second per tenant and instance")
    parser.add_argument("--settle-timeout", type=float, default=420, help="how long to wait for open tasks to end")
    parser.add_argument("--binary", help="a built omnimeter (default: build release)")
    args = parser.parse_args()

    binary = args.binary or harness.build("release")
    bindir = cleanup()
    pg("start")
    pg("replica", "start", "--sync")
    pg("pgbouncer", "start")
    harness.PG_PORT = str(PRIMARY)
    harness.psql("postgres", f'CREATE DATABASE "{DATABASE}";')
    via_bouncer = f"postgresql://postgres@127.0.0.1:{BOUNCER}/{DATABASE}"
    simulator_port = harness.free_port()
    out = harness.log_file("failover-upstream.log")
    simulator = subprocess.Popen([binary, "upstream-simulator", "--listen", f"127.0.0.1:{simulator_port}", "--task-seconds", "2"],
                                 stdout=out, stderr=out)
    gateways, ports = [], [harness.free_port(), harness.free_port()]
    admin_token = "failover-" + uuid.uuid4().hex
    answers = Answers()
    timeline = {}
    try:
        if not harness.wait_for_port(simulator_port, simulator, seconds=15):
            raise SystemExit("failover: the upstream simulator did not start")
        upstream = f"http://127.0.0.1:{simulator_port}/kling"
        # both instances start (and migrate) at once, through PgBouncer in transaction mode
        starters = [threading.Thread(target=lambda i=i: gateways.append(harness.start_gateway(
            binary, via_bouncer, upstream, ports[i], admin_token, extra_env={"OMNIMETER_INSTANCE_ID": f"failover-{i}"},
            log_name=f"failover-gateway-{i}.log"))) for i in range(2)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join(180)
        if len(gateways) != 2:
            raise SystemExit("failover: a gateway did not start; see .omnimeter/failover-gateway-*.log")
        tenants = harness.provision(ports[0], admin_token, DATABASE, args.tenants, 1_000_000_000, name_prefix="failover")
        started = time.time()
        deadline = started + args.seconds
        threads = [threading.Thread(target=submitter, daemon=True, args=(port, key, f"t{t}-g{g}", deadline, args.rate, answers))
                   for t, (_, key) in enumerate(tenants) for g, port in enumerate(ports)]
        for thread in threads:
            thread.start()

        time.sleep(max(0.0, started + args.kill_at - time.time()))
        postmaster = int(open(os.path.join(state_dir(), "failover", "postmaster.pid")).readline())
        timeline["kill"] = time.time()
        os.kill(postmaster, signal.SIGKILL)
        harness.log(f"failover: t={time.time() - started:5.1f}s SIGKILL of the primary's postmaster (pid {postmaster})")
        time.sleep(args.gap)
        subprocess.run(as_postgres([f"{bindir}/pg_ctl", "-D", os.path.join(state_dir(), "failover-replica"), "-w", "promote"]),
                       check=True, stdout=subprocess.DEVNULL)
        harness.PG_PORT = str(STANDBY)
        timeline["promoted"] = time.time()
        pg("pgbouncer", "point", str(STANDBY))
        timeline["repointed"] = time.time()
        harness.log(f"failover: t={time.time() - started:5.1f}s standby promoted and PgBouncer repointed (RELOAD)")
        for thread in threads:
            thread.join(args.seconds + 120)
        harness.log("failover: load over; waiting for open tasks to end")
        still_open = wait_until_settled(DATABASE, args.settle_timeout)
        status, report = harness.Client(ports[1]).json("GET", "/admin/v1/reconcile", headers={"Authorization": f"Bearer {admin_token}"})
        reconcile_ok = status == 200 and bool(report) and report.get("ok") is True
    finally:
        for gateway in gateways:
            harness.stop(gateway)
        harness.stop(simulator)

    rows = answers.rows
    accepted = {row[5] for row in rows if row[5]}
    # a create whose answer came while the database was away: between the kill and the repoint
    in_gap = [row for row in rows if row[1] >= timeline["kill"] and row[0] <= timeline["repointed"] and not row[5]]
    by_answer = collections.Counter(f"{row[3]}/{row[4]}" for row in rows)
    gap_answers = collections.Counter(f"{row[3]}/{row[4]}" for row in in_gap)
    unexpected = sum(n for answer, n in by_answer.items() if answer not in ("200/0", "503/5001"))
    refused_ids = [row[2] for row in rows if not row[5]]
    reserved_by_refused = 0
    for start in range(0, len(refused_ids), 500):
        chunk = ",".join(f"'{external}'" for external in refused_ids[start:start + 500])  # made here, never from input
        reserved_by_refused += int(harness.psql(DATABASE, f"""
            SELECT count(*) FROM tasks WHERE external_task_id IN ({chunk})
              AND (charged_micros + late_charged_micros <> 0 OR released_micros <> reserved_micros)""")[0][0])
    lost, double_counted, details = sql_audit(DATABASE, accepted)
    primary_is_new = harness.psql("postgres", "SELECT NOT pg_is_in_recovery()")[0][0] == "t"

    print(f"failover: 2 instances through PgBouncer (transaction mode), {args.tenants} tenants, {args.seconds:g} s; "
          f"primary SIGKILLed at {timeline['kill'] - started:.1f} s, standby promoted {timeline['promoted'] - timeline['kill']:.1f} s later, "
          f"PgBouncer repointed {timeline['repointed'] - timeline['promoted']:.2f} s after that")
    print(f"  creates          {len(rows)}: " + ", ".join(f"{answer} {n}" for answer, n in sorted(by_answer.items())))
    print(f"  in the gap       {len(in_gap)} not accepted: " + (", ".join(f"{answer} {n}" for answer, n in sorted(gap_answers.items())) or "none"))
    print(f"  other answers    {unexpected} (anything but 200/0 and 503/5001)")
    print(f"  refused creates holding or charged money at the end: {reserved_by_refused}")
    print(f"  new primary      {'yes' if primary_is_new else 'NO'} (port {STANDBY}); open after wait {still_open}")
    print(f"  reconcile        {'ok' if reconcile_ok else 'FAILED'} (on the new primary)")
    for name, count in details:
        print(f"    {name}: {count}")
    print(f"  lost             {lost}")
    print(f"  double-counted   {double_counted}", flush=True)
    cleanup()
    broken = lost or double_counted or unexpected or reserved_by_refused or not reconcile_ok or not primary_is_new or not gap_answers
    if not gap_answers:
        print("failover: no create was answered in the gap (raise --rate or --gap)")
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
