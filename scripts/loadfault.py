#!/usr/bin/env python3
"""Load and faults against a real gateway, then a full money audit (Python 3 standard library only).

Every run is drawn from a seed (scripts/loadfault_schedule.py): tenants submit videos and images at
seeded rates with a burst each; the gateway is SIGKILLed and restarted at seeded moments; PostgreSQL
restarts once; the upstream (the built-in simulator) refuses connections for seeded windows (a gate in
front of it closes, scripts/upstream_gate.py), fails tasks, answers 500 or loses the answer after it made
the task, answers slowly (each create's fault is drawn from the seed and sent as a prompt marker), and
fails some polls (--query-error-rate). With `--channels 2` a second simulator is a second channel (both
created through /admin/v1/channels, the first behind the gate) and is SIGKILLed halfway through the load:
its creates fail over to the first channel, and its tasks end by expiry (OMNIMETER_TASK_TIMEOUT_S 30). Clients behave as a careful tenant would: every create carries an
Idempotency-Key, and a create that got no answer (or 503) is sent again with the same key. Then the script
waits (bounded) until no task is open, asks GET /admin/v1/reconcile, and checks every task and every
tenant against the ledger in SQL (scripts/loadfault_audit.py).

It prints the seed, the schedule and its fingerprint, a count per upstream fault kind, and lost and
double-counted. It exits 1 when money is lost or double-counted, reconcile fails, or a fault kind did not
happen. `--seeds 1..5` runs one short run per seed and stops at the first that breaks, printing the command
that replays it.

    bash scripts/loadfault.sh --seed 7
    bash scripts/loadfault.sh --seeds 1..5
    bash scripts/loadfault.sh --seed 7 --channels 2
"""
import argparse
import collections
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from loadfault_audit import OPEN_STATES, sql_audit, wait_until_settled  # noqa: E402
from loadfault_schedule import MARKERS, Schedule  # noqa: E402
from upstream_gate import UpstreamGate  # noqa: E402

# the kinds that must each happen in a run: counted in the simulator's log, refusals by probing the shut gate
FAULT_KINDS = ["task_failure", "created_error", "lost_answer", "slow_answer", "query_error", "refused_connection"]


class Tally:
    """One submitter's figures (merged at the end; no sharing between threads)."""

    def __init__(self):
        self.submitted = 0
        self.attempts = 0
        self.accepted = set()
        self.refused = collections.Counter()
        self.unanswered = 0


def submitter_loop(port, key, schedule, submitter, started, deadline, max_requests, tally):
    client = harness.Client(port, timeout=45)
    auth = {"Authorization": f"Bearer {key}"}
    choices = schedule.creates(submitter)
    next_at = started + submitter["start"]
    for number in range(max_requests):
        next_at += 1 / schedule.rate_at(submitter, next_at - started)
        if next_at >= deadline:
            break
        time.sleep(max(0.0, next_at - time.time()))
        kind, fault = next(choices)
        path = "/kling/v1/videos/omni-video" if kind == "video" else "/kling/v1/images/omni-image"
        body = dict(harness.VIDEO if kind == "video" else harness.IMAGE)
        if fault != "none":
            body["prompt"] = f"{body['prompt']} {MARKERS[fault]}"
        if number % 4 == 0:
            body["external_task_id"] = f"t{submitter['tenant']}-l{submitter['loop']}-{number}"
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


def start_simulator(binary, schedule, log_path):
    port = harness.free_port()
    listen = f"127.0.0.1:{port}"
    out = open(log_path, "wb")
    upstream = schedule.upstream
    process = subprocess.Popen([
        binary, "upstream-simulator", "--listen", listen, "--seed", str(schedule.seed),
        "--task-seconds", str(upstream["task_seconds"]), "--query-error-rate", str(upstream["query_error_rate"]),
        "--slow-answer-ms", str(upstream["slow_answer_ms"])], stdout=out, stderr=out)
    if not harness.wait_for_port(port, process, seconds=15):
        raise SystemExit(f"loadfault: the upstream simulator did not start; see {log_path}")
    return process, port


def start_gateway(state, binary, database_url, upstream_url, port, admin_token, log_name):
    """`serve` exits when it cannot migrate (PostgreSQL restarting), so try a few times."""
    for _ in range(5):
        try:
            state["gateway"] = harness.start_gateway(binary, database_url, upstream_url, port, admin_token,
                                                     extra_env=state.get("env"), log_name=log_name)
            return
        except SystemExit as error:
            harness.log(f"loadfault: {error}; trying again")
            time.sleep(2)
    raise SystemExit("loadfault: the gateway does not start")


