namespace QuantaSeal.Abstractions.Envelopes;

/// <summary>A sealed envelope in its wire form (the JSON of DESIGN §4).</summary>
/// <param name="Json">The envelope JSON.</param>
/// <param name="RecipientKeyId">The recipient key it was sealed to.</param>
/// <param name="SigningKeyId">The signing key id.</param>
[GenerateSerializer, Immutable, Alias("qs.SealedEnvelope")]
public sealed record SealedEnvelope(
    [property: Id(0)] string Json,
    [property: Id(1)] string RecipientKeyId,
    [property: Id(2)] string SigningKeyId);
