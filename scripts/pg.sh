#!/usr/bin/env bash
# Installs (if missing) and runs a PostgreSQL cluster private to this checkout.
#   scripts/pg.sh start | stop | restart | status | url
# The cluster lives in .omnimeter/pg (git-ignored), listens on 127.0.0.1:${OMNIMETER_PG_PORT:-54329}
# with trust auth for local use only, and has a database "omnimeter". Prints nothing but errors,
# except `url`, which prints the libpq URI of that database.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${OMNIMETER_PG_PORT:-54329}"
STATE="$ROOT/.omnimeter"
PGDATA="$STATE/pg"
LOG="$STATE/pg.log"

as_root() { [ "$(id -u)" = 0 ]; }

install_if_missing() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || [ ! -f /usr/include/postgresql/libpq-fe.h ]; then
    echo "pg.sh: installing postgresql and libpq-dev" >&2
    local sudo=""; as_root || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql libpq-dev >/dev/null
  fi
}

bindir() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# initdb refuses root: as root, the cluster belongs to the postgres user.
pg() {
  if as_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

prepare_state() {
  mkdir -p "$STATE"
  if as_root; then
    chown postgres:postgres "$STATE"
    # the postgres user must reach the folder; a checkout under a private home cannot be reached
    if ! runuser -u postgres -- test -w "$STATE"; then
      STATE="/tmp/omnimeter-pg-$(printf %s "$ROOT" | md5sum | cut -c1-8)"
      PGDATA="$STATE/pg"; LOG="$STATE/pg.log"
      mkdir -p "$STATE"; chown postgres:postgres "$STATE"
    fi
  fi
}

start() {
  install_if_missing
  prepare_state
  local bin; bin="$(bindir)"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    pg "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    pg "$bin/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 start \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300 -c shared_buffers=256MB -c synchronous_commit=on" >/dev/null
  fi
  if ! psql -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'omnimeter'" | grep -q 1; then
    psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE omnimeter"
  fi
}

stop() {
  prepare_state
  local bin; bin="$(bindir)"
  [ -f "$PGDATA/PG_VERSION" ] && pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) prepare_state; pg "$(bindir)/pg_ctl" -D "$PGDATA" -m fast -w restart -l "$LOG" >/dev/null ;;
  status) prepare_state; pg "$(bindir)/pg_ctl" -D "$PGDATA" status ;;
  url) echo "postgresql://postgres@127.0.0.1:$PORT/omnimeter" ;;
  *) echo "usage: scripts/pg.sh start|stop|restart|status|url" >&2; exit 2 ;;
esac
