-- 0002: cluster membership for Microsoft.Orleans.Clustering.AdoNet (silos and gateway-list clients).
--
-- Contract (Orleans 10.4.2, AdoNetClusteringTable / RelationalOrleansQueries):
--   * one version row per deployment (Orleans' ClusterId is the "DeploymentId"); the table version is the
--     membership protocol's etag. Insert/update of a silo row is a compare-and-swap: it succeeds only if the
--     version row still holds @Version (the version the caller read), and then bumps it by one. The query
--     returns one boolean column: true = applied, false = lost the race (Orleans re-reads and retries).
--   * reads return the version row LEFT JOINed to the silo rows, so there is always at least one row while
--     the deployment exists; a row with NULL "StartTime" means "no silo" and only carries "Version".
--   * parameters: @DeploymentId text, @Address text (IP address), @Port/@Generation/@Status/@ProxyPort int,
--     @SiloName/@HostName text, @StartTime/@IAmAliveTime UTC DateTime (timestamptz), @SuspectTimes text
--     ("silo,time|silo,time", may be NULL), @Version int.
--   * "Status" values are Orleans' SiloStatus (3 = Active, 6 = Dead).

CREATE TABLE orleans_membership_version
(
    deployment_id text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (deployment_id)
);

CREATE TABLE orleans_membership
(
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL DEFAULT 0,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,

    CONSTRAINT orleans_membership_pk PRIMARY KEY (deployment_id, address, port, generation),
    -- Deleting a deployment's version row (DeleteMembershipTableEntriesKey) takes its silo rows with it.
    CONSTRAINT orleans_membership_version_fk FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    CONSTRAINT orleans_membership_port_range CHECK (port BETWEEN 0 AND 65535 AND proxy_port BETWEEN 0 AND 65535)
);

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'InsertMembershipVersionKey',
    $sql$
    WITH inserted AS (
        INSERT INTO orleans_membership_version (deployment_id)
        VALUES (@DeploymentId)
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*) > 0 AS "Inserted" FROM inserted
    $sql$
),
(
    'InsertMembershipKey',
    -- Lock the version row only if it still has the version the caller read (under READ COMMITTED a
    -- concurrent bump makes FOR UPDATE re-check the predicate and drop the row), insert the silo, and bump
    -- the version only if the insert happened. One statement: all or nothing.
    $sql$
    WITH expected AS (
        SELECT v.deployment_id
        FROM orleans_membership_version AS v
        WHERE v.deployment_id = @DeploymentId AND v.version = @Version
        FOR UPDATE
    ), inserted AS (
        INSERT INTO orleans_membership
            (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
             start_time, i_am_alive_time)
        SELECT e.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
               @StartTime, @IAmAliveTime
        FROM expected AS e
        ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
        RETURNING deployment_id
    ), bumped AS (
        UPDATE orleans_membership_version AS v
        SET version = v.version + 1, updated_at = now()
        FROM inserted AS i
        WHERE v.deployment_id = i.deployment_id
        RETURNING v.version
    )
    SELECT count(*) > 0 AS "Succeeded" FROM bumped
    $sql$
),
(
    'UpdateMembershipKey',
    $sql$
    WITH expected AS (
        SELECT v.deployment_id
        FROM orleans_membership_version AS v
        WHERE v.deployment_id = @DeploymentId AND v.version = @Version
        FOR UPDATE
    ), updated AS (
        UPDATE orleans_membership AS m
        SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
        FROM expected AS e
        WHERE m.deployment_id = e.deployment_id
          AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        RETURNING m.deployment_id
    ), bumped AS (
        UPDATE orleans_membership_version AS v
        SET version = v.version + 1, updated_at = now()
        FROM updated AS u
        WHERE v.deployment_id = u.deployment_id
        RETURNING v.version
    )
    SELECT count(*) > 0 AS "Succeeded" FROM bumped
    $sql$
),
(
    'UpdateIAmAlivetimeKey',
    -- Liveness heartbeat: deliberately not versioned (Orleans does not check the outcome).
    $sql$
    UPDATE orleans_membership
    SET i_am_alive_time = @IAmAliveTime
    WHERE deployment_id = @DeploymentId
      AND address = @Address AND port = @Port AND generation = @Generation
    $sql$
),
(
    'MembershipReadRowKey',
    $sql$
    SELECT
        v.deployment_id   AS "DeploymentId",
        m.address         AS "Address",
        m.port            AS "Port",
        m.generation      AS "Generation",
        m.silo_name       AS "SiloName",
        m.host_name       AS "HostName",
        m.status          AS "Status",
        m.proxy_port      AS "ProxyPort",
        m.suspect_times   AS "SuspectTimes",
        m.start_time      AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime",
        v.version         AS "Version"
    FROM orleans_membership_version AS v
    LEFT JOIN orleans_membership AS m
           ON m.deployment_id = v.deployment_id
          AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.deployment_id = @DeploymentId
    $sql$
),
(
    'MembershipReadAllKey',
    $sql$
    SELECT
        v.deployment_id   AS "DeploymentId",
        m.address         AS "Address",
        m.port            AS "Port",
        m.generation      AS "Generation",
        m.silo_name       AS "SiloName",
        m.host_name       AS "HostName",
        m.status          AS "Status",
        m.proxy_port      AS "ProxyPort",
        m.suspect_times   AS "SuspectTimes",
        m.start_time      AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime",
        v.version         AS "Version"
    FROM orleans_membership_version AS v
    LEFT JOIN orleans_membership AS m ON m.deployment_id = v.deployment_id
    WHERE v.deployment_id = @DeploymentId
    ORDER BY m.address, m.port, m.generation
    $sql$
),
(
    'GatewaysQueryKey',
    $sql$
    SELECT
        m.address    AS "Address",
        m.proxy_port AS "ProxyPort",
        m.generation AS "Generation"
    FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId AND m.status = @Status AND m.proxy_port > 0
    $sql$
),
(
    'DeleteMembershipTableEntriesKey',
    $sql$
    DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
    $sql$
),
(
    'CleanupDefunctSiloEntriesKey',
    -- Rows of silos that are not Active (3) and have not reported in since @IAmAliveTime.
    $sql$
    DELETE FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3
    $sql$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext, updated_at = now();
