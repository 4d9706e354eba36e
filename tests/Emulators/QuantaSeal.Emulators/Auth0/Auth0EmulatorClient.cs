namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// A machine-to-machine application registered in the emulator. Test data only: the secret is generated per
/// emulator instance and means nothing anywhere else.
/// </summary>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The current client secret.</param>
/// <param name="Scopes">Management API scopes granted to it (its client grant).</param>
public sealed record Auth0EmulatorClient(string ClientId, string ClientSecret, IReadOnlyList<string> Scopes)
{
    /// <inheritdoc/>
    public override string ToString() => $"Auth0EmulatorClient {{ ClientId = {ClientId}, Scopes = {string.Join(' ', Scopes)} }}";
}
