using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Samples.EmbeddedHost;

/// <summary>
/// <c>EmbeddedHost migrate --connection-string CS</c> applies QuantaSeal's schema (its own step, before any silo starts);
/// <c>EmbeddedHost run --connection-string CS --master-key-file F --upstream-allow 'http://127.0.0.1:*' --auth0-domain URL
/// --client-id ID --client-secret SECRET [--audience AUD]</c> starts the host, runs <see cref="EmbeddedDemo"/> once and stops.
/// (A named class rather than top-level statements, so the test project that references the sample sees no <c>Program</c>.)
/// </summary>
public static class EmbeddedHostProgram
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--connection-string"] = "ConnectionString",
        ["--master-key-file"] = "MasterKeyFile",
        ["--upstream-allow"] = "UpstreamAllow",
        ["--auth0-domain"] = "Auth0Domain",
        ["--client-id"] = "ClientId",
        ["--client-secret"] = "ClientSecret",
        ["--audience"] = "Audience",
        ["--silo-port"] = "SiloPort",
        ["--gateway-port"] = "GatewayPort",
    };

    /// <summary>Runs a verb; returns the exit code (2 for a usage error).</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is not [("migrate" or "run") and var verb, .. var rest])
        {
            await Console.Error.WriteLineAsync("usage: EmbeddedHost migrate|run --connection-string CS [options] (see samples/EmbeddedHost/README.md)");
            return 2;
        }

        var config = new ConfigurationBuilder().AddEnvironmentVariables("EMBEDDEDHOST_").AddCommandLine(rest, Switches).Build();
        var connectionString = config["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("--connection-string (or EMBEDDEDHOST_ConnectionString) is required");
            return 2;
        }

        if (verb == "migrate")
        {
            var applied = await QuantaSealSchema.MigrateAsync(connectionString);
            await Console.Out.WriteLineAsync($"migrate: {applied.Count} migration(s) applied");
            return 0;
        }

        var options = new EmbeddedHostOptions { ConnectionString = connectionString, MasterKeyFile = config["MasterKeyFile"] };
        if (config["UpstreamAllow"] is { Length: > 0 } allow)
        {
            options.UpstreamAllow.Add(allow);
        }

        options.SiloPort = config.GetValue("SiloPort", options.SiloPort);
        options.GatewayPort = config.GetValue("GatewayPort", options.GatewayPort);
        var domain = config["Auth0Domain"] ?? throw new ArgumentException("--auth0-domain is required for run");
        var upstream = new DemoUpstream(
            domain,
            config["ClientId"] ?? throw new ArgumentException("--client-id is required for run"),
            config["ClientSecret"] ?? throw new ArgumentException("--client-secret is required for run"),
            config["Audience"] ?? domain.TrimEnd('/') + "/api/v2/");

        using var host = Build(options);
        await host.StartAsync();
        try
        {
            var result = await EmbeddedDemo.RunAsync(host.Services.GetRequiredService<IGrainFactory>(), upstream);
            await Console.Out.WriteLineAsync($"tenant {result.TenantId}, integration {result.IntegrationId}, audit event {result.AuditEventId}");
            await Console.Out.WriteLineAsync(result.UsersJson);
        }
        finally
        {
            await host.StopAsync();
        }

        return 0;
    }

    /// <summary>The sample's host: a generic host with one silo configured by <see cref="EmbeddedHostSilo.ConfigureEmbeddedHost"/>.</summary>
    public static IHost Build(EmbeddedHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.ConfigureEmbeddedHost(options));
        return builder.Build();
    }
}
