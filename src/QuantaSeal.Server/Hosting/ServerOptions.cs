using System.ComponentModel.DataAnnotations;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// Server options. Command line: <c>--storage</c>, <c>--connection-string</c>, <c>--role</c>, <c>--operator-key-file</c>,
/// <c>--master-key-file</c> (plus ASP.NET's <c>--urls</c>); environment: <c>QuantaSeal__Storage</c> etc.;
/// appsettings: the <c>QuantaSeal</c> section.
/// </summary>
internal sealed class ServerOptions
{
    public const string SectionName = "QuantaSeal";

    /// <summary><c>postgres</c> (default) or <c>memory</c> (quick trials and tests; nothing survives a restart).</summary>
    [Required]
    public string Storage { get; set; } = "postgres";

    /// <summary>Npgsql connection string (required for <c>postgres</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>all</c> (silo + front door, default), <c>silo</c> or <c>frontdoor</c>.</summary>
    [Required]
    public string Role { get; set; } = "all";

    /// <summary>File holding the operator key; created with a fresh key (mode 0600) when it does not exist.</summary>
    [Required]
    public string OperatorKeyFile { get; set; } = ".quantaseal/operator.key";

    /// <summary>File holding the base64 local master key (KEK root); created when missing unless <c>QUANTASEAL_MASTER_KEY</c> is set.</summary>
    [Required]
    public string MasterKeyFile { get; set; } = ".quantaseal/master.key";

    /// <summary>Largest accepted request body in bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Orleans silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans gateway port (front doors connect here).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans cluster id (silos and front doors of one deployment share it).</summary>
    [Required]
    public string ClusterId { get; set; } = "quantaseal";

    /// <summary>Orleans service id (stable across deployments: grain state is keyed by it).</summary>
    [Required]
    public string ServiceId { get; set; } = "quantaseal";

    /// <summary>
    /// Port of the management listener: <c>/metrics</c> and the Orleans Dashboard (<c>/dashboard</c>), both behind operator
    /// authentication, plus the health endpoints. The public listener (<c>--urls</c>) does not serve them. 0 turns the
    /// management listener (and with it metrics and the dashboard) off.
    /// </summary>
    [Range(0, 65535)]
    public int ManagementPort { get; set; } = 9464;

    /// <summary>Address the management listener binds; loopback by default (a scraper or operator on the node itself).</summary>
    [Required]
    public string ManagementAddress { get; set; } = "127.0.0.1";

    /// <summary>The Orleans Dashboard on the management listener (<c>--dashboard false</c> turns it off).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// OpenTelemetry traces (front door, grain calls, upstream HTTP). Unset: on exactly when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names somewhere to send them (spans nobody exports are only a cost).
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>Address advertised to other silos; loopback by default (single node).</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>
    /// <c>durable</c> (default): audit events go through the PostgreSQL stream into the PostgreSQL chain tables.
    /// <c>memory</c>: memory streams and in-process chains, only to measure what durability costs (benchmarks); an
    /// event acknowledged in this mode is lost on restart. <c>--storage memory</c> always uses memory.
    /// </summary>
    [Required]
    public string AuditTransport { get; set; } = "durable";

    public bool IsAuditInMemory => IsMemory || string.Equals(AuditTransport, "memory", StringComparison.Ordinal);

    public bool IsMemory => string.Equals(Storage, "memory", StringComparison.Ordinal);

    public bool RunsSilo => Role is "all" or "silo";

    public bool RunsFrontDoor => Role is "all" or "frontdoor";

    /// <summary>Command-line switches mapped onto this section.</summary>
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--storage"] = $"{SectionName}:Storage",
        ["--connection-string"] = $"{SectionName}:ConnectionString",
        ["--role"] = $"{SectionName}:Role",
        ["--operator-key-file"] = $"{SectionName}:OperatorKeyFile",
        ["--master-key-file"] = $"{SectionName}:MasterKeyFile",
        ["--silo-port"] = $"{SectionName}:SiloPort",
        ["--gateway-port"] = $"{SectionName}:GatewayPort",
        ["--audit-transport"] = $"{SectionName}:AuditTransport",
        ["--advertised-ip"] = $"{SectionName}:AdvertisedIp",
        ["--console"] = $"{SectionName}:Console:Enabled",
        ["--management-port"] = $"{SectionName}:ManagementPort",
        ["--management-address"] = $"{SectionName}:ManagementAddress",
        ["--dashboard"] = $"{SectionName}:Dashboard",
        ["--tracing"] = $"{SectionName}:Tracing",
    };

    /// <summary>Every problem with the options, each with how to fix it: the attributes (<see cref="ServerOptionsValidator"/>), then the rules that span fields.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(new ServerOptionsValidator().Validate(null, this).Failures ?? []);
        if (Storage is not ("postgres" or "memory"))
        {
            errors.Add("--storage must be 'postgres' or 'memory'.");
        }

        if (Role is not ("all" or "silo" or "frontdoor"))
        {
            errors.Add("--role must be 'all', 'silo' or 'frontdoor'.");
        }

        if (Storage == "postgres" && string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("--storage postgres needs --connection-string (or QuantaSeal__ConnectionString); use --storage memory for a quick trial.");
        }

        if (AuditTransport is not ("durable" or "memory"))
        {
            errors.Add("--audit-transport must be 'durable' or 'memory'.");
        }

        if (AuditTransport == "memory" && Role != "all")
        {
            errors.Add("--audit-transport memory keeps the chains in one process: --role must be 'all'.");
        }

        if (ManagementPort != 0 && !System.Net.IPAddress.TryParse(ManagementAddress, out _))
        {
            errors.Add("--management-address must be an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface).");
        }

        if (Storage == "memory" && Role != "all")
        {
            errors.Add("--storage memory runs a single process: --role must be 'all'.");
        }

        return errors;
    }
}
