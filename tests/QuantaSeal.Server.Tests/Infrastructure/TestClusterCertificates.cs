using QuantaSeal.Grains.Hosting.Cluster;

namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>
/// Test vectors, not secrets: one local cluster CA with a node certificate, generated once per test run into a
/// temporary directory (node.pem, node.key, ca.pem), and a second, unrelated CA for "a stranger's certificate".
/// </summary>
public static class TestClusterCertificates
{
    private static readonly Lazy<string> Cluster = new(() => Generate("qs-cluster-certs-"));
    private static readonly Lazy<string> Stranger = new(() => Generate("qs-stranger-certs-"));

    /// <summary>The cluster's certificate directory (<c>--cluster-cert-dir</c>).</summary>
    public static string Directory => Cluster.Value;

    /// <summary>A certificate directory of another CA: its node certificate is well-formed but not a cluster member.</summary>
    public static string StrangerDirectory => Stranger.Value;

    /// <summary>Loads <paramref name="directory"/>'s node certificate and CA.</summary>
    public static ClusterCertificates Load(string directory) => ClusterCertificates.Load(
        Path.Combine(directory, ClusterCertificateGenerator.NodeCertificateFile),
        Path.Combine(directory, ClusterCertificateGenerator.NodeKeyFile),
        Path.Combine(directory, ClusterCertificateGenerator.CaCertificateFile));

    private static string Generate(string prefix)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;
        ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir);
        return dir;
    }
}
