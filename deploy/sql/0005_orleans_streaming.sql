-- 0005: durable stream queues for Microsoft.Orleans.Streaming.AdoNet (10.4.2-alpha.1): the audit transport.
--
-- Contract (AdoNetQueueAdapter, AdoNetQueueAdapterReceiver, AdoNetStreamFailureHandler and the streaming part of
-- RelationalOrleansQueries). The provider refuses to start unless all six keys below are registered. Every call
-- passes @ServiceId (ClusterOptions.ServiceId), @ProviderId (the stream provider name, "audit") and @QueueId (the
-- Orleans queue, e.g. "audit-2-0x..."), all text; timeouts arrive as whole seconds (int). Result columns are read by
-- name: "ServiceId", "ProviderId", "QueueId" text, "MessageId" bigint, "Dequeued" int, "VisibleOn", "ExpiresOn",
-- "CreatedOn", "ModifiedOn" timestamps and "Payload" bytea.
--
--   QueueStreamMessageKey     (@Payload bytea, @ExpiryTimeout int) -> one row (ServiceId, ProviderId, QueueId,
--                             MessageId). One row per OnNextAsync / OnNextBatchAsync call: a batch is one message.
--                             When this returns, the events are durable; the caller may hand out their ids.
--   GetStreamMessagesKey      (@MaxCount, @MaxAttempts, @VisibilityTimeout, @RemovalTimeout, @EvictionInterval,
--                             @EvictionBatchSize int) -> up to MaxCount visible messages in MessageId order, each with
--                             Dequeued incremented and hidden for VisibilityTimeout. Dequeued is the receipt the
--                             receiver must present to confirm or release. Also runs the queue's eviction, at most once
--                             per EvictionInterval across the cluster.
--   ConfirmStreamMessagesKey  (@Items text "id:receipt|id:receipt|...") -> the messages acted on. A positive receipt
--                             confirms delivery (the row is deleted) if it still equals Dequeued. A NEGATIVE receipt
--                             releases the message: it becomes visible again at once. 10.4.2-alpha.1 sends negative
--                             receipts from AdoNetQueueAdapterReceiver.Shutdown, i.e. when a silo stops gracefully or
--                             the queue moves to another silo, so handed-off messages do not wait out the visibility
--                             timeout. A stale receipt (the message was dequeued again since) does nothing.
--   FailStreamMessageKey      (@MessageId bigint, @MaxAttempts, @RemovalTimeout int) -> no rows. Called once a
--                             consumer kept failing for StreamPullingAgentOptions.MaxEventDeliveryTime. The message is
--                             retried (visible now) while Dequeued < MaxAttempts, otherwise moved to dead letters.
--   EvictStreamMessagesKey    (@MaxCount, @MaxAttempts, @RemovalTimeout int) -> no rows. Moves messages that are
--                             visible and either exhausted (Dequeued >= MaxAttempts) or expired to dead letters.
--   EvictStreamDeadLettersKey (@MaxCount int) -> no rows. Deletes dead letters past their removal time.
--   (The two Evict keys are required by the provider but, in this version, only ever run inside GetStreamMessagesKey.)
--
-- Design notes (this project's choices, not the provider's):
--   * The dequeue path is the primary key (service_id, provider_id, queue_id, message_id): equality on the queue and
--     ascending message_id, so LIMIT stops after MaxCount rows and messages leave in the order they were queued.
--     Rows are claimed with FOR UPDATE SKIP LOCKED, so a poll never waits on a confirm, a release or a second reader
--     that briefly owns the same queue during a rebalance.
--   * All times come from the database clock (now(), one value per statement), never from a silo's clock.
--   * Statements that lock several rows lock them in message_id order, so two of them cannot deadlock.
--   * Dead letters keep the payload and say why they died (delivery_failed, max_attempts, expired): an audit event
--     in this table is not in its tenant's chain; operators watch its row count (AuditStreamDiagnostics).
--   * The message table is a queue: rows are inserted, updated once or twice (HOT, no indexed column changes) and
--     deleted. A lower fill factor keeps those updates on the page and autovacuum runs after ~1 % churn.

CREATE TABLE orleans_stream_messages
(
    service_id  text        NOT NULL,
    provider_id text        NOT NULL,
    queue_id    text        NOT NULL,
    message_id  bigint      GENERATED ALWAYS AS IDENTITY,
    dequeued    integer     NOT NULL DEFAULT 0,
    visible_on  timestamptz NOT NULL,
    expires_on  timestamptz NOT NULL,
    created_on  timestamptz NOT NULL,
    modified_on timestamptz NOT NULL,
    payload     bytea       NOT NULL,

    CONSTRAINT orleans_stream_messages_pk PRIMARY KEY (service_id, provider_id, queue_id, message_id),
    CONSTRAINT orleans_stream_messages_dequeued_non_negative CHECK (dequeued >= 0),
    CONSTRAINT orleans_stream_messages_key_sizes CHECK (
        octet_length(service_id) <= 256 AND octet_length(provider_id) <= 256 AND octet_length(queue_id) <= 256)
)
WITH (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
      autovacuum_vacuum_insert_scale_factor = 0.01);

