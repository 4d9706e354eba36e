using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Client;
using QuantaSeal.Server.Tests.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>
/// Issue 13, "isolation matrix as a test": every API endpoint × every key scope (live and test keys) × another
/// tenant's objects × a revoked key. The table below is the specification; the first test compares it with the
/// endpoints the server really maps, so a new endpoint fails the suite until it is classified here.
/// </summary>
public sealed class IsolationMatrixTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Who may call an endpoint.</summary>
    public enum Access
    {
        Operator,
        Authenticated,
        Admin,
        Proxy,
        AuditRead,
    }

    /// <summary>
    /// One endpoint: method, route pattern, who may call it, the kind of object the route or body names (placeholders
    /// <c>{credentialId}</c>, <c>{integrationId}</c>, <c>{recipientKeyId}</c>, <c>{apiKeyId}</c>, <c>{eventId}</c>,
    /// <c>{tenantId}</c>), and a body that is valid apart from the object it names.
    /// </summary>
    public sealed record Row(string Method, string Pattern, Access Access, string? Target = null, string? Body = null, bool DurableAuditOnly = false)
    {
        public override string ToString() => $"{Method} {Pattern}";
    }

    private const string OktaDomain = "{oktaDomain}";

    public static readonly IReadOnlyList<Row> Endpoints =
    [
        new("POST", "/api/v2/tenants", Access.Operator, Body: """{"name":"matrix"}"""),
        new("POST", "/api/v2/tenants/{tenantId}/recovery-admin-key", Access.Operator, "tenant", """{"name":"recovered"}"""),
        new("POST", "/api/v2/operator/audit/redrive", Access.Operator, DurableAuditOnly: true),
        new("GET", "/api/v2/connectors", Access.Authenticated),
        new("GET", "/api/v2/tenant", Access.Authenticated),
        new("GET", "/api/v2/tenant/keys", Access.Authenticated),
        new("POST", "/api/v2/tenant/recipient-keys/challenges", Access.Admin, Body: """{"public_key":"AAAA"}"""),
        new("PUT", "/api/v2/tenant/recipient-keys/default", Access.Admin, "recipient_key", """{"recipient_key_id":"{recipientKeyId}"}"""),
        new("POST", "/api/v2/tenant/recipient-keys", Access.Admin, Body: """{"public_key":"AAAA","challenge_id":"x","proof":"AAAA"}"""),
        new("DELETE", "/api/v2/tenant/recipient-keys/{recipientKeyId}", Access.Admin, "recipient_key"),
        new("POST", "/api/v2/tenant/signing-keys/rotate", Access.Admin, Body: "{}"),
        new("POST", "/api/v2/tenant/api-keys", Access.Admin, Body: """{"name":"m","scopes":["proxy"]}"""),
        new("GET", "/api/v2/tenant/api-keys", Access.Admin),
        new("DELETE", "/api/v2/tenant/api-keys/{apiKeyId}", Access.Admin, "api_key"),
        new("POST", "/api/v2/tenant/envelopes/echo", Access.Proxy, "recipient_key", """{"payload":{"a":1},"recipient_key_id":"{recipientKeyId}"}"""),
        new("POST", "/api/v2/proxy/outbound", Access.Proxy, "integration", """{"integration_id":"{integrationId}","operation":"list_users","payload":{}}"""),
        new("POST", "/api/v2/integrations", Access.Admin, "credential", $$"""{"system_type":"okta","name":"x","domain":"{{OktaDomain}}","credential_id":"{credentialId}","allowed_operations":["list_users"]}"""),
        new("GET", "/api/v2/integrations", Access.Admin),
        new("GET", "/api/v2/integrations/{integrationId}", Access.Admin, "integration"),
        new("PATCH", "/api/v2/integrations/{integrationId}", Access.Admin, "integration", """{"allowed_operations":["list_users","get_user"]}"""),
        new("DELETE", "/api/v2/integrations/{integrationId}", Access.Admin, "integration"),
        new("POST", "/api/v2/integrations/{integrationId}/check", Access.Admin, "integration"),
        new("GET", "/api/v2/vault/credential-types", Access.Admin),
        new("POST", "/api/v2/vault/seal", Access.Admin, Body: """{"credential_type":"api_key","values":{"api_token":"t"}}"""),
        new("GET", "/api/v2/vault/credentials", Access.Admin),
        new("GET", "/api/v2/vault/credentials/{credentialId}", Access.Admin, "credential"),
        new("PUT", "/api/v2/vault/credentials/{credentialId}", Access.Admin, "credential", """{"values":{"api_token":"rotated"}}"""),
        new("DELETE", "/api/v2/vault/credentials/{credentialId}", Access.Admin, "credential"),
        new("POST", "/api/v2/vault/credentials/{credentialId}/unseal", Access.Admin, "credential", "{}"),
        new("GET", "/api/v2/audit/events", Access.AuditRead),
        new("GET", "/api/v2/audit/events/{eventId}", Access.AuditRead, "audit_event"),
        new("GET", "/api/v2/audit/verify", Access.AuditRead),
        new("GET", "/api/v2/audit/checkpoints", Access.AuditRead),
        new("GET", "/api/v2/audit/checkpoints/latest", Access.AuditRead),
        new("GET", "/api/v2/audit/export", Access.AuditRead),
    ];

    private static readonly (string Scope, string Environment)[] CallerKeys =
    [
        (ApiKeyScopes.Admin, "live"), (ApiKeyScopes.Admin, "test"),
        (ApiKeyScopes.Proxy, "live"), (ApiKeyScopes.Proxy, "test"),
        (ApiKeyScopes.AuditRead, "live"), (ApiKeyScopes.AuditRead, "test"),
    ];

    [Fact]
    public void TheTable_CoversEveryMappedApiEndpoint_AndNothingElse()
    {
        fixture.Server.StartServer();
        var mapped = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith("api/v2", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet(StringComparer.Ordinal);
        var table = Endpoints.Select(r => r.ToString()).ToHashSet(StringComparer.Ordinal);
        var required = Endpoints.Where(r => !r.DurableAuditOnly).Select(r => r.ToString());

        // This server runs the in-memory audit transport: the re-drive of dead letters (durable transport) is not mapped.
        Assert.Empty(mapped.Except(table));
        Assert.Empty(required.Except(mapped));
    }

    [Fact]
    public async Task EveryScope_LiveAndTest_IsRefusedWhereItIsNotEnough_AndEachRefusalIsAudited()
    {
        var b = await fixture.NewTenantAsync(Ct);
        var keys = new List<(string Scope, string Environment, string Key)>();
        foreach (var (scope, environment) in CallerKeys)
        {
            keys.Add((scope, environment, (await b.Sdk.CreateApiKeyAsync($"{scope}-{environment}", [scope], environment, Ct)).ApiKey));
        }

        var trail = new AuditTrail(fixture.Server);
        var before = (await trail.SettledAsync(b.Tenant.TenantId, b.Tenant.ApiKey, 1, Ct)).Count;
        var failures = new List<string>();
        var refusals = 0;
        foreach (var row in Endpoints.Where(r => r.Access is not (Access.Operator or Access.Authenticated)))
        {
            foreach (var (scope, environment, key) in keys.Where(k => !Allows(k.Scope, row.Access)))
            {
                var (status, body) = await SendAsync(row, Fill(row.Pattern, Placeholders.Nowhere), FillBody(row.Body, Placeholders.Nowhere), key);
                refusals++;
                if (status != HttpStatusCode.Forbidden || !IsProblem(body))
                {
                    failures.Add($"{row} with a {environment} {scope} key: {(int)status} {body}");
                }
            }
        }

        var events = await trail.SettledAsync(b.Tenant.TenantId, b.Tenant.ApiKey, before + refusals, Ct);
        var added = events.Skip(before).ToList();

        Assert.Empty(failures);
        Assert.True(refusals > 40, $"only {refusals} refusals were tried");
        Assert.Equal(refusals, added.Count);
        Assert.All(added, e => Assert.Equal(AuditOutcomes.Denied, e.Outcome));
    }

    [Fact]
    public async Task AnotherTenantsObjects_AreRefusedLikeObjectsThatDoNotExist_ChangeNothing_AndAreAudited()
    {
        var owner = await fixture.NewTenantAsync(Ct);
        var objects = await OwnerObjectsAsync(owner);
        var stranger = await fixture.NewTenantAsync(Ct);
        var proxyKey = (await stranger.Sdk.CreateApiKeyAsync("proxy", [ApiKeyScopes.Proxy], "live", Ct)).ApiKey;
        var trail = new AuditTrail(fixture.Server);
        var before = (await trail.SettledAsync(stranger.Tenant.TenantId, stranger.Tenant.ApiKey, 1, Ct)).Count;
        var failures = new List<string>();
        var calls = 0;
        foreach (var row in Endpoints.Where(r => r.Target is not null && r.Access is not Access.Operator))
        {
            var key = row.Access == Access.Proxy ? proxyKey : stranger.Tenant.ApiKey;
            var (otherStatus, otherBody) = await SendAsync(row, Fill(row.Pattern, objects), FillBody(row.Body, objects), key);
            var (missingStatus, missingBody) = await SendAsync(row, Fill(row.Pattern, objects.Missing()), FillBody(row.Body, objects.Missing()), key);
            calls += 2;
            if ((int)otherStatus is < 400 or >= 500 || otherStatus != missingStatus || !IsProblem(otherBody)
                || !string.Equals(Comparable(otherBody), Comparable(missingBody), StringComparison.Ordinal))
            {
                failures.Add($"{row}: another tenant's {row.Target} → {(int)otherStatus} {otherBody}; a missing one → {(int)missingStatus} {missingBody}");
            }
        }

        var events = await trail.SettledAsync(stranger.Tenant.TenantId, stranger.Tenant.ApiKey, before + calls, Ct);
        var added = events.Skip(before).ToList();

        Assert.Empty(failures);
        Assert.Equal(calls, added.Count);
        Assert.All(added, e => Assert.Equal(AuditOutcomes.Denied, e.Outcome));
        await AssertOwnerUnchangedAsync(owner, objects);
    }

    [Fact]
    public async Task ARevokedKey_Gets401Everywhere_AndTenantKeysNeverReachOperatorEndpoints()
    {
        var b = await fixture.NewTenantAsync(Ct);
        var revoked = await b.Sdk.CreateApiKeyAsync("soon-revoked", [ApiKeyScopes.Admin], "live", Ct);
        await b.Sdk.RevokeApiKeyAsync(revoked.ApiKeyId, Ct);
        var scoped = new List<string> { b.Tenant.ApiKey };
        foreach (var scope in new[] { ApiKeyScopes.Proxy, ApiKeyScopes.AuditRead })
        {
            scoped.Add((await b.Sdk.CreateApiKeyAsync(scope, [scope], "test", Ct)).ApiKey);
        }

        var ids = Placeholders.Nowhere with { TenantId = b.Tenant.TenantId };
        var failures = new List<string>();
        foreach (var row in Endpoints.Where(r => !r.DurableAuditOnly))
        {
            var (status, body) = await SendAsync(row, Fill(row.Pattern, ids), FillBody(row.Body, ids), revoked.ApiKey);
            if (status != HttpStatusCode.Unauthorized || !IsProblem(body))
            {
                failures.Add($"{row} with a revoked key: {(int)status} {body}");
            }

            if (row.Access != Access.Operator)
            {
                continue;
            }

            foreach (var key in scoped)
            {
                var (operatorStatus, operatorBody) = await SendAsync(row, Fill(row.Pattern, ids), FillBody(row.Body, ids), key);
                if (operatorStatus != HttpStatusCode.Unauthorized || !IsProblem(operatorBody))
                {
                    failures.Add($"{row} with a tenant key: {(int)operatorStatus} {operatorBody}");
                }
            }
        }

        Assert.Empty(failures);
        Assert.Single(await b.Sdk.ListApiKeysAsync(Ct), k => k.RevokedAt is null && k.Scopes.Contains(ApiKeyScopes.Admin));
    }

    private async Task<Placeholders> OwnerObjectsAsync(TenantSession owner)
    {
        var credential = await owner.Sdk.SealCredentialAsync("api_key", new { api_token = "owner-" + Guid.NewGuid().ToString("N") }, cancellationToken: Ct);
        var integration = await owner.Sdk.CreateIntegrationAsync("okta", "owner", OktaBase, credential.CredentialId, ["list_users"], Ct);
        var spare = await owner.Sdk.CreateApiKeyAsync("owner-proxy", [ApiKeyScopes.Proxy], "live", Ct);
        var recipient = Assert.Single((await owner.Sdk.GetKeysAsync(Ct)).RecipientKeys);
        var trail = new AuditTrail(fixture.Server);
        var eventId = (await trail.SettledAsync(owner.Tenant.TenantId, owner.Tenant.ApiKey, 3, Ct))[^1].EventId;
        return new Placeholders(credential.CredentialId, integration.IntegrationId, recipient.RecipientKeyId, spare.ApiKeyId, eventId, owner.Tenant.TenantId, OktaBase);
    }

    private static async Task AssertOwnerUnchangedAsync(TenantSession owner, Placeholders objects)
    {
        var credential = await owner.Sdk.GetCredentialAsync(objects.CredentialId, Ct);
        var integration = await owner.Sdk.GetIntegrationAsync(objects.IntegrationId, Ct);
        var keys = await owner.Sdk.GetKeysAsync(Ct);
        var apiKeys = await owner.Sdk.ListApiKeysAsync(Ct);

        Assert.Equal(1, credential.Version);
        Assert.Equal(["list_users"], integration.AllowedOperations);
        Assert.Equal(objects.RecipientKeyId, Assert.Single(keys.RecipientKeys).RecipientKeyId);
        Assert.Null(Assert.Single(apiKeys, k => k.ApiKeyId == objects.ApiKeyId).RevokedAt);
    }

    private string OktaBase => fixture.Okta.BaseUri.ToString().TrimEnd('/');

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(Row row, string path, string? body, string apiKey)
    {
        using var http = fixture.Server.Http();
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is not null)
        {
            request.Content = new StringContent(body.Replace(OktaDomain, OktaBase, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static bool Allows(string scope, Access access) => access switch
    {
        Access.Admin => scope == ApiKeyScopes.Admin,
        Access.Proxy => scope is ApiKeyScopes.Admin or ApiKeyScopes.Proxy,
        Access.AuditRead => scope is ApiKeyScopes.Admin or ApiKeyScopes.AuditRead,
        Access.Authenticated => true,
        _ => false,
    };

    private static string Normalize(string pattern) => "/" + pattern.Trim('/');

    private static string Fill(string template, Placeholders ids) => FillBody(template, ids)!;

    private static string? FillBody(string? template, Placeholders ids) => template?
        .Replace("{credentialId}", ids.CredentialId, StringComparison.Ordinal)
        .Replace("{integrationId}", ids.IntegrationId, StringComparison.Ordinal)
        .Replace("{recipientKeyId}", ids.RecipientKeyId, StringComparison.Ordinal)
        .Replace("{apiKeyId}", ids.ApiKeyId, StringComparison.Ordinal)
        .Replace("{eventId}", ids.EventId, StringComparison.Ordinal)
        .Replace("{tenantId}", ids.TenantId, StringComparison.Ordinal);

    private static bool IsProblem(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject problem && problem["type"] is not null && problem["status"] is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The body without what differs per request (trace id, the refusal's own audit event id).</summary>
    private static string Comparable(string body)
    {
        if (JsonNode.Parse(body) is not JsonObject node)
        {
            return body;
        }

        node.Remove("traceId");
        node.Remove("trace_id");
        node.Remove("audit_event_id");
        return node.ToJsonString();
    }

    /// <summary>The ids a row's placeholders are filled with.</summary>
    private sealed record Placeholders(string CredentialId, string IntegrationId, string RecipientKeyId, string ApiKeyId, string EventId, string TenantId, string Domain)
    {
        /// <summary>Well-formed ids that exist nowhere.</summary>
        public static readonly Placeholders Nowhere = new(
            "cred_01JZZZZZZZZZZZZZZZZZZZZZZZ", "int_01JZZZZZZZZZZZZZZZZZZZZZZZ", "rk_01JZZZZZZZZZZZZZZZZZZZZZZZ",
            "ak_01JZZZZZZZZZZZZZZZZZZZZZZZ", "aud_01JZZZZZZZZZZZZZZZZZZZZZZZ", "ten_01JZZZZZZZZZZZZZZZZZZZZZZZ", string.Empty);

        /// <summary>Ids of the same kinds and shapes as these, that exist nowhere (the last character changed).</summary>
        public Placeholders Missing() => this with
        {
            CredentialId = Other(CredentialId),
            IntegrationId = Other(IntegrationId),
            RecipientKeyId = Other(RecipientKeyId),
            ApiKeyId = Other(ApiKeyId),
            EventId = Other(EventId),
        };

        private static string Other(string id) => id[..^1] + (id[^1] == 'Z' ? 'Y' : 'Z');
    }
}
