#!/bin/sh
# Patroni runs this once, on the node that initialised the cluster, with a superuser connection string as $1.
# It creates the shop's login role and its database (the app's migrations create the tables).
# SHOP_DB_PASSWORD comes from the environment (never from a committed file).
set -eu
: "${SHOP_DB_PASSWORD:?SHOP_DB_PASSWORD must be set}"
# psql substitutes :'shop_password' as a quoted literal, so the password needs no escaping here. Statements go in
# one at a time: CREATE DATABASE cannot run inside the transaction a multi-statement -c would open.
psql "$1" -v ON_ERROR_STOP=1 -v shop_password="$SHOP_DB_PASSWORD" <<'SQL'
CREATE ROLE shop LOGIN PASSWORD :'shop_password';
-- Read-only access to statistics views: the app confirms an order only once pg_stat_replication shows a standby
-- flushed it (StandbyConfirmation), and only this role shows the standbys' positions to a non-superuser.
GRANT pg_read_all_stats TO shop;
SQL
psql "$1" -v ON_ERROR_STOP=1 -c "CREATE DATABASE shop OWNER shop"
