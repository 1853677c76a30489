#!/usr/bin/env bash
# Schema-based fuzzing: schemathesis (installed from PyPI into .omnimeter/venv) runs against a local
# gateway's /openapi.json with the checks not_a_server_error and response_schema_conformance,
# bounded in examples and time; a 5xx or a body that breaks the document fails the run.
#   bash scripts/fuzz.sh [--max-examples 40] [--max-time 300] [--seed 7]
# Uses its own database (omnimeter_fuzz) in the cluster of scripts/pg.sh; loopback only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start
exec python3 scripts/fuzz.py "$@"
