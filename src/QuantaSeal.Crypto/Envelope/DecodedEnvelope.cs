namespace QuantaSeal.Crypto.Envelope;

/// <summary>An envelope whose every field passed the format checks, with binary fields decoded.</summary>
internal sealed class DecodedEnvelope
{
    public required byte[] TenantIdUtf8 { get; init; }

    public required byte[] RecipientKeyIdUtf8 { get; init; }

    public required byte[] AuditEventIdUtf8 { get; init; }

    public required string KeyId { get; init; }

    public required bool Success { get; init; }

    public required byte[] CiphertextKem { get; init; }

    public required byte[] Nonce { get; init; }

    public required byte[] CiphertextData { get; init; }

    public required byte[] PqcSignature { get; init; }

    public required byte[] HmacSignature { get; init; }

    /// <summary>The v2 fields as signed, or null for a v1 envelope.</summary>
    public EnvelopeV2Fields? V2 { get; init; }

    public int Version => V2 is null ? 1 : EnvelopeConstants.Version2;

    public string SignatureContext => V2 is null ? EnvelopeConstants.SignatureContext : EnvelopeConstants.SignatureContextV2;

    public byte[] BuildSignedBytes() => EnvelopeSignedBytes.Build(
        TenantIdUtf8,
        RecipientKeyIdUtf8,
        EnvelopeConstants.KemAlgorithmUtf8,
        CiphertextKem,
        Nonce,
        CiphertextData,
        AuditEventIdUtf8,
        Success,
        V2);
}
