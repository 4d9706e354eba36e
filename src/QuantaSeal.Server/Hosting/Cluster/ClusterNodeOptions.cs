namespace QuantaSeal.Server.Hosting.Cluster;

/// <summary>
/// How this node proves it belongs to the cluster (mutual TLS on silo and gateway connections) and where it
/// advertises itself. Command line: <c>--cluster-cert-dir</c> or <c>--cluster-cert</c>/<c>--cluster-key</c>/<c>--cluster-ca</c>,
/// <c>--cluster-insecure-dev true</c>; environment <c>QuantaSeal__Cluster__CertificateFile</c> etc.
/// </summary>
internal sealed class ClusterNodeOptions
{
    public const string SectionName = "QuantaSeal:Cluster";

    /// <summary>A directory holding <c>node.pem</c>, <c>node.key</c> and <c>ca.pem</c> (what <c>QuantaSeal.Server cluster-certs</c> writes).</summary>
    public string? CertificateDirectory { get; set; }

    /// <summary>This node's certificate (PEM), issued by the cluster CA for server and client authentication.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>This node's private key (PEM, unencrypted, mode 0600).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The cluster CA certificate(s) (PEM): only peers whose certificate chains to one of them may connect.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// Development only: run a PostgreSQL node without cluster TLS. Anyone who reaches the silo or gateway port can
    /// then act as any tenant; the node logs that at Critical on every start.
    /// </summary>
    public bool InsecureDevelopment { get; set; }

    /// <summary>Command-line switches mapped onto this section.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cluster-cert-dir"] = $"{SectionName}:CertificateDirectory",
        ["--cluster-cert"] = $"{SectionName}:CertificateFile",
        ["--cluster-key"] = $"{SectionName}:KeyFile",
        ["--cluster-ca"] = $"{SectionName}:CaFile",
        ["--cluster-insecure-dev"] = $"{SectionName}:InsecureDevelopment",
    };

    /// <summary>The three files, from the explicit options or else from <see cref="CertificateDirectory"/>; null when none is configured.</summary>
    public (string Certificate, string Key, string Ca)? Files()
    {
        var dir = CertificateDirectory;
        var cert = CertificateFile ?? (dir is null ? null : Path.Combine(dir, Grains.Hosting.Cluster.ClusterCertificateGenerator.NodeCertificateFile));
        var key = KeyFile ?? (dir is null ? null : Path.Combine(dir, Grains.Hosting.Cluster.ClusterCertificateGenerator.NodeKeyFile));
        var ca = CaFile ?? (dir is null ? null : Path.Combine(dir, Grains.Hosting.Cluster.ClusterCertificateGenerator.CaCertificateFile));
        return cert is null && key is null && ca is null ? null : (cert ?? "(--cluster-cert missing)", key ?? "(--cluster-key missing)", ca ?? "(--cluster-ca missing)");
    }
}
