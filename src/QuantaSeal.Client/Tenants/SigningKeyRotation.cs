namespace QuantaSeal.Client.Tenants;

/// <summary>Result of a signing key rotation.</summary>
/// <param name="SigningKey">The new current key.</param>
/// <param name="RetiredKey">The key it replaced (still listed, still verifies older envelopes).</param>
/// <param name="HmacKey">The new HMAC key when one was requested (shown once), else null.</param>
public sealed record SigningKeyRotation(SigningKey SigningKey, SigningKey RetiredKey, byte[]? HmacKey)
{
    /// <inheritdoc/>
    public override string ToString() => $"SigningKeyRotation {{ SigningKey = {SigningKey.KeyId}, RetiredKey = {RetiredKey.KeyId} }}";
}
