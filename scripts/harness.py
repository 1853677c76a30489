"""What the load, fault, fuzz and benchmark scripts share (Python 3 standard library only): the local
PostgreSQL, a fresh database, the upstream (the simulator, or scripts/upstream_stub.py while the
simulator is not in the build), the gateway process, and tenants with keys and credits.

Every address is on the loopback interface.
"""
import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_PORT = os.environ.get("OMNIMETER_PG_PORT", "54329")
STATE = os.path.join(ROOT, ".omnimeter")


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def run(command, **kwargs):
    return subprocess.run(command, cwd=ROOT, check=True, **kwargs)


# ---- build and processes

def build(configuration="release"):
    """Builds the omnimeter executable and returns its path."""
    log(f"harness: swift build -c {configuration} --product omnimeter")
    run(["swift", "build", "-c", configuration, "--product", "omnimeter"], stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", configuration, "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "omnimeter")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process=None, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def log_file(name):
    os.makedirs(STATE, exist_ok=True)
    return open(os.path.join(STATE, name), "ab")


def stop(process, sig=signal.SIGTERM, seconds=30):
    """Stops a process this harness started (by its own handle, never by name)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_upstream(binary, task_seconds=2.0, fail_rate=0.1, lost_answer_rate=0.0):
    """The built-in simulator when this build has one, else the Python stand-in. Returns (process, base URL, kind)."""
    port = free_port()
    listen = f"127.0.0.1:{port}"
    out = log_file("upstream.log")
    simulator = subprocess.Popen([binary, "upstream-simulator", "--listen", listen], stdout=out, stderr=out)
    if wait_for_port(port, simulator, seconds=15):
        return simulator, f"http://{listen}/kling", "omnimeter upstream-simulator"
    stop(simulator)
    stub = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "upstream_stub.py"), "--listen", listen,
                             "--task-seconds", str(task_seconds), "--fail-rate", str(fail_rate),
                             "--lost-answer-rate", str(lost_answer_rate)], stdout=out, stderr=out)
    if not wait_for_port(port, stub, seconds=15):
        raise SystemExit("harness: the upstream stand-in did not start")
    return stub, f"http://{listen}/kling", "scripts/upstream_stub.py (the simulator is not in this build)"


def start_gateway(binary, database_url, upstream_url, port, admin_token, extra_env=None, log_name="gateway.log"):
    env = dict(os.environ)
    env.update({
        "OMNIMETER_DATABASE_URL": database_url,
        "OMNIMETER_LISTEN": f"127.0.0.1:{port}",
        "OMNIMETER_ADMIN_TOKEN": admin_token,
        "OMNIMETER_UPSTREAM_URL": upstream_url,
        "OMNIMETER_UPSTREAM_KEY": "stub-key",
        "OMNIMETER_POLL_INTERVAL_MS": "500",
        "OMNIMETER_ALLOW_PRIVATE_CALLBACKS": "0",
        "OMNIMETER_LOG_LEVEL": "warning",
    })
    # the checkout's migrations, unless told otherwise (a binary built from another checkout)
    env.setdefault("OMNIMETER_MIGRATIONS_DIR", os.path.join(ROOT, "sql"))
    env.pop("OMNIMETER_PUBLIC_URL", None)
    env.update(extra_env or {})
    out = log_file(log_name)
    process = subprocess.Popen([binary, "serve"], env=env, stdout=out, stderr=out, cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"harness: the gateway exited with {process.returncode}; see .omnimeter/{log_name}")
        try:
            if Client(port).get("/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("harness: the gateway did not answer /healthz")


# ---- PostgreSQL

def pg(*args):
    run(["bash", os.path.join(ROOT, "scripts", "pg.sh"), *args])


def database_url(name):
    return f"postgresql://postgres@127.0.0.1:{PG_PORT}/{name}"


def psql(database, sql, *variables):
    """Runs SQL with psql (ON_ERROR_STOP); returns the rows as lists of text (unaligned, tab-separated)."""
    command = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", PG_PORT,
               "-U", "postgres", "-d", database]
    for name, value in variables:
        command += ["-v", f"{name}={value}"]
    result = subprocess.run(command, input=sql, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr.strip()}")
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def fresh_database(name):
    pg("start")
    psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')
    psql("postgres", f'CREATE DATABASE "{name}";')
    return database_url(name)


# ---- HTTP

class Client:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:port (one per thread)."""

    def __init__(self, port, timeout=60):
        self.port = port
        self.timeout = timeout
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=data, headers=all_headers)
                response = self.connection.getresponse()
                raw = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, raw
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                # a kept-alive connection the server closed while idle: one fresh try is safe only for
                # a request that was never sent; callers treat any other failure as "no answer"
                self.close()
                if attempt == 2 or not isinstance(error, http.client.RemoteDisconnected) or method != "GET":
                    raise
        raise RuntimeError("unreachable")

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def json(self, method, path, body=None, headers=None):
        status, raw = self.request(method, path, body, headers)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


