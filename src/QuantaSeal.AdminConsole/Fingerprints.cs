using System.Security.Cryptography;

namespace QuantaSeal.AdminConsole;

/// <summary>Display fingerprints of public keys: SHA-256, lower-case hex, in groups of four.</summary>
internal static class Fingerprints
{
    public static string Of(byte[]? publicKey)
    {
        if (publicKey is null || publicKey.Length == 0)
        {
            return "-";
        }

        var hex = Convert.ToHexStringLower(SHA256.HashData(publicKey));
        return string.Join(' ', Enumerable.Range(0, hex.Length / 4).Select(i => hex.Substring(i * 4, 4)));
    }
}
