#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL that this script installs and starts itself.
#   bash scripts/test.sh [extra swift test arguments]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start
PORT="${OMNIMETER_PG_PORT:-54329}"
# a fresh database for every run: tests never depend on what an earlier run left
psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS omnimeter_test WITH (FORCE)" -c "CREATE DATABASE omnimeter_test"
export OMNIMETER_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/omnimeter_test"
export OMNIMETER_TEST_ADMIN_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
export OMNIMETER_TEST_PG_RESTART="bash $ROOT/scripts/pg.sh restart"
export OMNIMETER_TEST_PG_CTL="bash $ROOT/scripts/pg.sh"
# PgBouncer in transaction mode (installed if missing) and a streaming replica, for PgBouncerTests and
# ReadReplicaTests; stopped again at the end. A test skips, saying so, only if its piece cannot start.
trap 'bash scripts/pg.sh pgbouncer stop; bash scripts/pg.sh replica stop' EXIT
if bash scripts/pg.sh pgbouncer start; then
  export OMNIMETER_TEST_PGBOUNCER_URL="postgresql://postgres@127.0.0.1:${OMNIMETER_PGBOUNCER_PORT:-$((PORT + 101))}/omnimeter_test"
else
  echo "test.sh: PgBouncer could not start (above): PgBouncerTests will be skipped" >&2
fi
if bash scripts/pg.sh replica start; then
  export OMNIMETER_TEST_REPLICA_URL="postgresql://postgres@127.0.0.1:${OMNIMETER_REPLICA_PORT:-$((PORT + 102))}/omnimeter_test"
else
  echo "test.sh: the streaming replica could not start (above): ReadReplicaTests will be skipped" >&2
fi
# EventDeliveryTests verify signatures with an independent Standard Webhooks implementation (PyPI)
python3 -c "import standardwebhooks" 2>/dev/null || python3 -m pip install --quiet standardwebhooks
swift build --build-tests
# suites named Disruptive* restart the database: they run alone, after the others
swift test --skip-build --disable-xctest --skip Disruptive "$@"
swift test --skip-build --disable-xctest --no-parallel --filter Disruptive "$@"
# the console and portal in a real browser (tests/browser): Debian's chromium and chromium-driver, Selenium from PyPI
if [ $# -eq 0 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver \
      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }
  fi
  python3 -c "import selenium" 2>/dev/null || python3 -m pip install --quiet selenium
  python3 tests/browser/console_test.py --binary "$(swift build --show-bin-path)/omnimeter"
fi
