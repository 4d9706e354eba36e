using QuantaSeal.Abstractions.Vault;

namespace QuantaSeal.Grains.Vault;

/// <summary>Persisted credential: the sealed form and metadata only.</summary>
[GenerateSerializer, Alias("qs.CredentialState")]
public sealed class CredentialState
{
    [Id(0)] public string? TenantId { get; set; }
    [Id(1)] public string CredentialType { get; set; } = string.Empty;
    [Id(2)] public string? Name { get; set; }
    [Id(3)] public SealedCredential? Sealed { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(6)] public List<string> UsedBy { get; set; } = [];
    [Id(7)] public bool Deleted { get; set; }
}
