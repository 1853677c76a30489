#!/usr/bin/env bash
# Runs omnimeter locally: installs and starts PostgreSQL, builds, migrates and serves.
# With no OMNIMETER_UPSTREAM_URL it also starts the built-in upstream simulator, so it works with no
# internet and no account.   bash scripts/run.sh
# Ctrl-C or SIGTERM stops everything this script started (the build, serve, the simulator);
# PostgreSQL keeps running until `bash scripts/pg.sh stop`.
# Reads: OMNIMETER_PG_PORT, OMNIMETER_DATABASE_URL, OMNIMETER_LISTEN, OMNIMETER_ADMIN_TOKEN, OMNIMETER_BUILD,
# OMNIMETER_UPSTREAM_URL, OMNIMETER_UPSTREAM_KEY, OMNIMETER_SIMULATOR_LISTEN, OMNIMETER_POLL_INTERVAL_MS
# (and serve reads the rest of its configuration from the environment).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Children run in the background and the script waits for them, so that a signal reaches the trap at
# once (bash runs traps only between commands) and the trap stops every child before the script ends.
CHILDREN=()
stop_children() {
  local pid
  for pid in "${CHILDREN[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${CHILDREN[@]}"; do wait "$pid" 2>/dev/null || true; done
  CHILDREN=()
}
trap 'trap - TERM INT; echo "run.sh: stopping" >&2; stop_children; exit 143' TERM
trap 'trap - TERM INT; echo "run.sh: stopping" >&2; stop_children; exit 130' INT
trap 'stop_children' EXIT
# runs "$@" as a child and waits for it; its exit status is the function's
child() {
  "$@" &
  local pid=$!
  CHILDREN+=("$pid")
  local status=0
  wait "$pid" || status=$?
  local left=() other
  for other in "${CHILDREN[@]}"; do [ "$other" = "$pid" ] || left+=("$other"); done
  CHILDREN=("${left[@]}")
  return "$status"
}

bash scripts/pg.sh start
export OMNIMETER_DATABASE_URL="${OMNIMETER_DATABASE_URL:-$(bash scripts/pg.sh url)}"
export OMNIMETER_LISTEN="${OMNIMETER_LISTEN:-127.0.0.1:8080}"
if [ -z "${OMNIMETER_ADMIN_TOKEN:-}" ]; then
  export OMNIMETER_ADMIN_TOKEN="dev-admin-token"
  echo "run.sh: OMNIMETER_ADMIN_TOKEN not set; using 'dev-admin-token' for this local run" >&2
fi
# debug by default: the first build is minutes shorter; OMNIMETER_BUILD=release for figures and production
CONFIGURATION="${OMNIMETER_BUILD:-debug}"
child swift build -c "$CONFIGURATION" --product omnimeter
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)/omnimeter"
if [ -z "${OMNIMETER_UPSTREAM_URL:-}" ]; then
  SIM_LISTEN="${OMNIMETER_SIMULATOR_LISTEN:-127.0.0.1:8091}"
  "$BIN" upstream-simulator --listen "$SIM_LISTEN" &
  CHILDREN+=("$!")
  export OMNIMETER_UPSTREAM_URL="http://$SIM_LISTEN/kling"
  export OMNIMETER_UPSTREAM_KEY="${OMNIMETER_UPSTREAM_KEY:-simulator-key}"
  export OMNIMETER_POLL_INTERVAL_MS="${OMNIMETER_POLL_INTERVAL_MS:-1000}"
  echo "run.sh: upstream simulator on http://$SIM_LISTEN (set OMNIMETER_UPSTREAM_URL to use a real upstream)" >&2
fi
echo "run.sh: web console on http://$OMNIMETER_LISTEN/console/ (sign in with the admin token $OMNIMETER_ADMIN_TOKEN); tenants' portal on http://$OMNIMETER_LISTEN/portal/ (sign in with a tenant key)" >&2
cat >&2 <<EOT
run.sh: omnimeter on http://$OMNIMETER_LISTEN (pid $$). A first task, from another shell:
  A="Authorization: Bearer $OMNIMETER_ADMIN_TOKEN"; U=http://$OMNIMETER_LISTEN
  J() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "\$1"; }
  T=\$(curl -s -H "\$A" -d '{"name":"demo"}' \$U/admin/v1/tenants | J 'd["id"]')
  curl -s -H "\$A" -d '{"amount_micros":10000000,"reason":"trial"}' \$U/admin/v1/tenants/\$T/credits
  K=\$(curl -s -H "\$A" -d '{"name":"demo key"}' \$U/admin/v1/tenants/\$T/keys | J 'd["key"]')
  ID=\$(curl -s -H "Authorization: Bearer \$K" -d '{"prompt":"a fox in the snow","aspect_ratio":"16:9"}' \$U/kling/v1/videos/omni-video | J 'd["data"]["task_id"]')
  sleep 3   # the simulator finishes a task in about a second; the poller settles it
  curl -s -H "Authorization: Bearer \$K" \$U/kling/v1/videos/omni-video/\$ID | J 'd["data"]["task_status"], d["data"]["billing"]'
  curl -s -H "\$A" \$U/admin/v1/tasks/\$ID     # the same task with its billing: state charged, charged_micros 560000
  curl -s -H "\$A" \$U/admin/v1/tenants/\$T | J 'd["balance"]'
To stop: Ctrl-C here (or kill -TERM $$) stops serve and the simulator; then bash scripts/pg.sh stop stops PostgreSQL.
EOT
child "$BIN" serve
