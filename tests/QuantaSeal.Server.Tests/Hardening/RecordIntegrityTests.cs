using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Client;
using QuantaSeal.Client.Audit;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Hosting.Cluster;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>
/// Issue 13 finding 8: someone who can write the database but holds no master key. Each test writes the stored JSON
/// rows directly, as such a writer would, makes the grain read its row again, and checks that the record is refused,
/// never used, and reported.
/// </summary>
public sealed class RecordIntegrityTests(RecordIntegrityTests.PostgresServerFixture fixture) : IClassFixture<RecordIntegrityTests.PostgresServerFixture>
{
    private const string ApiKeyState = "qs.apikey/apikey";
    private const string TenantStateName = "qs.tenant/tenant";
    private const string IntegrationStateName = "qs.integration/integration";
    private const string RecordRefusedType = "https://quantaseal.dev/problems/record-refused";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QuantaSealServer Server => fixture.Server;

    [Fact]
    public async Task ForgedAdminApiKeyRow_DoesNotAuthenticate_AndIsReported()
    {
        var tenant = await CreateTenantAsync();
        using var refusals = new RefusalCounter();
        var (forgedId, forgedKey) = ApiKeyFormat.Generate("live");
        var forged = new JsonObject
        {
            ["tenant_id"] = tenant.TenantId,
            ["key_hash"] = Convert.ToBase64String(ApiKeyFormat.Hash(forgedKey)),
            ["scopes"] = new JsonArray("admin"),
        };

        await fixture.InsertLikeAsync(ApiKeyState, tenant.AdminApiKeyId, forgedId, forged.ToJsonString(), Ct);
        var answer = await GetTenantAsync(forgedKey);

        Assert.Equal(HttpStatusCode.Unauthorized, answer);
        Assert.Contains(Server.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains($"Refused stored api_key record {forgedId}", StringComparison.Ordinal));
        Assert.DoesNotContain(Server.Logs.Lines, l => l.Contains(forgedKey, StringComparison.Ordinal));
        Assert.True(refusals.Count("api_key") >= 1);
        await WaitForRefusalEventAsync(tenant.ApiKey, forgedId);
    }

