namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// What a client checks beyond the signatures (docs/envelope-v2.md, "What a client should check"). Any expectation
/// set here needs a v2 envelope: a v1 envelope carries no binding and is rejected with
/// <see cref="EnvelopeRejectionReason.BindingMissing"/>.
/// </summary>
public sealed record EnvelopeExpectations
{
    /// <summary>The default tolerated difference between the server's clock and the client's.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The request hash the client computed for the request it sent (<see cref="EnvelopeRequestHash"/>); the envelope's
    /// signed <c>request_sha256</c> must equal it. Null: not checked.
    /// </summary>
    public string? RequestSha256 { get; init; }

    /// <summary>
    /// The oldest acceptable envelope: <c>issued_at</c> must be no earlier than now − <see cref="MaxAge"/> −
    /// <see cref="ClockSkew"/>, and no later than now + <see cref="ClockSkew"/>. Null: not checked.
    /// </summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Tolerated clock difference, both ways (default <see cref="DefaultClockSkew"/>).</summary>
    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    /// <summary>Reject v1 envelopes even when nothing else is expected.</summary>
    public bool RequireVersion2 { get; init; }

    /// <summary>The client's clock (default <see cref="System.TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal bool NeedsBinding => RequireVersion2 || RequestSha256 is not null || MaxAge is not null;
}
