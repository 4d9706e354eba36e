using QuantaSeal.Crypto.KeyWrap;

namespace QuantaSeal.Grains.Hosting;

/// <summary>How a silo that hosts QuantaSeal grains gets its key-encryption keys.</summary>
public sealed class QuantaSealSiloOptions
{
    /// <summary>Environment variable that may hold the base64 local master key.</summary>
    public const string MasterKeyEnvironmentVariable = "QUANTASEAL_MASTER_KEY";

    /// <summary>A custom key-wrap provider (e.g. a cloud KMS); wins over the local master key settings.</summary>
    public Func<IServiceProvider, IKeyWrapProvider>? KeyWrapProviderFactory { get; set; }

    /// <summary>Outbound settings: the upstream host allowlist and time limits (<c>--upstream-allow</c>).</summary>
    public Action<QuantaSeal.Connectors.Http.UpstreamOptions>? ConfigureUpstream { get; set; }

    /// <summary>Path of a file holding the base64 32-byte local master key.</summary>
    public string? MasterKeyFile { get; set; }
}
