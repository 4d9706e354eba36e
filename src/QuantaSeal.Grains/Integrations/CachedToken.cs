using QuantaSeal.Connectors;

namespace QuantaSeal.Grains.Integrations;

/// <summary>A token in the <see cref="TokenCache"/>: the token, when to refresh it, and the credential version it came from.</summary>
/// <param name="Token">The upstream token.</param>
/// <param name="RefreshAt">When 80 % of its lifetime has passed (<see cref="DateTimeOffset.MaxValue"/> for API tokens).</param>
/// <param name="CredentialVersion">The version of the credential it was acquired with.</param>
internal sealed record CachedToken(UpstreamToken Token, DateTimeOffset RefreshAt, int CredentialVersion);
