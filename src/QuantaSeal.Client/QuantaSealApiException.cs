using System.Net;

namespace QuantaSeal.Client;

/// <summary>A QuantaSeal API call answered with an RFC 9457 problem (or another error status).</summary>
public sealed class QuantaSealApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuantaSealApiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QuantaSealApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public QuantaSealApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a problem answer.</summary>
    public QuantaSealApiException(HttpStatusCode status, string? type, string? title, string? detail, string? field)
        : base($"{(int)status} {title ?? status.ToString()}{(detail is null ? string.Empty : ": " + detail)}")
    {
        StatusCode = status;
        ProblemType = type;
        Title = title;
        Detail = detail;
        Field = field;
    }

    /// <summary>HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Stable problem type URI.</summary>
    public string? ProblemType { get; }

    /// <summary>Problem title.</summary>
    public string? Title { get; }

    /// <summary>Problem detail.</summary>
    public string? Detail { get; }

    /// <summary>The request field the problem is about, when the server named one.</summary>
    public string? Field { get; }

    /// <summary>How long the server asked the client to wait before retrying (its <c>Retry-After</c>), on 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
