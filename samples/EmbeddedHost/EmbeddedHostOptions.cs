namespace QuantaSeal.Samples.EmbeddedHost;

/// <summary>What the sample host needs: its database, its ports, QuantaSeal's master key and the upstream it may reach.</summary>
public sealed class EmbeddedHostOptions
{
    /// <summary>Npgsql connection string of the database holding the host's grain state and QuantaSeal's schema.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Orleans cluster id of the host.</summary>
    public string ClusterId { get; set; } = "embedded-host";

    /// <summary>Orleans service id of the host (QuantaSeal's rows are kept under it too).</summary>
    public string ServiceId { get; set; } = "embedded-host";

    /// <summary>Silo-to-silo port on 127.0.0.1.</summary>
    public int SiloPort { get; set; } = 11211;

    /// <summary>Client gateway port on 127.0.0.1.</summary>
    public int GatewayPort { get; set; } = 30200;

    /// <summary>File holding QuantaSeal's base64 local master key (0600); or set <c>QUANTASEAL_MASTER_KEY</c>.</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>Upstream patterns QuantaSeal may reach besides Auth0 and Okta cloud hosts (e.g. <c>http://127.0.0.1:*</c> for the emulator).</summary>
    public IList<string> UpstreamAllow { get; } = [];
}
