namespace QuantaSeal.Abstractions.Tenants;

/// <summary>Creates a scoped API key.</summary>
/// <param name="Name">Human label.</param>
/// <param name="Scopes">Any of <see cref="ApiKeyScopes.All"/>.</param>
/// <param name="Environment"><c>live</c> (<c>qs_live_</c> prefix) or <c>test</c> (<c>qs_test_</c>).</param>
[GenerateSerializer, Immutable, Alias("qs.CreateApiKeyCommand")]
public sealed record CreateApiKeyCommand(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Scopes,
    [property: Id(2)] string Environment);

/// <summary>API key metadata (never the key).</summary>
[GenerateSerializer, Immutable, Alias("qs.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string ApiKeyId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Scopes,
    [property: Id(3)] string Environment,
    [property: Id(4)] string Prefix,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? RevokedAt);

/// <summary>A newly created API key: <paramref name="Key"/> is shown exactly once.</summary>
[GenerateSerializer, Immutable, Alias("qs.ApiKeyCreated")]
public sealed record ApiKeyCreated(
    [property: Id(0)] ApiKeyInfo Info,
    [property: Id(1)] string Key);

/// <summary>The authenticated caller behind an API key.</summary>
[GenerateSerializer, Immutable, Alias("qs.ApiKeyPrincipal")]
public sealed record ApiKeyPrincipal(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ApiKeyId,
    [property: Id(2)] IReadOnlyList<string> Scopes);

/// <summary>The API key scopes.</summary>
public static class ApiKeyScopes
{
    /// <summary>Tenant administration (keys, API keys, vault, integrations); implies every other scope.</summary>
    public const string Admin = "admin";

    /// <summary>Proxy calls.</summary>
    public const string Proxy = "proxy";

    /// <summary>Reading the audit chain.</summary>
    public const string AuditRead = "audit:read";

    /// <summary>Every known scope.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Proxy, AuditRead];

    /// <summary>Whether <paramref name="granted"/> allows <paramref name="required"/> (admin allows everything).</summary>
    public static bool Allows(IReadOnlyList<string> granted, string required)
    {
        ArgumentNullException.ThrowIfNull(granted);
        foreach (var scope in granted)
        {
            if (string.Equals(scope, required, StringComparison.Ordinal) || string.Equals(scope, Admin, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
