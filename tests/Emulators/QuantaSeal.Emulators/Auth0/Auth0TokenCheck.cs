namespace QuantaSeal.Emulators.Auth0;

/// <summary>The result of checking a bearer token.</summary>
/// <param name="IsValid">Whether it passed.</param>
/// <param name="Failure">Auth0's 401 message when it did not.</param>
/// <param name="ClientId">The client it was issued to.</param>
/// <param name="Scopes">The scopes it carries.</param>
internal sealed record Auth0TokenCheck(bool IsValid, string? Failure, string ClientId, IReadOnlyList<string> Scopes)
{
    public static Auth0TokenCheck Fail(string failure) => new(false, failure, string.Empty, []);
}
