using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.TestingHost;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Connectors;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Hosting.Serialization;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Vault;

using QuantaSeal.Grains.Tests.Tenants;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// A two-silo cluster whose Auth0 connector is <see cref="ScriptedConnector"/>: real grains, real vault sealing,
/// real token cache, scripted upstream.
/// </summary>
public sealed class IntegrationClusterFixture : IAsyncLifetime
{
    /// <summary>Grain state names in storage (GrainTypeScopedPersistentStateFactory: grain type / state name).</summary>
    public const string IntegrationStateName = "qs.integration/integration";

    public const string CredentialStateName = "qs.credential/credential";

    public const string DirectoryStateName = "qs.tenant-directory/directory";

    /// <summary>The silos' <c>UpstreamOptions.CallBudget</c>.</summary>
    public static readonly TimeSpan CallBudget = TimeSpan.FromSeconds(3);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>The silos' QuantaSeal grain storage, for tests that write a grain's row behind its activation.</summary>
    public IGrainStorage Storage =>
        ((InProcessSiloHandle)Cluster.Silos[0]).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(QuantaSealStorage.Name);

    /// <summary>The cluster client, calling as <paramref name="tenantId"/>.</summary>
    public IClusterClient As(string tenantId)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        return Client;
    }

    /// <summary>
    /// Rewrites a grain's stored row unchanged, so the ETag its activation holds is stale and its next write fails with
    /// <see cref="InconsistentStateException"/>: a real storage failure, not a fake.
    /// </summary>
    public async Task MakeStoredRowStaleAsync<TState>(string stateName, GrainId grainId, CancellationToken ct)
        where TState : new()
    {
        var row = new GrainState<TState>(new TState());
        await Storage.ReadStateAsync(stateName, grainId, row, ct);
        await Storage.WriteStateAsync(stateName, grainId, row, ct);
    }

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IUpstreamConnector, ScriptedConnector>();
            if (Environment.GetEnvironmentVariable("QS_TEST_CONSOLE_LOGS") == "1")
            {
                silo.Services.AddLogging(l => l.AddConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning));
            }

            silo.Services.AddSingleton<IAuditPublisher, RecordingAuditPublisher>();
            silo.UseQuantaSealInMemory();
            GatedGrainStorage.Decorate(silo.Services);
            silo.AddQuantaSeal(o =>
            {
                o.KeyWrapProviderFactory = _ => new GatedKeyWrapProvider(new LocalKeyWrapProvider(ClusterFixture.MasterKey));

                // Short, so a call that runs out of time does it within a test (still far below the grain-call timeout).
                o.ConfigureUpstream = u => u.CallBudget = CallBudget;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A tenant with a recipient key, a sealed oauth2_client credential and an Auth0 integration.</summary>
    public async Task<Setup> CreateAsync(ScriptedConnector.Scenario scenario, IReadOnlyList<string> allowed, CancellationToken ct)
    {
        var clientId = "client-" + Guid.NewGuid().ToString("N");
        ScriptedConnector.Scenarios[clientId] = scenario;
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        var tenant = await Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("t", "live"), ct);
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        var recipient = MlKem768KeyPair.Generate();
        await Client.GetGrain<ITenantGrain>(tenantId).RegisterWithProofAsync(recipient, null, ct);
        var credentialId = Ids.New("cred_");
        await SealAsync(tenantId, credentialId, clientId, "secret-1", 1, create: true, ct);
        var integrationId = Ids.New("int_");
        await Client.GetGrain<IIntegrationGrain>(integrationId).CreateAsync(new CreateIntegrationCommand("auth0", "acme", "acme.us.auth0.com", credentialId, allowed), ct);
        return new Setup(tenantId, credentialId, integrationId, clientId, recipient, tenant);
    }

    public async Task SealAsync(string tenantId, string credentialId, string clientId, string secret, int version, bool create, CancellationToken ct)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        var vaultKey = await Client.GetGrain<ITenantGrain>(tenantId).GetVaultPublicKeyAsync(ct);
        var values = JsonSerializer.SerializeToElement(new { client_id = clientId, client_secret = secret });
        var sealedCredential = CredentialSealing.Seal(vaultKey, tenantId, credentialId, "oauth2_client", version, CredentialTypes.Canonicalize("oauth2_client", values));
        if (create)
        {
            await Client.GetGrain<ICredentialGrain>(credentialId).CreateAsync(new CreateCredentialCommand("oauth2_client", sealedCredential, null), ct);
        }
        else
        {
            await Client.GetGrain<ICredentialGrain>(credentialId).RotateAsync(new RotateCredentialCommand(sealedCredential), ct);
        }
    }

    public sealed record Setup(string TenantId, string CredentialId, string IntegrationId, string ClientId, MlKem768KeyPair Recipient, TenantCreated Tenant);
}

[CollectionDefinition(Name)]
public sealed class IntegrationClusterCollection : ICollectionFixture<IntegrationClusterFixture>
{
    public const string Name = "integration-cluster";
}