def run_events(state, schedule, gate, binary, database_url, port, admin_token, started, log_name):
    for at, what, detail in schedule.events():
        time.sleep(max(0.0, started + at - time.time()))
        now = time.time() - started
        if what == "kill":
            harness.log(f"loadfault: t={now:5.1f}s SIGKILL gateway pid {state['gateway'].pid}")
            harness.stop(state["gateway"], signal.SIGKILL)
            time.sleep(1.0)
            start_gateway(state, binary, database_url, gate.url, port, admin_token, log_name)
            state["kills"] += 1
        elif what == "pg_restart":
            harness.log(f"loadfault: t={now:5.1f}s restarting PostgreSQL")
            harness.pg("restart")
            state["pg_restarts"] += 1
        else:
            harness.log(f"loadfault: t={now:5.1f}s upstream refuses connections for {detail:.1f}s")
            gate.close()
            state["refusal_checks"] += 1 if gate.refuses() else 0
            # probed and reopened on its own clock, so the events after it keep their moments
            threading.Thread(target=refusal_window, args=(gate, detail, state), daemon=True).start()


def refusal_window(gate, seconds, state):
    """While the gate is shut, connects to it every 100 ms and counts the refusals (as the gateway meets them)."""
    end = time.time() + seconds
    while time.time() < end:
        if gate.refuses():
            state["probe_refusals"] += 1
        time.sleep(0.1)
    gate.open()


def count_faults(simulator_logs, gateway_log, refused_answers, probe_refusals):
    counts = collections.Counter({kind: 0 for kind in FAULT_KINDS})
    for simulator_log in simulator_logs:
        with open(simulator_log, errors="replace") as log:
            for line in log:
                match = re.search(r"fault=(\w+)", line)
                if match and "simulated fault" in line:
                    counts[match.group(1)] += 1
    # the gateway's own upstream failures (not the simulated answers): its calls that met the closed gate,
    # and the creates it answered 502/5000 for them
    with open(gateway_log, errors="replace") as log:
        gate_failures = sum(1 for line in log if re.search(r"(?i)upstream", line) and not re.search(r"simulated", line)
                            and re.search(r"(?i)refused|unknown|unavailable|closed|deadline|timeout|connect", line))
    counts["gateway_saw"] = gate_failures + refused_answers
    # connections refused while the gate was shut; the gateway's own calls then wait, fail or are cut
    counts["refused_connection"] = probe_refusals
    return counts


def add_channels(port, admin_token, gated_url, second_port):
    """Two channels of the same priority and weight: the gated simulator, and the second one (to be killed)."""
    client = harness.Client(port)
    auth = {"Authorization": f"Bearer {admin_token}"}
    second_url = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{second_port}", gated_url)
    for name, url in (("a-gated", gated_url), ("b-killed", second_url)):
        status, body = client.json("POST", "/admin/v1/channels", {"name": name, "base_url": url, "api_key": "stub-key"}, auth)
        if status != 201:
            raise SystemExit(f"loadfault: POST /admin/v1/channels answered {status}: {body}")
    harness.log(f"loadfault: channels a-gated ({gated_url}) and b-killed ({second_url})")


def kill_later(process, at):
    time.sleep(max(0.0, at - time.time()))
    harness.log(f"loadfault: SIGKILL of the second channel's simulator (pid {process.pid}); it stays down")
    harness.stop(process, signal.SIGKILL)


