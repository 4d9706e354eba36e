using Orleans.Concurrency;
using QuantaSeal.Abstractions.Proxy;

namespace QuantaSeal.Abstractions.Integrations;

/// <summary>
/// One integration (key = <c>int_...</c>): configuration, default-deny operation policy and the upstream token
/// cache (single-flight acquisition, proactive refresh, one retry after an upstream 401). Configuration changes never
/// interleave with each other; the proxy and read methods are <c>[AlwaysInterleave]</c>, so concurrent proxy calls
/// never queue behind each other's network waits. The grain records its own audit events: a proxied write records
/// its intent (<c>attempted</c>) before the upstream call and its outcome, linked by <c>attempt_event_id</c>, after it;
/// create, update and delete record theirs the same way around the state change; a connection check records one
/// event; a refusal is one <c>denied</c> event whose id the thrown exception carries.
/// </summary>
[Alias("qs.IIntegrationGrain")]
public interface IIntegrationGrain : IGrainWithStringKey
{
    /// <summary>Creates the integration.</summary>
    [Alias("Create")]
    Task<IntegrationInfo> CreateAsync(CreateIntegrationCommand command, CancellationToken cancellationToken = default);

    /// <summary>The integration, or null when it does not exist.</summary>
    [Alias("Get")]
    [AlwaysInterleave]
    Task<IntegrationInfo?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes name, allowed operations or credential.</summary>
    [Alias("Update")]
    Task<IntegrationInfo> UpdateAsync(UpdateIntegrationCommand command, CancellationToken cancellationToken = default);

    /// <summary>Deletes the integration and drops its token.</summary>
    /// <exception cref="Tenants.TenantAccessDeniedException">No such integration (deleted before, or never created; recorded as denied).</exception>
    [Alias("Delete")]
    Task<IntegrationInfo> DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs one proxied operation and returns the sealed answer.</summary>
    [Alias("Proxy")]
    [AlwaysInterleave]
    Task<ProxyResult> ProxyAsync(ProxyCommand command, CancellationToken cancellationToken = default);

    /// <summary>Acquires a token (fresh) and reports the granted scopes.</summary>
    [Alias("CheckConnection")]
    [AlwaysInterleave]
    Task<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether this integration uses <paramref name="credentialId"/>: it exists and names it, or a create or update
    /// that attaches it is still in flight. The credential asks before it is deleted, so an entry left in its
    /// <c>used_by</c> by a failed request cannot block the deletion forever.
    /// </summary>
    [Alias("UsesCredential")]
    [AlwaysInterleave]
    Task<bool> UsesCredentialAsync(string credentialId, CancellationToken cancellationToken = default);

    /// <summary>The credential was rotated: drop the cached credential and token.</summary>
    [Alias("CredentialRotated")]
    [AlwaysInterleave]
    Task CredentialRotatedAsync(int version, CancellationToken cancellationToken = default);
}
