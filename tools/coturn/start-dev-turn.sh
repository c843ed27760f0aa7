#!/usr/bin/env bash
# Start a local coturn for development, on loopback only, and print the env the gateway needs.
#
#   PARLEY_TURN_SECRET=$(openssl rand -base64 32) tools/coturn/start-dev-turn.sh
#   tools/coturn/stop-dev-turn.sh
#
# Optional env: PARLEY_TURN_PORT (default 3478), PARLEY_TURN_MIN_PORT / PARLEY_TURN_MAX_PORT
# (relay range, default 49160-49200). Pidfile, log and coturn's SQLite file go to .data/coturn.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_DIR="$ROOT/.data/coturn"
PID_FILE="$DATA_DIR/turnserver.pid"
LOG_FILE="$DATA_DIR/turnserver.log"
PORT="${PARLEY_TURN_PORT:-3478}"
MIN_PORT="${PARLEY_TURN_MIN_PORT:-49160}"
MAX_PORT="${PARLEY_TURN_MAX_PORT:-49200}"
REALM="parley.local"
READY_TIMEOUT_S=5

if ! command -v turnserver >/dev/null 2>&1; then
  echo "turnserver not found: apt-get install -y coturn" >&2
  exit 1
fi
if [ -z "${PARLEY_TURN_SECRET:-}" ]; then
  echo "PARLEY_TURN_SECRET is not set; e.g. export PARLEY_TURN_SECRET=\$(openssl rand -base64 32)" >&2
  exit 1
fi

mkdir -p "$DATA_DIR"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  echo "coturn already running (pid $(cat "$PID_FILE")); stop it with tools/coturn/stop-dev-turn.sh" >&2
  exit 1
fi
rm -f "$PID_FILE"

# --allow-loopback-peers: in development both browsers and their relay addresses are on
# 127.0.0.1, so every peer is a loopback peer and coturn would answer CreatePermission with
# 403. This flag is for this script and tests only: production must refuse loopback and
# private peers (see turnserver.prod.conf).
turnserver \
  -n \
  --daemon \
  --listening-ip=127.0.0.1 \
  --relay-ip=127.0.0.1 \
  --listening-port="$PORT" \
  --use-auth-secret \
  --static-auth-secret="$PARLEY_TURN_SECRET" \
  --realm="$REALM" \
  --fingerprint \
  --no-tls \
  --no-dtls \
  --no-cli \
  --allow-loopback-peers \
  --min-port="$MIN_PORT" \
  --max-port="$MAX_PORT" \
  --pidfile="$PID_FILE" \
  --userdb="$DATA_DIR/turndb" \
  --log-file="$LOG_FILE" \
  --simple-log \
  --no-stdout-log

# --daemon returns before the listeners are up; wait for the pidfile and the relay ports.
for _ in $(seq 1 $((READY_TIMEOUT_S * 10))); do
  if [ -s "$PID_FILE" ] && grep -q "Relay ports initialization done" "$LOG_FILE" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
if ! { [ -s "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }; then
  echo "coturn did not start; see $LOG_FILE" >&2
  tail -n 20 "$LOG_FILE" >&2 || true
  exit 1
fi

echo "coturn running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT, relay ports $MIN_PORT-$MAX_PORT, log $LOG_FILE" >&2
echo "# gateway env:"
echo "STUN_URLS=stun:127.0.0.1:$PORT"
echo "TURN_URLS=turn:127.0.0.1:$PORT?transport=udp,turn:127.0.0.1:$PORT?transport=tcp"
echo "TURN_SECRET=$PARLEY_TURN_SECRET"
