#!/bin/sh
# Patroni runs this once, on the node that initialised the cluster, with a superuser connection string as $1 (over
# the node's Unix socket). It creates the shop's two login roles and its database, then its privileges
# (shop-privileges.sql); the app's migrations, run as shop_owner, create the tables. Idempotent.
#   shop_owner  owns the database and the schema: `migrate` (ConnectionStrings:ShopOwner)
#   shop        the app instances (ConnectionStrings:Shop): rows only, no DDL, one statistics function
#   monitor     the PostgreSQL exporters: pg_monitor (statistics, replication state, settings), no table's rows
# Passwords: SHOP_DB_PASSWORD / SHOP_OWNER_DB_PASSWORD / POSTGRES_MONITOR_PASSWORD, or the files named by
# SHOP_DB_PASSWORD_FILE / SHOP_OWNER_DB_PASSWORD_FILE / POSTGRES_MONITOR_PASSWORD_FILE (Docker secrets). They reach psql through its environment (\getenv), never argv.
set -eu

from_file_or_env() { # NAME: $NAME, else the content of the file named by ${NAME}_FILE
  eval "value=\${$1:-}"
  eval "file=\${$1_FILE:-}"
  if [ -z "$value" ] && [ -n "$file" ]; then
    value=$(cat "$file")
  fi
  if [ -z "$value" ]; then
    echo "post-bootstrap: $1 (or $1_FILE) must be set" >&2
    exit 1
  fi
  export "$1=$value"
}
from_file_or_env SHOP_DB_PASSWORD
from_file_or_env SHOP_OWNER_DB_PASSWORD
from_file_or_env POSTGRES_MONITOR_PASSWORD

here=$(cd "$(dirname "$0")" && pwd)
# CREATE DATABASE cannot run in a transaction: psql runs each statement on its own (no -1, no multi-statement -c).
psql "$1" -X -q -v ON_ERROR_STOP=1 <<'SQL'
\getenv owner_password SHOP_OWNER_DB_PASSWORD
\getenv shop_password SHOP_DB_PASSWORD
\getenv monitor_password POSTGRES_MONITOR_PASSWORD
SELECT 'CREATE ROLE shop_owner' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'shop_owner') \gexec
SELECT 'CREATE ROLE monitor' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'monitor') \gexec
SELECT 'CREATE ROLE shop' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'shop') \gexec
ALTER ROLE shop_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE shop LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'shop_password';
ALTER ROLE monitor LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'monitor_password';
GRANT pg_monitor TO monitor;
SELECT 'CREATE DATABASE shop OWNER shop_owner' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'shop') \gexec
SQL
psql "$1" -X -q -v ON_ERROR_STOP=1 -v owner=shop_owner -v app=shop -c '\connect shop' -f "$here/shop-privileges.sql"

# The WAL archive's stanza, as soon as the cluster exists: until it does, every archive_command fails and the
# primary keeps its WAL. Not fatal: the local stack creates it again at its backups step, and a deployment whose
# repository is not reachable yet must still get a primary (docs/operations.md, "Backups").
if [ -n "${PGBACKREST_CONFIG:-}" ] && [ -f "$PGBACKREST_CONFIG" ]; then
  pgbackrest --stanza=shop stanza-create >&2 || echo "post-bootstrap: pgbackrest stanza-create failed (above); WAL archiving fails until it succeeds" >&2
fi
