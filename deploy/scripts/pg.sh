#!/usr/bin/env bash
# QuantaSeal: a private, loopback-only PostgreSQL instance for the dev server and for tests.
#
# Usage (from the repository root; DATADIR may be relative):
#   deploy/scripts/pg.sh ensure-installed          install Debian/Ubuntu's `postgresql` package if missing (root only)
#   deploy/scripts/pg.sh start  DATADIR PORT       initdb on first use, then start (no-op if already running)
#   deploy/scripts/pg.sh stop   DATADIR            fast shutdown (no-op if not running)
#   deploy/scripts/pg.sh status DATADIR            exit 0 when running, 3 when not
#   deploy/scripts/pg.sh url    DATADIR PORT       print the Npgsql connection string of the `quantaseal` role
#   deploy/scripts/pg.sh env    DATADIR PORT       print `export QUANTASEAL_TEST_PG=...` for eval
#   deploy/scripts/pg.sh psql   DATADIR PORT [ARGS...]   superuser psql over the private unix socket
#
# Running the storage tests:
#   deploy/scripts/pg.sh start .pgdata-test 55432
#   eval "$(deploy/scripts/pg.sh env .pgdata-test 55432)"      # sets QUANTASEAL_TEST_PG
#   dotnet test --project tests/QuantaSeal.Grains.Tests
#   deploy/scripts/pg.sh stop .pgdata-test
# The tests need a role that may CREATE DATABASE (each fixture makes and drops its own qs_t_<random>
# database); the `quantaseal` role created here has CREATEDB and nothing more. The tests fail, never
# skip, when QUANTASEAL_TEST_PG is unset.
#
# Security decisions (dev/test instance, but no reason to be sloppy):
#   - listens on 127.0.0.1 only; the unix socket lives in a private 0700 folder, never /var/run or /tmp itself;
#   - TCP auth is scram-sha-256 for every role (not trust: any local user or process could otherwise
#     connect as the superuser). The `quantaseal` role gets a random 32-character password generated at
#     first start and kept in DATADIR/password (0600, owned by whoever ran the script);
#   - the superuser is reachable only through the private socket with peer auth (OS user == db user);
#   - the password never appears on a command line (SQL goes to psql on stdin).
#
# Layout:
#   DATADIR/                 real folder owned by the invoking user, 0711 (traversable, not listable)
#     password               0600, the quantaseal role's password
#     instance/              owned by the cluster owner, 0700 - or a symlink to it when relocated
#       pgdata/              PGDATA (initdb)
#       run/                 unix socket folder (0700)
#       server.log
#
# initdb/pg_ctl refuse to run as root, so as root the cluster belongs to the `postgres` OS user. If the
# `postgres` user cannot traverse to DATADIR (e.g. the repository lives under /root), the cluster is placed in
# /var/lib/postgresql/quantaseal/<name>-<hash of DATADIR's absolute path> and DATADIR/instance points there.
# As a non-root user, initdb runs as that user and everything stays under DATADIR.
# Different DATADIR/PORT pairs are independent: each DATADIR has its own lock, socket folder and cluster.
set -euo pipefail

readonly QS_ROLE="quantaseal"
readonly QS_DATABASE="quantaseal"
readonly RELOCATION_ROOT="/var/lib/postgresql/quantaseal"

die() { echo "pg.sh: $*" >&2; exit 1; }
info() { echo "pg.sh: $*" >&2; }

usage() {
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# The newest installed major version, e.g. /usr/lib/postgresql/15/bin. Never relies on /usr/local/bin or
# the Debian wrapper scripts in /usr/bin (pg_ctlcluster & co. want /etc/postgresql clusters).
pg_bin_dir() {
    local wanted="${1:-}" dir
    if [ -n "$wanted" ] && [ -x "/usr/lib/postgresql/$wanted/bin/initdb" ]; then
        echo "/usr/lib/postgresql/$wanted/bin"
        return 0
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
        return 0
    fi
    return 1
}

cmd_ensure_installed() {
    if pg_bin_dir >/dev/null; then
        return 0
    fi
    if ! is_root; then
        die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them as root: apt-get update && apt-get install -y postgresql"
    fi
    command -v apt-get >/dev/null || die "PostgreSQL is missing and apt-get is not available; install PostgreSQL 15+ server binaries manually."
    info "installing PostgreSQL (apt-get install -y postgresql)..."
    (
        # Serialise concurrent installs started by parallel test runs.
        exec 9>/tmp/quantaseal-pg-install.lock
        flock 9
        if ! pg_bin_dir >/dev/null; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update
            apt-get install -y postgresql
        fi
    )
    pg_bin_dir >/dev/null || die "apt-get finished but /usr/lib/postgresql/*/bin/initdb is still missing."
}

require_port() {
    local port="${1:-}"
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] \
        || die "PORT must be a number between 1024 and 65535 (got '${port}')."
}

