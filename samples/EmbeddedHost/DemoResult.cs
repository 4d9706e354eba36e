using QuantaSeal.Samples.EmbeddedHost.Users;

namespace QuantaSeal.Samples.EmbeddedHost;

/// <summary>What the demo did.</summary>
/// <param name="TenantId">The QuantaSeal tenant it created.</param>
/// <param name="IntegrationId">The tenant's Auth0 integration.</param>
/// <param name="Customer">The key of the host's <see cref="IUserDirectoryGrain"/>.</param>
/// <param name="AuditEventId">The audit event of the proxied call.</param>
/// <param name="UsersJson">The upstream answer, from the opened envelope.</param>
/// <param name="Calls">The host grain's call count after the call.</param>
public sealed record DemoResult(string TenantId, string IntegrationId, string Customer, string AuditEventId, string UsersJson, int Calls);
