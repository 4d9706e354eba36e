using QuantaSeal.Client;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>
/// The real server (in-memory storage, real HTTP) allowed to reach the local Auth0 and Okta emulators over loopback
/// (<c>--upstream-allow http://127.0.0.1:*</c>), with short upstream time limits so failure tests stay fast. A test
/// class that needs other server settings derives a fixture that passes them (they win over these defaults).
/// </summary>
public class EmulatorServerFixture : IAsyncLifetime
{
    public EmulatorServerFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    protected EmulatorServerFixture(IReadOnlyDictionary<string, string?> settings)
    {
        var merged = new Dictionary<string, string?>
        {
            ["QuantaSeal:UpstreamAllow:0"] = "http://127.0.0.1:*",
            ["QuantaSeal:Upstream:AttemptTimeout"] = "00:00:02",
            ["QuantaSeal:Upstream:TotalTimeout"] = "00:00:06",
            ["QuantaSeal:Upstream:MaxRetries"] = "2",
        };
        foreach (var (key, value) in settings)
        {
            merged[key] = value;
        }

        Server = new QuantaSealServer("memory", settings: merged);
    }

    public QuantaSealServer Server { get; }

    public Auth0Emulator Auth0 { get; private set; } = null!;

    public OktaEmulator Okta { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server.StartServer();
        Auth0 = await Auth0Emulator.StartAsync();
        Okta = await OktaEmulator.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Auth0.DisposeAsync();
        await Okta.DisposeAsync();
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A new tenant with a registered recipient key and an opener for its envelopes; the session's SDK client has the
    /// opener, so every proxy answer it receives is verified (signatures, request hash, window) before a test reads it.
    /// </summary>
    public async Task<TenantSession> NewTenantAsync(CancellationToken cancellationToken)
    {
        var tenant = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "e2e", cancellationToken: cancellationToken);
        var sdk = Server.Sdk(tenant.ApiKey);
        var recipient = RecipientKey.Generate();
        await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: cancellationToken);
        var keys = await sdk.GetKeysAsync(cancellationToken);
        var opener = new Encryption(keys.SigningPublicKeysById(), tenant.HmacKey, recipient, tenant.TenantId);
        return new TenantSession(tenant, new QuantaSealClient(Server.Http(), tenant.ApiKey) { Encryption = opener }, opener);
    }
}

/// <summary>A tenant's admin SDK client and envelope opener.</summary>
public sealed record TenantSession(TenantCreation Tenant, QuantaSealClient Sdk, Encryption Opener);
