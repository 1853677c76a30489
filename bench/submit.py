#!/usr/bin/env python3
"""Submit throughput and gateway-added latency, beside pgbench running the same SQL (stdlib only).

1. A fresh database with T tenants (one key each, ample credit), the upstream (simulator or the
   stand-in) and a release gateway, all on 127.0.0.1.
2. Peak: C client processes create five-second videos back to back for D seconds: submits per second.
3. Half load: the same clients paced at half that rate, through the gateway and then straight to the
   upstream at the same rate; gateway-added latency = gateway percentile - upstream percentile.
4. pgbench: bench/reserve_settle.pgbench (each transaction is one task's reserve, submitted and settle
   statements, as the gateway sends them) with C clients for D seconds on another fresh database.
5. pgbench: bench/limit/ (the least SQL a reserve-then-settle task needs) the same way: the limit.
Prints the limit, omnimeter's own SQL, the gateway's created and settled per second and their ratio to
the limit, gateway-added latency at half the peak rate, and the resident memory of `serve` under load.

    bash bench/submit.sh [--clients 16] [--seconds 20] [--tenants 32]
"""
import argparse
import glob
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
import harness  # noqa: E402

VIDEO_PATH = "/kling/v1/videos/omni-video"


def tenant_id(n):
    return f"00000000-0000-4000-8000-{n:012d}"


def key_id(n):
    return f"00000000-0000-4000-9000-{n:012d}"


def make_tenants(database, count):
    """Tenants and keys with the ids the pgbench script computes; credit enough never to run out."""
    keys = []
    statements = ["BEGIN;"]
    for n in range(1, count + 1):
        key = f"om_bench_{n}_{uuid.uuid4().hex}"
        statements.append(f"""
            INSERT INTO tenants (id, name, credits_micros) VALUES ('{tenant_id(n)}', 'bench-{n}', 1000000000000000);
            INSERT INTO ledger_entries (tenant_id, kind, amount_micros, reason, actor)
                VALUES ('{tenant_id(n)}', 'credit', 1000000000000000, 'bench', 'bench');
            INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash)
                VALUES ('{key_id(n)}', '{tenant_id(n)}', 'bench-{n}', '{key[:12]}', sha256(convert_to('{key}', 'UTF8')));""")
        keys.append(key)
    statements.append("COMMIT;")
    harness.psql(database, "\n".join(statements))
    return keys


def client_process(port, path, keys, worker, deadline, interval, body, upstream):
    """One client: creates back to back (interval 0) or one every `interval` seconds; returns latencies in seconds
    of the answers that were 200, and the count of others."""
    client = harness.Client(port, timeout=30)
    latencies, failures = [], 0
    next_at = time.perf_counter()
    sequence = 0
    while time.time() < deadline:
        if interval:
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            next_at += interval
        sequence += 1
        key = keys[(worker + sequence * 7) % len(keys)]
        payload = dict(body)
        if upstream:  # straight to the upstream: the gateway would add this, so do it here too
            payload["external_task_id"] = str(uuid.uuid4())
        started = time.perf_counter()
        try:
            status, _ = client.request("POST", path, payload, {"Authorization": f"Bearer {key}"})
        except OSError:
            client.close()
            status = 0
        elapsed = time.perf_counter() - started
        if status == 200:
            latencies.append(elapsed)
        else:
            failures += 1
    client.close()
    return latencies, failures


def load(port, path, keys, clients, seconds, rate=None, upstream=False):
    """Runs `clients` processes for `seconds`; rate None is closed loop. Returns (per second, latencies, failures)."""
    deadline = time.time() + seconds
    interval = clients / rate if rate else 0
    body = dict(harness.VIDEO)
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.starmap(client_process, [(port, path, keys, w, deadline, interval, body, upstream) for w in range(clients)])
    latencies = sorted(l for result in results for l in result[0])
    failures = sum(result[1] for result in results)
    return len(latencies) / seconds, latencies, failures


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def histogram(port, name, labels):
    """The cumulative bucket counts {le: count} of one histogram series on /metrics."""
    text = harness.Client(port).get("/metrics")[1].decode()
    pattern = re.compile(re.escape(name) + r'_bucket\{' + re.escape(labels) + r',le="([^"]+)"\} (\d+)')
    return {float(le): int(count) for le, count in pattern.findall(text)}


