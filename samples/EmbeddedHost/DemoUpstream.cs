namespace QuantaSeal.Samples.EmbeddedHost;

/// <summary>An Auth0 tenant's management API and the M2M application QuantaSeal calls it with.</summary>
/// <param name="Domain">The Auth0 domain, or a full base URL the upstream allowlist permits (the emulator).</param>
/// <param name="ClientId">The M2M application's client id.</param>
/// <param name="ClientSecret">Its client secret (sealed into QuantaSeal's vault, never kept by the host).</param>
/// <param name="Audience">The management API audience.</param>
public sealed record DemoUpstream(string Domain, string ClientId, string ClientSecret, string Audience)
{
    /// <summary>Names the upstream without its secret (a record would print every member).</summary>
    public override string ToString() => $"DemoUpstream {{ Domain = {Domain}, ClientId = {ClientId} }}";
}
