namespace QuantaSeal.Grains.Tenants;

/// <summary>Persisted API key record: the hash only, never the key.</summary>
[GenerateSerializer, Alias("qs.ApiKeyGrainState")]
public sealed class ApiKeyGrainState
{
    [Id(0)] public string? TenantId { get; set; }
    [Id(1)] public byte[] KeyHash { get; set; } = [];
    [Id(2)] public List<string> Scopes { get; set; } = [];
    [Id(3)] public DateTimeOffset? RevokedAt { get; set; }
}
