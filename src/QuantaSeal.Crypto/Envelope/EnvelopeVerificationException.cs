namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// An envelope was rejected. No plaintext is ever returned alongside it. The message is a fixed text per
/// <see cref="Reason"/> (plus the name of the offending field for <see cref="EnvelopeRejectionReason.Malformed"/>)
/// and never contains key material, signatures or payload bytes.
/// </summary>
public sealed class EnvelopeVerificationException : Exception
{
    /// <summary>Creates the exception for a reason with its standard message.</summary>
    public EnvelopeVerificationException(EnvelopeRejectionReason reason)
        : this(reason, DefaultMessage(reason))
    {
    }

    /// <summary>Creates the exception for a reason with a specific (non-secret) message.</summary>
    public EnvelopeVerificationException(EnvelopeRejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception for a reason with a specific (non-secret) message and its cause.</summary>
    public EnvelopeVerificationException(EnvelopeRejectionReason reason, string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Creates a <see cref="EnvelopeRejectionReason.Malformed"/> rejection with a generic message.</summary>
    public EnvelopeVerificationException()
        : this(EnvelopeRejectionReason.Malformed)
    {
    }

    /// <summary>Creates a <see cref="EnvelopeRejectionReason.Malformed"/> rejection.</summary>
    public EnvelopeVerificationException(string message)
        : this(EnvelopeRejectionReason.Malformed, message)
    {
    }

    /// <summary>Creates a <see cref="EnvelopeRejectionReason.Malformed"/> rejection with its cause.</summary>
    public EnvelopeVerificationException(string message, Exception innerException)
        : this(EnvelopeRejectionReason.Malformed, message, innerException)
    {
    }

    /// <summary>The stable rejection reason.</summary>
    public EnvelopeRejectionReason Reason { get; }

    private static string DefaultMessage(EnvelopeRejectionReason reason) => reason switch
    {
        EnvelopeRejectionReason.Malformed => "Envelope rejected: malformed.",
        EnvelopeRejectionReason.UnknownKeyId => "Envelope rejected: signature.key_id is not a pinned signing key.",
        EnvelopeRejectionReason.TenantMismatch => "Envelope rejected: tenant ids do not match.",
        EnvelopeRejectionReason.SignatureInvalid => "Envelope rejected: signature verification failed.",
        EnvelopeRejectionReason.DecryptionFailed => "Envelope rejected: payload decryption failed (wrong recipient key or corrupted ciphertext).",
        EnvelopeRejectionReason.RequestMismatch => "Envelope rejected: it answers a different request (request_sha256 differs).",
        EnvelopeRejectionReason.OutsideTimeWindow => "Envelope rejected: issued_at is outside the accepted window (stale, replayed or from the future).",
        EnvelopeRejectionReason.BindingMissing => "Envelope rejected: a v1 envelope carries no request binding or time of issue.",
        _ => "Envelope rejected.",
    };
}
