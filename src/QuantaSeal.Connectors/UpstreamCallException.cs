namespace QuantaSeal.Connectors;

/// <summary>
/// Token acquisition or transport failed. <see cref="Exception.Message"/> is client-safe: it never carries a
/// credential, a token or an upstream body.
/// </summary>
public sealed class UpstreamCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UpstreamCallException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UpstreamCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public UpstreamCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an outcome.</summary>
    public UpstreamCallException(UpstreamOutcome outcome, int statusCode, string? errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Outcome = outcome;
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    /// <summary>How it failed.</summary>
    public UpstreamOutcome Outcome { get; } = UpstreamOutcome.Unreachable;

    /// <summary>Upstream status, 0 when none.</summary>
    public int StatusCode { get; }

    /// <summary>Vendor error code, if any.</summary>
    public string? ErrorCode { get; }

    /// <summary>
    /// When the upstream said to retry (a rate-limited token endpoint: <c>Retry-After</c>, else the vendor's
    /// rate-limit reset); never negative, null when it gave none.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}
