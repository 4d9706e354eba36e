using Orleans.Concurrency;

namespace QuantaSeal.Abstractions.Tenants;

/// <summary>
/// The authoritative record of one API key, keyed by its id (<c>ak_...</c>, embedded in the key itself), so the
/// front door authenticates without knowing the tenant first. Holds only a SHA-256 hash of the key.
/// </summary>
[Alias("qs.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Registers the key (called by its tenant grain).</summary>
    [Alias("Register")]
    Task RegisterAsync(ApiKeyRegistration registration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compares <paramref name="presentedKeyHash"/> with the stored hash in constant time; returns the principal,
    /// or <see langword="null"/> for an unknown, revoked or wrong key (indistinguishable to the caller).
    /// </summary>
    [Alias("Authenticate")]
    [ReadOnly]
    Task<ApiKeyPrincipal?> AuthenticateAsync(byte[] presentedKeyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a key with this id was ever registered (revoked keys included). The front door asks only after a failed
    /// authentication, to remember ids that do not exist at all so a repeated one never reaches a grain again.
    /// </summary>
    [Alias("Exists")]
    [ReadOnly]
    Task<bool> ExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the key (called by its tenant grain).</summary>
    [Alias("Revoke")]
    Task RevokeAsync(CancellationToken cancellationToken = default);
}

/// <summary>Registration of an API key hash.</summary>
[GenerateSerializer, Immutable, Alias("qs.ApiKeyRegistration")]
public sealed record ApiKeyRegistration(
    [property: Id(0)] string TenantId,
    [property: Id(1)] byte[] KeyHash,
    [property: Id(2)] IReadOnlyList<string> Scopes);
