namespace QuantaSeal.Crypto.KeyWrap;

/// <summary>A wrapped (encrypted) private key as stored at rest.</summary>
/// <param name="Provider">The <see cref="IKeyWrapProvider.ProviderName"/> that wrapped it.</param>
/// <param name="KeyRef">Which key-encryption key wrapped it (for the local provider, a master-key fingerprint).</param>
/// <param name="Ciphertext">For the local provider: nonce (12) || AES-256-GCM ciphertext || tag (16).</param>
public sealed record WrappedKey(string Provider, string KeyRef, byte[] Ciphertext);
