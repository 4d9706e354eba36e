namespace QuantaSeal.Client.Integrations;

/// <summary>An integration.</summary>
/// <param name="IntegrationId">Id (<c>int_...</c>).</param>
/// <param name="SystemType"><c>auth0</c> or <c>okta</c>.</param>
/// <param name="Name">Name.</param>
/// <param name="Domain">Upstream domain.</param>
/// <param name="CredentialId">The sealed credential it uses.</param>
/// <param name="AllowedOperations">The operation allowlist (default deny).</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record IntegrationDetails(string IntegrationId, string SystemType, string Name, string Domain, string CredentialId, IReadOnlyList<string> AllowedOperations, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
