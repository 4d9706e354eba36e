using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Grains.Tests.Tenants;

/// <summary>Registers a recipient key the way a client does: challenge, decapsulate, prove (RecipientKeyProof).</summary>
internal static class RecipientKeyRegistrations
{
    public static async Task<RecipientKeyInfo> RegisterWithProofAsync(this ITenantGrain grain, MlKem768KeyPair key, string? label, CancellationToken cancellationToken)
    {
        var publicKey = key.PublicKey;
        var challenge = await grain.CreateRecipientKeyChallengeAsync(publicKey, cancellationToken);
        var secret = key.Decapsulate(challenge.CiphertextKem);
        var proof = RecipientKeyProof.Compute(secret, grain.GetPrimaryKeyString(), challenge.ChallengeId, publicKey);
        return await grain.RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(publicKey, label, challenge.ChallengeId, proof), cancellationToken);
    }
}
