-- 0003: grain state for Microsoft.Orleans.Persistence.AdoNet.
--
-- Contract (Orleans 10.4.2, AdoNetGrainStorage):
--   * parameters: @ServiceId text; @GrainTypeString text - despite the name this is the *state name* Orleans
--     passes to the provider (QuantaSeal scopes it as "<grain type>/<state name>", see
--     GrainTypeScopedPersistentStateFactory); @GrainIdN0/@GrainIdN1 bigint (Guid halves or 0/integer key);
--     @GrainIdExtensionString text (string key, or key extension; NULL if none); @GrainStateVersion int
--     (NULL = the grain believes no row exists); @PayloadBinary bytea (the serializer's output).
--     @GrainIdHash/@GrainTypeHash are also passed; this schema does not need them (see grain_key).
--   * ReadFromStorageKey returns "PayloadBinary" (bytea, NULL = no state) and "Version" (int, the etag).
--   * WriteToStorageKey / ClearStorageKey / DeleteStorageKey return the new version as their first column
--     ("NewGrainStateVersion"), or no row when the expected version did not match; Orleans then throws
--     InconsistentStateException. An insert (@GrainStateVersion NULL) over an existing row is such a conflict.
--
-- Decisions:
--   * payload is jsonb. QuantaSeal's grain-state serializer always writes UTF-8 JSON, and jsonb keeps the state
--     inspectable and queryable (e.g. payload->>'name') for operators. Consequences, deliberately accepted:
--     jsonb does not keep key order, whitespace or duplicate keys (the serializer is configured to be
--     order-insensitive); a serializer that writes anything but JSON, or a string containing U+0000, fails
--     the write loudly instead of storing something unreadable.
--   * the row identity is a SHA-256 digest of the full key (length-prefixed, so no two keys collide by
--     concatenation). It gives a compact primary key, a real uniqueness guarantee (two activations that both
--     insert version 1 cannot both win, ON CONFLICT decides) and no btree size limit on long string keys.
--     Queries also compare the key columns themselves.
--   * clearing keeps the row with payload NULL and a bumped version, so the etag never goes backwards;
--     DeleteStorageKey (DeleteStateOnClear=true) removes the row instead.

CREATE FUNCTION orleans_grain_state_key(
    service_id text, state_name text, grain_id_n0 bigint, grain_id_n1 bigint, grain_id_string text)
RETURNS bytea
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
-- IMMUTABLE although convert_to is only STABLE: it depends on the database encoding, which cannot change
-- (and 0001 requires UTF8).
RETURN sha256(convert_to(
    length(service_id)::text || ':' || service_id
    || '|' || length(state_name)::text || ':' || state_name
    || '|' || grain_id_n0::text
    || '|' || grain_id_n1::text
    || '|' || coalesce(length(grain_id_string)::text || ':' || grain_id_string, '-'),
    'UTF8'));

CREATE TABLE orleans_grain_state
(
    grain_key       bytea GENERATED ALWAYS AS
                        (orleans_grain_state_key(service_id, state_name, grain_id_n0, grain_id_n1, grain_id_string))
                        STORED,
    service_id      text        NOT NULL,
    state_name      text        NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_id_string text        NULL,
    payload         jsonb       NULL,
    version         integer     NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    modified_at     timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT orleans_grain_state_pk PRIMARY KEY (grain_key),
    CONSTRAINT orleans_grain_state_version_positive CHECK (version > 0)
);

-- For operators: "all states of this kind in this service".
CREATE INDEX orleans_grain_state_by_state_name ON orleans_grain_state (service_id, state_name);

COMMENT ON COLUMN orleans_grain_state.state_name IS
    'Orleans state name; QuantaSeal uses "<grain type>/<state name>", e.g. "qs.tenant/tenant".';
COMMENT ON COLUMN orleans_grain_state.payload IS
    'Grain state as written by QuantaSeal''s System.Text.Json serializer (snake_case, no .NET type names). NULL = cleared.';

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'ReadFromStorageKey',
    $sql$
    SELECT
        convert_to(s.payload::text, 'UTF8') AS "PayloadBinary",
        s.version                            AS "Version"
    FROM orleans_grain_state AS s
    WHERE s.grain_key = orleans_grain_state_key(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
      AND s.service_id = @ServiceId
      AND s.state_name = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
    $sql$
),
(
    'WriteToStorageKey',
    -- Either update at the expected version or insert the first version; never both. Under READ COMMITTED a
    -- concurrent writer that bumped the version first makes this UPDATE re-check "version = expected" and skip.
    $sql$
    WITH updated AS (
        UPDATE orleans_grain_state AS s
        SET payload = convert_from(@PayloadBinary, 'UTF8')::jsonb,
            version = s.version + 1,
            modified_at = now()
        WHERE @GrainStateVersion IS NOT NULL
          AND s.grain_key = orleans_grain_state_key(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
          AND s.service_id = @ServiceId
          AND s.state_name = @GrainTypeString
          AND s.grain_id_n0 = @GrainIdN0
          AND s.grain_id_n1 = @GrainIdN1
          AND s.grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
          AND s.version = @GrainStateVersion
        RETURNING s.version
    ), inserted AS (
        INSERT INTO orleans_grain_state
            (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_string, payload, version)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
               convert_from(@PayloadBinary, 'UTF8')::jsonb, 1
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT (grain_key) DO NOTHING
        RETURNING version
    )
    SELECT version AS "NewGrainStateVersion" FROM updated
    UNION ALL
    SELECT version FROM inserted
    $sql$
),
(
    'ClearStorageKey',
    $sql$
    UPDATE orleans_grain_state AS s
    SET payload = NULL, version = s.version + 1, modified_at = now()
    WHERE s.grain_key = orleans_grain_state_key(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
      AND s.service_id = @ServiceId
      AND s.state_name = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND s.version = @GrainStateVersion
    RETURNING s.version AS "NewGrainStateVersion"
    $sql$
),
(
    'DeleteStorageKey',
    $sql$
    DELETE FROM orleans_grain_state AS s
    WHERE s.grain_key = orleans_grain_state_key(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
      AND s.service_id = @ServiceId
      AND s.state_name = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND s.version = @GrainStateVersion
    RETURNING s.version + 1 AS "NewGrainStateVersion"
    $sql$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext, updated_at = now();
