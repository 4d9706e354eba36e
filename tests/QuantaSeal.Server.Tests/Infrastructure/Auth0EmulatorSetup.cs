using QuantaSeal.Client;
using QuantaSeal.Emulators.Auth0;

namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>Test setup against the Auth0 emulator, through the public API as a tenant admin would do it.</summary>
internal static class Auth0EmulatorSetup
{
    /// <summary>
    /// Seals the emulator's seeded machine-to-machine client as an <c>oauth2_client</c> credential and creates an Auth0
    /// integration on it that points at the emulator and may run <paramref name="operations"/>.
    /// </summary>
    public static async Task<(string CredentialId, string IntegrationId)> AddAuth0IntegrationAsync(
        this QuantaSealClient sdk, Auth0Emulator auth0, string name, IReadOnlyList<string> operations, CancellationToken cancellationToken)
    {
        var credentialId = await sdk.SealAuth0ClientAsync(auth0, cancellationToken);
        return (credentialId, await sdk.CreateAuth0IntegrationAsync(auth0, name, credentialId, operations, cancellationToken));
    }

    /// <summary>Seals the emulator's seeded machine-to-machine client as an <c>oauth2_client</c> credential; returns its id.</summary>
    public static async Task<string> SealAuth0ClientAsync(this QuantaSealClient sdk, Auth0Emulator auth0, CancellationToken cancellationToken)
    {
        var credential = await sdk.SealCredentialAsync("oauth2_client", new
        {
            client_id = auth0.ClientId,
            client_secret = auth0.ClientSecret,
            domain = auth0.BaseUri.Authority,
            audience = auth0.Audience,
        }, cancellationToken: cancellationToken);
        return credential.CredentialId;
    }

    /// <summary>Creates an Auth0 integration that points at the emulator; returns its id.</summary>
    public static async Task<string> CreateAuth0IntegrationAsync(
        this QuantaSealClient sdk, Auth0Emulator auth0, string name, string credentialId, IReadOnlyList<string> operations, CancellationToken cancellationToken) =>
        (await sdk.CreateIntegrationAsync("auth0", name, auth0.BaseUri.AbsoluteUri.TrimEnd('/'), credentialId, operations, cancellationToken)).IntegrationId;
}
