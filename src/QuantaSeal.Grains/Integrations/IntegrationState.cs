namespace QuantaSeal.Grains.Integrations;

/// <summary>Persisted integration configuration (no credential values, no tokens).</summary>
[GenerateSerializer, Alias("qs.IntegrationState")]
public sealed class IntegrationState
{
    [Id(0)] public string? TenantId { get; set; }
    [Id(1)] public string SystemType { get; set; } = string.Empty;
    [Id(2)] public string Name { get; set; } = string.Empty;
    [Id(3)] public string Domain { get; set; } = string.Empty;
    [Id(4)] public string CredentialId { get; set; } = string.Empty;
    [Id(5)] public List<string> AllowedOperations { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(8)] public bool Deleted { get; set; }

    /// <summary>Bumped by every write of this record; bound into <see cref="Authenticator"/>.</summary>
    [Id(9)] public long RecordVersion { get; set; }

    /// <summary>HMAC-SHA-256 under the tenant's record-authentication key (RecordAuthenticator); null on records written before it existed.</summary>
    [Id(10)] public byte[]? Authenticator { get; set; }
}
