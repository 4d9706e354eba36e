-- 0006: the tenants' audit chains (DESIGN §7, docs/audit-chain.md).
--
-- Written only by AuditChainGrain (one activation per tenant) through PostgresAuditStore:
--   * audit_events: one row per chained event. seq runs 1, 2, 3, ... per tenant without gaps; hash is
--     SHA-256(previous hash || canonical JSON of the event) as 32 raw bytes. The grain assigns seq and hash and inserts
--     a whole delivered batch in one statement; the primary key (tenant_id, seq) refuses a second writer's row at a seq
--     already taken, and the unique event_id refuses a redelivered event (the stream is at-least-once), so an event is
--     never chained twice.
--   * audit_checkpoints: signed {tenant_id, seq, hash, timestamp} (ML-DSA-65, context QuantaSeal/v1/audit-checkpoint).
--     Old checkpoints are kept; they are what makes a truncated or rewritten tail detectable.
--
-- Both tables are append-only: a statement trigger refuses UPDATE, DELETE and TRUNCATE for every role. That does not stop a
-- superuser who disables the trigger; the hash chain and the signed checkpoints are what detect such tampering.
-- Timestamps are stored as given (millisecond precision, UTC), so the canonical form can be rebuilt from the row.

CREATE TABLE audit_events
(
    tenant_id       text        NOT NULL,
    seq             bigint      NOT NULL,
    event_id        text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    actor           text        NOT NULL,
    action          text        NOT NULL,
    integration_id  text,
    operation       text,
    outcome         text        NOT NULL,
    upstream_status integer,
    request_sha256  text,
    latency_ms      bigint,
    object_id       text,
    hash            bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT audit_events_pk PRIMARY KEY (tenant_id, seq),
    CONSTRAINT audit_events_event_id_uq UNIQUE (event_id),
    CONSTRAINT audit_events_seq_positive CHECK (seq >= 1),
    CONSTRAINT audit_events_hash_size CHECK (octet_length(hash) = 32)
);

COMMENT ON TABLE audit_events IS 'Per-tenant audit hash chains (append-only; see deploy/sql/0006 and docs/audit-chain.md).';

-- Time-range queries of one tenant (GET /api/v2/audit/events?from=&to=).
CREATE INDEX audit_events_tenant_time_ix ON audit_events (tenant_id, occurred_at, seq);

CREATE TABLE audit_checkpoints
(
    tenant_id   text        NOT NULL,
    seq         bigint      NOT NULL,
    hash        bytea       NOT NULL,
    signed_at   timestamptz NOT NULL,
    key_id      text        NOT NULL,
    signature   bytea       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT audit_checkpoints_pk PRIMARY KEY (tenant_id, seq),
    CONSTRAINT audit_checkpoints_seq_positive CHECK (seq >= 1),
    CONSTRAINT audit_checkpoints_hash_size CHECK (octet_length(hash) = 32)
);

COMMENT ON TABLE audit_checkpoints IS 'Signed checkpoints of the audit chains (append-only).';

CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS
$fn$
BEGIN
    RAISE EXCEPTION 'audit tables are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$fn$;

-- Statement-level, so even an UPDATE or DELETE that matches no row is refused (and reported).
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_checkpoints_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
