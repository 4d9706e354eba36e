namespace QuantaSeal.Samples.EmbeddedHost.Users;

/// <summary>The host grain's own state, on the host's default storage provider.</summary>
[GenerateSerializer, Alias("sample.UserDirectoryState")]
public sealed class UserDirectoryState
{
    /// <summary>The QuantaSeal tenant serving this customer.</summary>
    [Id(0)]
    public string? TenantId { get; set; }

    /// <summary>The tenant's integration used for listings.</summary>
    [Id(1)]
    public string? IntegrationId { get; set; }

    /// <summary>Listings made so far.</summary>
    [Id(2)]
    public int Calls { get; set; }

    /// <summary>The audit event of the last listing.</summary>
    [Id(3)]
    public string? LastAuditEventId { get; set; }
}
