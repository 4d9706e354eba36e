-- 0007: the durable audit queue of QuantaSeal's own Orleans stream provider (AuditQueueAdapterFactory), replacing the
-- ADO.NET stream provider's tables of 0005 (loadtests/README.md has the measurements behind the switch).
--
-- One row per stream message (a batch of one tenant's audit events, serialised by Orleans). The model is a log read by
-- cursor, not a queue of leased rows:
--   * Enqueue is one INSERT in its own transaction; tx is that transaction's id (pg_current_xact_id()) and the primary
--     key allows one message per transaction. When the INSERT commits, the events are durable and their ids may be
--     handed out.
--   * A queue's reader (the silo's pulling agent for that queue) keeps its position in memory and reads
--       tx > position AND tx < pg_snapshot_xmin(pg_current_snapshot())  ORDER BY tx
--     Every transaction below the snapshot's xmin has ended, so no row can still appear behind the position: a
--     message committed late by a slow writer is read in its place, never skipped. Reading writes nothing.
--   * Once every consumer has processed a prefix of what was read, the reader deletes it with one range DELETE
--     (tx <= last delivered). A new reader (silo restart, crash, queue handed to another silo) starts from the oldest
--     row left, so anything read but not confirmed is delivered again; the chain grain drops events it already has.
--   * A message whose consumer kept failing for StreamPullingAgentOptions.MaxEventDeliveryTime is moved to
--     audit_queue_dead_letters with its payload: it is not in its tenant's chain, and operators are alerted (health
--     check, metric) until they have dealt with it. Nothing here deletes a dead letter.
--
-- A transaction that writes and stays open anywhere on this PostgreSQL server holds xmin back, which delays when
-- audit events reach their chains (never what callers are told: that depends only on the INSERT committing).

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM orleans_stream_messages) OR EXISTS (SELECT 1 FROM orleans_stream_dead_letters) THEN
        RAISE EXCEPTION 'orleans_stream_messages or orleans_stream_dead_letters still holds audit stream messages: '
            'start the previous version until the queue is drained and resolve its dead letters, then upgrade';
    END IF;
END
$$;

DROP TABLE orleans_stream_messages, orleans_stream_dead_letters, orleans_stream_control;

DELETE FROM orleansquery
WHERE querykey IN ('QueueStreamMessageKey', 'GetStreamMessagesKey', 'ConfirmStreamMessagesKey', 'FailStreamMessageKey',
                   'EvictStreamMessagesKey', 'EvictStreamDeadLettersKey');

CREATE TABLE audit_queue_messages
(
    service_id  text        NOT NULL,
    queue_id    text        NOT NULL,
    tx          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    enqueued_on timestamptz NOT NULL DEFAULT now(),
    payload     bytea       NOT NULL,

    CONSTRAINT audit_queue_messages_pk PRIMARY KEY (service_id, queue_id, tx),
    CONSTRAINT audit_queue_messages_key_sizes CHECK (octet_length(service_id) <= 256 AND octet_length(queue_id) <= 256)
)
WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0.01);

COMMENT ON TABLE audit_queue_messages IS
    'Audit stream messages not yet confirmed by their chain (QuantaSeal audit queue); see deploy/sql/0007.';

CREATE TABLE audit_queue_dead_letters
(
    service_id  text        NOT NULL,
    queue_id    text        NOT NULL,
    tx          xid8        NOT NULL,
    enqueued_on timestamptz NOT NULL,
    dead_on     timestamptz NOT NULL DEFAULT now(),
    reason      text        NOT NULL,
    payload     bytea       NOT NULL,

    CONSTRAINT audit_queue_dead_letters_pk PRIMARY KEY (service_id, queue_id, tx),
    CONSTRAINT audit_queue_dead_letters_reason CHECK (reason IN ('delivery_failed'))
);

COMMENT ON TABLE audit_queue_dead_letters IS
    'Audit stream messages whose chain could not take them: their events are NOT in the chain. Kept until an operator acts.';
