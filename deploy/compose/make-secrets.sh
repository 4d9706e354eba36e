#!/usr/bin/env bash
# Writes the secret files compose.yaml mounts, into ./secrets (0700, git-ignored). Never overwrites a file:
# a replaced master key cannot unwrap the tenants' keys already stored (the server then refuses to start).
#   secrets/postgres_password   the database password (read by the postgres image: POSTGRES_PASSWORD_FILE)
#   secrets/pgpass              the same password as a pgpass line, for Npgsql's Passfile
#   secrets/master.key          base64 of 32 random bytes: the local master key (KEK root); back it up
#   secrets/operator.key        qs_op_ + 32 random bytes base64url: sent as X-Operator-Key to create tenants
#   secrets/cluster/            ca.pem, ca.key, node.pem, node.key: a local cluster CA and the node certificate every
#                               silo and front door presents (mutual TLS on silo and gateway connections; openssl)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
APP_UID=1654   # the aspnet image's `app` user

umask 077
mkdir -p secrets
chmod 0700 secrets

write() { # NAME MODE CONTENT
    if [ -e "secrets/$1" ]; then
        echo "make-secrets: secrets/$1 exists, kept" >&2
        return 0
    fi
    printf '%s\n' "$3" > "secrets/$1"
    chmod "$2" "secrets/$1"
    echo "make-secrets: wrote secrets/$1" >&2
}

random_b64() { head -c "$1" /dev/urandom | base64 -w0; }

if [ -e secrets/postgres_password ]; then
    password=$(cat secrets/postgres_password)
else
    password=$(random_b64 24 | tr '+/' '-_' | tr -d '=')
fi
# Group/other-readable: the postgres image reads it as its own user; the 0700 folder keeps it private on the host.
write postgres_password 0644 "$password"
write pgpass 0644 "postgres:5432:quantaseal:quantaseal:$password"
write operator.key 0644 "qs_op_$(random_b64 32 | tr '+/' '-_' | tr -d '=')"
write master.key 0600 "$(random_b64 32)"

if [ ! -e secrets/cluster/node.pem ]; then
    mkdir -p secrets/cluster
    (
        cd secrets/cluster
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 3650 \
            -subj "/CN=QuantaSeal cluster CA" -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout node.key -out node.csr \
            -subj "/CN=quantaseal-node" 2>/dev/null
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyAgreement" \
            "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:quantaseal-cluster" > node.ext
        openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 730 -extfile node.ext \
            -out node.pem 2>/dev/null
        rm -f node.csr node.ext ca.srl
        chmod 0600 ca.key node.key
        chmod 0644 ca.pem node.pem
    )
    echo "make-secrets: wrote secrets/cluster (local cluster CA and node certificate)" >&2
fi

if [ "$(id -u)" -eq 0 ]; then
    chown "$APP_UID:$APP_UID" secrets/cluster/node.key
    chown "$APP_UID:$APP_UID" secrets/master.key
    echo "make-secrets: secrets/master.key belongs to uid $APP_UID (QUANTASEAL_UID/GID=1654 in .env)" >&2
elif [ "$(stat -c %u secrets/master.key)" != "$APP_UID" ]; then
    echo "make-secrets: the server must run as the owner of secrets/master.key; put these in .env:" >&2
    echo "QUANTASEAL_UID=$(id -u)"
    echo "QUANTASEAL_GID=$(id -g)"
fi
