using Orleans.Connections.Security;

namespace QuantaSeal.Grains.Hosting.Cluster;

/// <summary>
/// Mutual TLS on silo-to-silo and client-to-gateway connections: both ends present a certificate issued by the
/// cluster CA, and a connection without one is closed during the handshake, before any Orleans message (and so
/// before any tenant request context) is read.
/// </summary>
public static class ClusterTlsExtensions
{
    /// <summary>Requires cluster certificates on every silo and gateway connection of this silo.</summary>
    public static ISiloBuilder UseQuantaSealClusterTls(this ISiloBuilder silo, ClusterCertificates certificates)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(certificates);
        return silo.UseTls(certificates.Node, options => Configure(options, certificates));
    }

    /// <summary>Connects this client to the gateways with its cluster certificate and checks theirs.</summary>
    public static IClientBuilder UseQuantaSealClusterTls(this IClientBuilder client, ClusterCertificates certificates)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(certificates);
        return client.UseTls(certificates.Node, options => Configure(options, certificates));
    }

    private static void Configure(TlsOptions options, ClusterCertificates certificates)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.CheckCertificateRevocation = false;
        // The platform's verdict (OS roots, host name) is replaced by ours: the peer must chain to the cluster CA.
        options.RemoteCertificateValidation = (certificate, _, _) => certificates.IsClusterMember(certificate);
        options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = "quantaseal-cluster";
    }
}
