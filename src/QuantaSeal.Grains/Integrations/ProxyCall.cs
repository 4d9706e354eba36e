using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Connectors;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// One proxied call and the integration it runs on, as read when the call started (before any await), so every step
/// of the call sees the same configuration even if a change is stored meanwhile.
/// </summary>
/// <param name="Command">What the caller asked for.</param>
/// <param name="TenantId">The integration's tenant (the audit chain the events go to).</param>
/// <param name="IntegrationId">The integration.</param>
/// <param name="SystemType"><c>auth0</c> or <c>okta</c>.</param>
/// <param name="Domain">The stored domain (checked against the outbound host policy on every call).</param>
/// <param name="AllowedOperations">The operation allowlist.</param>
/// <param name="Connector">The connector of <paramref name="SystemType"/>.</param>
/// <param name="Tokens">The integration's token cache.</param>
/// <param name="Started">When the call started (<see cref="TimeProvider.GetTimestamp"/>), for <c>latency_ms</c>.</param>
internal sealed record ProxyCall(
    ProxyCommand Command,
    string TenantId,
    string IntegrationId,
    string SystemType,
    string Domain,
    IReadOnlyList<string> AllowedOperations,
    IUpstreamConnector Connector,
    TokenCache Tokens,
    long Started);
