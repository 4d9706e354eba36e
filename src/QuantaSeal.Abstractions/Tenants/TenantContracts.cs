namespace QuantaSeal.Abstractions.Tenants;

/// <summary>Operator command that creates a tenant.</summary>
/// <param name="Name">Display name of the tenant.</param>
/// <param name="ApiKeyEnvironment"><c>live</c> or <c>test</c>: the prefix of the first admin key.</param>
[GenerateSerializer, Immutable, Alias("qs.CreateTenantCommand")]
public sealed record CreateTenantCommand(
    [property: Id(0)] string Name,
    [property: Id(1)] string ApiKeyEnvironment);

/// <summary>Result of tenant creation; carries the first admin API key and the HMAC key exactly once.</summary>
[GenerateSerializer, Immutable, Alias("qs.TenantCreated")]
public sealed record TenantCreated(
    [property: Id(0)] TenantInfo Tenant,
    [property: Id(1)] ApiKeyCreated AdminKey,
    [property: Id(2)] byte[] HmacKey,
    [property: Id(3)] SigningKeyInfo SigningKey);

/// <summary>Public description of a tenant.</summary>
[GenerateSerializer, Immutable, Alias("qs.TenantInfo")]
public sealed record TenantInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string CurrentSigningKeyId,
    [property: Id(4)] int KeyVersion);

/// <summary>An ML-DSA-65 signing public key.</summary>
[GenerateSerializer, Immutable, Alias("qs.SigningKeyInfo")]
public sealed record SigningKeyInfo(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Algorithm,
    [property: Id(2)] byte[] PublicKey,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? RetiredAt);

/// <summary>A registered client ML-KEM-768 public key.</summary>
[GenerateSerializer, Immutable, Alias("qs.RecipientKeyInfo")]
public sealed record RecipientKeyInfo(
    [property: Id(0)] string RecipientKeyId,
    [property: Id(1)] string Algorithm,
    [property: Id(2)] byte[] PublicKey,
    [property: Id(3)] string? Label,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] bool IsDefault = false);

/// <summary>The tenant's published public keys.</summary>
[GenerateSerializer, Immutable, Alias("qs.TenantPublicKeys")]
public sealed record TenantPublicKeys(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string CurrentSigningKeyId,
    [property: Id(2)] IReadOnlyList<SigningKeyInfo> SigningKeys,
    [property: Id(3)] IReadOnlyList<RecipientKeyInfo> RecipientKeys);

/// <summary>Registers a client recipient key, with the proof of possession for a challenge.</summary>
/// <param name="PublicKey">The ML-KEM-768 encapsulation key (1184 bytes).</param>
/// <param name="Label">Optional label.</param>
/// <param name="ChallengeId">The challenge the proof answers.</param>
/// <param name="Proof">HMAC-SHA-256 under the decapsulated challenge secret (see <c>RecipientKeyProof</c>).</param>
[GenerateSerializer, Immutable, Alias("qs.RegisterRecipientKeyCommand")]
public sealed record RegisterRecipientKeyCommand(
    [property: Id(0)] byte[] PublicKey,
    [property: Id(1)] string? Label,
    [property: Id(2)] string? ChallengeId = null,
    [property: Id(3)] byte[]? Proof = null);

/// <summary>A proof-of-possession challenge for a recipient key registration.</summary>
/// <param name="ChallengeId">Id to send back with the proof.</param>
/// <param name="CiphertextKem">ML-KEM-768 ciphertext (1088 bytes) to the key being registered.</param>
/// <param name="ExpiresAt">When the challenge stops being accepted.</param>
[GenerateSerializer, Immutable, Alias("qs.RecipientKeyChallenge")]
public sealed record RecipientKeyChallenge(
    [property: Id(0)] string ChallengeId,
    [property: Id(1)] byte[] CiphertextKem,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>Rotates the signing key, and the HMAC key when <paramref name="RotateHmacKey"/> is set.</summary>
[GenerateSerializer, Immutable, Alias("qs.RotateSigningKeyCommand")]
public sealed record RotateSigningKeyCommand(
    [property: Id(0)] bool RotateHmacKey);

/// <summary>Result of a rotation: the new signing key, the retired one, and a new HMAC key when one was made (shown once).</summary>
[GenerateSerializer, Immutable, Alias("qs.SigningKeyRotated")]
public sealed record SigningKeyRotated(
    [property: Id(0)] SigningKeyInfo NewKey,
    [property: Id(1)] SigningKeyInfo RetiredKey,
    [property: Id(2)] byte[]? NewHmacKey);

/// <summary>
/// Wrapped (KEK-encrypted) key material a sealer worker needs. Never contains plaintext keys.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.SealingMaterial")]
public sealed record SealingMaterial(
    [property: Id(0)] string TenantId,
    [property: Id(1)] int KeyVersion,
    [property: Id(2)] string SigningKeyId,
    [property: Id(3)] WrappedKeyData WrappedSigningSeed,
    [property: Id(4)] WrappedKeyData WrappedHmacKey,
    [property: Id(5)] IReadOnlyList<RecipientKeyInfo> RecipientKeys,
    [property: Id(6)] string? DefaultRecipientKeyId = null)
{
    /// <summary>
    /// The named active recipient key, or the tenant's explicit default when none is named (never "the newest": a key
    /// registered later must not take over the calls that name no key); <see langword="null"/> when there is none.
    /// </summary>
    public RecipientKeyInfo? FindRecipient(string? recipientKeyId)
    {
        var id = recipientKeyId ?? DefaultRecipientKeyId;
        return id is null ? null : RecipientKeys.FirstOrDefault(k => string.Equals(k.RecipientKeyId, id, StringComparison.Ordinal));
    }
}

/// <summary>A key wrapped by the key-wrap provider (KMS or local master key).</summary>
[GenerateSerializer, Immutable, Alias("qs.WrappedKeyData")]
public sealed record WrappedKeyData(
    [property: Id(0)] string Provider,
    [property: Id(1)] string KeyRef,
    [property: Id(2)] byte[] Ciphertext,
    [property: Id(3)] string Purpose);
