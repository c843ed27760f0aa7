#!/usr/bin/env bash
# Stop the coturn started by start-dev-turn.sh (by its pidfile, nothing else).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PID_FILE="$ROOT/.data/coturn/turnserver.pid"

if [ ! -s "$PID_FILE" ] || ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  echo "coturn is not running" >&2
  rm -f "$PID_FILE"
  exit 0
fi
PID="$(cat "$PID_FILE")"
kill "$PID"
for _ in $(seq 1 30); do
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
rm -f "$PID_FILE"
echo "coturn (pid $PID) stopped" >&2
