using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Credentials;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// What a <see cref="TokenCache"/> needs from its owner (the integration grain): the credential, a token for it, and a
/// timer for the proactive refresh. The grain implements it with the credential and tenant grains, the connector and a
/// grain timer; tests implement it with gated fakes and a fake clock.
/// </summary>
internal interface ITokenSource
{
    /// <summary>Reads and opens the integration's current credential (the credential and tenant grains).</summary>
    Task<VersionedCredential> FetchCredentialAsync(CancellationToken cancellationToken);

    /// <summary>Asks the upstream for a token with <paramref name="credential"/>, for the integration's current allowlist.</summary>
    Task<UpstreamToken> AcquireTokenAsync(UpstreamCredential credential, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="refresh"/> once, <paramref name="dueIn"/> from now, interleaved with the owner's other work
    /// and without keeping it alive. Disposing the returned handle cancels it.
    /// </summary>
    IDisposable ScheduleRefresh(TimeSpan dueIn, Func<Task> refresh);
}
