using System.Globalization;
using System.Text;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// Signed checkpoints: <c>{"tenant_id":…,"seq":…,"hash":"&lt;hex&gt;","timestamp":…}</c> in that order (canonical rules
/// of <see cref="AuditCanonicalJson"/>), signed with the tenant's ML-DSA-65 key and the context
/// <c>QuantaSeal/v1/audit-checkpoint</c>.
/// </summary>
public static class AuditCheckpointSigning
{
    /// <summary>The ML-DSA context string.</summary>
    public const string Context = "QuantaSeal/v1/audit-checkpoint";

    /// <summary>The bytes a checkpoint signature covers.</summary>
    public static byte[] SignedBytes(string tenantId, long seq, string hashHex, DateTimeOffset timestamp)
    {
        var sb = new StringBuilder(160);
        sb.Append("{\"tenant_id\":");
        AuditCanonicalJson.AppendString(sb, tenantId);
        sb.Append(",\"seq\":").Append(seq.ToString(CultureInfo.InvariantCulture));
        sb.Append(",\"hash\":");
        AuditCanonicalJson.AppendString(sb, hashHex);
        sb.Append(",\"timestamp\":");
        AuditCanonicalJson.AppendString(sb, AuditCanonicalJson.FormatTimestamp(timestamp));
        sb.Append('}');
        return System.Text.Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Signs a checkpoint.</summary>
    public static byte[] Sign(MlDsa65KeyPair signingKey, string tenantId, long seq, string hashHex, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        return signingKey.Sign(SignedBytes(tenantId, seq, hashHex, timestamp), Context);
    }

    /// <summary>Verifies a checkpoint signature (never throws on malformed input).</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, string tenantId, long seq, string hashHex, DateTimeOffset timestamp, ReadOnlySpan<byte> signature) =>
        MlDsa65KeyPair.Verify(publicKey, SignedBytes(tenantId, seq, hashHex, timestamp), Context, signature);
}
