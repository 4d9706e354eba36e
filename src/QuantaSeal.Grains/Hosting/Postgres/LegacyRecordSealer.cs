using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Hosting.Serialization;
using QuantaSeal.Grains.Integrations;
using QuantaSeal.Grains.Security.Records;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// The operator's one-time upgrade step for databases written before records were authenticated
/// (<c>QuantaSeal.Server seal-records</c>): computes the authenticator of every API key, tenant and integration record
/// of a service that has none, with the cluster's master key, and stores it. The silos never do this on their own: a
/// record without an authenticator is always refused, so omitting the authenticator gets a forged record nowhere.
/// </summary>
/// <remarks>
/// Whatever the database holds when this runs is vouched for, forged rows included: run it once, right after the
/// upgrade, with every node stopped and the database known to be as the old version left it. Each row is updated only
/// if its version is unchanged since it was read (and the version is bumped), so a node left running cannot overwrite a
/// sealed row with its older copy unnoticed (its next write fails instead).
/// </remarks>
internal sealed partial class LegacyRecordSealer(IKeyWrapProvider keyWrap, ILogger logger)
{
    private const string SelectSql = """
        SELECT grain_key, state_name, grain_id_string, payload::text, version
        FROM orleans_grain_state
        WHERE service_id = @service_id
          AND state_name = ANY(@state_names)
          AND payload IS NOT NULL
          AND coalesce(jsonb_typeof(payload->'authenticator'), 'null') = 'null'
        ORDER BY state_name, grain_id_string
        """;

    private const string UpdateSql = """
        UPDATE orleans_grain_state
        SET payload = @payload::jsonb, version = version + 1, modified_at = now()
        WHERE grain_key = @grain_key AND version = @version
        """;

    /// <summary>
    /// How recently a silo must have written its "I am alive" time to count as running. Orleans writes it every
    /// <c>IAmAliveTablePublishTimeout</c> (5 minutes by default); twice that covers a silo between two writes.
    /// </summary>
    internal static readonly TimeSpan LiveSiloWindow = TimeSpan.FromMinutes(10);

    private const string LiveSilosSql = """
        SELECT silo_name, host_name, address, port, i_am_alive_time
        FROM orleans_membership
        WHERE status = 3 AND i_am_alive_time > now() - @window
        ORDER BY silo_name, address, port
        """;

    /// <summary>
    /// The silos the membership table shows as active with an "I am alive" time inside <see cref="LiveSiloWindow"/>:
    /// nodes that are probably still running (a silo killed without a shutdown stays listed until the window passes).
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindLiveSilosAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        await using var connection = new NpgsqlConnection(PostgresConnectionStrings.WithSafeTimeouts(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(LiveSilosSql, connection);
        command.Parameters.AddWithValue("window", LiveSiloWindow);
        var live = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                live.Add($"{reader.GetString(0)} on {reader.GetString(1)} ({reader.GetString(2)}:{reader.GetInt32(3)}, alive at {reader.GetFieldValue<DateTimeOffset>(4):u})");
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No clustering schema: no silo has ever joined through this database.
        }

        return live;
    }

    /// <summary>The stored state names of the authenticated kinds (grain type / state name).</summary>
    internal const string ApiKeyStateName = "qs.apikey/apikey";

    /// <inheritdoc cref="ApiKeyStateName"/>
    internal const string TenantStateName = "qs.tenant/tenant";

    /// <inheritdoc cref="ApiKeyStateName"/>
    internal const string IntegrationStateName = "qs.integration/integration";

    /// <summary>Seals every unauthenticated record of <paramref name="serviceId"/>; returns how many were sealed.</summary>
    public async Task<int> SealAsync(string connectionString, string serviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        await using var connection = new NpgsqlConnection(PostgresConnectionStrings.WithSafeTimeouts(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var rows = new List<(byte[] Key, string StateName, string ObjectId, string Payload, int Version)>();
        await using (var select = new NpgsqlCommand(SelectSql, connection, transaction))
        {
            select.Parameters.AddWithValue("service_id", serviceId);
            select.Parameters.AddWithValue("state_names", new[] { ApiKeyStateName, TenantStateName, IntegrationStateName });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!reader.IsDBNull(2))
                {
                    rows.Add((reader.GetFieldValue<byte[]>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
                }
            }
        }

        var sealedCount = 0;
        foreach (var row in rows)
        {
            var payload = await SealPayloadAsync(row.StateName, row.ObjectId, row.Payload, cancellationToken).ConfigureAwait(false);
            if (payload is null)
            {
                continue;
            }

            await using var update = new NpgsqlCommand(UpdateSql, connection, transaction);
            update.Parameters.AddWithValue("payload", payload);
            update.Parameters.AddWithValue("grain_key", row.Key);
            update.Parameters.AddWithValue("version", row.Version);
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new InvalidOperationException($"The {row.StateName} record {row.ObjectId} changed while it was being sealed: stop every node and run seal-records again.");
            }

            Log.Sealed(logger, row.StateName, row.ObjectId);
            sealedCount++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return sealedCount;
    }

    private async Task<string?> SealPayloadAsync(string stateName, string objectId, string payload, CancellationToken cancellationToken)
    {
        var options = QuantaSealGrainStateSerializer.Options;
        switch (stateName)
        {
            case ApiKeyStateName:
                var apiKey = JsonSerializer.Deserialize<ApiKeyGrainState>(payload, options);
                if (apiKey?.TenantId is null)
                {
                    return null;
                }

                apiKey.RecordVersion++;
                apiKey.Authenticator = await RecordAuthenticator.ComputeAsync(keyWrap, ApiKeyRecord.Identity(objectId, apiKey), ApiKeyRecord.Fields(apiKey), cancellationToken).ConfigureAwait(false);
                return JsonSerializer.Serialize(apiKey, options);
            case TenantStateName:
                var tenant = JsonSerializer.Deserialize<TenantState>(payload, options);
                if (tenant?.TenantId is null)
                {
                    return null;
                }

                tenant.RecordVersion++;
                tenant.Authenticator = await RecordAuthenticator.ComputeAsync(keyWrap, TenantRecord.Identity(objectId, tenant), TenantRecord.Fields(tenant), cancellationToken).ConfigureAwait(false);
                return JsonSerializer.Serialize(tenant, options);
            case IntegrationStateName:
                var integration = JsonSerializer.Deserialize<IntegrationState>(payload, options);
                if (integration?.TenantId is null)
                {
                    return null;
                }

                integration.RecordVersion++;
                integration.Authenticator = await RecordAuthenticator.ComputeAsync(keyWrap, IntegrationRecord.Identity(objectId, integration), IntegrationRecord.Fields(integration), cancellationToken).ConfigureAwait(false);
                return JsonSerializer.Serialize(integration, options);
            default:
                return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = PostgresLogEventIds.LegacyRecordSealed, Level = LogLevel.Information, Message = "Sealed legacy {StateName} record {ObjectId}")]
        public static partial void Sealed(ILogger logger, string stateName, string objectId);
    }
}
