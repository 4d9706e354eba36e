using System.Security.Cryptography;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The request hash a v2 envelope signs as <c>request_sha256</c> and the audit event records, computed exactly as the
/// server computes it, so a client can compare it with the hash of the request it sent (docs/envelope-v2.md).
/// </summary>
public static class EnvelopeRequestHash
{
    /// <summary>
    /// The value signed for a call whose audit event records no request hash: an envelope sealed by a service that
    /// embeds the grains and passes none. Every call through the front door is bound to its request.
    /// </summary>
    public const string None = "";

    /// <summary>
    /// <c>POST /api/v2/proxy/outbound</c>: lowercase hex <c>SHA-256(UTF8(integration_id "\n" operation "\n" payload))</c>,
    /// where <c>payload</c> is the JSON text of the request's <c>payload</c> member exactly as it was sent (the bytes
    /// between its first and last character, no re-serialisation), and the empty string when the member is absent or
    /// JSON <c>null</c>.
    /// </summary>
    /// <param name="integrationId">The <c>integration_id</c> sent.</param>
    /// <param name="operation">The <c>operation</c> sent.</param>
    /// <param name="payloadJson">The <c>payload</c> member's JSON text as sent, or null.</param>
    public static string ForProxy(string integrationId, string operation, string? payloadJson)
    {
        ArgumentNullException.ThrowIfNull(integrationId);
        ArgumentNullException.ThrowIfNull(operation);
        return Hash($"{integrationId}\n{operation}\n{payloadJson}");
    }

    /// <summary>
    /// <c>POST /api/v2/tenant/envelopes/echo</c>: lowercase hex <c>SHA-256(UTF8("envelope.echo" "\n" payload))</c>, where
    /// <c>payload</c> is the JSON text of the request's <c>payload</c> member exactly as it was sent (as for
    /// <see cref="ForProxy"/>). The label keeps an echo's hash apart from a proxy call's, whose first line is an
    /// <c>int_</c> id.
    /// </summary>
    /// <param name="payloadJson">The <c>payload</c> member's JSON text as sent.</param>
    public static string ForEcho(string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        return Hash($"envelope.echo\n{payloadJson}");
    }

    /// <summary>
    /// <c>POST /api/v2/vault/credentials/{credential_id}/unseal</c>: lowercase hex
    /// <c>SHA-256(UTF8("vault.unseal" "\n" credential_id))</c>, so an unsealed answer names the credential it holds.
    /// </summary>
    /// <param name="credentialId">The credential id in the path.</param>
    public static string ForUnseal(string credentialId)
    {
        ArgumentNullException.ThrowIfNull(credentialId);
        return Hash($"vault.unseal\n{credentialId}");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Longest accepted <c>request_sha256</c>, in characters (the audit event's field limit).</summary>
    public const int MaxLength = 512;

    /// <summary>
    /// Whether <paramref name="value"/> has the form a v2 <c>request_sha256</c> may have: empty, or at most
    /// <see cref="MaxLength"/> printable ASCII characters (U+0021..U+007E). The front door always writes 64 lowercase hex
    /// digits; a service that embeds the grains records (and so has signed) whatever hash it passes.
    /// </summary>
    public static bool IsWellFormed(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="value"/> is a SHA-256 as the front door writes it: 64 lowercase hex digits.</summary>
    public static bool IsSha256Hex(string? value)
    {
        if (value is not { Length: 64 })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
