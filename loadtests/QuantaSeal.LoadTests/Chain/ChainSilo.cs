using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Chain;

/// <summary>
/// One silo in this process wired exactly as the server's PostgreSQL mode (UseQuantaSealPostgres +
/// AddQuantaSealAuditPostgres + AddQuantaSeal), plus the run's overrides of the audit stream provider's options.
/// </summary>
internal static class ChainSilo
{
    public static IHost Build(string connectionString, ChainSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "qs-load-chain";
                o.ServiceId = "qs-load-chain";
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, Ports.Free(), Ports.Free(), listenOnAnyHostAddress: false);
            silo.UseQuantaSealPostgres(connectionString);
            silo.AddQuantaSealAuditPostgres(connectionString);
            silo.AddQuantaSeal(o => o.KeyWrapProviderFactory = _ => LocalKeyWrapProvider.FromBase64(LocalKeyWrapProvider.GenerateMasterKeyBase64()));

            // Named options of the audit stream provider (AuditStreams.ProviderName); PostConfigure runs after the product's Configure.
            silo.Services.PostConfigure<StreamPullingAgentOptions>(AuditStreams.ProviderName, o =>
            {
                if (settings.PollingMs is { } polling)
                {
                    o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(polling);
                }

                if (settings.DeliveryBatch is { } delivery)
                {
                    o.BatchContainerBatchSize = delivery;
                }
            });
            if (settings.CacheSize is { } cacheSize)
            {
                silo.Services.PostConfigure<SimpleQueueCacheOptions>(AuditStreams.ProviderName, o => o.CacheSize = cacheSize);
            }
        });
        return builder.Build();
    }
}