# Absolute path of DATADIR without requiring it to exist.
abs_path() {
    local p="$1"
    case "$p" in
        /*) ;;
        *) p="$PWD/$p" ;;
    esac
    # Normalise "." and ".." segments and duplicate slashes.
    realpath -m -- "$p"
}

path_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# The OS user that owns the cluster and runs initdb/pg_ctl/postgres.
cluster_owner() { if is_root; then echo postgres; else id -un; fi; }

# Run a command as the cluster owner, keeping stdin.
as_owner() {
    if is_root; then
        # From /: the caller's working folder (e.g. under /root) may be closed to `postgres`.
        if command -v runuser >/dev/null; then
            (cd / && runuser -u postgres -- "$@")
        else
            local quoted
            quoted=$(printf '%q ' "$@")
            (cd / && su postgres -s /bin/sh -c "$quoted")
        fi
    else
        "$@"
    fi
}

owner_can_traverse() {
    local dir="$1"
    if ! is_root; then
        return 0
    fi
    as_owner test -x "$dir" 2>/dev/null
}

# Sets DATADIR_ABS, INSTANCE_LINK and (if it exists) INSTANCE (resolved real path).
resolve_paths() {
    DATADIR_ABS=$(abs_path "$1")
    INSTANCE_LINK="$DATADIR_ABS/instance"
    INSTANCE=""
    if [ -e "$INSTANCE_LINK" ]; then
        INSTANCE=$(readlink -f -- "$INSTANCE_LINK")
    fi
}

socket_dir_for() {
    local instance="$1" port="$2" dir
    dir="$instance/run"
    # A unix socket path is limited to ~107 bytes; deep checkouts fall back to a private folder in /tmp.
    if [ $(( ${#dir} + 16 )) -gt 100 ]; then
        dir="/tmp/qspg-$(path_hash "$instance")"
    fi
    echo "$dir"
}

running_port() {
    local pidfile="$1/pgdata/postmaster.pid"
    [ -f "$pidfile" ] && sed -n '4p' "$pidfile"
}

is_running() {
    local instance="$1" bin
    [ -n "$instance" ] && [ -f "$instance/pgdata/PG_VERSION" ] || return 1
    bin=$(pg_bin_dir "$(cat "$instance/pgdata/PG_VERSION")") || return 1
    as_owner "$bin/pg_ctl" status -D "$instance/pgdata" >/dev/null 2>&1
}

with_lock() {
    # One lock per DATADIR, so starts of different instances never wait on each other.
    local key="$1"
    shift
    exec 8>"/tmp/quantaseal-pg-$(path_hash "$key").lock"
    flock -w 120 8 || die "timed out waiting for another pg.sh on $key"
    "$@"
}

create_instance_dir() {
    local owner
    owner=$(cluster_owner)
    mkdir -p -- "$DATADIR_ABS"
    chmod 0711 "$DATADIR_ABS"
    if [ -L "$INSTANCE_LINK" ] || [ -d "$INSTANCE_LINK" ]; then
        INSTANCE=$(readlink -f -- "$INSTANCE_LINK")
        mkdir -p -- "$INSTANCE"
    elif owner_can_traverse "$DATADIR_ABS"; then
        INSTANCE="$INSTANCE_LINK"
        mkdir -p -- "$INSTANCE"
    else
        local name target
        name=$(basename -- "$DATADIR_ABS" | tr -c 'A-Za-z0-9_.\n-' '_' | sed 's/^\.*//')
        target="$RELOCATION_ROOT/${name:-pgdata}-$(path_hash "$DATADIR_ABS")"
        info "the '$owner' user cannot traverse $DATADIR_ABS (e.g. a checkout under /root);"
        info "placing the cluster in $target and linking it from $INSTANCE_LINK"
        mkdir -p -- "$target"
        ln -sfn -- "$target" "$INSTANCE_LINK"
        INSTANCE="$target"
        if is_root; then
            chown "$owner:" "$RELOCATION_ROOT" 2>/dev/null || true
        fi
    fi
    if is_root; then
        chown "$owner:" "$INSTANCE"
    fi
    chmod 0700 "$INSTANCE"
}

