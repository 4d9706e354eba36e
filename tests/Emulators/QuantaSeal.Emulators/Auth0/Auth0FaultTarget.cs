namespace QuantaSeal.Emulators.Auth0;

/// <summary>Which requests an injected fault (429 burst, 5xx) applies to.</summary>
public enum Auth0FaultTarget
{
    /// <summary>Management API requests (<c>/api/v2/...</c>) only.</summary>
    Management = 0,

    /// <summary>Token requests (<c>POST /oauth/token</c>) only.</summary>
    Token,

    /// <summary>Every request.</summary>
    Any,
}
