using System.Net;
using Orleans.Dashboard;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Cluster;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Server.Hosting;

/// <summary>Wires the co-hosted silo or the front door's cluster client for the configured role and storage.</summary>
internal static class OrleansHosting
{
    public static WebApplicationBuilder AddQuantaSealOrleans(this WebApplicationBuilder builder, ServerOptions options, ClusterCertificates? certificates, string? masterKeyFile, Action<QuantaSeal.Connectors.Http.UpstreamOptions> configureUpstream)
    {
        if (options.RunsSilo)
        {
            builder.UseOrleans(silo =>
            {
                silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                if (options.IsMemory)
                {
                    silo.UseQuantaSealInMemory(options.SiloPort, options.GatewayPort);
                    silo.AddQuantaSealAuditInMemory();
                }
                else
                {
                    silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIp), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                    silo.UseQuantaSealPostgres(options.ConnectionString!);
                    if (options.IsAuditInMemory)
                    {
                        // Benchmarks only (the price of durability): audit events are not durable in this mode.
                        silo.AddQuantaSealAuditInMemory();
                    }
                    else
                    {
                        silo.AddQuantaSealAuditPostgres(options.ConnectionString!);
                    }
                }

                if (certificates is not null)
                {
                    silo.UseQuantaSealClusterTls(certificates);
                }

                // Grain calls carry the caller's trace context (W3C) and show as spans.
                silo.AddActivityPropagation();
                if (options.Dashboard)
                {
                    silo.AddDashboard(Operations.ConfigureDashboard);
                }

                silo.AddQuantaSeal(o =>
                {
                    o.MasterKeyFile = masterKeyFile;
                    o.ConfigureUpstream = configureUpstream;
                });
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                client.UseQuantaSealPostgresClustering(options.ConnectionString!);
                client.AddActivityPropagation();
                if (options.Dashboard)
                {
                    client.AddDashboard(Operations.ConfigureDashboard);
                }

                if (certificates is not null)
                {
                    client.UseQuantaSealClusterTls(certificates);
                }
            });
        }

        return builder;
    }
}
