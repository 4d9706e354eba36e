using Npgsql;
using QuantaSeal.Crypto.KeyWrap;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// Start-up check for the PostgreSQL deployment: the configured local master key must be the one the stored tenant
/// keys were wrapped under. Without it a lost or swapped master key file would be silently replaced by a new one and
/// every existing tenant would fail on its first request instead of the operator being told at start.
/// </summary>
internal static class MasterKeyGuard
{
    /// <summary>A key reference found on a stored tenant, or null when no tenant exists (or the schema is new).</summary>
    public static async Task<string?> FindStoredKeyRefAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('orleans_grain_state') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return null;
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT payload -> 'vault_private_seed' ->> 'key_ref'
            FROM orleans_grain_state
            WHERE state_name = 'qs.tenant/tenant' AND payload ->> 'tenant_id' IS NOT NULL
            LIMIT 1
            """,
            connection);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Null when the master key fits the stored tenants, else what is wrong and how to fix it.</summary>
    public static async Task<string?> CheckAsync(string connectionString, string? masterKeyFile, CancellationToken cancellationToken)
    {
        var stored = await FindStoredKeyRefAsync(connectionString, cancellationToken);
        if (stored is null || !stored.StartsWith("local:", StringComparison.Ordinal))
        {
            return null;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(Grains.Hosting.QuantaSealSiloOptions.MasterKeyEnvironmentVariable);
        if (fromEnvironment is null && (masterKeyFile is null || !File.Exists(masterKeyFile)))
        {
            return $"The master key file '{masterKeyFile}' does not exist, but the database holds tenant keys wrapped under master key {stored}. "
                + "Restore that master key file (or set QUANTASEAL_MASTER_KEY); a new master key could not unwrap them.";
        }

        using var provider = fromEnvironment is not null ? LocalKeyWrapProvider.FromBase64(fromEnvironment) : LocalKeyWrapProvider.FromFile(masterKeyFile!);
        return string.Equals(provider.KeyRef, stored, StringComparison.Ordinal)
            ? null
            : $"The configured master key is {provider.KeyRef}, but the database holds tenant keys wrapped under master key {stored}. Configure the master key they were wrapped with.";
    }
}