COMMENT ON TABLE orleans_stream_messages IS
    'Pending Orleans stream messages (ADO.NET stream provider). A row is an unconfirmed batch of events; see 0005.';

CREATE TABLE orleans_stream_dead_letters
(
    service_id  text        NOT NULL,
    provider_id text        NOT NULL,
    queue_id    text        NOT NULL,
    message_id  bigint      NOT NULL,
    dequeued    integer     NOT NULL,
    visible_on  timestamptz NOT NULL,
    expires_on  timestamptz NOT NULL,
    created_on  timestamptz NOT NULL,
    modified_on timestamptz NOT NULL,
    dead_on     timestamptz NOT NULL,
    remove_on   timestamptz NOT NULL,
    reason      text        NOT NULL,
    payload     bytea       NOT NULL,

    CONSTRAINT orleans_stream_dead_letters_pk PRIMARY KEY (service_id, provider_id, queue_id, message_id),
    CONSTRAINT orleans_stream_dead_letters_reason CHECK (reason IN ('delivery_failed', 'max_attempts', 'expired'))
);

COMMENT ON TABLE orleans_stream_dead_letters IS
    'Stream messages that were never confirmed (consumer kept failing, too many attempts, or expired). Not delivered.';

-- Dead-letter eviction walks a queue's rows by removal time.
CREATE INDEX orleans_stream_dead_letters_remove_ix ON orleans_stream_dead_letters (service_id, provider_id, queue_id, remove_on);

