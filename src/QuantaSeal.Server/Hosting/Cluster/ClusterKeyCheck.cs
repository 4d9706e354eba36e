using System.Security.Cryptography;
using System.Text;
using Npgsql;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Server.Hosting.Cluster;

/// <summary>
/// Makes every node of a PostgreSQL cluster use the same master key and operator key (DESIGN §8): the first node
/// records a check value in <c>quantaseal_cluster_keys</c> (deploy/sql/0011), every other node compares before it
/// serves. A missing key file is generated only where <c>mayGenerate</c> is true (the single-node role) and only if
/// this node wins the insert of the check value; otherwise the node refuses to start rather than split the cluster.
/// </summary>
internal static class ClusterKeyCheck
{
    /// <summary>Key names in the table.</summary>
    public const string Master = "master";

    /// <summary>The operator API key.</summary>
    public const string Operator = "operator";

    /// <summary>
    /// The outcome of <see cref="EnsureAsync"/>: the key's value when this node may serve with it (and whether it was
    /// generated here), or <see cref="Problem"/>: what is wrong and how to fix it.
    /// </summary>
    public sealed record Result(string? Value, bool Created, string? Problem);

    /// <summary>The operator key's check value (domain-separated, 64 bits).</summary>
    public static string OperatorCheckValue(string operatorKey)
    {
        ArgumentNullException.ThrowIfNull(operatorKey);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes("QuantaSeal/v1/operator-key-check" + operatorKey));
        return "op:" + Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    /// <summary>
    /// Reads the key (from <paramref name="existingValue"/> when the key does not come from <paramref name="file"/>,
    /// e.g. an environment variable), checks it against the recorded value or records it, and generates a missing key
    /// file only when allowed and only after winning the record.
    /// </summary>
    public static async Task<Result> EnsureAsync(
        string connectionString,
        string serviceId,
        string keyName,
        string file,
        string? existingValue,
        Func<string> generate,
        Func<string, string> checkValue,
        bool mayGenerate,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(checkValue);
        var path = Path.GetFullPath(file);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('quantaseal_cluster_keys') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return new Result(null, false,
                    "The database has no quantaseal_cluster_keys table yet: start a silo first (it applies the schema), or run 'QuantaSeal.Server migrate'.");
            }
        }

        var value = existingValue ?? (File.Exists(path) ? (await File.ReadAllTextAsync(path, cancellationToken)).Trim() : null);
        var recorded = await ReadAsync(connection, serviceId, keyName, cancellationToken);
        if (value is not null)
        {
            if (value.Length == 0)
            {
                return new Result(null, false, $"The {keyName} key file '{path}' is empty.");
            }

            var mine = checkValue(value);
            recorded ??= await RecordAsync(connection, serviceId, keyName, mine, cancellationToken) ? mine : await ReadAsync(connection, serviceId, keyName, cancellationToken);
            return string.Equals(recorded, mine, StringComparison.Ordinal)
                ? new Result(value, false, null)
                : new Result(null, false,
                    $"This node's {keyName} key ({mine}) is not the cluster's ({recorded}, recorded by the first node in quantaseal_cluster_keys). "
                    + $"Copy the {keyName} key file of the other nodes to '{path}'.");
        }

        if (recorded is not null)
        {
            return new Result(null, false,
                $"The {keyName} key file '{path}' does not exist, but this cluster already has a {keyName} key ({recorded}). Copy it from another node; a new key would split the cluster.");
        }

        if (!mayGenerate)
        {
            return new Result(null, false,
                $"The {keyName} key file '{path}' does not exist. Only the single-node role (--role all) generates keys; for a cluster, create the key once and give every node the same file.");
        }

        // Write first, then claim: a crash in between leaves a file that the next start records; losing the claim
        // removes the file again, so a node that lost never serves with (or keeps) a key of its own.
        var created = generate();
        SecretFile.CreateText(path, created);
        if (await RecordAsync(connection, serviceId, keyName, checkValue(created), cancellationToken))
        {
            return new Result(created, true, null);
        }

        File.Delete(path);
        return new Result(null, false,
            $"Another node recorded the cluster's {keyName} key first while this one was generating its own. Copy that node's {keyName} key file to '{path}'.");
    }

    private static async Task<string?> ReadAsync(NpgsqlConnection connection, string serviceId, string keyName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT check_value FROM quantaseal_cluster_keys WHERE service_id = $1 AND key_name = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyName });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<bool> RecordAsync(NpgsqlConnection connection, string serviceId, string keyName, string checkValue, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO quantaseal_cluster_keys (service_id, key_name, check_value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkValue });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
