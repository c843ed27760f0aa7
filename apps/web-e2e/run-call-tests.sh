#!/bin/sh
# Runs the browser call tests (src/**/*.calls.ts). As root with `unshare`, inside a private
# network namespace where loopback is the only interface, so WebRTC gathers loopback candidates
# only (STACK.md, "Browsers, WebRTC and TURN"). 127.0.0.1:5432 is not reachable in there, so
# TEST_DATABASE_URL is unset and the db globalSetup starts an embedded Postgres.
set -eu
cd "$(dirname "$0")/../.."
# Extra arguments go to vitest (e.g. a file filter: run-call-tests.sh call-flow).
# vitest's exit code is not trustworthy here (it exits 0 with failures), so the JSON report
# decides: check-vitest-report.mjs exits 1 unless everything passed.
REPORT="$(pwd)/test-output/web-e2e-calls.json"
mkdir -p test-output
rm -f "$REPORT"
CMD="npx vitest run --config apps/web-e2e/vitest.calls.config.ts --reporter=default --reporter=json --outputFile.json=$REPORT $*; exec node apps/web-e2e/check-vitest-report.mjs $REPORT"

if [ "$(id -u)" = "0" ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
  exec env -u TEST_DATABASE_URL unshare -n sh -c "ip link set lo up && $CMD"
fi
echo "run-call-tests: not root or no unshare/ip; running without a private network namespace (WebRTC may also use other interfaces)" >&2
exec env -u TEST_DATABASE_URL sh -c "$CMD"