write_password_if_missing() {
    local file="$DATADIR_ABS/password"
    if [ -s "$file" ]; then
        return 0
    fi
    local pw=""
    # Alphanumeric only: safe inside SQL and connection strings without escaping. (No `tr </dev/urandom |
    # head`: the early close raises SIGPIPE under pipefail.)
    while [ ${#pw} -lt 32 ]; do
        pw="$pw$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')"
    done
    (
        umask 077
        printf '%s' "${pw:0:32}" >"$file.tmp"
        mv -f -- "$file.tmp" "$file"
    )
    chmod 0600 "$file"
}

write_runtime_conf() {
    local port="$1" sockdir="$2"
    # Rewritten on every start so the same cluster can move ports; postgresql.conf includes it last.
    as_owner sh -c "cat >'$INSTANCE/pgdata/quantaseal.conf'" <<EOF
# Managed by deploy/scripts/pg.sh - rewritten on every start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
max_connections = 200
EOF
}

init_cluster() {
    local bin="$1"
    info "initialising a new cluster in $INSTANCE/pgdata (owner: $(cluster_owner))"
    as_owner "$bin/initdb" \
        --pgdata="$INSTANCE/pgdata" \
        --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 \
        >"$INSTANCE/initdb.log" 2>&1 \
        || { cat "$INSTANCE/initdb.log" >&2; die "initdb failed"; }
    as_owner sh -c "echo \"include_if_exists = 'quantaseal.conf'\" >>'$INSTANCE/pgdata/postgresql.conf'"
}

admin_psql() {
    local bin="$1" sockdir="$2" port="$3"
    shift 3
    as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -p "$port" -U "$(cluster_owner)" -d postgres "$@"
}

ensure_role_and_database() {
    local bin="$1" sockdir="$2" port="$3" password
    password=$(cat "$DATADIR_ABS/password")
    # Fed on stdin so the password is never visible in the process list. Idempotent: also re-syncs the
    # password with the file on every start.
    admin_psql "$bin" "$sockdir" "$port" <<SQL
SET log_statement = 'none';
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$QS_ROLE') THEN
        CREATE ROLE $QS_ROLE LOGIN CREATEDB PASSWORD '$password';
    ELSE
        ALTER ROLE $QS_ROLE LOGIN CREATEDB PASSWORD '$password';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $QS_DATABASE OWNER $QS_ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$QS_DATABASE') \gexec
SQL
}

do_start() {
    local port="$1" bin sockdir current
    cmd_ensure_installed
    create_instance_dir
    write_password_if_missing

    if is_running "$INSTANCE"; then
        current=$(running_port "$INSTANCE" || true)
        if [ -n "$current" ] && [ "$current" != "$port" ]; then
            die "$DATADIR_ABS is already running on port $current, not $port; stop it first."
        fi
        info "already running: $DATADIR_ABS on 127.0.0.1:$port"
        return 0
    fi

    if [ -f "$INSTANCE/pgdata/PG_VERSION" ]; then
        bin=$(pg_bin_dir "$(cat "$INSTANCE/pgdata/PG_VERSION")") \
            || die "the cluster in $INSTANCE/pgdata needs PostgreSQL $(cat "$INSTANCE/pgdata/PG_VERSION"), which is not installed."
    else
        bin=$(pg_bin_dir) || die "PostgreSQL binaries not found"
        if [ -d "$INSTANCE/pgdata" ] && [ -n "$(ls -A "$INSTANCE/pgdata" 2>/dev/null)" ]; then
            die "$INSTANCE/pgdata exists, is not empty and is not a PostgreSQL cluster; refusing to touch it."
        fi
        init_cluster "$bin"
    fi

    sockdir=$(socket_dir_for "$INSTANCE" "$port")
    mkdir -p -- "$sockdir"
    if is_root; then chown "$(cluster_owner):" "$sockdir"; fi
    chmod 0700 "$sockdir"
    write_runtime_conf "$port" "$sockdir"

    # 8>&-: the postmaster must not inherit (and hold forever) this DATADIR's lock descriptor.
    if ! as_owner "$bin/pg_ctl" start -D "$INSTANCE/pgdata" -l "$INSTANCE/server.log" -w -t 60 >/dev/null 8>&-; then
        tail -n 20 "$INSTANCE/server.log" >&2 || true
        die "PostgreSQL did not start on 127.0.0.1:$port (port in use? see $INSTANCE/server.log)"
    fi
    ensure_role_and_database "$bin" "$sockdir" "$port"
    info "running: $DATADIR_ABS on 127.0.0.1:$port (cluster: $INSTANCE/pgdata, log: $INSTANCE/server.log)"
}

cmd_start() {
    [ $# -eq 2 ] || usage
    require_port "$2"
    resolve_paths "$1"
    with_lock "$DATADIR_ABS" do_start "$2"
}

do_stop() {
    local bin
    if ! is_running "$INSTANCE"; then
        info "not running: $DATADIR_ABS"
        return 0
    fi
    bin=$(pg_bin_dir "$(cat "$INSTANCE/pgdata/PG_VERSION")")
    as_owner "$bin/pg_ctl" stop -D "$INSTANCE/pgdata" -m fast -w -t 60 >/dev/null
    info "stopped: $DATADIR_ABS"
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    resolve_paths "$1"
    with_lock "$DATADIR_ABS" do_stop
}

cmd_status() {
    [ $# -eq 1 ] || usage
    resolve_paths "$1"
    if is_running "$INSTANCE"; then
        echo "running: $DATADIR_ABS on 127.0.0.1:$(running_port "$INSTANCE") (cluster: $INSTANCE/pgdata)"
        return 0
    fi
    if [ -n "$INSTANCE" ] && [ -f "$INSTANCE/pgdata/PG_VERSION" ]; then
        echo "stopped: $DATADIR_ABS (cluster: $INSTANCE/pgdata)"
    else
        echo "not initialised: $DATADIR_ABS"
    fi
    return 3
}

connection_string() {
    local port="$2" file
    require_port "$port"
    resolve_paths "$1"
    file="$DATADIR_ABS/password"
    [ -r "$file" ] || die "no password in $file - run '$0 start $1 $port' first."
    # Short timeouts: a dead database should fail a request or a test quickly, not hang it.
    printf 'Host=127.0.0.1;Port=%s;Username=%s;Password=%s;Database=%s;Timeout=5;Command Timeout=15\n' \
        "$port" "$QS_ROLE" "$(cat "$file")" "$QS_DATABASE"
}

cmd_url() {
    [ $# -eq 2 ] || usage
    connection_string "$1" "$2"
}

cmd_env() {
    [ $# -eq 2 ] || usage
    local cs
    cs=$(connection_string "$1" "$2")
    printf "export QUANTASEAL_TEST_PG='%s'\n" "$cs"
}

cmd_psql() {
    [ $# -ge 2 ] || usage
    local datadir="$1" port="$2" bin
    shift 2
    require_port "$port"
    resolve_paths "$datadir"
    is_running "$INSTANCE" || die "not running: $DATADIR_ABS"
    bin=$(pg_bin_dir "$(cat "$INSTANCE/pgdata/PG_VERSION")")
    as_owner "$bin/psql" -X -h "$(socket_dir_for "$INSTANCE" "$port")" -p "$port" -U "$(cluster_owner)" -d "$QS_DATABASE" "$@"
}

main() {
    [ $# -ge 1 ] || usage
    local sub="$1"
    shift
    case "$sub" in
        ensure-installed) [ $# -eq 0 ] || usage; cmd_ensure_installed ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        url) cmd_url "$@" ;;
        env) cmd_env "$@" ;;
        psql) cmd_psql "$@" ;;
        -h|--help|help) usage ;;
        *) usage ;;
    esac
}

main "$@"
