using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Connectors.Tests.Catalog;
using QuantaSeal.Connectors.Okta;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>
/// One in-process Okta emulator plus an <see cref="OktaConnector"/> built on the real outbound clients
/// (<see cref="ConnectorServiceCollectionExtensions.AddQuantaSealConnectors"/>: host policy, resilience pipelines),
/// with the emulator's loopback address allowed as an operator would for the demo. Logs go to a fake collector so
/// tests can prove no secret is ever logged.
/// </summary>
internal sealed class OktaHarness : IAsyncDisposable
{
    public static readonly string[] AllOperations =
        ["list_users", "get_user", "create_user", "deactivate_user", "list_groups", "list_applications", "get_system_log"];

    private readonly ServiceProvider _services;

    private OktaHarness(OktaEmulator emulator, ServiceProvider services, OktaConnector connector, ConnectorTarget target)
    {
        Emulator = emulator;
        _services = services;
        Connector = connector;
        Target = target;
    }

    public OktaEmulator Emulator { get; }

    public OktaConnector Connector { get; }

    public ConnectorTarget Target { get; }

    public FakeLogCollector Logs => _services.GetRequiredService<FakeLogCollector>();

    public ApiTokenCredential ApiToken => new(Emulator.ApiToken);

    public PrivateKeyJwtCredential ServiceApp(IReadOnlyList<string>? scopes = null) => new(Emulator.ServiceAppClientId, Emulator.ServiceAppPrivateKeyPem, Emulator.ServiceAppKeyId, scopes);

    /// <summary>Starts a harness; <paramref name="connectorTime"/> drives the connector's clock only (the pipelines keep real time).</summary>
    public static async Task<OktaHarness> StartAsync(OktaEmulatorOptions? options = null, Action<UpstreamOptions>? upstream = null, TimeProvider? connectorTime = null)
    {
        var emulator = await OktaEmulator.StartAsync(options, TestContext.Current.CancellationToken);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddQuantaSealConnectors(o =>
        {
            o.Allow.Add("http://127.0.0.1:*");
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.TotalTimeout = TimeSpan.FromSeconds(60);
            upstream?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        var policy = provider.GetRequiredService<UpstreamHostPolicy>();
        if (!policy.TryCreateTarget("okta", emulator.BaseUri.GetLeftPart(UriPartial.Authority), out var target, out var error))
        {
            throw new InvalidOperationException("The emulator's address was refused: " + error);
        }

        var connector = new OktaConnector(
            provider.GetRequiredService<IHttpClientFactory>(),
            connectorTime ?? provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<OktaConnector>>());
        return new OktaHarness(emulator, provider, connector, target!);
    }

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public Task<UpstreamToken> TokenAsync(UpstreamCredential credential, params string[] allowed)
        => Connector.AcquireTokenAsync(Target, credential, allowed.Length == 0 ? AllOperations : allowed, TestContext.Current.CancellationToken);

    public Task<UpstreamResponse> RunAsync(UpstreamToken token, string operation, string payload = "{}")
        => Connector.ExecuteAsync(Target, token, ValidatedRequests.For("okta", operation, payload), TestContext.Current.CancellationToken);

    /// <summary>Every log line and its structured values, for "nothing secret was logged" checks.</summary>
    public string AllLogText(LogLevel minimum = LogLevel.Trace, string? category = null)
        => string.Join('\n', Logs.GetSnapshot().Where(r => r.Level >= minimum && (category is null || r.Category == category)).Select(r => r.Message + " " + string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? []) + " " + r.Exception));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
