namespace QuantaSeal.Samples.EmbeddedHost.Users;

/// <summary>What one proxied listing returned.</summary>
/// <param name="Success">Whether the upstream call succeeded.</param>
/// <param name="AuditEventId">The event QuantaSeal recorded for the call in the tenant's chain.</param>
/// <param name="EnvelopeJson">The sealed answer (a HybridCryptoEnvelope), or null when QuantaSeal refused the call.</param>
/// <param name="ErrorType">Why the call failed or was refused, when it did.</param>
/// <param name="Calls">How many listings this grain has made so far (kept in the host's own state).</param>
[GenerateSerializer, Immutable, Alias("sample.UserListing")]
public sealed record UserListing(
    [property: Id(0)] bool Success,
    [property: Id(1)] string AuditEventId,
    [property: Id(2)] string? EnvelopeJson,
    [property: Id(3)] string? ErrorType,
    [property: Id(4)] int Calls);
