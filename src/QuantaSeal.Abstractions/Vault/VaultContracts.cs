namespace QuantaSeal.Abstractions.Vault;

/// <summary>Creates a credential from already sealed values.</summary>
[GenerateSerializer, Immutable, Alias("qs.CreateCredentialCommand")]
public sealed record CreateCredentialCommand(
    [property: Id(0)] string CredentialType,
    [property: Id(1)] SealedCredential Sealed,
    [property: Id(2)] string? Name);

/// <summary>Replaces the sealed values of a credential.</summary>
[GenerateSerializer, Immutable, Alias("qs.RotateCredentialCommand")]
public sealed record RotateCredentialCommand(
    [property: Id(0)] SealedCredential Sealed);

/// <summary>
/// Credential values sealed to the tenant's vault key (DESIGN §5). The AAD binds tenant, credential id, type and
/// <see cref="Version"/>, so a sealed blob cannot be replayed under another credential, type or version.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.SealedCredential")]
public sealed record SealedCredential(
    [property: Id(0)] int Version,
    [property: Id(1)] byte[] CiphertextKem,
    [property: Id(2)] byte[] Nonce,
    [property: Id(3)] byte[] CiphertextData,
    [property: Id(4)] string Fingerprint,
    [property: Id(5)] string CredentialType);

/// <summary>Credential metadata: never a value.</summary>
[GenerateSerializer, Immutable, Alias("qs.CredentialInfo")]
public sealed record CredentialInfo(
    [property: Id(0)] string CredentialId,
    [property: Id(1)] string CredentialType,
    [property: Id(2)] string? Name,
    [property: Id(3)] string Fingerprint,
    [property: Id(4)] int Version,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] IReadOnlyList<string> UsedBy);

/// <summary>The credential is used by integrations and cannot be deleted.</summary>
[GenerateSerializer, Alias("qs.CredentialInUseException")]
public sealed class CredentialInUseException : Exception, Audit.IAuditedRefusal
{
    /// <summary>Creates the exception.</summary>
    public CredentialInUseException()
        : base("The credential is used by one or more integrations; delete or repoint them first.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CredentialInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public CredentialInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    [Id(0)]
    public string? AuditEventId { get; init; }
}
