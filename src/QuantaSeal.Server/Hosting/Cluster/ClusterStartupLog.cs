namespace QuantaSeal.Server.Hosting.Cluster;

/// <summary>Start-up log lines about cluster membership. They name files and certificate thumbprints, never keys.</summary>
internal static partial class ClusterStartupLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Critical,
        Message = "CLUSTER TLS IS OFF (--cluster-insecure-dev): anyone who can reach silo port {SiloPort} or gateway port {GatewayPort} can call every grain as any tenant. Development machines only; never expose these ports")]
    public static partial void ClusterTlsOff(ILogger logger, int siloPort, int gatewayPort);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "Cluster connections require mutual TLS; this node is {Subject} ({Thumbprint}), valid until {NotAfter:u}")]
    public static partial void ClusterTlsOn(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning,
        Message = "This silo advertises {AdvertisedIp} (--advertised-ip): silos and front doors on other hosts cannot reach it. Set --advertised-ip to this host's cluster address, or --advertised-ip auto")]
    public static partial void LoopbackAdvertised(ILogger logger, string advertisedIp);
}