    [Fact]
    public async Task ApiKeyRowMovedToAnotherTenant_IsRefused()
    {
        var victim = await CreateTenantAsync();
        var attacker = await CreateTenantAsync();
        Assert.Equal(HttpStatusCode.OK, await GetTenantAsync(attacker.ApiKey));

        // The attacker's own valid row (authenticator and all), re-pointed at the victim's tenant.
        var row = JsonNode.Parse(await fixture.ReadPayloadAsync(ApiKeyState, attacker.AdminApiKeyId, Ct))!;
        row["tenant_id"] = victim.TenantId;
        await fixture.WritePayloadAsync(ApiKeyState, attacker.AdminApiKeyId, row.ToJsonString(), Ct);
        await DeactivateAsync<IApiKeyGrain>(attacker.AdminApiKeyId);

        Assert.Equal(HttpStatusCode.Unauthorized, await GetTenantAsync(attacker.ApiKey));
        Assert.Contains(Server.Logs.Lines, l => l.Contains($"Refused stored api_key record {attacker.AdminApiKeyId} (authenticator mismatch)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokedApiKeyRestoredFromAnOlderRow_IsRefused()
    {
        var tenant = await CreateTenantAsync();
        var admin = Server.Sdk(tenant.ApiKey);
        var key = await admin.CreateApiKeyAsync("ci", ["audit:read"], cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, await ListAuditAsync(key.ApiKey));
        var beforeRevocation = await fixture.ReadPayloadAsync(ApiKeyState, key.ApiKeyId, Ct);

        await admin.RevokeApiKeyAsync(key.ApiKeyId, Ct);
        await fixture.WritePayloadAsync(ApiKeyState, key.ApiKeyId, beforeRevocation, Ct);
        await DeactivateAsync<IApiKeyGrain>(key.ApiKeyId);

        // The restored row is a valid record of this key (its authenticator verifies): only the tenant's record says it was superseded.
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAuditAsync(key.ApiKey));
        Assert.Contains(Server.Logs.Lines, l => l.Contains($"Refused stored api_key record {key.ApiKeyId} (authenticator superseded)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IntegrationAllowlistWidenedInTheDatabase_RefusesToProxy()
    {
        var tenant = await CreateTenantAsync();
        var integrationId = await CreateIntegrationAsync(tenant, ["list_users"]);
        var row = JsonNode.Parse(await fixture.ReadPayloadAsync(IntegrationStateName, integrationId, Ct))!;
        row["allowed_operations"] = new JsonArray("list_users", "deactivate_user");

        await fixture.WritePayloadAsync(IntegrationStateName, integrationId, row.ToJsonString(), Ct);
        await DeactivateAsync<IIntegrationGrain>(integrationId);
        using var widened = await ProxyAsync(tenant.ApiKey, integrationId, "deactivate_user", new { user_id = "00u1" });
        using var original = await ProxyAsync(tenant.ApiKey, integrationId, "list_users", new { });

        await AssertRecordRefusedAsync(widened);
        await AssertRecordRefusedAsync(original);
        Assert.Contains(Server.Logs.Lines, l => l.Contains($"Refused stored integration record {integrationId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IntegrationRowCopiedUnderAnotherId_IsRefused()
    {
        var tenant = await CreateTenantAsync();
        var integrationId = await CreateIntegrationAsync(tenant, ["list_users"]);
        var copyId = QuantaSeal.Grains.Tenants.Ids.New(QuantaSeal.Grains.Tenants.Ids.Integration);

        await fixture.InsertLikeAsync(IntegrationStateName, integrationId, copyId, await fixture.ReadPayloadAsync(IntegrationStateName, integrationId, Ct), Ct);
        using var proxied = await ProxyAsync(tenant.ApiKey, copyId, "list_users", new { });

        await AssertRecordRefusedAsync(proxied);
        Assert.Contains(Server.Logs.Lines, l => l.Contains($"Refused stored integration record {copyId} (authenticator mismatch)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecipientKeyReplacedInTheTenantRow_NothingIsSealedToIt()
    {
        var tenant = await CreateTenantAsync();
        using var client = MlKem768KeyPair.Generate();
        using var attacker = MlKem768KeyPair.Generate();
        await Server.Sdk(tenant.ApiKey).RegisterRecipientKeyAsync(client, "laptop", Ct);
        var row = JsonNode.Parse(await fixture.ReadPayloadAsync(TenantStateName, tenant.TenantId, Ct))!;
        row["recipient_keys"]![0]!["public_key"] = Convert.ToBase64String(attacker.PublicKey.ToArray());

        await fixture.WritePayloadAsync(TenantStateName, tenant.TenantId, row.ToJsonString(), Ct);
        await DeactivateAsync<ITenantGrain>(tenant.TenantId);
        using var echo = await EchoAsync(tenant.ApiKey);

        await AssertRecordRefusedAsync(echo);
        Assert.Contains(Server.Logs.Lines, l => l.Contains($"Refused stored tenant record {tenant.TenantId} (authenticator mismatch)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecipientKeyAddedToTheTenantRow_NothingIsSealedToIt_EvenForAFreshApiKeyActivation()
    {
        var tenant = await CreateTenantAsync();
        using var attacker = MlKem768KeyPair.Generate();
        var row = JsonNode.Parse(await fixture.ReadPayloadAsync(TenantStateName, tenant.TenantId, Ct))!;
        var attackerKeyId = QuantaSeal.Grains.Tenants.Ids.New(QuantaSeal.Grains.Tenants.Ids.RecipientKey);
        row["recipient_keys"] = new JsonArray(new JsonObject
        {
            ["recipient_key_id"] = attackerKeyId,
            ["public_key"] = Convert.ToBase64String(attacker.PublicKey.ToArray()),
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
        });
        row["default_recipient_key_id"] = attackerKeyId;

        await fixture.WritePayloadAsync(TenantStateName, tenant.TenantId, row.ToJsonString(), Ct);
        await DeactivateAsync<ITenantGrain>(tenant.TenantId);
        await DeactivateAsync<IApiKeyGrain>(tenant.AdminApiKeyId);
        using var echo = await EchoAsync(tenant.ApiKey);

        await AssertRecordRefusedAsync(echo);
    }

    [Fact]
    public async Task LegacyRowsWithoutAuthenticator_AreRefused_UntilTheOperatorSealsThem()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dir = Directory.CreateTempSubdirectory("qs-legacy-").FullName;
        TenantCreation tenant;
        await using (var first = new QuantaSealServer("postgres", db.ConnectionString, dir))
        {
            tenant = await first.Sdk(null).CreateTenantAsync(first.OperatorKey, "legacy", cancellationToken: Ct);
        }

        // What a database written before records were authenticated holds: the same rows without the two new members.
        await ExecuteAsync(db.ConnectionString, "UPDATE orleans_grain_state SET payload = payload - 'authenticator' - 'record_version' WHERE state_name IN ('qs.apikey/apikey', 'qs.tenant/tenant')");
        await using (var upgraded = new QuantaSealServer("postgres", db.ConnectionString, dir))
        {
            using var refused = await upgraded.Http().SendAsync(TenantRequest(tenant.ApiKey), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains(upgraded.Logs.Lines, l => l.Contains($"Refused stored api_key record {tenant.ApiKeyId} (authenticator missing)", StringComparison.Ordinal));
        }

        string[] sealRecords = ["seal-records", "--connection-string", db.ConnectionString, "--master-key-file", Path.Combine(dir, "master.key")];

        // A node still running (the membership table shows it alive) could write an older copy over a sealed row: refused.
        await ExecuteAsync(db.ConnectionString, """
            INSERT INTO orleans_membership_version (deployment_id, version) VALUES ('legacy-check', 1) ON CONFLICT DO NOTHING;
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
            VALUES ('legacy-check', '10.0.0.9', 11111, 1, 'silo-left-running', 'node-9', 3, 30000, now(), now());
            """);
        using var refusedOut = new StringWriter();
        using var refusedErr = new StringWriter();
        var refusedExit = await ServerCommands.TryRunAsync(sealRecords, refusedOut, refusedErr, _ => null, Ct);
        await using (var stillRefusing = new QuantaSealServer("postgres", db.ConnectionString, dir))
        {
            using var stillRefused = await stillRefusing.Http().SendAsync(TenantRequest(tenant.ApiKey), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, stillRefused.StatusCode);
        }

        Assert.Equal(3, refusedExit);
        Assert.Contains("silo-left-running on node-9", refusedErr.ToString(), StringComparison.Ordinal);

        // Once the node is stopped (its row no longer active), the step runs.
        await ExecuteAsync(db.ConnectionString, "UPDATE orleans_membership SET status = 6 WHERE deployment_id = 'legacy-check'");
        var exit = await ServerCommands.TryRunAsync(sealRecords);

        Assert.Equal(0, exit);
        await using var sealedServer = new QuantaSealServer("postgres", db.ConnectionString, dir);
        var info = await sealedServer.Sdk(tenant.ApiKey).GetTenantAsync(Ct);
        Assert.Equal(tenant.TenantId, info.TenantId);
    }

    [Fact]
    public async Task ASchemaMigrationThatChoosesTheDefaultRecipientKey_IsRecordedInTheChain()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dir = Directory.CreateTempSubdirectory("qs-schema0-").FullName;
        TenantCreation tenant;
        string recipientKeyId;
        await using (var first = new QuantaSealServer("postgres", db.ConnectionString, dir))
        {
            tenant = await first.Sdk(null).CreateTenantAsync(first.OperatorKey, "schema0", cancellationToken: Ct);
            using var recipient = MlKem768KeyPair.Generate();
            recipientKeyId = (await first.Sdk(tenant.ApiKey).RegisterRecipientKeyAsync(recipient, "r", Ct)).RecipientKeyId;
        }

        // A tenant row as a version before schema 1 left it (no explicit default recipient key), sealed by the upgrade step.
        await ExecuteAsync(db.ConnectionString, """
            UPDATE orleans_grain_state
            SET payload = (payload - 'authenticator' - 'record_version' - 'default_recipient_key_id') || '{"schema_version":0}'::jsonb
            WHERE state_name = 'qs.tenant/tenant'
            """);
        Assert.Equal(0, await ServerCommands.TryRunAsync(["seal-records", "--connection-string", db.ConnectionString, "--master-key-file", Path.Combine(dir, "master.key")]));

        await using var upgraded = new QuantaSealServer("postgres", db.ConnectionString, dir);
        using var response = await upgraded.Http().SendAsync(TenantRequest(tenant.ApiKey), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The migration's choice is in the tenant's chain: intent and outcome, actor system, the chosen key as object.
        JsonArray? events = null;
        await WaitUntil.TrueAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/audit/events?action=tenant.recipient_key.default");
                request.Headers.Add("X-API-Key", tenant.ApiKey);
                using var list = await upgraded.Http().SendAsync(request, Ct);
                events = JsonNode.Parse(await list.Content.ReadAsStringAsync(Ct))!["items"]!.AsArray();
                return events.Count >= 2;
            },
            TimeSpan.FromSeconds(30),
            () => "the migration's events in the chain",
            Ct);
        Assert.All(events!, e => Assert.Equal("system", (string?)e!["actor"]));
        Assert.All(events!, e => Assert.Equal(recipientKeyId, (string?)e!["object_id"]));
        Assert.Equal(["attempted", "success"], events!.Select(e => (string?)e!["outcome"]).Order(StringComparer.Ordinal));
    }

    private async Task<(string TenantId, string ApiKey, string AdminApiKeyId)> CreateTenantAsync()
    {
        var created = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "t-" + Guid.NewGuid().ToString("N")[..8], cancellationToken: Ct);
        return (created.TenantId, created.ApiKey, created.ApiKeyId);
    }

    private async Task<string> CreateIntegrationAsync((string TenantId, string ApiKey, string AdminApiKeyId) tenant, IReadOnlyList<string> operations)
    {
        var sdk = Server.Sdk(tenant.ApiKey);
        using var recipient = MlKem768KeyPair.Generate();
        await sdk.RegisterRecipientKeyAsync(recipient, "r", Ct);
        var credential = await sdk.SealCredentialAsync("api_key", new { api_token = "t-" + Guid.NewGuid().ToString("N") }, cancellationToken: Ct);
        var integration = await sdk.CreateIntegrationAsync("okta", "o", "integrity-test.okta.com", credential.CredentialId, operations, Ct);
        return integration.IntegrationId;
    }

    private async Task DeactivateAsync<TGrain>(string key)
        where TGrain : IGrainWithStringKey
    {
        // Makes the next call activate the grain again, which reads the row as it now is in the database.
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<TGrain>(key).Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
    }

    private async Task<HttpStatusCode> GetTenantAsync(string apiKey)
    {
        using var response = await Server.Http().SendAsync(TenantRequest(apiKey), Ct);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> ListAuditAsync(string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/audit/events?limit=1");
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await Server.Http().SendAsync(request, Ct);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> ProxyAsync(string apiKey, string integrationId, string operation, object payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/proxy/outbound")
        {
            Content = JsonContent.Create(new { integration_id = integrationId, operation, payload }),
        };
        request.Headers.Add("X-API-Key", apiKey);
        return Server.Http().SendAsync(request, Ct);
    }

    private Task<HttpResponseMessage> EchoAsync(string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/tenant/envelopes/echo") { Content = JsonContent.Create(new { payload = new { n = 1 } }) };
        request.Headers.Add("X-API-Key", apiKey);
        return Server.Http().SendAsync(request, Ct);
    }

    private static HttpRequestMessage TenantRequest(string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/tenant");
        request.Headers.Add("X-API-Key", apiKey);
        return request;
    }

    private static async Task AssertRecordRefusedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(RecordRefusedType, problem.RootElement.GetProperty("type").GetString());
        Assert.False(problem.RootElement.TryGetProperty("encrypted", out _));
        Assert.DoesNotContain("rk_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("int_", body, StringComparison.Ordinal);
    }

    private async Task WaitForRefusalEventAsync(string adminKey, string objectId)
    {
        var sdk = Server.Sdk(adminKey);
        AuditRecord? found = null;
        await WaitUntil.TrueAsync(
            async () =>
            {
                var page = await sdk.ListAuditEventsAsync(new AuditEventQuery(Action: "record.refused"), Ct);
                found = page.Items.FirstOrDefault(e => e.ObjectId == objectId);
                return found is not null;
            },
            TimeSpan.FromSeconds(20),
            () => $"a record.refused event for {objectId}",
            Ct,
            TimeSpan.FromMilliseconds(200));
        Assert.Equal("denied", found!.Outcome);
        Assert.Equal("system", found.Actor);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Counts <c>quantaseal.security.records_refused</c> measurements by kind while it lives.</summary>
    private sealed class RefusalCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _byKind = new(StringComparer.Ordinal);

        public RefusalCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "QuantaSeal.Security" && instrument.Name == "quantaseal.security.records_refused")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "kind" && tag.Value is string kind)
                    {
                        _byKind.AddOrUpdate(kind, value, (_, v) => v + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string kind) => _byKind.GetValueOrDefault(kind);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>One server (front door and silo) on a fresh PostgreSQL database for the class; each test makes its own tenants.</summary>
    public sealed class PostgresServerFixture : IAsyncLifetime
    {
        private readonly PostgresTestDatabase _database = new();

        public QuantaSealServer Server { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            await _database.InitializeAsync();
            Server = new QuantaSealServer("postgres", _database.ConnectionString);
            Server.Http().Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }

            await _database.DisposeAsync();
        }

        public async Task<string> ReadPayloadAsync(string stateName, string objectId, CancellationToken cancellationToken) =>
            await _database.ScalarAsync<string>(
                "SELECT payload::text FROM orleans_grain_state WHERE state_name = @state AND grain_id_string = @id",
                new Dictionary<string, object?> { ["state"] = stateName, ["id"] = objectId },
                cancellationToken) ?? throw new InvalidOperationException($"No {stateName} row for {objectId}.");

        /// <summary>What a database writer does: replaces the stored JSON of a row (its version left as it is).</summary>
        public async Task WritePayloadAsync(string stateName, string objectId, string payload, CancellationToken cancellationToken)
        {
            var updated = await _database.ScalarAsync<int>(
                "WITH u AS (UPDATE orleans_grain_state SET payload = @payload::jsonb WHERE state_name = @state AND grain_id_string = @id RETURNING 1) SELECT count(*)::int FROM u",
                new Dictionary<string, object?> { ["state"] = stateName, ["id"] = objectId, ["payload"] = payload },
                cancellationToken);
            Assert.Equal(1, updated);
        }

        /// <summary>What a database writer does: adds a row under a new id, keyed like an existing row of the same kind.</summary>
        public async Task InsertLikeAsync(string stateName, string templateId, string newId, string payload, CancellationToken cancellationToken)
        {
            var inserted = await _database.ScalarAsync<int>(
                """
                WITH i AS (
                    INSERT INTO orleans_grain_state (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_string, payload, version)
                    SELECT service_id, state_name, grain_id_n0, grain_id_n1, @new_id, @payload::jsonb, 1
                    FROM orleans_grain_state WHERE state_name = @state AND grain_id_string = @template_id
                    RETURNING 1)
                SELECT count(*)::int FROM i
                """,
                new Dictionary<string, object?> { ["state"] = stateName, ["template_id"] = templateId, ["new_id"] = newId, ["payload"] = payload },
                cancellationToken);
            Assert.Equal(1, inserted);
        }
    }
}
