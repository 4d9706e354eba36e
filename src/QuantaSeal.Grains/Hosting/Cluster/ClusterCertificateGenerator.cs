using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QuantaSeal.Grains.Hosting.Cluster;

/// <summary>
/// A local cluster CA and node certificates for development and tests (<c>./dev.sh run</c>,
/// <c>deploy/scripts/cluster.sh</c>): ECDSA P-256, the CA valid 10 years, node certificates 2 years, both for
/// server and client authentication. Production clusters bring certificates from their own CA.
/// </summary>
public static class ClusterCertificateGenerator
{
    /// <summary>File names inside a certificate directory.</summary>
    public const string CaCertificateFile = "ca.pem";

    /// <summary>The CA's private key (only needed to issue more node certificates).</summary>
    public const string CaKeyFile = "ca.key";

    /// <summary>The node certificate (PEM).</summary>
    public const string NodeCertificateFile = "node.pem";

    /// <summary>The node's private key (PEM, 0600).</summary>
    public const string NodeKeyFile = "node.key";

    /// <summary>A new self-signed CA certificate with its private key.</summary>
    public static X509Certificate2 CreateAuthority(string name, TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }

    /// <summary>A node certificate issued by <paramref name="authority"/> (which must carry its private key).</summary>
    public static X509Certificate2 IssueNode(X509Certificate2 authority, string name, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("quantaseal-cluster");
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var notAfter = now.AddYears(2) < authority.NotAfter ? now.AddYears(2) : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority, now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Makes sure <paramref name="directory"/> holds a CA and a node certificate, creating what is missing (keys 0600,
    /// the directory 0700). Returns true when something was created.
    /// </summary>
    public static bool EnsureDevelopmentCertificates(string directory, string nodeName = "quantaseal-node")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        CreatePrivateDirectory(directory);
        var caPem = Path.Combine(directory, CaCertificateFile);
        var caKey = Path.Combine(directory, CaKeyFile);
        var nodePem = Path.Combine(directory, NodeCertificateFile);
        var nodeKey = Path.Combine(directory, NodeKeyFile);
        if (File.Exists(caPem) && File.Exists(nodePem) && File.Exists(nodeKey))
        {
            return false;
        }

        X509Certificate2 authority;
        if (File.Exists(caPem) && File.Exists(caKey))
        {
            authority = X509Certificate2.CreateFromPemFile(caPem, caKey);
        }
        else
        {
            authority = CreateAuthority("QuantaSeal local cluster CA");
            WritePem(caPem, authority.ExportCertificatePem(), secret: false);
            using var caPrivate = authority.GetECDsaPrivateKey()!;
            WritePem(caKey, caPrivate.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        using (authority)
        using (var node = IssueNode(authority, nodeName))
        using (var nodePrivate = node.GetECDsaPrivateKey()!)
        {
            WritePem(nodePem, node.ExportCertificatePem(), secret: false);
            WritePem(nodeKey, nodePrivate.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        return true;
    }

    /// <summary>Writes a PEM file; secrets are created 0600 (never briefly world-readable).</summary>
    public static void WritePem(string path, string pem, bool secret)
    {
        ArgumentNullException.ThrowIfNull(pem);
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
        writer.Write('\n');
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
