namespace QuantaSeal.Grains.Tenants;

/// <summary>Persisted tenant state. Private key material appears only KEK-wrapped.</summary>
[GenerateSerializer, Alias("qs.TenantState")]
public sealed class TenantState
{
    [Id(0)] public string? TenantId { get; set; }
    [Id(1)] public string Name { get; set; } = string.Empty;
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public int KeyVersion { get; set; }
    [Id(4)] public byte[] VaultPublicKey { get; set; } = [];
    [Id(5)] public WrappedKeyState? VaultPrivateSeed { get; set; }
    [Id(6)] public List<SigningKeyState> SigningKeys { get; set; } = [];
    [Id(7)] public string CurrentSigningKeyId { get; set; } = string.Empty;
    [Id(8)] public WrappedKeyState? HmacKey { get; set; }
    [Id(9)] public List<RecipientKeyState> RecipientKeys { get; set; } = [];
    [Id(10)] public List<ApiKeyState> ApiKeys { get; set; } = [];

    /// <summary>The recipient key sealed to when a call names none; set explicitly, never "the newest".</summary>
    [Id(11)] public string? DefaultRecipientKeyId { get; set; }

    /// <summary>0: written before the explicit default recipient key existed (migrated on activation); 1: current.</summary>
    [Id(12)] public int SchemaVersion { get; set; }

    /// <summary>Bumped by every write of this record; bound into <see cref="Authenticator"/>.</summary>
    [Id(13)] public long RecordVersion { get; set; }

    /// <summary>HMAC-SHA-256 under the tenant's record-authentication key (RecordAuthenticator); null on records written before it existed.</summary>
    [Id(14)] public byte[]? Authenticator { get; set; }
}

/// <summary>A wrapped key as persisted.</summary>
[GenerateSerializer, Alias("qs.WrappedKeyState")]
public sealed class WrappedKeyState
{
    [Id(0)] public string Provider { get; set; } = string.Empty;
    [Id(1)] public string KeyRef { get; set; } = string.Empty;
    [Id(2)] public byte[] Ciphertext { get; set; } = [];
    [Id(3)] public string Purpose { get; set; } = string.Empty;
}

/// <summary>An ML-DSA-65 signing key as persisted.</summary>
[GenerateSerializer, Alias("qs.SigningKeyState")]
public sealed class SigningKeyState
{
    [Id(0)] public string KeyId { get; set; } = string.Empty;
    [Id(1)] public byte[] PublicKey { get; set; } = [];
    [Id(2)] public WrappedKeyState? WrappedSeed { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? RetiredAt { get; set; }
}

/// <summary>A client recipient key as persisted.</summary>
[GenerateSerializer, Alias("qs.RecipientKeyState")]
public sealed class RecipientKeyState
{
    [Id(0)] public string RecipientKeyId { get; set; } = string.Empty;
    [Id(1)] public byte[] PublicKey { get; set; } = [];
    [Id(2)] public string? Label { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>API key metadata as persisted by the tenant (the hash lives in the key's own grain).</summary>
[GenerateSerializer, Alias("qs.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public string ApiKeyId { get; set; } = string.Empty;
    [Id(1)] public string Name { get; set; } = string.Empty;
    [Id(2)] public List<string> Scopes { get; set; } = [];
    [Id(3)] public string Environment { get; set; } = string.Empty;
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? RevokedAt { get; set; }
}
