-- 0004: durable reminders for Microsoft.Orleans.Reminders.AdoNet.
--
-- Contract (Orleans 10.4.2, AdoNetReminderTable / RelationalOrleansQueries):
--   * parameters: @ServiceId text, @GrainId text (GrainId.ToString(), e.g. "qs.integration/int_..."),
--     @ReminderName text, @StartTime UTC DateTime (timestamptz), @Period milliseconds (int, or bigint when
--     it does not fit), @GrainHash int (the grain's uniform hash as a signed int), @BeginHash/@EndHash int,
--     @Version int (the etag).
--   * reads return "GrainId", "ReminderName", "StartTime", "Period" (bigint), "Version".
--   * UpsertReminderRowKey returns the new "Version"; DeleteReminderRowKey returns one boolean: true if the
--     row existed with the expected version and was deleted.
--   * ring ranges: Orleans picks ReadRangeRows1Key when (int)begin < (int)end, i.e. the range
--     (begin, end]; otherwise ReadRangeRows2Key, the wrapped range (begin, max] + [min, end].

CREATE TABLE orleans_reminders
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL DEFAULT 0,

    CONSTRAINT orleans_reminders_pk PRIMARY KEY (service_id, grain_id, reminder_name),
    CONSTRAINT orleans_reminders_period_non_negative CHECK (period_ms >= 0),
    -- Keeps the primary-key tuple far below the btree entry limit (~2.7 kB) with a clear error instead.
    CONSTRAINT orleans_reminders_key_sizes CHECK (
        octet_length(service_id) <= 256 AND octet_length(grain_id) <= 1024 AND octet_length(reminder_name) <= 512)
);

-- Each silo reads the reminders of its slice of the hash ring.
CREATE INDEX orleans_reminders_ring_ix ON orleans_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'UpsertReminderRowKey',
    $sql$
    INSERT INTO orleans_reminders AS r
        (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
    SET start_time = EXCLUDED.start_time,
        period_ms = EXCLUDED.period_ms,
        grain_hash = EXCLUDED.grain_hash,
        version = r.version + 1
    RETURNING r.version AS "Version"
    $sql$
),
(
    'ReadReminderRowsKey',
    $sql$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId
    $sql$
),
(
    'ReadReminderRowKey',
    $sql$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
    $sql$
),
(
    'ReadRangeRows1Key',
    $sql$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
    $sql$
),
(
    'ReadRangeRows2Key',
    $sql$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
    $sql$
),
(
    'DeleteReminderRowKey',
    $sql$
    WITH deleted AS (
        DELETE FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
          AND version = @Version
        RETURNING 1
    )
    SELECT count(*) > 0 AS "Deleted" FROM deleted
    $sql$
),
(
    'DeleteReminderRowsKey',
    $sql$
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId
    $sql$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext, updated_at = now();