def one_run(args, binary, seed, seconds):
    schedule = Schedule(seed, seconds, args.tenants, args.loops_per_tenant, kills=args.kills, pg_restart=args.pg_restart)
    plain, fingerprint = schedule.describe()
    print(f"loadfault: seed {seed} (replay: bash scripts/loadfault.sh --seed {seed} --seconds {seconds:g} --tenants {args.tenants})", flush=True)
    print(f"  schedule {fingerprint}: gateway SIGKILL at {schedule.kills} s, PostgreSQL restart at {schedule.pg_restart} s, "
          f"upstream refusing at {schedule.upstream_down} (start s, length s); upstream {json.dumps(schedule.upstream)}", flush=True)
    print("  submitters: " + ", ".join(f"t{s['tenant']}/{s['loop']} {s['rate']}/s burst@{s['burst'][0]}s" for s in schedule.submitters), flush=True)

    database_url = harness.fresh_database(args.database)
    os.makedirs(harness.STATE, exist_ok=True)
    simulator_log = os.path.join(harness.STATE, f"loadfault-upstream-{seed}.log")
    gateway_log_name = f"loadfault-gateway-{seed}.log"
    gateway_log = os.path.join(harness.STATE, gateway_log_name)
    open(gateway_log, "wb").close()
    simulator, simulator_port = start_simulator(binary, schedule, simulator_log)
    gate = UpstreamGate(simulator_port, harness.free_port())
    gate.open()
    port = harness.free_port()
    admin_token = "loadfault-" + uuid.uuid4().hex
    state = {"gateway": None, "kills": 0, "pg_restarts": 0, "refusal_checks": 0, "probe_refusals": 0}
    simulator_logs = [simulator_log]
    second = None
    if args.channels == 2:
        state["env"] = {"OMNIMETER_TASK_TIMEOUT_S": "30"}
        simulator_logs.append(os.path.join(harness.STATE, f"loadfault-upstream-b-{seed}.log"))
        second, second_port = start_simulator(binary, schedule, simulator_logs[1])
    tallies = []
    try:
        start_gateway(state, binary, database_url, gate.url, port, admin_token, gateway_log_name)
        tenants = harness.provision(port, admin_token, args.database, args.tenants, args.credits_micros)
        if second is not None:
            add_channels(port, admin_token, gate.url, second_port)
        started = time.time()
        deadline = started + seconds
        threads = []
        for submitter in schedule.submitters:
            tally = Tally()
            tallies.append(tally)
            key = tenants[submitter["tenant"]][1]
            threads.append(threading.Thread(target=submitter_loop, daemon=True, args=(
                port, key, schedule, submitter, started, deadline, args.max_requests, tally)))
        events = threading.Thread(target=run_events, daemon=True, args=(
            state, schedule, gate, binary, database_url, port, admin_token, started, gateway_log_name))
        for thread in threads:
            thread.start()
        events.start()
        if second is not None:
            threading.Thread(target=kill_later, args=(second, started + seconds / 2), daemon=True).start()
        for thread in threads:
            thread.join(seconds + 300)
        events.join(120)
        gate.open()
        harness.log(f"loadfault: load over after {time.time() - started:.0f}s; waiting for open tasks to end")
        still_open = wait_until_settled(args.database, args.settle_timeout)
        status, report = harness.Client(port).json("GET", "/admin/v1/reconcile", headers={"Authorization": f"Bearer {admin_token}"})
        reconcile_ok = status == 200 and bool(report) and report.get("ok") is True
        failed_checks = [c["name"] for c in (report or {}).get("checks", []) if not c.get("ok")]
    finally:
        harness.stop(state["gateway"])
        gate.close()
        harness.stop(simulator)
        if second is not None:
            harness.stop(second)

    accepted = set().union(*(t.accepted for t in tallies))
    refused = sum((t.refused for t in tallies), collections.Counter())
    lost, double_counted, details = sql_audit(args.database, accepted)
    ended = harness.psql(args.database, f"""
        SELECT count(*) FILTER (WHERE charged_micros + late_charged_micros > 0),
               count(*) FILTER (WHERE charged_micros + late_charged_micros = 0),
               coalesce(sum(charged_micros + late_charged_micros), 0), coalesce(sum(released_micros), 0)
        FROM tasks WHERE state NOT IN {OPEN_STATES}""")[0]
    by_state = harness.psql(args.database, "SELECT state, count(*) FROM tasks GROUP BY state ORDER BY state")
    faults = count_faults(simulator_logs, gateway_log, refused.get("502/5000", 0), state["probe_refusals"])
    missing = [kind for kind in FAULT_KINDS if faults[kind] == 0]
    if state["refusal_checks"] < len(schedule.upstream_down):
        missing.append("refused_connection (a window where the gate did not refuse)")

    print(f"  run              {args.tenants} tenants x {args.loops_per_tenant} submitters, {seconds:g} s, "
          f"{state['kills']} gateway SIGKILLs, {state['pg_restarts']} PostgreSQL restart(s), {len(schedule.upstream_down)} upstream refusal window(s)")
    print(f"  submitted        {sum(t.submitted for t in tallies)} creates ({sum(t.attempts for t in tallies)} HTTP attempts, retries with the same Idempotency-Key)")
    print(f"  accepted         {len(accepted)}")
    print(f"  refused          {sum(refused.values())}" + "".join(f"  [{code}: {n}]" for code, n in sorted(refused.items())))
    print(f"  unanswered       {sum(t.unanswered for t in tallies)} (no answer after 5 tries)")
    print("  upstream faults  " + ", ".join(f"{kind} {faults[kind]}" for kind in FAULT_KINDS)
          + f" (probes refused in {state['refusal_checks']} of {len(schedule.upstream_down)} windows; the gateway logged"
          f" {faults['gateway_saw']} upstream call failures of its own or answered 502/5000)")
    print("  tasks in the db  " + ", ".join(f"{state_}: {n}" for state_, n in by_state))
    print(f"  settled          charged {ended[0]} ({int(ended[2]) / 1e6:.6f}), released {ended[1]} (released total {int(ended[3]) / 1e6:.6f})")
    print(f"  open after wait  {still_open}")
    print(f"  reconcile        {'ok' if reconcile_ok else 'FAILED ' + ', '.join(failed_checks) + f' (HTTP {status})'}")
    for name, count in details:
        print(f"    {name}: {count}")
    print(f"  lost             {lost}")
    print(f"  double-counted   {double_counted}", flush=True)
    problems = []
    if lost or double_counted:
        problems.append(f"lost {lost}, double-counted {double_counted}")
    if not reconcile_ok:
        problems.append("reconcile failed")
    if missing:
        problems.append("fault kinds that did not happen: " + ", ".join(missing))
    return problems


