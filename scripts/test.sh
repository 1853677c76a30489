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
