#!/usr/bin/env bash
# Installs (if missing) and runs a PostgreSQL cluster private to this checkout.
#   scripts/pg.sh start | stop | restart | status | url
#   scripts/pg.sh pgbouncer start | stop | reload | url | point PORT
#   scripts/pg.sh replica start [--sync] | stop | pause | resume | url
# The cluster lives in .omnimeter/pg (git-ignored), listens on 127.0.0.1:${OMNIMETER_PG_PORT:-54329}
# with trust auth for local use only, and has a database "omnimeter". Prints nothing but errors,
# except `url`, which prints the libpq URI of that database.
# `pgbouncer` runs Debian's PgBouncer in transaction mode in front of it on PORT+101
# (OMNIMETER_PGBOUNCER_PORT); `point PORT` repoints it and RELOADs, as after a failover.
# `replica` makes a streaming standby with `pg_basebackup -R` on PORT+102 (OMNIMETER_REPLICA_PORT);
# `--sync` makes the primary's commits wait until the standby has flushed them (synchronous_standby_names).
# OMNIMETER_PG_CLUSTER (default pg) names the folders, so a script can run clusters of its own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${OMNIMETER_PG_PORT:-54329}"
CLUSTER="${OMNIMETER_PG_CLUSTER:-pg}"
BOUNCER_PORT="${OMNIMETER_PGBOUNCER_PORT:-$((PORT + 101))}"
REPLICA_PORT="${OMNIMETER_REPLICA_PORT:-$((PORT + 102))}"
STATE="$ROOT/.omnimeter"
set_paths() {
  PGDATA="$STATE/$CLUSTER"; LOG="$STATE/$CLUSTER.log"
  REPLICA="$STATE/$CLUSTER-replica"; REPLICA_LOG="$STATE/$CLUSTER-replica.log"
  BOUNCER="$STATE/$CLUSTER-pgbouncer"
}
set_paths

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
      set_paths
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

psql_at() { psql -X -q -h 127.0.0.1 -p "$1" -U postgres "${@:2}"; }

# --- PgBouncer (transaction mode) in front of the cluster

bouncer_install() {
  command -v pgbouncer >/dev/null 2>&1 && return 0
  echo "pg.sh: installing pgbouncer" >&2
  local sudo=""; as_root || sudo="sudo"
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbouncer >/dev/null
}

bouncer_config() {  # $1: the PostgreSQL port it forwards to
  mkdir -p "$BOUNCER"
  echo '"postgres" ""' > "$BOUNCER/userlist.txt"
  cat > "$BOUNCER/pgbouncer.ini" <<INI
; made by scripts/pg.sh for local use (trust auth); deploy/pgbouncer.ini is the production example
[databases]
* = host=127.0.0.1 port=$1
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $BOUNCER/userlist.txt
pool_mode = transaction
; few server connections, so that the clients' transactions share them as under real load
default_pool_size = ${OMNIMETER_PGBOUNCER_POOL_SIZE:-4}
max_client_conn = 400
query_wait_timeout = 10
server_check_delay = 1
server_login_retry = 1
admin_users = postgres
logfile = $BOUNCER/pgbouncer.log
pidfile = $BOUNCER/pgbouncer.pid
INI
  if as_root; then chown -R postgres:postgres "$BOUNCER"; fi
}

bouncer_running() { [ -f "$BOUNCER/pgbouncer.pid" ] && kill -0 "$(cat "$BOUNCER/pgbouncer.pid")" 2>/dev/null; }

bouncer_start() {
  bouncer_install
  prepare_state
  bouncer_running && return 0
  bouncer_config "$PORT"
  # PgBouncer refuses to run as root, like initdb
  pg pgbouncer -d -q "$BOUNCER/pgbouncer.ini"
  for _ in $(seq 1 50); do
    psql_at "$BOUNCER_PORT" -d pgbouncer -tAc "SHOW VERSION" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "pg.sh: pgbouncer did not start on 127.0.0.1:$BOUNCER_PORT; its log:" >&2
  tail -n 20 "$BOUNCER/pgbouncer.log" >&2 || true
  return 1
}

bouncer_stop() {
  prepare_state
  if bouncer_running; then
    local pid; pid="$(cat "$BOUNCER/pgbouncer.pid")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  return 0
}