def parse_seeds(text):
    match = re.fullmatch(r"(\d+)\.\.(\d+)", text)
    if not match or int(match.group(1)) > int(match.group(2)):
        raise argparse.ArgumentTypeError(f"expected FIRST..LAST, e.g. 1..5, got {text!r}")
    return range(int(match.group(1)), int(match.group(2)) + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--seed", type=int, help="draw the whole schedule from this seed (default: a random one, printed)")
    chosen.add_argument("--seeds", type=parse_seeds, help="FIRST..LAST: one short run per seed, stop at the first that breaks")
    parser.add_argument("--tenants", type=int, default=4)
    parser.add_argument("--loops-per-tenant", type=int, default=2, help="concurrent submitters per tenant")
    parser.add_argument("--seconds", type=float, help="how long tenants submit (default 60, or 20 per seed with --seeds)")
    parser.add_argument("--max-requests", type=int, default=5000, help="creates per submitter at most")
    parser.add_argument("--kills", type=int, help="SIGKILLs of the gateway (default: 1 to 3, drawn from the seed)")
    parser.add_argument("--no-pg-restart", dest="pg_restart", action="store_false", help="do not restart PostgreSQL")
    parser.add_argument("--credits-micros", type=int, default=100_000_000,
                        help="each tenant's credit (100 USD: about 30 s of its submitters' creates, then 429/1102 refusals)")
    parser.add_argument("--settle-timeout", type=float, default=420,
                        help="how long to wait for open tasks to end (a task reserved by a killed instance waits for its 300 s lease)")
    parser.add_argument("--binary", help="a built omnimeter (default: build release)")
    parser.add_argument("--database", default="omnimeter_loadfault")
    parser.add_argument("--channels", type=int, choices=(1, 2), default=1,
                        help="2: a second simulator as a second channel, SIGKILLed halfway (docs/channels.md)")
    args = parser.parse_args()

    binary = args.binary or harness.build("release")
    if args.seeds is None:
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
        problems = one_run(args, binary, seed, args.seconds or 60)
        if problems:
            print(f"loadfault: seed {seed} BROKE: {'; '.join(problems)}")
            sys.exit(1)
        return
    seconds = args.seconds or 20
    for seed in args.seeds:
        problems = one_run(args, binary, seed, seconds)
        if problems:
            print(f"loadfault: seed {seed} BROKE: {'; '.join(problems)}")
            print(f"  replay it: bash scripts/loadfault.sh --seed {seed} --seconds {seconds:g} --tenants {args.tenants}"
                  + (f" --kills {args.kills}" if args.kills is not None else ""))
            sys.exit(1)
    print(f"loadfault: seeds {args.seeds.start}..{args.seeds.stop - 1}: every run lost 0 and double-counted 0, reconcile ok, every fault kind happened")


if __name__ == "__main__":
    main()
