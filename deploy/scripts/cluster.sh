#!/usr/bin/env bash
# A local QuantaSeal cluster on this machine: N silo processes and M front-door processes on one PostgreSQL, with
# cluster TLS (a local CA and node certificate) and shared master/operator keys.
#   deploy/scripts/cluster.sh start [SILOS] [FRONTDOORS] [-- extra server options]   default 3 silos, 2 front doors
#   deploy/scripts/cluster.sh status
#   deploy/scripts/cluster.sh stop                      stop every node (SIGTERM) and the cluster's PostgreSQL
# State lives in .quantaseal-cluster/ (keys, certificates, logs, pids; git-ignored); PostgreSQL in .pgdata-cluster/.
# Environment: QUANTASEAL_CLUSTER_PG_PORT (54330), QUANTASEAL_CLUSTER_HTTP_BASE (8180: front doors 8180.., silos 8190..),
#              management listeners (/metrics, /dashboard; operator key): front doors 8200.., silos 8210..
#              QUANTASEAL_CLUSTER_TASKSET_SILOS / _FRONTDOORS / _PG (e.g. "0", "0", "1": pin with taskset).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
STATE="$ROOT/.quantaseal-cluster"
PG_DIR="${QUANTASEAL_CLUSTER_PG_DIR:-$ROOT/.pgdata-cluster}"
PG_PORT="${QUANTASEAL_CLUSTER_PG_PORT:-54330}"
HTTP_BASE="${QUANTASEAL_CLUSTER_HTTP_BASE:-8180}"
SERVER_DLL="$ROOT/src/QuantaSeal.Server/bin/Release/net10.0/QuantaSeal.Server.dll"

random_b64() { head -c "$1" /dev/urandom | base64 -w0; }

write_secret() { # FILE CONTENT: created 0600, never overwritten
  [ -e "$1" ] && return 0
  (umask 077 && printf '%s\n' "$2" > "$1")
}

wait_ready() { # URL NAME PIDFILE
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$1/readyz" 2>/dev/null; then return 0; fi
    if ! kill -0 "$(cat "$3")" 2>/dev/null; then
      echo "cluster.sh: $2 exited; last lines of its log:" >&2
      tail -n 20 "$STATE/logs/$2.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "cluster.sh: $2 not ready after 120 s (log: $STATE/logs/$2.log)" >&2
  return 1
}

launch() { # NAME CPUS ARGS...
  local name=$1 cpus=$2
  shift 2
  local runner=(dotnet)
  [ -n "$cpus" ] && runner=(taskset -c "$cpus" dotnet)
  nohup "${runner[@]}" "$SERVER_DLL" "$@" > "$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/pids/$name.pid"
}

cmd="${1:-help}"
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    silos="${1:-3}"; frontdoors="${2:-2}"
    [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
    [ "${1:-}" = "--" ] && shift
    if ls "$STATE"/pids/*.pid >/dev/null 2>&1; then
      echo "cluster.sh: a cluster is already running here ($0 status; $0 stop)" >&2
      exit 1
    fi
    deploy/scripts/pg.sh ensure-installed
    pg_runner=()
    [ -n "${QUANTASEAL_CLUSTER_TASKSET_PG:-}" ] && pg_runner=(taskset -c "$QUANTASEAL_CLUSTER_TASKSET_PG")
    "${pg_runner[@]}" deploy/scripts/pg.sh start "$PG_DIR" "$PG_PORT" >/dev/null
    CS=$(deploy/scripts/pg.sh url "$PG_DIR" "$PG_PORT")
    dotnet build src/QuantaSeal.Server -c Release -v quiet -nologo >/dev/null
    mkdir -p "$STATE/logs" "$STATE/pids"
    chmod 0700 "$STATE"
    # The same keys on every node (a node whose key differs from the cluster's recorded check value refuses to start).
    write_secret "$STATE/master.key" "$(random_b64 32)"
    write_secret "$STATE/operator.key" "qs_op_$(random_b64 32 | tr '+/' '-_' | tr -d '=')"
    dotnet "$SERVER_DLL" cluster-certs "$STATE/cluster" >/dev/null
    dotnet "$SERVER_DLL" migrate --connection-string "$CS" >/dev/null
    common=(--storage postgres --connection-string "$CS" --operator-key-file "$STATE/operator.key"
            --master-key-file "$STATE/master.key" --cluster-cert-dir "$STATE/cluster" --QuantaSeal:ClusterId=local-cluster)
    for i in $(seq 1 "$silos"); do
      launch "silo-$i" "${QUANTASEAL_CLUSTER_TASKSET_SILOS:-}" "${common[@]}" --role silo \
        --urls "http://127.0.0.1:$((HTTP_BASE + 10 + i - 1))" --management-port $((HTTP_BASE + 30 + i - 1)) \
        --silo-port $((11110 + i)) --gateway-port $((30000 + i)) "$@"
    done
    for i in $(seq 1 "$silos"); do
      wait_ready "http://127.0.0.1:$((HTTP_BASE + 10 + i - 1))" "silo-$i" "$STATE/pids/silo-$i.pid"
    done
    for i in $(seq 1 "$frontdoors"); do
      launch "frontdoor-$i" "${QUANTASEAL_CLUSTER_TASKSET_FRONTDOORS:-}" "${common[@]}" --role frontdoor \
        --urls "http://127.0.0.1:$((HTTP_BASE + i - 1))" --management-port $((HTTP_BASE + 20 + i - 1)) "$@"
    done
    for i in $(seq 1 "$frontdoors"); do
      wait_ready "http://127.0.0.1:$((HTTP_BASE + i - 1))" "frontdoor-$i" "$STATE/pids/frontdoor-$i.pid"
    done
    echo
    echo "QuantaSeal cluster: $silos silo(s), $frontdoors front door(s), PostgreSQL on 127.0.0.1:$PG_PORT"
    for i in $(seq 1 "$frontdoors"); do
      echo "  front door $i:  http://127.0.0.1:$((HTTP_BASE + i - 1))   (API, /scalar, /readyz)   management: http://127.0.0.1:$((HTTP_BASE + 20 + i - 1))/dashboard/"
    done
    for i in $(seq 1 "$silos"); do
      echo "  silo $i:        http://127.0.0.1:$((HTTP_BASE + 10 + i - 1))/readyz   silo port $((11110 + i)), gateway $((30000 + i))"
    done
    echo "  operator key:  $STATE/operator.key     logs: $STATE/logs/"
    echo "  stop:          $0 stop"
    ;;
  status)
    shopt -s nullglob
    for pidfile in "$STATE"/pids/*.pid; do
      name=$(basename "$pidfile" .pid)
      if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$name running (pid $(cat "$pidfile"))"; else echo "$name not running"; fi
    done
    ;;
  stop)
    shopt -s nullglob
    for pidfile in "$STATE"/pids/*.pid; do
      kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    done
    for pidfile in "$STATE"/pids/*.pid; do
      pid=$(cat "$pidfile")
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      rm -f "$pidfile"
    done
    deploy/scripts/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true
    echo "cluster.sh: stopped"
    ;;
  *)
    sed -n '2,10p' "$0"
    exit 2
    ;;
esac
