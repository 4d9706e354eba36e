using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// What operators look at, kept off the public listener (issue 13 finding 9, issue 14 item 7): a management listener
/// (<see cref="ServerOptions.ManagementPort"/>, loopback by default) serving <c>/metrics</c> and the Orleans Dashboard
/// behind operator authentication, next to the health endpoints; and OpenTelemetry traces (W3C trace context) from the
/// front door through the grains to the upstream, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (and only then recorded, unless <see cref="ServerOptions.Tracing"/> says otherwise).
/// </summary>
internal static class Operations
{
    /// <summary>The activity sources of Orleans' grain-call tracing (<c>AddActivityPropagation</c>).</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>
    /// Adds the management listener next to the public <c>--urls</c>, the metrics and trace pipelines. Call before
    /// <c>Build</c>.
    /// </summary>
    public static WebApplicationBuilder AddQuantaSealOperations(this WebApplicationBuilder builder, ServerOptions options, Action<MeterProviderBuilder> metrics)
    {
        if (options.ManagementPort != 0)
        {
            // Appended to whatever --urls / ASPNETCORE_URLS chose (the default when neither did), so the public
            // listener stays exactly as configured. The listener is told apart by its local port (never the Host header).
            var publicUrls = builder.Configuration["urls"] ?? "http://localhost:5000";
            builder.WebHost.UseUrls([.. publicUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                string.Create(CultureInfo.InvariantCulture, $"http://{FormatHost(options.ManagementAddress)}:{options.ManagementPort}")]);
        }

        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(m =>
        {
            metrics(m);
            m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
        });
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!(options.Tracing ?? otlp))
        {
            return builder;
        }

        telemetry.WithTracing(t =>
        {
            // Incoming API calls (a caller's traceparent is honoured), Orleans grain calls, outbound HTTP to the
            // upstream (traceparent sent on). No query string values, headers or bodies are recorded (the HTTP client
            // instrumentation redacts query values by default; upstream URLs can carry user e-mail addresses).
            t.AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperationsPath(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(OrleansSources);
            if (otlp)
            {
                t.AddOtlpExporter();
            }
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>/metrics</c> and <c>/dashboard</c> and the gate in front of them: on the public listener they do not
    /// exist (404); on the management listener they need the operator key, and nothing but them and the health
    /// endpoints is served there.
    /// </summary>
    public static void UseQuantaSealOperations(this WebApplication app, ServerOptions options)
    {
        var port = options.ManagementPort;
        app.Use(async (http, next) =>
        {
            var onManagement = port != 0 && http.Connection.LocalPort == port;
            var path = http.Request.Path;
            if (IsOperationsPath(path))
            {
                if (!onManagement)
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                if (http.RequestServices.GetRequiredService<OperatorKeyVerifier>().RefuseManagement(http) is { } refusal)
                {
                    await refusal.ExecuteAsync(http);
                    return;
                }
            }
            else if (onManagement && !IsHealthPath(path))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(http);
        });

        if (port == 0)
        {
            return;
        }

        app.MapPrometheusScrapingEndpoint("/metrics");
        if (options.Dashboard)
        {
            // Live log streaming is off (HideTrace) and grain state is never shown: QuantaSeal's grain state holds wrapped
            // keys and credential ciphertext, which an operator key must not be able to read out.
            app.MapOrleansDashboard("/dashboard").AddEndpointFilter(async (context, next) =>
                context.HttpContext.Request.Path.Value is { } p && p.EndsWith("/GrainState", StringComparison.OrdinalIgnoreCase)
                    ? GrainStateRefused()
                    : await next(context));
        }
    }

    /// <summary>The dashboard options every node uses.</summary>
    public static void ConfigureDashboard(DashboardOptions options) => options.HideTrace = true;

    private static ProblemHttpResult GrainStateRefused() =>
        TypedResults.Problem(Problems.Create(StatusCodes.Status403Forbidden, ProblemTypes.InsufficientScope, "Grain state is not shown.",
            "QuantaSeal's grain state holds wrapped keys and sealed credentials; the dashboard does not display it."));

    private static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase);

    private static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase);

    private static string FormatHost(string address) =>
        System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
}
