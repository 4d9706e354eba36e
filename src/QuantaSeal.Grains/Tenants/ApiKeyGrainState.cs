namespace QuantaSeal.Grains.Tenants;

/// <summary>Persisted API key record: the hash only, never the key.</summary>
[GenerateSerializer, Alias("qs.ApiKeyGrainState")]
public sealed class ApiKeyGrainState
{
    [Id(0)] public string? TenantId { get; set; }
    [Id(1)] public byte[] KeyHash { get; set; } = [];
    [Id(2)] public List<string> Scopes { get; set; } = [];
    [Id(3)] public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Bumped by every write of this record; bound into <see cref="Authenticator"/>.</summary>
    [Id(4)] public long RecordVersion { get; set; }

    /// <summary>HMAC-SHA-256 under the tenant's record-authentication key (RecordAuthenticator); null on records written before it existed.</summary>
    [Id(5)] public byte[]? Authenticator { get; set; }
}
