-- 0009: the audit queue keys its rows by queue index, keeps each message's tenant and event count, and gives the dead
-- letters a key of their own (issue 12).
--
--   * queue_id holds the queue's index ("0", "1", ...; AuditQueueKeys) instead of Orleans' queue-id string
--     ("audit-3"): the stream provider's name is no part of the key any more, so renaming the provider cannot strand
--     queued rows, and a silo refuses to start while rows wait under an index its queue count does not read
--     (AuditQueueAdapterFactory). Raising the queue count is safe: every old index is still read, and a message is
--     delivered to its stream's consumer whichever queue holds it.
--   * tenant_id, event_count: written with each message (NULL on rows written before this migration; a silo fills
--     them in for dead letters when it starts) and copied into the dead letters, so /audit/verify and the export
--     report per tenant how many acknowledged events are outside the chain.
--   * audit_queue_dead_letters gets a surrogate key. Under (service_id, queue_id, tx) a second message with the same
--     transaction id (possible only after the server's transaction ids went backwards: failover to a lagging replica,
--     a restore) met ON CONFLICT DO NOTHING and was deleted from the queue without a copy.
--
-- Rows are re-keyed in place under an exclusive lock; the tables hold only what is in flight (or dead), so this is quick.

LOCK TABLE audit_queue_messages, audit_queue_dead_letters IN ACCESS EXCLUSIVE MODE;

UPDATE audit_queue_messages SET queue_id = substring(queue_id FROM '-([0-9]+)(-0x[0-9A-Fa-f]+)?$')
WHERE queue_id ~ '-[0-9]+(-0x[0-9A-Fa-f]+)?$';

UPDATE audit_queue_dead_letters SET queue_id = substring(queue_id FROM '-([0-9]+)(-0x[0-9A-Fa-f]+)?$')
WHERE queue_id ~ '-[0-9]+(-0x[0-9A-Fa-f]+)?$';

ALTER TABLE audit_queue_messages
    ADD COLUMN tenant_id   text,
    ADD COLUMN event_count integer,
    ADD CONSTRAINT audit_queue_messages_tenant_size CHECK (octet_length(tenant_id) <= 256);

ALTER TABLE audit_queue_dead_letters
    DROP CONSTRAINT audit_queue_dead_letters_pk,
    ADD COLUMN id          bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN tenant_id   text,
    ADD COLUMN event_count integer,
    ADD CONSTRAINT audit_queue_dead_letters_pk PRIMARY KEY (id);

CREATE INDEX audit_queue_dead_letters_tenant ON audit_queue_dead_letters (tenant_id);
CREATE INDEX audit_queue_dead_letters_message ON audit_queue_dead_letters (service_id, queue_id, tx);

-- The age of the oldest queued message is the transport's alarm (quantaseal.audit.oldest_pending_seconds).
CREATE INDEX audit_queue_messages_enqueued ON audit_queue_messages (enqueued_on);

COMMENT ON COLUMN audit_queue_messages.queue_id IS 'Index of the queue (0 .. queue count - 1); see deploy/sql/0009.';
COMMENT ON COLUMN audit_queue_dead_letters.tenant_id IS 'Tenant whose chain lacks these events (NULL until filled in at silo start for rows from before 0009).';
