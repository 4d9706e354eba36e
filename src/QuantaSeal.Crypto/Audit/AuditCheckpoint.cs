using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// A signed checkpoint of a tenant's chain: <c>{tenant_id, seq, hash, timestamp}</c> signed with ML-DSA-65 by the key
/// named by <c>key_id</c>. The one type for a checkpoint, from the store through the grain contracts and the API's JSON to
/// the SDK, the CLI and the offline verifier.
/// </summary>
/// <remarks>
/// The attributes define the API's JSON form (docs/audit-chain.md): snake_case names in this order, the timestamp in
/// the canonical text form, the signature as standard base64. What is signed is
/// <see cref="AuditCheckpointSigning.SignedBytes"/>, not this JSON.
/// </remarks>
/// <param name="TenantId">Tenant.</param>
/// <param name="Seq">Last seq covered.</param>
/// <param name="Hash">Chain hash at <c>seq</c>, lower-case hex.</param>
/// <param name="Timestamp">When it was made (UTC, millisecond precision in the canonical form).</param>
/// <param name="KeyId">The tenant signing key id (<c>sk_...</c>) that signed it.</param>
/// <param name="Signature">
/// ML-DSA-65 signature (context <c>QuantaSeal/v1/audit-checkpoint</c>) over the canonical
/// <c>{tenant_id, seq, hash, timestamp}</c> (<c>AuditCheckpointSigning.SignedBytes</c>); standard base64 in JSON.
/// </param>
public sealed record AuditCheckpoint(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(AuditTimestampJsonConverter))] DateTimeOffset Timestamp,
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("signature")] byte[] Signature)
{
    /// <summary>Whether the signature verifies with the tenant's key named by <see cref="KeyId"/> (false for an unknown key id).</summary>
    /// <param name="signingPublicKeys">The tenant's signing public keys by key id.</param>
    public bool VerifySignature(IReadOnlyDictionary<string, byte[]> signingPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(signingPublicKeys);
        return signingPublicKeys.TryGetValue(KeyId, out var key)
            && AuditCheckpointSigning.Verify(key, TenantId, Seq, Hash, Timestamp, Signature ?? []);
    }
}
