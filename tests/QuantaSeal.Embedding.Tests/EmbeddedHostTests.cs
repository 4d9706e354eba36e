using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Samples.EmbeddedHost;
using QuantaSeal.Samples.EmbeddedHost.Users;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Embedding.Tests;

/// <summary>
/// Issue 14 item 4: the sample host (samples/EmbeddedHost, its own silo configuration, its own grain with its own state)
/// runs for real against PostgreSQL and the Auth0 emulator. QuantaSeal leaves the host's storage and state names alone,
/// the proxied answer opens with the SDK, and the tenant's chain records the call under the actor the host named.
/// </summary>
public sealed class EmbeddedHostTests : IAsyncLifetime
{
    private static readonly TimeSpan ChainWait = TimeSpan.FromSeconds(30);

    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("qs-embed-").FullName;
    private Auth0Emulator _auth0 = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _auth0 = await Auth0Emulator.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        await _auth0.DisposeAsync();
        Directory.Delete(_keyDirectory, recursive: true);
    }

    [Fact]
    public async Task Host_ProxiesThroughQuantaSeal_KeepsItsOwnRows_AndTheChainNamesItsActor()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        // The embedder's migration step, separate from starting silos (what `EmbeddedHost migrate` runs).
        Assert.NotEmpty(await QuantaSealSchema.MigrateAsync(database.ConnectionString, cancellationToken: Ct));

        using var host = EmbeddedHostProgram.Build(Options(database.ConnectionString));
        await host.StartAsync(Ct);
        try
        {
            var result = await EmbeddedDemo.RunAsync(host.Services.GetRequiredService<IGrainFactory>(), Upstream(), Ct);

            // The envelope opened with the SDK holds the emulator's users.
            using (var users = JsonDocument.Parse(result.UsersJson))
            {
                Assert.Equal(JsonValueKind.Array, users.RootElement.ValueKind);
                Assert.NotEqual(0, users.RootElement.GetArrayLength());
            }

            // The host grain's row: under the host's own state name, written by the host's provider and serializer
            // (Orleans' JSON with its member names), not renamed or re-serialised by QuantaSeal.
            var hostRows = await database.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_grain_state WHERE grain_id_string LIKE '%' || @customer", Parameters(("customer", result.Customer)), Ct);
            Assert.Equal(1, hostRows);
            var stateName = await database.ScalarAsync<string>(
                "SELECT state_name FROM orleans_grain_state WHERE grain_id_string LIKE '%' || @customer", Parameters(("customer", result.Customer)), Ct);
            Assert.Equal(UserDirectoryGrain.StateName, stateName);
            var calls = await database.ScalarAsync<string>(
                "SELECT payload->>'Calls' FROM orleans_grain_state WHERE grain_id_string LIKE '%' || @customer", Parameters(("customer", result.Customer)), Ct);
            Assert.Equal("1", calls);

            // QuantaSeal's own rows keep their grain-type-scoped names.
            Assert.Equal(1, await database.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_grain_state WHERE state_name = 'qs.integration/integration' AND grain_id_string LIKE '%' || @id",
                Parameters(("id", result.IntegrationId)), Ct));

            // The tenant's chain holds the call, attributed to the actor the host set.
            await WaitUntil.TrueAsync(
                async () => await database.ScalarAsync<long>(
                    "SELECT count(*) FROM audit_events WHERE event_id = @id", Parameters(("id", result.AuditEventId)), Ct) == 1,
                ChainWait,
                () => $"audit event {result.AuditEventId} not in the chain of {result.TenantId}",
                Ct);
            var recorded = await database.ScalarAsync<string>(
                "SELECT tenant_id || '|' || actor || '|' || action || '|' || operation || '|' || outcome || '|' || integration_id FROM audit_events WHERE event_id = @id",
                Parameters(("id", result.AuditEventId)), Ct);
            Assert.Equal($"{result.TenantId}|{UserDirectoryGrain.Actor}|proxy.outbound|get_users|success|{result.IntegrationId}", recorded);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Host_RefusesToStart_WhileQuantaSealsSchemaIsBehind_AndSaysHowToMigrate()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);

        using var host = EmbeddedHostProgram.Build(Options(database.ConnectionString));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));

        var message = Flatten(refused);
        Assert.Contains("no QuantaSeal schema", message, StringComparison.Ordinal);
        Assert.Contains("QuantaSeal.Server migrate", message, StringComparison.Ordinal);
        Assert.Contains("AddQuantaSealMigrations", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", null, Ct));
    }

    private EmbeddedHostOptions Options(string connectionString)
    {
        var keyFile = Path.Combine(_keyDirectory, $"master-{Guid.NewGuid():N}.key");
        File.WriteAllText(keyFile, LocalKeyWrapProvider.GenerateMasterKeyBase64());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = new EmbeddedHostOptions
        {
            ConnectionString = connectionString,
            MasterKeyFile = keyFile,
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
            ServiceId = $"embedded-{Guid.NewGuid():N}",
        };
        options.UpstreamAllow.Add("http://127.0.0.1:*");
        return options;
    }

    private DemoUpstream Upstream() =>
        new(_auth0.BaseUri.ToString().TrimEnd('/'), _auth0.ClientId, _auth0.ClientSecret, _auth0.Audience);

    private static Dictionary<string, object?> Parameters(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
