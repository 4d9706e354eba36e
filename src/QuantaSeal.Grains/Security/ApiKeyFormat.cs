using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace QuantaSeal.Grains.Security;

/// <summary>
/// API key wire format: <c>qs_{live|test}_{ULID}_{secret}</c> where the ULID is the key id (<c>ak_{ULID}</c>) and the
/// secret is 32 random bytes (256 bits) in unpadded base64url (43 characters). The id lets the front door find the
/// key's record without a scan; only SHA-256 of the whole key is stored. A plain hash (not a slow KDF) is right here:
/// the key has 256 bits of entropy, so there is nothing to brute-force.
/// </summary>
public static class ApiKeyFormat
{
    /// <summary>Prefix of production keys.</summary>
    public const string LivePrefix = "qs_live_";

    /// <summary>Prefix of test keys.</summary>
    public const string TestPrefix = "qs_test_";

    /// <summary>Prefix of API key ids.</summary>
    public const string IdPrefix = "ak_";

    private const int UlidLength = 26;
    private const int SecretBytes = 32;
    private const int SecretLength = 43;

    /// <summary>Total length of a well-formed key.</summary>
    public const int KeyLength = 8 + UlidLength + 1 + SecretLength;

    /// <summary>Creates a new key for <paramref name="environment"/> (<c>live</c> or <c>test</c>).</summary>
    public static (string KeyId, string Key) Generate(string environment)
    {
        var prefix = PrefixFor(environment);
        var ulid = Ulid.NewUlid().ToString();
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var key = string.Concat(prefix, ulid, "_", Base64Url.EncodeToString(secret));
        CryptographicOperations.ZeroMemory(secret);
        return (IdPrefix + ulid, key);
    }

    /// <summary>The key prefix for an environment name.</summary>
    public static string PrefixFor(string environment) => environment switch
    {
        "live" => LivePrefix,
        "test" => TestPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(environment), "environment must be 'live' or 'test'."),
    };

    /// <summary>Parses the key id out of a presented key; false when the key is not well formed.</summary>
    public static bool TryGetKeyId(string? presented, out string keyId)
    {
        keyId = string.Empty;
        if (presented is null || presented.Length != KeyLength)
        {
            return false;
        }

        if (!presented.StartsWith(LivePrefix, StringComparison.Ordinal) && !presented.StartsWith(TestPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var ulidPart = presented.AsSpan(8, UlidLength);
        if (presented[8 + UlidLength] != '_' || !Ulid.TryParse(ulidPart, out _))
        {
            return false;
        }

        foreach (var c in presented.AsSpan(8 + UlidLength + 1))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        keyId = string.Concat(IdPrefix, ulidPart);
        return true;
    }

    /// <summary>SHA-256 of the UTF-8 key: the only form in which a key is stored.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
