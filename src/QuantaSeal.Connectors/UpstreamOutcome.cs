namespace QuantaSeal.Connectors;

/// <summary>How an upstream call ended, sorted into the kinds the proxy maps to errors.</summary>
public enum UpstreamOutcome
{
    /// <summary>2xx.</summary>
    Success = 0,

    /// <summary>401: the token was rejected (the caller drops it, re-acquires once and retries once).</summary>
    Unauthorized,

    /// <summary>403: insufficient scope / forbidden.</summary>
    Forbidden,

    /// <summary>404.</summary>
    NotFound,

    /// <summary>409 and other 4xx that describe the request (bad upstream payload, conflict).</summary>
    ClientError,

    /// <summary>429 after the bounded retries.</summary>
    RateLimited,

    /// <summary>5xx after the bounded retries.</summary>
    ServerError,

    /// <summary>The upstream did not answer in time.</summary>
    Timeout,

    /// <summary>The upstream could not be reached (DNS, connect, refused by the host policy).</summary>
    Unreachable,

    /// <summary>The credentials were refused at the token endpoint (invalid_client, access_denied, ...).</summary>
    CredentialRejected,
}
