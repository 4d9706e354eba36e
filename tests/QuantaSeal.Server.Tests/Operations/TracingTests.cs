using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 7: one trace from the front door through the grains to the upstream. A caller's W3C
/// <c>traceparent</c> (sent by its HTTP client for its current activity) is honoured, grain calls are spans of it, and the upstream request carries it on (the emulator's
/// own server span joins the same trace). No span carries the API key or the upstream credential.
/// </summary>
public sealed class TracingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProxyCall_WithATraceparent_IsOneTraceAcrossFrontDoorGrainsAndUpstream()
    {
        var spans = new SpanLog();
        await using var auth0 = await Auth0Emulator.StartAsync(cancellationToken: Ct);
        await using var server = new QuantaSealServer("memory",
            settings: new Dictionary<string, string?> { ["QuantaSeal:UpstreamAllow:0"] = "http://127.0.0.1:*", ["QuantaSeal:Tracing"] = "true" },
            configureServices: services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "traced", cancellationToken: Ct);
        var sdk = server.Sdk(tenant.ApiKey);
        await sdk.RegisterRecipientKeyAsync(RecipientKey.Generate(), cancellationToken: Ct);
        var (_, integrationId) = await sdk.AddAuth0IntegrationAsync(auth0, "traced", ["get_users"], Ct);

        var traceId = ActivityTraceId.CreateRandom();
        using var http = server.Http();
        // The caller's own trace: its HTTP client sends the W3C traceparent of this activity.
        using (new Activity("caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            using var response = await http.SendProxyAsync(tenant.ApiKey, integrationId, "get_users", new { per_page = 1 }, Ct);
            response.EnsureSuccessStatusCode();
        }

        List<Activity> Trace() => spans.Snapshot().Where(s => s.TraceId == traceId).ToList();

        bool IsUpstream(Activity s) => s.Kind == ActivityKind.Client && s.GetTagItem("server.port") is int port && port == auth0.BaseUri.Port;
        bool IsEmulatorServer(Activity s) => s.Kind == ActivityKind.Server && s.GetTagItem("server.port") is int port && port == auth0.BaseUri.Port;

        await WaitUntil.TrueAsync(
            () => Trace() is var t && t.Any(s => s.Kind == ActivityKind.Server && s.OperationName.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && !IsEmulatorServer(s))
                && t.Any(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
                && t.Any(IsUpstream)
                && t.Any(IsEmulatorServer),
            TimeSpan.FromSeconds(30),
            () => "front door, grain, upstream client and emulator server spans in trace " + traceId + ": " + string.Join(", ", Trace().Select(s => $"{s.Source.Name}/{s.Kind}/{s.DisplayName}")),
            Ct);

        var trace = Trace();
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("IIntegrationGrain", StringComparison.Ordinal));
        var values = spans.Snapshot().SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty).Append(s.DisplayName)).ToList();
        Assert.DoesNotContain(values, v => v.Contains(tenant.ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains(auth0.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnOtlpEndpoint_NoSpanIsRecorded()
    {
        await using var server = new QuantaSealServer("memory");
        server.StartServer();

        Assert.Null(server.Services.GetService<TracerProvider>());
    }

    /// <summary>The exporter's target: appended to by the export processor, read by the test while spans still arrive.</summary>
    private sealed class SpanLog : System.Collections.ObjectModel.Collection<Activity>
    {
        private readonly Lock _lock = new();

        public List<Activity> Snapshot()
        {
            lock (_lock)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
