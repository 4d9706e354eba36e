using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QuantaSeal.Grains.Hosting.Cluster;

/// <summary>
/// The certificates that admit a process into a QuantaSeal cluster: this node's certificate with its private key,
/// and the cluster CA that every peer's certificate must chain to. Silos, front doors and trusted embedding services
/// each hold one; nothing else may open a silo or gateway connection (DESIGN §10).
/// </summary>
public sealed class ClusterCertificates : IDisposable
{
    private readonly X509Certificate2Collection _authorities;

    private ClusterCertificates(X509Certificate2 node, X509Certificate2Collection authorities)
    {
        Node = node;
        _authorities = authorities;
    }

    /// <summary>This node's certificate, with its private key.</summary>
    public X509Certificate2 Node { get; }

    /// <summary>
    /// Loads PEM files: the node certificate, its private key (PKCS#8 or PKCS#1/SEC1, unencrypted; the file must not
    /// be readable by group or others) and one or more CA certificates trusted for cluster peers.
    /// </summary>
    /// <exception cref="InvalidOperationException">A file is missing, too open, or does not hold what it should.</exception>
    public static ClusterCertificates Load(string certificateFile, string keyFile, string caFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(caFile);
        foreach (var file in (string[])[certificateFile, keyFile, caFile])
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"Cluster TLS file '{file}' does not exist.");
            }
        }

        if (!OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(keyFile) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"Cluster TLS key file '{keyFile}' is readable or writable by group or others; chmod 600 it.");
        }

        X509Certificate2 node;
        try
        {
            using var withoutKey = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // Export/import so the key is usable by SslStream on every platform (an ephemeral PEM key is not on all).
            node = X509CertificateLoader.LoadPkcs12(withoutKey.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"Cluster TLS certificate '{certificateFile}' and key '{keyFile}' could not be loaded as a PEM pair: {ex.GetType().Name}.", ex);
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        if (authorities.Count == 0)
        {
            node.Dispose();
            throw new InvalidOperationException($"Cluster CA file '{caFile}' holds no PEM certificate.");
        }

        var certificates = new ClusterCertificates(node, authorities);
        if (!certificates.IsClusterMember(node))
        {
            certificates.Dispose();
            throw new InvalidOperationException($"The cluster certificate '{certificateFile}' is not issued by the cluster CA in '{caFile}' (or has expired).");
        }

        return certificates;
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of the cluster CAs (only those are trusted, never the
    /// operating system's roots) and is valid now. Host names are not checked: cluster members are addressed by IP
    /// and admitted by the CA that issued them.
    /// </summary>
    public bool IsClusterMember(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (!chain.Build(certificate))
        {
            return false;
        }

        // The chain must end at one of our CAs, and the leaf must not be a CA itself (a stolen CA file alone is not a node).
        var root = chain.ChainElements[^1].Certificate;
        return _authorities.Find(X509FindType.FindByThumbprint, root.Thumbprint, validOnly: false).Count > 0
            && !string.Equals(certificate.Thumbprint, root.Thumbprint, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Node.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }
}
