namespace QuantaSeal.Crypto.Vault;

/// <summary>A credential sealed to a tenant's vault key (DESIGN §5). Safe to store; useless without the vault private key.</summary>
/// <param name="CiphertextKem">The 1088-byte ML-KEM-768 ciphertext.</param>
/// <param name="Nonce">The 12-byte AES-GCM nonce.</param>
/// <param name="CiphertextData">AES-256-GCM ciphertext followed by its 16-byte tag.</param>
public sealed record SealedSecret(byte[] CiphertextKem, byte[] Nonce, byte[] CiphertextData);
