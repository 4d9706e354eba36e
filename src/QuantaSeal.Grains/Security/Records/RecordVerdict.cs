namespace QuantaSeal.Grains.Security.Records;

/// <summary>The result of checking a stored record.</summary>
internal enum RecordVerdict
{
    /// <summary>The authenticator verifies.</summary>
    Valid,

    /// <summary>The record has no authenticator (legacy, or forged by someone who could not compute one).</summary>
    Missing,

    /// <summary>The authenticator does not match the record's identity and fields.</summary>
    Mismatch,

    /// <summary>
    /// The record verifies, but an authenticated record that vouches for it says it was superseded (an older copy
    /// restored, e.g. a revoked API key brought back).
    /// </summary>
    Superseded,
}