def histogram_quantile(before, after, fraction):
    """A quantile of what was recorded between two snapshots, interpolated inside its bucket (as PromQL does)."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0) for b in bounds]
    total = counts[-1] if counts else 0
    if total == 0:
        return float("nan")
    rank = fraction * total
    lower, below = 0.0, 0
    for bound, count in zip(bounds, counts):
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(1, count - below)
        lower, below = bound, count
    return lower


def pgbench(binary, clients, seconds, tenants):
    database = "omnimeter_pgbench"
    url = harness.fresh_database(database)
    env = dict(os.environ, OMNIMETER_DATABASE_URL=url, OMNIMETER_MIGRATIONS_DIR=os.path.join(harness.ROOT, "sql"))
    subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    make_tenants(database, tenants)
    executable = pgbench_executable()
    script = os.path.join(harness.ROOT, "bench", "reserve_settle.pgbench")
    result = subprocess.run([executable, "-n", "-M", "extended", "-c", str(clients), "-j", "2", "-T", str(seconds),
                             "-D", f"tenants={tenants}", "-f", script, "-h", "127.0.0.1", "-p", harness.PG_PORT, "-U", "postgres",
                             database], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"pgbench failed: {result.stderr.strip()}")
    tps = float(re.search(r"tps = ([0-9.]+)", result.stdout).group(1))
    latency = re.search(r"latency average = ([0-9.]+) ms", result.stdout)
    return tps, float(latency.group(1)) if latency else float("nan")


def pgbench_executable():
    return sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"))[-1]


def limit_pgbench(clients, seconds):
    """The physical limit (bench/limit/, a copy of the shared one): the least SQL a reserve-then-settle task
    needs, on its own database. Returns tasks per second."""
    database = "omnimeter_limit"
    harness.fresh_database(database)
    limit = os.path.join(harness.ROOT, "bench", "limit")
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", harness.PG_PORT, "-U", "postgres",
                    "-d", database, "-f", os.path.join(limit, "limit-schema.sql")], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
    result = subprocess.run([pgbench_executable(), "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds),
                             "-f", os.path.join(limit, "limit-reserve-settle.sql"), "-h", "127.0.0.1", "-p", harness.PG_PORT,
                             "-U", "postgres", database], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"pgbench (limit) failed: {result.stderr.strip()}")
    return float(re.search(r"tps = ([0-9.]+)", result.stdout).group(1))


def settled_total(port):
    metrics = harness.Client(port).get("/metrics")[1].decode()
    return sum(int(float(n)) for n in re.findall(r'^omnimeter_settlements_total(?:\{[^}]*\})? ([0-9.e+]+)$', metrics, re.M))


class RSSSampler:
    """The resident set of one process, sampled every 0.2 s from /proc while a phase runs: its maximum."""

    def __init__(self, pid):
        self.pid, self.peak_kb, self.stop_flag = pid, 0, False

    def field(self, name):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        return 0

    def run(self):
        while not self.stop_flag:
            try:
                self.peak_kb = max(self.peak_kb, self.field("VmRSS"))
            except OSError:
                return
            time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20, help="per phase")
    parser.add_argument("--tenants", type=int, default=32)
    parser.add_argument("--binary", help="a built omnimeter (default: build release)")
    args = parser.parse_args()

    binary = args.binary or harness.build("release")
    database = "omnimeter_bench"
    url = harness.fresh_database(database)
    upstream, upstream_url, upstream_kind = harness.start_upstream(binary, task_seconds=1.0, fail_rate=0.0)
    upstream_port = int(upstream_url.rsplit(":", 1)[1].split("/")[0])
    port = harness.free_port()
    gateway = None
    try:
        gateway = harness.start_gateway(binary, url, upstream_url, port, "bench-" + uuid.uuid4().hex,
                                        extra_env={"OMNIMETER_DB_POOL_SIZE": str(max(16, args.clients))}, log_name="bench-gateway.log")
        keys = make_tenants(database, args.tenants)
        load(port, VIDEO_PATH, keys, args.clients, 3)  # warm up: connections, caches
        import threading
        sampler = RSSSampler(gateway.pid)
        sampling = threading.Thread(target=sampler.run, daemon=True)
        sampling.start()
        settled_before = settled_total(port)
        peak, peak_latencies, peak_failures = load(port, VIDEO_PATH, keys, args.clients, args.seconds)
        settled_rate = (settled_total(port) - settled_before) / args.seconds
        sampler.stop_flag = True
        sampling.join()
        rss_peak_kb, rss_hwm_kb = sampler.peak_kb, sampler.field("VmHWM")
        half = peak / 2
        series = ("omnimeter_http_request_duration_seconds", 'route="/kling/v1/videos/omni-video",method="POST"')
        upstream_series = ("omnimeter_upstream_request_duration_seconds", 'operation="create"')
        before, upstream_before = histogram(port, *series), histogram(port, *upstream_series)
        gw_rate, gw_latencies, gw_failures = load(port, VIDEO_PATH, keys, args.clients, args.seconds, rate=half)
        after, upstream_after = histogram(port, *series), histogram(port, *upstream_series)
        up_rate, up_latencies, up_failures = load(upstream_port, "/kling/v1/videos/omni-video", keys, args.clients,
                                                  args.seconds, rate=half, upstream=True)
        metrics = harness.Client(port).get("/metrics")[1].decode()
    finally:
        harness.stop(gateway)
        harness.stop(upstream)
    tps, pg_latency = pgbench(binary, args.clients, args.seconds, args.tenants)
    limit_tps = limit_pgbench(args.clients, args.seconds)

    ms = lambda v: f"{v * 1000:7.2f} ms"  # noqa: E731
    load_average = open("/proc/loadavg").read().split()[:3]
    print(f"bench: {args.clients} clients, {args.seconds} s per phase, {args.tenants} tenants, five-second std videos; "
          f"upstream: {upstream_kind}; {os.cpu_count()} cores, load average {' '.join(load_average)}")
    print(f"  gateway peak             {peak:8.1f} submits/s   p50 {ms(percentile(peak_latencies, 0.5))}  p99 {ms(percentile(peak_latencies, 0.99))}  non-200: {peak_failures}")
    print(f"  gateway at half load     {gw_rate:8.1f} submits/s   p50 {ms(percentile(gw_latencies, 0.5))}  p99 {ms(percentile(gw_latencies, 0.99))}  non-200: {gw_failures}")
    print(f"  upstream alone, same rate{up_rate:8.1f} creates/s   p50 {ms(percentile(up_latencies, 0.5))}  p99 {ms(percentile(up_latencies, 0.99))}  non-200: {up_failures}")
    print(f"  gateway-added latency    p50 {ms(percentile(gw_latencies, 0.5) - percentile(up_latencies, 0.5))}  "
          f"p99 {ms(percentile(gw_latencies, 0.99) - percentile(up_latencies, 0.99))}  (at half the peak rate)")
    print(f"  as the gateway sees it   p50 {ms(histogram_quantile(before, after, 0.5))}  p99 {ms(histogram_quantile(before, after, 0.99))}"
          f"  (its own request histogram, half load); its upstream creates p50 {ms(histogram_quantile(upstream_before, upstream_after, 0.5))}"
          f"  p99 {ms(histogram_quantile(upstream_before, upstream_after, 0.99))}")
    print(f"  limit (bench/limit/)     {limit_tps:8.1f} tasks/s  pgbench, the least SQL a reserve-then-settle task needs")
    print(f"  omnimeter's own SQL      {tps:8.1f} tasks/s  pgbench bench/reserve_settle.pgbench (reserve + submitted + settle), "
          f"latency average {pg_latency:.2f} ms; {tps / limit_tps:.0%} of the limit")
    print(f"  gateway created          {peak:8.1f} tasks/s  ({peak / limit_tps:.1%} of the limit)")
    print(f"  gateway settled          {settled_rate:8.1f} tasks/s  ({settled_rate / limit_tps:.1%} of the limit), by its poller during the peak phase")
    print(f"  ratio to the limit       {min(peak, settled_rate) / limit_tps:8.3f}  (created and settled per second / limit)")
    print(f"  RSS of serve under load  {rss_peak_kb / 1024:8.1f} MB  (peak of 0.2 s samples in the peak phase; VmHWM {rss_hwm_kb / 1024:.1f} MB)")


if __name__ == "__main__":
    main()
