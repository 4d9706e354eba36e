using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>Raw HTTP calls and the setup the audit tests share (a tenant, a credential, an Auth0 integration).</summary>
public sealed class AuditScenario(EmulatorServerFixture fixture)
{
    public QuantaSealServer Server => fixture.Server;

    public AuditTrail Trail { get; } = new(fixture.Server);

    /// <summary>A new tenant with a recipient key (four events: tenant.create and tenant.recipient_key.register, each intent + outcome).</summary>
    public Task<TenantSession> TenantAsync(CancellationToken cancellationToken) => fixture.NewTenantAsync(cancellationToken);

    /// <summary>The tenant's events once the ones its setup produced (at least <paramref name="atLeast"/>) have settled.</summary>
    public Task<IReadOnlyList<AuditRecord>> BeforeAsync(TenantCreation tenant, int atLeast, CancellationToken cancellationToken) =>
        Trail.SettledAsync(tenant.TenantId, tenant.ApiKey, atLeast, cancellationToken);

    /// <summary>The one event the request made since <paramref name="before"/>.</summary>
    public Task<AuditRecord> SingleNewAsync(TenantCreation tenant, IReadOnlyList<AuditRecord> before, CancellationToken cancellationToken) =>
        Trail.SingleNewAsync(tenant.TenantId, tenant.ApiKey, before, cancellationToken);

    /// <summary>
    /// The two events one change made since <paramref name="before"/> (DESIGN §7): its intent (<c>attempted</c>), then
    /// its outcome naming the intent in <c>attempt_event_id</c>, both describing the same action, actor and object.
    /// </summary>
    public async Task<(AuditRecord Intent, AuditRecord Outcome)> ChangeNewAsync(TenantCreation tenant, IReadOnlyList<AuditRecord> before, CancellationToken cancellationToken)
    {
        await Trail.SettledAsync(tenant.TenantId, tenant.ApiKey, before.Count + 2, cancellationToken);
        var added = await NewSinceAsync(tenant, before, cancellationToken);
        Assert.Equal(2, added.Count);
        var (intent, outcome) = (added[0], added[1]);
        Assert.Equal(AuditOutcomes.Attempted, intent.Outcome);
        Assert.Null(intent.AttemptEventId);
        Assert.Equal(intent.EventId, outcome.AttemptEventId);
        Assert.Equal((intent.Action, intent.Actor, intent.ObjectId, intent.IntegrationId), (outcome.Action, outcome.Actor, outcome.ObjectId, outcome.IntegrationId));
        return (intent, outcome);
    }

    /// <summary>Asserts the event's action, outcome, actor and object, and that its id is an audit event id.</summary>
    public static void AssertEvent(AuditRecord audited, string action, string outcome, string actor, string? objectId)
    {
        Assert.Equal(action, audited.Action);
        Assert.Equal(outcome, audited.Outcome);
        Assert.Equal(actor, audited.Actor);
        Assert.Equal(objectId, audited.ObjectId);
        Assert.StartsWith("aud_", audited.EventId, StringComparison.Ordinal);
    }

    /// <summary>The events made since <paramref name="before"/>.</summary>
    public Task<IReadOnlyList<AuditRecord>> NewSinceAsync(TenantCreation tenant, IReadOnlyList<AuditRecord> before, CancellationToken cancellationToken) =>
        Trail.NewSinceAsync(tenant.TenantId, tenant.ApiKey, before, cancellationToken);

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string apiKey, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is string json)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var http = Server.Http();
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>An OAuth2 credential for the Auth0 emulator (two events: vault.seal intent + outcome).</summary>
    public async Task<string> CredentialAsync(TenantSession session, CancellationToken cancellationToken) =>
        (await session.Sdk.SealCredentialAsync("oauth2_client", new
        {
            client_id = fixture.Auth0.ClientId,
            client_secret = fixture.Auth0.ClientSecret,
            domain = fixture.Auth0.BaseUri.Authority,
            audience = fixture.Auth0.Audience,
        }, cancellationToken: cancellationToken)).CredentialId;

    /// <summary>An Auth0 integration allowing <paramref name="allowed"/> (four events: vault.seal, integration.create, each intent + outcome).</summary>
    public async Task<string> IntegrationAsync(TenantSession session, CancellationToken cancellationToken, params string[] allowed)
    {
        var credentialId = await CredentialAsync(session, cancellationToken);
        var integration = await session.Sdk.CreateIntegrationAsync("auth0", "acme", fixture.Auth0.BaseUri.ToString().TrimEnd('/'), credentialId, allowed, cancellationToken);
        return integration.IntegrationId;
    }
}
