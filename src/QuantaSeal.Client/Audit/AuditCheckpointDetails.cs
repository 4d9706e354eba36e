using QuantaSeal.Client.Tenants;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Audit;

/// <summary>A signed checkpoint of the tenant's audit chain.</summary>
/// <param name="TenantId">Tenant.</param>
/// <param name="Seq">The last seq it covers.</param>
/// <param name="Hash">The chain hash at <paramref name="Seq"/> (lower-case hex).</param>
/// <param name="Timestamp">When it was made.</param>
/// <param name="KeyId">The tenant signing key (<c>sk_...</c>) that signed it; see <see cref="QuantaSealClient.GetKeysAsync"/>.</param>
/// <param name="Signature">ML-DSA-65 signature (context <c>QuantaSeal/v1/audit-checkpoint</c>); standard base64 on the wire.</param>
public sealed record AuditCheckpointDetails(string TenantId, long Seq, string Hash, DateTimeOffset Timestamp, string KeyId, byte[] Signature)
{
    /// <summary>The checkpoint for <see cref="AuditChainWalker"/> and <see cref="AuditInclusionProof"/>.</summary>
    public AuditCheckpoint ToCheckpoint() => new(TenantId, Seq, Hash, Timestamp, KeyId, Signature);

    /// <summary>Whether the signature verifies with the tenant's key named by <see cref="KeyId"/> (false for an unknown key id).</summary>
    /// <param name="signingPublicKeys">The tenant's signing public keys by key id (<see cref="TenantKeys.SigningPublicKeysById"/>).</param>
    public bool VerifySignature(IReadOnlyDictionary<string, byte[]> signingPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(signingPublicKeys);
        return signingPublicKeys.TryGetValue(KeyId, out var key)
            && AuditCheckpointSigning.Verify(key, TenantId, Seq, Hash, Timestamp, Signature ?? []);
    }
}
