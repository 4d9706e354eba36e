using System.CommandLine;
using System.Text.Json;
using QuantaSeal.Client;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Cli.Audit;

/// <summary>
/// The tenant signing keys the audit commands check checkpoint signatures with, and how each gets its key id:
/// <list type="bullet">
/// <item><c>--tenant-keys KEYS.json</c>: the saved answer of <c>GET /api/v2/tenant/keys</c>; key ids exactly as published there.</item>
/// <item><c>--signing-key PUB.b64 --key-id sk_...</c> (repeated, in the same order): explicit pairs.</item>
/// <item><c>--signing-key PUB.b64</c> (repeated) without <c>--key-id</c>: each key id a checkpoint names is given the first
/// of these keys that verifies a checkpoint naming it (or the first key, when none does, so the checkpoint fails as badly
/// signed). Every key given is trusted as the tenant's, so this only saves typing key ids; the key id is a label the
/// signature does not cover.</item>
/// </list>
/// </summary>
internal sealed class AuditKeyOptions
{
    /// <summary>The answer of GET /api/v2/tenant/keys is a few KB per key; this is generous.</summary>
    private const int MaxTenantKeysBytes = 1024 * 1024;

    private readonly Option<string[]> _signingKeys = new("--signing-key")
    {
        Description = "File with a tenant ML-DSA-65 public key (standard base64 of 1952 bytes). Repeat for rotated (retired) keys.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> _keyIds = new("--key-id")
    {
        Description = "The key id (sk_..., as GET /api/v2/tenant/keys reports it) of each --signing-key, in the same order. Default: matched by signature.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _tenantKeys = new("--tenant-keys")
    {
        Description = "The saved JSON answer of GET /api/v2/tenant/keys: every signing key of the tenant with its key id.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_signingKeys);
        command.Options.Add(_keyIds);
        command.Options.Add(_tenantKeys);
    }

    public (string[] SigningKeyPaths, string[] KeyIds, string? TenantKeysPath) Values(ParseResult parseResult) =>
        (parseResult.GetValue(_signingKeys) ?? [], parseResult.GetValue(_keyIds) ?? [], parseResult.GetValue(_tenantKeys));

    /// <summary>Reads the key files and assigns key ids (see the type remarks).</summary>
    public static async Task<Dictionary<string, byte[]>> ResolveAsync(
        CliConsole console,
        (string[] SigningKeyPaths, string[] KeyIds, string? TenantKeysPath) values,
        IReadOnlyCollection<AuditCheckpoint> checkpoints,
        CancellationToken cancellationToken)
    {
        var (signingKeyPaths, keyIds, tenantKeysPath) = values;
        if (signingKeyPaths.Length == 0 && tenantKeysPath is null)
        {
            throw new CliException("give the tenant's signing public key(s): --signing-key PUB.b64 (repeatable) or --tenant-keys KEYS.json.");
        }

        if (keyIds.Length > 0 && keyIds.Length != signingKeyPaths.Length)
        {
            throw new CliException("give one --key-id per --signing-key, in the same order.");
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (tenantKeysPath is not null)
        {
            foreach (var (id, key) in await ReadTenantKeysAsync(console, tenantKeysPath, cancellationToken).ConfigureAwait(false))
            {
                keys[id] = key;
            }
        }

        var unnamed = new List<byte[]>();
        for (var i = 0; i < signingKeyPaths.Length; i++)
        {
            var key = await CliFiles.ReadBase64KeyAsync(signingKeyPaths[i], console, "signing key", [PqcSizes.MlDsa65PublicKey], cancellationToken).ConfigureAwait(false);
            if (keyIds.Length > 0)
            {
                keys[keyIds[i]] = key;
            }
            else
            {
                unnamed.Add(key);
            }
        }

        if (unnamed.Count > 0)
        {
            foreach (var group in checkpoints.GroupBy(c => c.KeyId, StringComparer.Ordinal).Where(g => !keys.ContainsKey(g.Key)))
            {
                var match = group
                    .SelectMany(c => unnamed.Where(key => AuditCheckpointSigning.Verify(key, c.TenantId, c.Seq, c.Hash, c.Timestamp, c.Signature)))
                    .FirstOrDefault();

                // No key verifies: still name one, so the failure reads "bad signature", not "unknown key id".
                keys[group.Key] = match ?? unnamed[0];
            }
        }

        return keys;
    }

    private static async Task<IEnumerable<(string KeyId, byte[] PublicKey)>> ReadTenantKeysAsync(CliConsole console, string path, CancellationToken cancellationToken)
    {
        var text = await CliFiles.ReadTextAsync(path, console, "tenant keys", cancellationToken).ConfigureAwait(false);
        if (text.Length > MaxTenantKeysBytes)
        {
            throw new CliException($"tenant keys '{CliFiles.Display(path)}' is larger than {MaxTenantKeysBytes} bytes.");
        }

        TenantKeys? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<TenantKeys>(text, QuantaSealClient.JsonOptions);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        if (parsed?.SigningKeys is not { Count: > 0 } signingKeys)
        {
            throw new CliException($"tenant keys '{CliFiles.Display(path)}' is not the JSON answer of GET /api/v2/tenant/keys (no signing_keys).");
        }

        var result = new List<(string, byte[])>();
        foreach (var key in signingKeys)
        {
            // Fail closed on anything but an ML-DSA-65 key of the right size: an unknown algorithm is never guessed at.
            if (key?.KeyId is not { Length: > 0 } id || !string.Equals(key.Algorithm, "ML-DSA-65", StringComparison.Ordinal) || key.PublicKey?.Length != PqcSizes.MlDsa65PublicKey)
            {
                throw new CliException($"tenant keys '{CliFiles.Display(path)}' has a signing key that is not an ML-DSA-65 public key with a key id.");
            }

            result.Add((id, key.PublicKey));
        }

        return result;
    }
}
