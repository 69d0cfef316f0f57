-- The shop database's privileges: who may change the schema, who may only read and write rows, and the one statistic
-- the app reads. Run as the superuser, connected to the shop's database, by psql with two variables naming roles
-- that exist: owner (owns the schema, runs the migrations) and app (the instances: rows only). Idempotent.
-- Shared by post-bootstrap.sh (a new cluster) and the test kit's PostgreSQL (tests/StatelessApp.TestKit/Postgres).

SET client_min_messages = warning;

-- Only the owner creates, alters and drops objects in the schema. PostgreSQL 15 already denies PUBLIC CREATE on
-- public; revoking it again covers a database restored from an older version.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Nobody else connects, and the app gets no temporary tables.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app') \gexec

-- Tables and sequences the owner's migrations create later are usable by the app: rows only, no DDL, no TRUNCATE.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- The order confirmation (StandbyConfirmation in src/StatelessApp.Hosting/Data) needs each standby's state and flushed
-- position from pg_stat_replication, which PostgreSQL shows only to members of pg_read_all_stats (every statistic of
-- every session). Instead of that role, the app may call one function that returns these two columns and nothing
-- else: SECURITY DEFINER, owned by a login-less role that holds pg_read_all_stats, search_path pinned so no object of
-- the caller's can stand in for pg_catalog's.
SELECT 'CREATE ROLE replication_status_reader NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'replication_status_reader') \gexec
GRANT pg_read_all_stats TO replication_status_reader;
CREATE SCHEMA IF NOT EXISTS replication_status;
REVOKE ALL ON SCHEMA replication_status FROM PUBLIC;
GRANT USAGE ON SCHEMA replication_status TO :"app";
CREATE OR REPLACE FUNCTION replication_status.standbys()
    RETURNS TABLE (state text, flush_lsn pg_lsn)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT state, flush_lsn FROM pg_catalog.pg_stat_replication $$;
ALTER FUNCTION replication_status.standbys() OWNER TO replication_status_reader;
REVOKE ALL ON FUNCTION replication_status.standbys() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION replication_status.standbys() TO :"app";

-- The same for the standby side: an instance asks the standby of its own region whether it has flushed a commit
-- (OwnRegionStandbys), which pg_stat_wal_receiver shows only to members of pg_read_all_stats. Created on the primary,
-- it reaches every standby with the WAL.
CREATE OR REPLACE FUNCTION replication_status.receiver()
    RETURNS TABLE (status text, received_tli integer, flushed_lsn pg_lsn)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT status, received_tli, flushed_lsn FROM pg_catalog.pg_stat_wal_receiver $$;
ALTER FUNCTION replication_status.receiver() OWNER TO replication_status_reader;
REVOKE ALL ON FUNCTION replication_status.receiver() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION replication_status.receiver() TO :"app";
