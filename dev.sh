#!/usr/bin/env bash
# QuantaSeal developer entry point.
#   ./dev.sh run [server options]   start the single-node service (silo + front door) on a local PostgreSQL
#   ./dev.sh test                   run every test (unit, grain, API, PostgreSQL, interop) and print the totals
#   ./dev.sh stop                   stop the local PostgreSQL of ./dev.sh run
# Both commands install what they need on Debian/Ubuntu when run as root (postgresql, nodejs/npm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)

DEV_PG_DIR="${QUANTASEAL_PG_DIR:-$ROOT/.pgdata}"
DEV_PG_PORT="${QUANTASEAL_PG_PORT:-54320}"
TEST_PG_DIR="${QUANTASEAL_TEST_PG_DIR:-$ROOT/.pgdata-test}"
TEST_PG_PORT="${QUANTASEAL_TEST_PG_PORT:-54321}"
HTTP_URL="${QUANTASEAL_URL:-http://127.0.0.1:8080}"

need_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "dev.sh: installing nodejs and npm (needed by the envelope interop tests)" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "dev.sh: node and npm are required for the interop tests; install them (apt-get install nodejs npm)" >&2
      exit 1
    fi
  fi
}

cmd="${1:-help}"
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    deploy/scripts/pg.sh ensure-installed
    deploy/scripts/pg.sh start "$DEV_PG_DIR" "$DEV_PG_PORT"
    CS=$(deploy/scripts/pg.sh url "$DEV_PG_DIR" "$DEV_PG_PORT")
    dotnet build src/QuantaSeal.Server -c Release -v quiet -nologo
    mkdir -p .quantaseal
    # Cluster TLS: a local CA and node certificate on first start (keys 0600), reused afterwards.
    dotnet src/QuantaSeal.Server/bin/Release/net10.0/QuantaSeal.Server.dll cluster-certs .quantaseal/cluster
    cat <<MSG

QuantaSeal is starting on $HTTP_URL (PostgreSQL on 127.0.0.1:$DEV_PG_PORT, data in $DEV_PG_DIR).
  API reference:  $HTTP_URL/scalar        OpenAPI: $HTTP_URL/openapi/v1.json
  Health:         $HTTP_URL/healthz        Ready:   $HTTP_URL/readyz
  Management:     http://127.0.0.1:9464/metrics   http://127.0.0.1:9464/dashboard/   (operator key: X-Operator-Key, or the Basic password)
  First tenant:   curl -s -X POST $HTTP_URL/api/v2/tenants \\
                    -H "X-Operator-Key: \$(cat .quantaseal/operator.key)" \\
                    -H 'Content-Type: application/json' -d '{"name":"acme"}'
  (the operator key and the local master key are created in .quantaseal/ on first start; keep them private)

MSG
    exec dotnet src/QuantaSeal.Server/bin/Release/net10.0/QuantaSeal.Server.dll \
      --urls "$HTTP_URL" --storage postgres --connection-string "$CS" \
      --operator-key-file .quantaseal/operator.key --master-key-file .quantaseal/master.key \
      --cluster-cert-dir .quantaseal/cluster "$@"
    ;;
  stop)
    deploy/scripts/pg.sh stop "$DEV_PG_DIR"
    ;;
  test)
    if [ -n "${QUANTASEAL_REGENERATE_GOLDEN_VECTOR:-}" ]; then
      # With it set, GoldenVectorTests rewrites its own expectation and can no longer fail.
      echo "dev.sh: unset QUANTASEAL_REGENERATE_GOLDEN_VECTOR; a test run must not rewrite the golden vector" >&2
      exit 2
    fi
    deploy/scripts/pg.sh ensure-installed
    need_node
    deploy/scripts/pg.sh start "$TEST_PG_DIR" "$TEST_PG_PORT"
    QUANTASEAL_TEST_PG=$(deploy/scripts/pg.sh url "$TEST_PG_DIR" "$TEST_PG_PORT")
    export QUANTASEAL_TEST_PG
    RESULTS="$ROOT/artifacts/test-results"
    rm -rf "$RESULTS"
    set +e
    dotnet test --solution QuantaSeal.Orleans.sln --report-trx --results-directory "$RESULTS" "$@"
    rc=$?
    set -e
    deploy/scripts/trx-summary.sh "$RESULTS"
    exit $rc
    ;;
  *)
    sed -n '2,6p' "$0"
    exit 2
    ;;
esac
