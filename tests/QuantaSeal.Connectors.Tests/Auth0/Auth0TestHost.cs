using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Connectors.Tests.Catalog;
using QuantaSeal.Emulators.Auth0;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// One in-process Auth0 emulator and an <see cref="Auth0Connector"/> wired exactly as production wires it
/// (<see cref="ConnectorServiceCollectionExtensions.AddQuantaSealConnectors"/>: host policy, no redirects, the two
/// resilience pipelines), with the operator allowlist opened for <c>http://127.0.0.1:*</c> as in tests and the demo.
/// </summary>
internal sealed class Auth0TestHost : IAsyncDisposable
{
    private readonly bool _ownsEmulator;

    private Auth0TestHost(Auth0Emulator emulator, bool ownsEmulator, ServiceProvider services, Auth0Connector connector, ConnectorTarget target)
    {
        _ownsEmulator = ownsEmulator;
        Emulator = emulator;
        Services = services;
        Connector = connector;
        Target = target;
    }

    public Auth0Emulator Emulator { get; }

    public ServiceProvider Services { get; }

    public Auth0Connector Connector { get; }

    public ConnectorTarget Target { get; }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>The seeded client's credentials, audience left to the connector's default.</summary>
    public OAuth2ClientSecretCredential Credential => new(Emulator.ClientId, Emulator.ClientSecret, null, null);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="upstream">Changes to the outbound options (timeouts, retries).</param>
    /// <param name="emulator">Emulator options.</param>
    /// <param name="connectorTime">The connector's clock (token expiry); the HTTP pipelines keep real time.</param>
    /// <param name="shared">An emulator another host owns (for a second connector with other time limits).</param>
    /// <param name="pipelineTime">The HTTP pipelines' clock (retry delays, timeouts); real time when null.</param>
    public static async Task<Auth0TestHost> StartAsync(Action<UpstreamOptions>? upstream = null, Auth0EmulatorOptions? emulator = null, TimeProvider? connectorTime = null, Auth0Emulator? shared = null, TimeProvider? pipelineTime = null)
    {
        var auth0 = shared ?? await Auth0Emulator.StartAsync(emulator, Ct);
        var services = new ServiceCollection();
        if (pipelineTime is not null)
        {
            services.AddSingleton(pipelineTime);
        }

        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddQuantaSealConnectors(o =>
        {
            o.Allow.Add("http://127.0.0.1:*");
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.TotalTimeout = TimeSpan.FromSeconds(10);
            upstream?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        var policy = provider.GetRequiredService<UpstreamHostPolicy>();
        if (!policy.TryCreateTarget("auth0", auth0.BaseUri.AbsoluteUri, out var target, out var error))
        {
            if (shared is null)
            {
                await auth0.DisposeAsync();
            }

            await provider.DisposeAsync();
            throw new InvalidOperationException("The host policy refused the emulator: " + error);
        }

        var connector = new Auth0Connector(
            provider.GetRequiredService<IHttpClientFactory>(),
            connectorTime ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<Auth0Connector>>());
        return new Auth0TestHost(auth0, shared is null, provider, connector, target!);
    }

    public Task<UpstreamToken> TokenAsync(params string[] allowedOperations) =>
        Connector.AcquireTokenAsync(Target, Credential, allowedOperations, Ct);

    /// <summary>Gets a token for every Auth0 operation.</summary>
    public Task<UpstreamToken> TokenForAllAsync() =>
        TokenAsync([.. Auth0Operations.All.Select(o => o.Name)]);

    public async Task<UpstreamResponse> ExecuteAsync(string operation, string payloadJson, UpstreamToken? token = null)
    {
        token ??= await TokenForAllAsync();
        return await Connector.ExecuteAsync(Target, token, ValidatedRequests.For("auth0", operation, payloadJson), Ct);
    }

    /// <summary>The response body as JSON.</summary>
    public static JsonElement Body(UpstreamResponse response)
    {
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.Clone();
    }

    /// <summary>The last Management API request the emulator saw.</summary>
    public Auth0RecordedRequest LastManagementRequest() => Emulator.Requests.Last(r => r.IsManagementRequest);

    public async ValueTask DisposeAsync()
    {
        if (_ownsEmulator)
        {
            await Emulator.DisposeAsync();
        }

        await Services.DisposeAsync();
    }
}