# ---- tenants, keys, credits

def provision(port, admin_token, database, count, credits_micros, name_prefix="load"):
    """Creates `count` tenants, each with one key and `credits_micros` of credit. Uses the admin API when this
    build has it, else SQL. Returns [(tenant_id, key)]."""
    client = Client(port)
    auth = {"Authorization": f"Bearer {admin_token}"}
    status, _ = client.json("POST", "/admin/v1/tenants", {"name": f"{name_prefix}-probe"}, auth)
    if status == 404:
        log("harness: no admin API in this build: tenants, keys and credits are made by SQL")
        return provision_by_sql(database, count, credits_micros, name_prefix)
    if status != 201:
        raise SystemExit(f"harness: POST /admin/v1/tenants answered {status}")
    tenants = []
    for index in range(count):
        status, tenant = client.json("POST", "/admin/v1/tenants", {"name": f"{name_prefix}-{index}"}, auth)
        assert status == 201, (status, tenant)
        status, body = client.json("POST", f"/admin/v1/tenants/{tenant['id']}/credits",
                                   {"amount_micros": credits_micros, "reason": "load test"}, auth)
        assert status == 201, (status, body)
        status, key = client.json("POST", f"/admin/v1/tenants/{tenant['id']}/keys", {"name": f"{name_prefix}-key-{index}"}, auth)
        assert status == 201, (status, key)
        tenants.append((tenant["id"], key["key"]))
    return tenants


def provision_by_sql(database, count, credits_micros, name_prefix):
    """The same as the admin API does: a tenant, a key stored as the SHA-256 of its secret, and a credit
    ledger row written with the tenant's cached balance in one transaction."""
    tenants = []
    statements = ["BEGIN;"]
    for index in range(count):
        tenant_id = str(uuid.uuid4())
        key = "om_" + secrets.token_urlsafe(30)
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        statements.append(f"""
            INSERT INTO tenants (id, name) VALUES ('{tenant_id}', '{name_prefix}-{index}');
            INSERT INTO api_keys (tenant_id, name, prefix, secret_hash)
                VALUES ('{tenant_id}', '{name_prefix}-key-{index}', '{key[:12]}', '\\x{key_hash}');
            INSERT INTO ledger_entries (tenant_id, kind, amount_micros, reason, actor)
                VALUES ('{tenant_id}', 'credit', {int(credits_micros)}, 'load test', 'harness');
            UPDATE tenants SET credits_micros = credits_micros + {int(credits_micros)} WHERE id = '{tenant_id}';""")
        tenants.append((tenant_id, key))
    statements.append("COMMIT;")
    psql(database, "\n".join(statements))
    return tenants


# ---- bodies

VIDEO = {"prompt": "a fox running through fresh snow", "aspect_ratio": "16:9", "duration": "5", "mode": "std"}
IMAGE = {"prompt": "a lighthouse at dawn", "resolution": "1k", "n": 2}
