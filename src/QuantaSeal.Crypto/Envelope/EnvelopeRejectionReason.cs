namespace QuantaSeal.Crypto.Envelope;

/// <summary>Why an envelope was rejected. Values are stable and may be persisted or shown to operators.</summary>
public enum EnvelopeRejectionReason
{
    /// <summary>A field is missing, not strict base64, has the wrong length, or an algorithm string is not the expected one.</summary>
    Malformed = 1,

    /// <summary><c>signature.key_id</c> names no pinned signing public key.</summary>
    UnknownKeyId = 2,

    /// <summary><c>encrypted.tenant_id</c> and <c>signature.tenant_id</c> differ, or differ from the expected tenant.</summary>
    TenantMismatch = 3,

    /// <summary>The ML-DSA-65 signature or the HMAC-SHA-512 (or both) does not verify.</summary>
    SignatureInvalid = 4,

    /// <summary>The signatures verified but the payload did not decrypt (AES-GCM tag failure, e.g. wrong recipient key).</summary>
    DecryptionFailed = 5,

    /// <summary>The signed <c>request_sha256</c> (v2) is not the hash of the request the client sent.</summary>
    RequestMismatch = 6,

    /// <summary>The signed <c>issued_at</c> (v2) is outside the client's window: too old (a replay) or in the future.</summary>
    OutsideTimeWindow = 7,

    /// <summary>The client asked for a request binding or a time window, and the envelope is v1 (which has neither).</summary>
    BindingMissing = 8,
}
