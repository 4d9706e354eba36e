using System.Security.Cryptography;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Grains.Vault;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// The grain as its <see cref="TokenCache"/>'s <see cref="ITokenSource"/>: the credential from the credential grain,
/// opened with the tenant's vault key; a token from the connector for the current allowlist; a grain timer.
/// </summary>
internal sealed partial class IntegrationGrain
{
    async Task<VersionedCredential> ITokenSource.FetchCredentialAsync(CancellationToken cancellationToken)
    {
        var tenantId = S.TenantId!;
        var credentialId = S.CredentialId;
        var sealedCredential = await GrainFactory.GetGrain<ICredentialGrain>(credentialId).GetSealedAsync(cancellationToken);
        var plaintext = await CredentialSealing.UnsealAsync(GrainFactory, keyWrap, tenantId, credentialId, sealedCredential, cancellationToken);
        try
        {
            return new VersionedCredential(CredentialTypes.ToUpstream(sealedCredential.CredentialType, plaintext), sealedCredential.Version);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <remarks>
    /// The allowlist is read when the request is made (Okta derives the token's scopes from it); an update that changes
    /// it invalidates the cache, so a token acquired for the old list is never cached.
    /// </remarks>
    Task<UpstreamToken> ITokenSource.AcquireTokenAsync(UpstreamCredential credential, CancellationToken cancellationToken) =>
        hostPolicy.TryCreateTarget(S.SystemType, S.Domain, out var target, out _)
            ? Connector().AcquireTokenAsync(target!, credential, S.AllowedOperations, cancellationToken)
            : throw new UpstreamCallException(UpstreamOutcome.Unreachable, 0, null, ProxyPipeline.HostNotAllowedMessage);

    /// <remarks>A grain timer: its callback interleaves with the grain's calls and does not keep the integration active.</remarks>
    IDisposable ITokenSource.ScheduleRefresh(TimeSpan dueIn, Func<Task> refresh) =>
        this.RegisterGrainTimer(
            static (refresh, _) => refresh(),
            refresh,
            new GrainTimerCreationOptions { DueTime = dueIn, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = false });
}
