-- 0001: the query registry shared by the Orleans ADO.NET providers.
--
-- Every Orleans ADO.NET provider (clustering, grain storage, reminders, and later streaming) loads the SQL it
-- runs from this table at start-up, by key:
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- The identifiers are unquoted in that statement, so PostgreSQL folds them to lower case; the table and its
-- columns are therefore named orleansquery/querykey/querytext. Npgsql matches result columns by name
-- case-insensitively, which is how Orleans' record.GetValue("QueryKey") finds "querykey".
--
-- This project owns the queries: each later migration registers (or, to retune one, replaces) its keys with
-- INSERT ... ON CONFLICT (querykey) DO UPDATE. Query texts reference the provider's parameters as @Name;
-- Npgsql binds them by name. Result columns are aliased with quoted names matching what the provider reads.
--
-- Migrations run inside one transaction each (see PostgresSchemaMigrator), so a failed file leaves nothing
-- behind. Never edit an applied file: the migrator refuses to start when a checksum changes. Add a new one.

DO $$
BEGIN
    -- The grain-state key digest (0003) hashes UTF-8 text; refuse databases in another encoding up front.
    IF (SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()) <> 'UTF8' THEN
        RAISE EXCEPTION 'QuantaSeal needs a UTF8 database; % uses %', current_database(),
            (SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database());
    END IF;
END
$$;

CREATE TABLE orleansquery
(
    querykey   text        NOT NULL,
    querytext  text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT orleansquery_pk PRIMARY KEY (querykey),
    CONSTRAINT orleansquery_key_format CHECK (querykey ~ '^[A-Za-z0-9]+Key$'),
    CONSTRAINT orleansquery_text_not_blank CHECK (btrim(querytext) <> '')
);

COMMENT ON TABLE orleansquery IS
    'SQL the Orleans ADO.NET providers run, by query key. Owned by deploy/sql migrations; do not edit by hand.';
