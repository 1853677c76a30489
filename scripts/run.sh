#!/usr/bin/env bash
# Runs omnimeter locally: installs and starts PostgreSQL, builds, migrates and serves.
# With no OMNIMETER_UPSTREAM_URL it also starts the built-in upstream simulator, so it works with no
# internet and no account.   bash scripts/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/pg.sh start
export OMNIMETER_DATABASE_URL="${OMNIMETER_DATABASE_URL:-$(bash scripts/pg.sh url)}"
export OMNIMETER_LISTEN="${OMNIMETER_LISTEN:-127.0.0.1:8080}"
if [ -z "${OMNIMETER_ADMIN_TOKEN:-}" ]; then
  export OMNIMETER_ADMIN_TOKEN="dev-admin-token"
  echo "run.sh: OMNIMETER_ADMIN_TOKEN not set; using 'dev-admin-token' for this local run" >&2
fi
# debug by default: the first build is minutes shorter; OMNIMETER_BUILD=release for figures and production
CONFIGURATION="${OMNIMETER_BUILD:-debug}"
swift build -c "$CONFIGURATION" --product omnimeter
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)/omnimeter"
if [ -z "${OMNIMETER_UPSTREAM_URL:-}" ]; then
  SIM_LISTEN="${OMNIMETER_SIMULATOR_LISTEN:-127.0.0.1:8091}"
  "$BIN" upstream-simulator --listen "$SIM_LISTEN" &
  SIM_PID=$!
  trap 'kill $SIM_PID 2>/dev/null || true' EXIT
  export OMNIMETER_UPSTREAM_URL="http://$SIM_LISTEN/kling"
  export OMNIMETER_UPSTREAM_KEY="${OMNIMETER_UPSTREAM_KEY:-simulator-key}"
  export OMNIMETER_POLL_INTERVAL_MS="${OMNIMETER_POLL_INTERVAL_MS:-1000}"
  echo "run.sh: upstream simulator on http://$SIM_LISTEN (set OMNIMETER_UPSTREAM_URL to use a real upstream)" >&2
fi
echo "run.sh: web console on http://$OMNIMETER_LISTEN/console/ (sign in with the admin token $OMNIMETER_ADMIN_TOKEN); tenants' portal on http://$OMNIMETER_LISTEN/portal/ (sign in with a tenant key)" >&2
cat >&2 <<EOT
run.sh: omnimeter on http://$OMNIMETER_LISTEN — a first task:
  A="Authorization: Bearer $OMNIMETER_ADMIN_TOKEN"; U=http://$OMNIMETER_LISTEN
  T=\$(curl -s -H "\$A" -d '{"name":"demo"}' \$U/admin/v1/tenants | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  curl -s -H "\$A" -d '{"amount_micros":10000000,"reason":"trial"}' \$U/admin/v1/tenants/\$T/credits
  K=\$(curl -s -H "\$A" -d '{"name":"demo key"}' \$U/admin/v1/tenants/\$T/keys | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])')
  curl -s -H "Authorization: Bearer \$K" -d '{"prompt":"a fox in the snow","aspect_ratio":"16:9"}' \$U/kling/v1/videos/omni-video
EOT
"$BIN" serve