bouncer_point() {  # to another PostgreSQL port (a promoted standby), then RELOAD
  prepare_state
  bouncer_config "$1"
  psql_at "$BOUNCER_PORT" -d pgbouncer -c "RELOAD" >/dev/null
}

# --- a streaming standby of the cluster

replica_start() {
  prepare_state
  local bin; bin="$(bindir)"
  if [ ! -f "$REPLICA/PG_VERSION" ]; then
    rm -rf "$REPLICA"
    pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$REPLICA" -R -X stream -c fast
    # the standby names itself, so that the primary can wait for it by name
    echo "primary_conninfo = 'host=127.0.0.1 port=$PORT user=postgres application_name=${CLUSTER}_replica'" \
      | pg tee -a "$REPLICA/postgresql.auto.conf" >/dev/null
  fi
  if ! pg "$bin/pg_ctl" -D "$REPLICA" status >/dev/null 2>&1; then
    pg "$bin/pg_ctl" -D "$REPLICA" -l "$REPLICA_LOG" -w -t 60 start \
      -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300 -c shared_buffers=128MB -c hot_standby=on" >/dev/null
  fi
  if [ "${1:-}" = "--sync" ]; then
    # with synchronous_commit = on (set at start), a commit returns once the standby has flushed it
    psql_at "$PORT" -d postgres -c "ALTER SYSTEM SET synchronous_standby_names = '${CLUSTER}_replica'" \
      -c "SELECT pg_reload_conf()" >/dev/null
  fi
  # caught up: the standby has replayed what the primary had written when asked
  local lsn; lsn="$(psql_at "$PORT" -d postgres -tAc "SELECT pg_current_wal_lsn()")"
  for _ in $(seq 1 300); do
    [ "$(psql_at "$REPLICA_PORT" -d postgres -tAc "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn" 2>/dev/null)" = t ] && return 0
    sleep 0.1
  done
  echo "pg.sh: the replica on $REPLICA_PORT did not catch up; its log:" >&2
  tail -n 20 "$REPLICA_LOG" >&2 || true
  return 1
}

replica_stop() {  # stops and removes the standby; the primary stops waiting for it
  prepare_state
  local bin; bin="$(bindir)"
  if pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    psql_at "$PORT" -d postgres -c "ALTER SYSTEM RESET synchronous_standby_names" \
      -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
  fi
  if [ -f "$REPLICA/PG_VERSION" ]; then pg "$bin/pg_ctl" -D "$REPLICA" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$REPLICA"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) prepare_state; pg "$(bindir)/pg_ctl" -D "$PGDATA" -m fast -w restart -l "$LOG" >/dev/null ;;
  status) prepare_state; pg "$(bindir)/pg_ctl" -D "$PGDATA" status ;;
  url) echo "postgresql://postgres@127.0.0.1:$PORT/omnimeter" ;;
  pgbouncer)
    case "${2:-}" in
      start) bouncer_start ;;
      stop) bouncer_stop ;;
      reload) psql_at "$BOUNCER_PORT" -d pgbouncer -c "RELOAD" >/dev/null ;;
      point) bouncer_point "${3:?usage: scripts/pg.sh pgbouncer point PORT}" ;;
      url) echo "postgresql://postgres@127.0.0.1:$BOUNCER_PORT/omnimeter" ;;
      *) echo "usage: scripts/pg.sh pgbouncer start|stop|reload|url|point PORT" >&2; exit 2 ;;
    esac ;;
  replica)
    case "${2:-}" in
      start) replica_start "${3:-}" ;;
      stop) replica_stop ;;
      pause) psql_at "$REPLICA_PORT" -d postgres -tAc "SELECT pg_wal_replay_pause()" >/dev/null ;;
      resume) psql_at "$REPLICA_PORT" -d postgres -tAc "SELECT pg_wal_replay_resume()" >/dev/null ;;
      url) echo "postgresql://postgres@127.0.0.1:$REPLICA_PORT/omnimeter" ;;
      *) echo "usage: scripts/pg.sh replica start [--sync]|stop|pause|resume|url" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: scripts/pg.sh start|stop|restart|status|url|pgbouncer …|replica …" >&2; exit 2 ;;
esac
