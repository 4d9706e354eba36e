namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// Fixed event ids of the Auth0 connector (range 5100–5199). Ids never change meaning once shipped; new events take
/// new ids.
/// </summary>
internal static class Auth0LogEvents
{
    /// <summary>A token request is about to be sent.</summary>
    public const int TokenRequesting = 5100;

    /// <summary>A token was issued.</summary>
    public const int TokenAcquired = 5101;

    /// <summary>The token endpoint refused the client credentials (expected denial).</summary>
    public const int TokenRejected = 5102;

    /// <summary>The token endpoint failed (5xx, 429 or another unexpected status).</summary>
    public const int TokenFailed = 5103;

    /// <summary>The token endpoint answered 2xx with a response that is not a usable token.</summary>
    public const int TokenUnreadable = 5104;

    /// <summary>The token endpoint could not be reached or did not answer in time.</summary>
    public const int TokenTransportFailed = 5105;

    /// <summary>A management call answered 2xx.</summary>
    public const int OperationSucceeded = 5110;

    /// <summary>A management call answered 4xx (other than 429).</summary>
    public const int OperationRejected = 5111;

    /// <summary>A management call answered 5xx after the bounded retries.</summary>
    public const int OperationFailed = 5112;

    /// <summary>A management call was rate limited (429) after the bounded retries.</summary>
    public const int OperationRateLimited = 5113;

    /// <summary>A management call could not be reached or did not answer in time.</summary>
    public const int OperationTransportFailed = 5114;

    /// <summary>A response was larger than <see cref="Http.ConnectorHttpClients.MaxResponseBytes"/>.</summary>
    public const int ResponseTooLarge = 5115;
}
