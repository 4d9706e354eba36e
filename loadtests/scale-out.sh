#!/usr/bin/env bash
# Scale-out figure (issue 14.8): the proxy scenario through 1 node (--role all) vs. 2 silos + 1 front door
# (deploy/scripts/cluster.sh), every server process pinned to the same CPU so both get the same compute; PostgreSQL,
# the Auth0 emulator and hey run on the other CPU.
#   loadtests/scale-out.sh [SECONDS] [IN_FLIGHT]     defaults 20 and 16; prints requests/s of both and the ratio
# Needs: hey, taskset, a Release build (made here). Uses ports 54330 (PostgreSQL), 4010 (emulator), 8080/8180.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECS="${1:-20}"; INFLIGHT="${2:-16}"
SERVER_CPU="${QUANTASEAL_SCALE_SERVER_CPU:-0}"; OTHER_CPU="${QUANTASEAL_SCALE_OTHER_CPU:-1}"
DLL=src/QuantaSeal.Server/bin/Release/net10.0/QuantaSeal.Server.dll
EMU=tests/Emulators/QuantaSeal.Emulators/bin/Release/net10.0/QuantaSeal.Emulators.dll
CLI=src/QuantaSeal.Cli/bin/Release/net10.0/QuantaSeal.Cli.dll
WORK=$(mktemp -d /tmp/qs-scale-XXXXXX)
dotnet build src/QuantaSeal.Server -c Release -v quiet -nologo >/dev/null
dotnet build tests/Emulators/QuantaSeal.Emulators -c Release -v quiet -nologo >/dev/null
dotnet build src/QuantaSeal.Cli -c Release -v quiet -nologo >/dev/null
taskset -c "$OTHER_CPU" dotnet "$EMU" auth0 --urls http://127.0.0.1:4010 --client-id scale-client --client-secret scale-secret \
  > "$WORK/emulator.log" 2>&1 &
EMU_PID=$!
trap 'kill $EMU_PID 2>/dev/null || true' EXIT
dotnet "$CLI" keys recipient generate --out "$WORK/recipient.b64" --public-out "$WORK/recipient.pub.b64" >/dev/null

measure() { # BASE OPERATOR_KEY -> requests/s
  local base=$1 op=$2 key cred int
  curl -fsS -X POST "$base/api/v2/tenants" -H "X-Operator-Key: $op" -H 'Content-Type: application/json' -d '{"name":"scale"}' > "$WORK/tenant-$3.json"
  key=$(jq -r .api_key "$WORK/tenant-$3.json")
  # Recipient key registration with proof of possession: challenge, the CLI's proof, then the registration.
  curl -fsS -X POST "$base/api/v2/tenant/recipient-keys/challenges" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    -d "{\"public_key\":\"$(cat "$WORK/recipient.pub.b64")\"}" > "$WORK/challenge-$3.json"
  dotnet "$CLI" keys recipient prove --recipient-key "$WORK/recipient.b64" --tenant-id "$(jq -r .tenant_id "$WORK/tenant-$3.json")" \
    --challenge "$WORK/challenge-$3.json" --label scale > "$WORK/register-$3.json"
  curl -fsS -X POST "$base/api/v2/tenant/recipient-keys" -H "X-API-Key: $key" -H 'Content-Type: application/json' -d @"$WORK/register-$3.json" >/dev/null
  cred=$(curl -fsS "$base/api/v2/vault/seal" -H "X-API-Key: $key" -H 'Content-Type: application/json' -d '{"credential_type":"oauth2_client",
    "values":{"client_id":"scale-client","client_secret":"scale-secret","domain":"127.0.0.1:4010","audience":"http://127.0.0.1:4010/api/v2/"}}' | jq -r .credential_id)
  int=$(curl -fsS "$base/api/v2/integrations" -H "X-API-Key: $key" -H 'Content-Type: application/json' -d "{\"system_type\":\"auth0\",
    \"name\":\"scale\",\"domain\":\"http://127.0.0.1:4010\",\"credential_id\":\"$cred\",\"allowed_operations\":[\"get_users\"]}" | jq -r .integration_id)
  local body="{\"integration_id\":\"$int\",\"operation\":\"get_users\",\"payload\":{\"per_page\":1}}"
  # warm-up, then the measured run
  taskset -c "$OTHER_CPU" hey -z 5s -c "$INFLIGHT" -m POST -H "X-API-Key: $key" -T application/json -d "$body" "$base/api/v2/proxy/outbound" >/dev/null
  taskset -c "$OTHER_CPU" hey -z "${SECS}s" -c "$INFLIGHT" -m POST -H "X-API-Key: $key" -T application/json -d "$body" \
    "$base/api/v2/proxy/outbound" > "$WORK/hey-$3.txt"
  grep -E 'Requests/sec' "$WORK/hey-$3.txt" | awk '{print $2}'
}

# 1 node: silo + front door in one process on SERVER_CPU.
# A fresh database each run: the single node's keys are new each time (in $WORK).
deploy/scripts/pg.sh stop .pgdata-scale >/dev/null 2>&1 || true
rm -rf .pgdata-scale
taskset -c "$OTHER_CPU" deploy/scripts/pg.sh start .pgdata-scale 54331 >/dev/null
CS=$(deploy/scripts/pg.sh url .pgdata-scale 54331)
dotnet "$DLL" cluster-certs "$WORK/cluster" >/dev/null
taskset -c "$SERVER_CPU" dotnet "$DLL" --urls http://127.0.0.1:8080 --storage postgres --connection-string "$CS" --role all \
  --operator-key-file "$WORK/operator.key" --master-key-file "$WORK/master.key" --cluster-cert-dir "$WORK/cluster" \
  --upstream-allow 'http://127.0.0.1:*' --Logging:LogLevel:Default=Warning --QuantaSeal:ServiceId=scale1 --management-port 8089 > "$WORK/single.log" 2>&1 &
SINGLE=$!
for _ in $(seq 1 240); do curl -fsS -o /dev/null http://127.0.0.1:8080/readyz 2>/dev/null && break; sleep 0.5; done
one=$(measure http://127.0.0.1:8080 "$(cat "$WORK/operator.key")" single)
kill -TERM $SINGLE; wait $SINGLE || true
deploy/scripts/pg.sh stop .pgdata-scale >/dev/null

# 2 silos + 1 front door, all on SERVER_CPU.
QUANTASEAL_CLUSTER_TASKSET_SILOS="$SERVER_CPU" QUANTASEAL_CLUSTER_TASKSET_FRONTDOORS="$SERVER_CPU" QUANTASEAL_CLUSTER_TASKSET_PG="$OTHER_CPU" \
  deploy/scripts/cluster.sh start 2 1 -- --upstream-allow 'http://127.0.0.1:*' --Logging:LogLevel:Default=Warning >/dev/null
two=$(measure http://127.0.0.1:8180 "$(cat .quantaseal-cluster/operator.key)" cluster)
deploy/scripts/cluster.sh stop >/dev/null
echo "proxy get_users, $INFLIGHT in flight, ${SECS} s, servers on CPU $SERVER_CPU, PostgreSQL/emulator/hey on CPU $OTHER_CPU"
echo "1 node (--role all):          $one requests/s"
echo "2 silos + 1 front door:       $two requests/s"
awk -v a="$one" -v b="$two" 'BEGIN { printf "ratio cluster / single:       %.2f\n", b / a }'
