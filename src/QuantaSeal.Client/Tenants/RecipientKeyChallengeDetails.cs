namespace QuantaSeal.Client.Tenants;

/// <summary>The server's proof-of-possession challenge for a recipient key registration.</summary>
/// <param name="ChallengeId">Id to send back with the proof.</param>
/// <param name="CiphertextKem">ML-KEM-768 ciphertext (1088 bytes) to the key being registered.</param>
/// <param name="ExpiresAt">When the challenge stops being accepted.</param>
public sealed record RecipientKeyChallengeDetails(string ChallengeId, byte[] CiphertextKem, DateTimeOffset ExpiresAt);
