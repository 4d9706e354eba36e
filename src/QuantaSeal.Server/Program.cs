using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using QuantaSeal.AdminConsole.Hosting;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Features.Audit;
using QuantaSeal.Server.Features.Connectors;
using QuantaSeal.Server.Features.Envelopes;
using QuantaSeal.Server.Features.Integrations;
using QuantaSeal.Server.Features.Proxy;
using QuantaSeal.Server.Features.Vault;
using QuantaSeal.Server.Features.Tenants;
using QuantaSeal.Server.Hosting;
using QuantaSeal.Server.Hosting.Cluster;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;
using Scalar.AspNetCore;

if (await ServerCommands.TryRunAsync(args) is { } commandExit)
{
    return commandExit;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
builder.Configuration.AddCommandLine(args, ServerOptions.SwitchMappings.Concat(ClusterNodeOptions.SwitchMappings).ToDictionary(StringComparer.Ordinal));
builder.Configuration.AddQuantaSealLoggingDefaults();

ServerOptions options;
IReadOnlyList<string> optionErrors;
try
{
    options = builder.Configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
    optionErrors = options.Validate();
}
catch (InvalidOperationException ex)
{
    // A value of the wrong type (--silo-port many): the binder names the key and the expected type.
    options = new ServerOptions();
    optionErrors = [ex.Message];
}

if (optionErrors.Count > 0)
{
    await Console.Error.WriteLineAsync("quantaseal: invalid configuration:\n  " + string.Join("\n  ", optionErrors));
    return 2;
}

using var startupLoggerFactory = LoggerFactory.Create(l => l.AddConsole());
var startupLog = startupLoggerFactory.CreateLogger("QuantaSeal.Startup");

// Secrets: the operator key and the local master key live in files (0600) created on first start. Existing files are
// checked first (permissions, operator key strength): a bad one stops the start with the fix in the message.
var keyFileProblems = KeyFileChecks.Check(
    options.OperatorKeyFile,
    options.RunsSilo && Environment.GetEnvironmentVariable("QUANTASEAL_MASTER_KEY") is null ? options.MasterKeyFile : null);
if (keyFileProblems.Count > 0)
{
    await Console.Error.WriteLineAsync("quantaseal: unsafe key files:\n  " + string.Join("\n  ", keyFileProblems));
    return 2;
}

// Keys shared by the cluster (checked against the database in PostgreSQL mode), cluster certificates, advertised address.
var clusterOptions = builder.Configuration.GetSection(ClusterNodeOptions.SectionName).Get<ClusterNodeOptions>() ?? new ClusterNodeOptions();
var clusterSetup = await ClusterStartup.PrepareAsync(options, clusterOptions, builder.Configuration["urls"], startupLog, CancellationToken.None);
if (clusterSetup.Problem is not null)
{
    await Console.Error.WriteLineAsync("quantaseal: " + clusterSetup.Problem);
    return 2;
}

var operatorKey = clusterSetup.OperatorKey;

builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SecurityMetrics>();
builder.Services.AddSingleton(sp => new OperatorKeyVerifier(operatorKey, sp.GetRequiredService<SecurityMetrics>(), sp.GetRequiredService<FailedAuthentication>(), sp.GetRequiredService<ILogger<OperatorKeyVerifier>>()));
builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<FailedAuthentication>();
builder.Services.AddQuantaSealRateLimiter();
builder.Services.AddSingleton<EdgeAudit>();
builder.Services.AddSingleton<IConnectorCatalog, ConnectorCatalog>();
var upstreamAllow = UpstreamAllowList.From(args, builder.Configuration);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
});
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<QuantaSealExceptionHandler>();
// No default scheme, not even the one ASP.NET Core picks when a single scheme is registered: only endpoints whose
// policy names the API-key scheme authenticate (health, OpenAPI and operator calls never look a key up, so a flood of
// made-up keys there costs nothing).
builder.Services.AddAuthentication()
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddSingleton<IAuthenticationSchemeProvider, NoDefaultAuthenticateSchemeProvider>();
builder.Services.AddAuthorization(ScopePolicies.Add);
builder.Services.AddOpenApi(o => o.AddSchemaTransformer<AuditTimestampSchemaTransformer>());
var health = builder.Services.AddHealthChecks().AddCheck<OrleansHealthCheck>("orleans", tags: ["ready"]);
if (!options.IsMemory)
{
    health.AddCheck("postgres", new PostgresHealthCheck(options.ConnectionString!), tags: ["ready"]);
}

if (!options.IsAuditInMemory)
{
    // Dead-lettered audit events: a gauge at /metrics and an unhealthy /healthz/audit (not part of readiness: taking the
    // node out of the load balancer would not bring the events back).
    builder.Services.AddSingleton(sp => new AuditStreamMonitor(options.ConnectionString!, sp.GetRequiredService<ILogger<AuditStreamMonitor>>()));
    builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditStreamMonitor>());
    health.AddCheck<AuditStreamMonitor>("audit-transport", tags: ["audit"]);
}

// Metrics, the dashboard and traces: /metrics and /dashboard on the management listener only, behind the operator key.
builder.AddQuantaSealOperations(options, metrics => metrics
    .AddMeter(QuantaSeal.Grains.Audit.AuditMetrics.MeterName)
    .AddMeter(SecurityMetrics.MeterName));

builder.AddQuantaSealOrleans(options, clusterSetup.Certificates, Environment.GetEnvironmentVariable("QUANTASEAL_MASTER_KEY") is null ? options.MasterKeyFile : null, upstream =>
{
    builder.Configuration.GetSection(UpstreamOptions.SectionName).Bind(upstream);
    foreach (var pattern in upstreamAllow)
    {
        upstream.Allow.Add(pattern);
    }
});

// The Admin Console (/console): on by default, off with --console false; front doors only.
var consoleEnabled = options.RunsFrontDoor && builder.AddQuantaSealConsole();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseQuantaSealOperations(options);
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapHealthChecks("/healthz/audit", new HealthCheckOptions { Predicate = c => c.Tags.Contains("audit") });
if (!options.IsAuditInMemory)
{
    app.Services.GetRequiredService<AuditStreamMonitor>().RegisterGauges();
}

if (options.RunsFrontDoor)
{
    app.MapOpenApi();
    app.MapScalarApiReference();
    app.MapTenantEndpoints();
    app.MapEnvelopeEndpoints();
    app.MapVaultEndpoints();
    app.MapIntegrationEndpoints();
    app.MapProxyEndpoints();
    app.MapConnectorEndpoints();
    app.MapAuditEndpoints();
    if (!options.IsAuditInMemory)
    {
        app.MapAuditOperatorEndpoints(options.ConnectionString!);
    }

    if (consoleEnabled)
    {
        app.MapQuantaSealConsole();
    }
}

try
{
    await app.RunAsync();
}
catch (Exception ex) when (ex is OptionsValidationException || (ex is AggregateException all && all.InnerExceptions.All(e => e is OptionsValidationException)))
{
    // ValidateOnStart: the upstream and audit options are checked before the front door listens.
    var failures = (ex is AggregateException many ? many.InnerExceptions : [ex]).Cast<OptionsValidationException>().SelectMany(e => e.Failures).Distinct(StringComparer.Ordinal);
    await Console.Error.WriteLineAsync("quantaseal: invalid configuration:\n  " + string.Join("\n  ", failures));
    return 2;
}

return 0;

/// <summary>Entry point marker for WebApplicationFactory.</summary>
public partial class Program;