-- Per queue: when its next eviction is due. The poll that moves evict_on forward runs the eviction.
CREATE TABLE orleans_stream_control
(
    service_id  text        NOT NULL,
    provider_id text        NOT NULL,
    queue_id    text        NOT NULL,
    evict_on    timestamptz NOT NULL,

    CONSTRAINT orleans_stream_control_pk PRIMARY KEY (service_id, provider_id, queue_id)
);

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'QueueStreamMessageKey',
    $sql$
    INSERT INTO orleans_stream_messages
        (service_id, provider_id, queue_id, dequeued, visible_on, expires_on, created_on, modified_on, payload)
    VALUES
        (@ServiceId, @ProviderId, @QueueId, 0, now(), now() + @ExpiryTimeout * interval '1 second', now(), now(), @Payload)
    RETURNING service_id AS "ServiceId", provider_id AS "ProviderId", queue_id AS "QueueId", message_id AS "MessageId"
    $sql$
),
(
    'GetStreamMessagesKey',
    $sql$
    WITH
    -- Claims this queue's eviction turn: the NOT EXISTS keeps the common case read-only, and of two racing polls
    -- only the one whose upsert still sees a due evict_on gets a row back.
    eviction_due AS (
        INSERT INTO orleans_stream_control AS c (service_id, provider_id, queue_id, evict_on)
        SELECT @ServiceId, @ProviderId, @QueueId, now() + @EvictionInterval * interval '1 second'
        WHERE NOT EXISTS (
            SELECT 1 FROM orleans_stream_control
            WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId AND evict_on > now())
        ON CONFLICT (service_id, provider_id, queue_id) DO UPDATE SET evict_on = EXCLUDED.evict_on
        WHERE c.evict_on <= now()
        RETURNING 1
    ),
    evicted AS (
        DELETE FROM orleans_stream_messages AS m
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = ANY (ARRAY(
            SELECT e.message_id FROM orleans_stream_messages AS e
            WHERE e.service_id = @ServiceId AND e.provider_id = @ProviderId AND e.queue_id = @QueueId
              AND EXISTS (SELECT 1 FROM eviction_due)
              AND e.visible_on <= now()
              AND (e.dequeued >= @MaxAttempts OR e.expires_on <= now())
            ORDER BY e.message_id
            LIMIT @EvictionBatchSize
            FOR UPDATE SKIP LOCKED))
        RETURNING m.*
    ),
    dead AS (
        INSERT INTO orleans_stream_dead_letters
            (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
             dead_on, remove_on, reason, payload)
        SELECT service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
               now(), now() + @RemovalTimeout * interval '1 second',
               CASE WHEN dequeued >= @MaxAttempts THEN 'max_attempts' ELSE 'expired' END, payload
        FROM evicted
    ),
    purged AS (
        DELETE FROM orleans_stream_dead_letters AS d
        WHERE d.service_id = @ServiceId AND d.provider_id = @ProviderId AND d.queue_id = @QueueId
          AND d.message_id = ANY (ARRAY(
            SELECT x.message_id FROM orleans_stream_dead_letters AS x
            WHERE x.service_id = @ServiceId AND x.provider_id = @ProviderId AND x.queue_id = @QueueId
              AND EXISTS (SELECT 1 FROM eviction_due)
              AND x.remove_on <= now()
            ORDER BY x.remove_on
            LIMIT @EvictionBatchSize
            FOR UPDATE SKIP LOCKED))
    ),
    -- The eviction above and this batch select disjoint rows (exhausted or expired vs. neither), so no row is
    -- changed twice by this statement.
    batch AS (
        SELECT message_id FROM orleans_stream_messages
        WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
          AND visible_on <= now()
          AND dequeued < @MaxAttempts
          AND expires_on > now()
        ORDER BY message_id
        LIMIT @MaxCount
        FOR UPDATE SKIP LOCKED
    ),
    taken AS (
        UPDATE orleans_stream_messages AS m
        SET dequeued = m.dequeued + 1,
            visible_on = now() + @VisibilityTimeout * interval '1 second',
            modified_on = now()
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = ANY (ARRAY(SELECT message_id FROM batch))
        RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id, m.dequeued, m.visible_on, m.expires_on,
                  m.created_on, m.modified_on, m.payload
    )
    SELECT service_id AS "ServiceId", provider_id AS "ProviderId", queue_id AS "QueueId", message_id AS "MessageId",
           dequeued AS "Dequeued", visible_on AS "VisibleOn", expires_on AS "ExpiresOn", created_on AS "CreatedOn",
           modified_on AS "ModifiedOn", payload AS "Payload"
    FROM taken
    ORDER BY message_id
    $sql$
),
(
    'ConfirmStreamMessagesKey',
    $sql$
    WITH
    receipts AS (
        SELECT split_part(item, ':', 1)::bigint AS message_id, split_part(item, ':', 2)::integer AS receipt
        FROM unnest(string_to_array(@Items, '|')) AS item
        WHERE item <> ''
    ),
    -- Only rows whose receipt still matches: a message dequeued again since (by this or another silo) is left alone.
    targets AS (
        SELECT m.message_id, r.receipt
        FROM orleans_stream_messages AS m
        JOIN receipts AS r ON r.message_id = m.message_id AND r.receipt <> 0 AND m.dequeued = abs(r.receipt)
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = ANY (ARRAY(SELECT message_id FROM receipts))
        ORDER BY m.message_id
        FOR UPDATE OF m
    ),
    confirmed AS (
        DELETE FROM orleans_stream_messages AS m
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = ANY (ARRAY(SELECT message_id FROM targets WHERE receipt > 0))
        RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id
    ),
    released AS (
        UPDATE orleans_stream_messages AS m
        SET visible_on = least(m.visible_on, now()), modified_on = now()
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = ANY (ARRAY(SELECT message_id FROM targets WHERE receipt < 0))
        RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id
    )
    SELECT service_id AS "ServiceId", provider_id AS "ProviderId", queue_id AS "QueueId", message_id AS "MessageId"
    FROM (SELECT * FROM confirmed UNION ALL SELECT * FROM released) AS done
    ORDER BY message_id
    $sql$
),
(
    'FailStreamMessageKey',
    $sql$
    WITH
    target AS (
        SELECT message_id, dequeued FROM orleans_stream_messages
        WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId AND message_id = @MessageId
        FOR UPDATE
    ),
    retried AS (
        UPDATE orleans_stream_messages AS m
        SET visible_on = now(), modified_on = now()
        FROM target AS t
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = @MessageId AND t.dequeued < @MaxAttempts
        RETURNING m.message_id
    ),
    moved AS (
        DELETE FROM orleans_stream_messages AS m
        USING target AS t
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = @MessageId AND t.dequeued >= @MaxAttempts
        RETURNING m.*
    )
    INSERT INTO orleans_stream_dead_letters
        (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
         dead_on, remove_on, reason, payload)
    SELECT service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
           now(), now() + @RemovalTimeout * interval '1 second', 'delivery_failed', payload
    FROM moved
    $sql$
),
(
    'EvictStreamMessagesKey',
    $sql$
    WITH
    evicted AS (
        DELETE FROM orleans_stream_messages AS m
        WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
          AND m.message_id = ANY (ARRAY(
            SELECT e.message_id FROM orleans_stream_messages AS e
            WHERE e.service_id = @ServiceId AND e.provider_id = @ProviderId AND e.queue_id = @QueueId
              AND e.visible_on <= now()
              AND (e.dequeued >= @MaxAttempts OR e.expires_on <= now())
            ORDER BY e.message_id
            LIMIT @MaxCount
            FOR UPDATE SKIP LOCKED))
        RETURNING m.*
    )
    INSERT INTO orleans_stream_dead_letters
        (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
         dead_on, remove_on, reason, payload)
    SELECT service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on,
           now(), now() + @RemovalTimeout * interval '1 second',
           CASE WHEN dequeued >= @MaxAttempts THEN 'max_attempts' ELSE 'expired' END, payload
    FROM evicted
    $sql$
),
(
    'EvictStreamDeadLettersKey',
    $sql$
    DELETE FROM orleans_stream_dead_letters AS d
    WHERE d.service_id = @ServiceId AND d.provider_id = @ProviderId AND d.queue_id = @QueueId
      AND d.message_id = ANY (ARRAY(
        SELECT x.message_id FROM orleans_stream_dead_letters AS x
        WHERE x.service_id = @ServiceId AND x.provider_id = @ProviderId AND x.queue_id = @QueueId
          AND x.remove_on <= now()
        ORDER BY x.remove_on
        LIMIT @MaxCount
        FOR UPDATE SKIP LOCKED))
    $sql$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext, updated_at = now();
