namespace QuantaSeal.Abstractions.Integrations;

/// <summary>Creates an integration.</summary>
[GenerateSerializer, Immutable, Alias("qs.CreateIntegrationCommand")]
public sealed record CreateIntegrationCommand(
    [property: Id(0)] string SystemType,
    [property: Id(1)] string Name,
    [property: Id(2)] string Domain,
    [property: Id(3)] string CredentialId,
    [property: Id(4)] IReadOnlyList<string> AllowedOperations);

/// <summary>Changes an integration; null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("qs.UpdateIntegrationCommand")]
public sealed record UpdateIntegrationCommand(
    [property: Id(0)] string? Name,
    [property: Id(1)] IReadOnlyList<string>? AllowedOperations,
    [property: Id(2)] string? CredentialId);

/// <summary>An integration's configuration.</summary>
[GenerateSerializer, Immutable, Alias("qs.IntegrationInfo")]
public sealed record IntegrationInfo(
    [property: Id(0)] string IntegrationId,
    [property: Id(1)] string SystemType,
    [property: Id(2)] string Name,
    [property: Id(3)] string Domain,
    [property: Id(4)] string CredentialId,
    [property: Id(5)] IReadOnlyList<string> AllowedOperations,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt);

/// <summary>The result of a connection check.</summary>
[GenerateSerializer, Immutable, Alias("qs.ConnectionCheck")]
public sealed record ConnectionCheck(
    [property: Id(0)] bool Ok,
    [property: Id(1)] IReadOnlyList<string> GrantedScopes,
    [property: Id(2)] DateTimeOffset? TokenExpiresAt,
    [property: Id(3)] string? ErrorType,
    [property: Id(4)] string? ErrorMessage,
    [property: Id(5)] IReadOnlyList<string> MissingScopes);
