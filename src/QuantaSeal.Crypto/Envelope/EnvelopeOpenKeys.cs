using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>What a client needs to open its envelopes.</summary>
/// <param name="SigningPublicKeys">The tenant's pinned ML-DSA-65 public keys (1952 bytes each) by <c>key_id</c>; matched ordinally.</param>
/// <param name="HmacKey">The tenant's 64-byte HMAC-SHA-512 key.</param>
/// <param name="RecipientKey">The client's ML-KEM-768 decapsulation key.</param>
/// <param name="ExpectedTenantId">When set, envelopes for any other tenant are rejected.</param>
public sealed record EnvelopeOpenKeys(
    IReadOnlyDictionary<string, byte[]> SigningPublicKeys,
    byte[] HmacKey,
    MlKem768KeyPair RecipientKey,
    string? ExpectedTenantId = null);
