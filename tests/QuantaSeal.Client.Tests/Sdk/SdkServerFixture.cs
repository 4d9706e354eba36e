using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Emulators.Okta;
using SdkEncryption = QuantaSeal.Client.Encryption.Encryption;

namespace QuantaSeal.Client.Tests.Sdk;

/// <summary>
/// One in-memory server allowed to reach the local Auth0 and Okta emulators; each test creates its own tenant
/// (<see cref="NewTenantAsync"/>).
/// </summary>
public sealed class SdkServerFixture : IAsyncLifetime
{
    internal TestServer Server { get; } = new(new Dictionary<string, string?> { ["QuantaSeal:UpstreamAllow:0"] = "http://127.0.0.1:*" });

    public Auth0Emulator Auth0 { get; private set; } = null!;

    public OktaEmulator Okta { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server.StartServer();
        Auth0 = await Auth0Emulator.StartAsync();
        Okta = await OktaEmulator.StartAsync();
    }

    /// <summary>A new tenant with one registered recipient key, and an SDK client whose <c>Encryption</c> opens its envelopes.</summary>
    internal async Task<SdkTenant> NewTenantAsync(CancellationToken cancellationToken)
    {
        var created = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "sdk-" + Guid.NewGuid().ToString("N")[..8], cancellationToken: cancellationToken);
        var recipient = RecipientKey.Generate();
        var admin = Server.Sdk(created.ApiKey);
        var registration = await admin.RegisterRecipientKeyAsync(recipient, "sdk", cancellationToken);
        var keys = await admin.GetKeysAsync(cancellationToken);
        var opener = new SdkEncryption(keys.SigningPublicKeysById(), created.HmacKey, recipient, created.TenantId);
        return new SdkTenant(created, recipient, registration.RecipientKeyId, opener, new QuantaSealClient(Server.Http(), created.ApiKey) { Encryption = opener });
    }

    public async ValueTask DisposeAsync()
    {
        if (Okta is not null)
        {
            await Okta.DisposeAsync();
        }

        if (Auth0 is not null)
        {
            await Auth0.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}

/// <summary>A test's tenant: its creation answer, its recipient key and opener, and the SDK client acting as its admin.</summary>
internal sealed record SdkTenant(Tenants.TenantCreation Created, RecipientKey Recipient, string RecipientKeyId, SdkEncryption Opener, QuantaSealClient Client) : IDisposable
{
    public void Dispose()
    {
        Opener.Dispose();
        Recipient.Dispose();
    }
}
