#!/usr/bin/env python3
"""Schema-based fuzzing of a running gateway with schemathesis, against its own /openapi.json.

Starts PostgreSQL (fresh database omnimeter_fuzz), the upstream (simulator or stand-in) and a gateway,
makes a tenant with a key and credit, then runs `schemathesis run` with the checks not_a_server_error
and response_schema_conformance, bounded by --max-examples per operation and --max-time overall.
Operations the build does not have yet (a bare 404 from the router, no JSON body) are left out and
listed. Then every operation gets the edge inputs schemathesis does not make (`edge_inputs`: NUL in
every query parameter, oversized bodies, bodies of countless tiny elements). Exits non-zero when
schemathesis finds a failure or an edge input answers 5xx. Run through scripts/fuzz.sh.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import uuid

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

VENV = os.path.join(harness.STATE, "venv")


def schemathesis():
    """schemathesis from PyPI, in a virtualenv of its own under .omnimeter/ (git-ignored)."""
    binary = os.path.join(VENV, "bin", "schemathesis")
    if not os.path.exists(binary):
        harness.log("fuzz: installing schemathesis from PyPI into .omnimeter/venv")
        harness.run([sys.executable, "-m", "venv", VENV])
        harness.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "schemathesis"])
    return binary


def missing_operations(port, document, admin_token, tenant_key):
    """Paths whose every method answers the router's own 404 (no JSON body): not in this build."""
    client = harness.Client(port)
    missing = []
    for path, operations in document["paths"].items():
        answers = []
        for method in operations:
            concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            token = admin_token if path.startswith("/admin/") else tenant_key
            body = {} if method in ("post", "put", "patch") else None
            status, raw = client.request(method.upper(), concrete, body, {"Authorization": f"Bearer {token}"})
            answers.append(status == 404 and not raw.strip().startswith(b"{"))
        if all(answers):
            missing.append(path)
    return missing


def edge_inputs(port, document, admin_token, tenant_key):
    """Inputs schemathesis does not send: a NUL in every query parameter the document declares (and in
    an undeclared one), a NUL in every path id, a body over the 4 MiB limit, a body of countless tiny
    elements and a body holding NUL, on every operation of both APIs. Returns the answers that were
    server errors (5xx) or no answer at all, as (method, path, status) triples."""
    client = harness.Client(port, timeout=30)
    failures = []
    big = b'{"name":"' + b"x" * (5 * 1024 * 1024) + b'"}'
    tiny = b'{"prompt":"x","image_list":[' + b",".join([b"0"] * 200_000) + b"]}"
    nul = json.dumps({"name": "a\u0000b", "prompt": "a\u0000b", "reason": "a\u0000b"}).encode()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            token = admin_token if path.startswith("/admin/") else tenant_key
            headers = {"Authorization": f"Bearer {token}"}
            concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"] + ["undeclared"]
            cases = [(f"{concrete}?{name}=%00", None) for name in names]
            cases += [(re.sub(r"\{[^}]+\}", "%00", path), None)] if "{" in path else []
            if method in ("post", "put", "patch"):
                cases += [(concrete, big), (concrete, tiny), (concrete, nul)]
            for target, body in cases:
                try:
                    status, _ = client.request(method.upper(), target, body, headers)
                except Exception as error:  # noqa: BLE001 - any failure to answer counts
                    client.close()
                    failures.append((method.upper(), target[:120], f"no answer: {error}"))
                    continue
                if status >= 500:
                    failures.append((method.upper(), target[:120], status))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=40, help="test cases per operation and phase")
    parser.add_argument("--max-time", type=int, default=300, help="seconds for the whole schemathesis run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--configuration", default=os.environ.get("FUZZ_CONFIGURATION", "debug"), help="swift build configuration")
    parser.add_argument("--binary", help="a built omnimeter (default: build it)")
    args = parser.parse_args()

    runner = schemathesis()
    binary = args.binary or harness.build(args.configuration)
    database = "omnimeter_fuzz"
    database_url = harness.fresh_database(database)
    upstream, upstream_url, upstream_kind = harness.start_upstream(binary, task_seconds=1.0)
    port = harness.free_port()
    admin_token = "fuzz-" + uuid.uuid4().hex
    gateway = None
    gateway_log = os.path.join(harness.STATE, "fuzz-gateway.log")
    if os.path.exists(gateway_log):
        os.remove(gateway_log)
    try:
        gateway = harness.start_gateway(binary, database_url, upstream_url, port, admin_token, log_name="fuzz-gateway.log")
        # plenty of credit, so that most valid creates reach the upstream instead of stopping at 1102
        (_, tenant_key), = harness.provision(port, admin_token, database, 1, 10_000_000_000, name_prefix="fuzz")
        status, raw = harness.Client(port).get("/openapi.json")
        assert status == 200, status
        document = json.loads(raw)
        missing = missing_operations(port, document, admin_token, tenant_key)

        folder = os.path.join(harness.STATE, "fuzz")
        os.makedirs(folder, exist_ok=True)
        config = os.path.join(folder, "schemathesis.toml")
        with open(config, "w") as file:
            file.write(f'[auth.openapi.TenantKey]\nbearer = "{tenant_key}"\n\n[auth.openapi.AdminToken]\nbearer = "{admin_token}"\n')
        command = [runner, "--config-file", config, "run", f"http://127.0.0.1:{port}/openapi.json",
                   "--checks", "not_a_server_error,response_schema_conformance",
                   "--phases", "examples,coverage,fuzzing,stateful",
                   "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
                   "--seed", str(args.seed), "--workers", "1", "--request-timeout", "30",
                   "--suppress-health-check", "all", "--no-shrink",
                   "--report", "junit", "--report-dir", folder]
        if missing:
            command += ["--exclude-path-regex", "^(" + "|".join(re.escape(p) for p in missing) + ")$"]
        print(f"fuzz: gateway on 127.0.0.1:{port}; upstream: {upstream_kind}", flush=True)
        print(f"fuzz: {sum(len(v) for v in document['paths'].values())} operations in /openapi.json; "
              f"left out as not in this build: {', '.join(missing) or 'none'}", flush=True)
        result = subprocess.run(command, cwd=folder)  # its hypothesis cache stays in .omnimeter/fuzz
        status = result.returncode
        edge_failures = edge_inputs(port, document, admin_token, tenant_key)
        for failure in edge_failures:
            print(f"fuzz: edge input answered a server error: {failure}", flush=True)
        print(f"fuzz: edge inputs (NUL in every query parameter and path id, bodies over the limit, of 200,000 "
              f"elements, holding NUL) on every operation: {len(edge_failures)} server errors", flush=True)
        if edge_failures and status == 0:
            status = 1
    finally:
        harness.stop(gateway)
        harness.stop(upstream)
    server_errors = subprocess.run(["grep", "-c", "unexpected error", gateway_log],
                                   capture_output=True, text=True).stdout.strip() or "0"
    print(f"fuzz: schemathesis exit status {status}; 'unexpected error' lines in the gateway log: {server_errors}")
    print(f"fuzz: JUnit report in .omnimeter/fuzz/; gateway log in .omnimeter/fuzz-gateway.log")
    sys.exit(status)


if __name__ == "__main__":
    main()
