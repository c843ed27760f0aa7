#!/usr/bin/env bash
# Two gateway nodes on one machine, sharing one Postgres and one Redis: what a deployment
# behind a load balancer looks like, for trying out cross-node chat and presence locally.
#
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/parley REDIS_URL=redis://127.0.0.1:6379 \
#     tools/cluster/two-nodes.sh
#
# Node 1 listens on :3001, node 2 on :3002. Open one in each browser; they chat live. Put a
# load balancer in front (README: "Many nodes") and set PUBLIC_URL to its address.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${DATABASE_URL:?set DATABASE_URL to a Postgres both nodes share (embedded Postgres is one-node only)}"
: "${REDIS_URL:?set REDIS_URL, e.g. redis://127.0.0.1:6379}"
PORT_1=${PORT_1:-3001}
PORT_2=${PORT_2:-3002}
# Each node accepts its own origin, the other's, and the load balancer's if PUBLIC_URL is set.
ORIGINS="http://localhost:${PORT_1},http://localhost:${PORT_2},http://127.0.0.1:${PORT_1},http://127.0.0.1:${PORT_2}${PUBLIC_URL:+,${PUBLIC_URL%/}}"

npx nx run web:build --output-style=static
export DATABASE_URL REDIS_URL ALLOWED_ORIGINS="$ORIGINS"
run_node() {
  NODE_ID="node-$1" PORT="$2" npx tsx --tsconfig tsconfig.base.json apps/gateway/src/main.ts 2>&1 | sed -u "s/^/[node-$1] /" &
}
trap 'kill 0' INT TERM EXIT
run_node 1 "$PORT_1"
run_node 2 "$PORT_2"
wait
