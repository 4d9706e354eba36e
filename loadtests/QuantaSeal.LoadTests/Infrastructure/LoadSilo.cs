using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.LoadTests.Infrastructure;

/// <summary>
/// One silo in this process wired exactly as the server's PostgreSQL mode (UseQuantaSealPostgres +
/// AddQuantaSealAuditPostgres + AddQuantaSeal), plus a scenario's overrides of the product's options.
/// </summary>
internal static class LoadSilo
{
    /// <summary>
    /// The silo of cluster <paramref name="clusterId"/> on free loopback ports, logging at <paramref name="minimumLevel"/>.
    /// <paramref name="overrides"/> runs after the product's registrations, so its <c>PostConfigure</c> calls win.
    /// </summary>
    public static IHost Build(string connectionString, string clusterId, LogLevel minimumLevel, Action<IServiceCollection> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(minimumLevel);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, Ports.Free(), Ports.Free(), listenOnAnyHostAddress: false);
            silo.UseQuantaSealPostgres(connectionString);
            silo.AddQuantaSealAuditPostgres(connectionString);
            silo.AddQuantaSeal(o => o.KeyWrapProviderFactory = _ => LocalKeyWrapProvider.FromBase64(LocalKeyWrapProvider.GenerateMasterKeyBase64()));
            overrides(silo.Services);
        });
        return builder.Build();
    }

    /// <summary>Creates a tenant as the operator; from then on this async flow calls the grains as that tenant.</summary>
    public static async Task<string> CreateTenantAsync(IGrainFactory grains, string name, CancellationToken cancellationToken)
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        await grains.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand(name, "live"), cancellationToken);
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        return tenantId;
    }
}
