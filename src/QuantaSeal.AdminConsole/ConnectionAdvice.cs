using QuantaSeal.Client.Integrations;

namespace QuantaSeal.AdminConsole;

/// <summary>
/// A connection check in plain words, with the troubleshooting advice of the product's connector pages
/// (<c>access_denied</c>, <c>invalid_client</c>, <c>insufficient_scope</c>).
/// </summary>
internal static class ConnectionAdvice
{
    public static string Summary(ConnectionCheckResult check) => check switch
    {
        { Ok: true, MissingScopes.Count: 0 } => "Connected: QuantaSeal obtained a token, and it carries every scope the allowed operations need.",
        { Ok: true } => $"Connected, but the token lacks {check.MissingScopes.Count} scope(s) that allowed operations need: calls to them will be refused by the upstream (insufficient_scope).",
        _ => "Not connected: the upstream refused to issue a token, or could not be reached.",
    };

    public static string? Advice(string systemType, ConnectionCheckResult check)
    {
        var okta = string.Equals(systemType, "okta", StringComparison.Ordinal);
        if (check.Ok)
        {
            return check.MissingScopes.Count == 0 ? null
                : okta
                    ? "insufficient_scope: the service app does not have the required Okta Management API scope. Add the missing scopes in the Okta Admin Console under the app's Okta API Scopes (OAuth2 scopes) configuration, then check again."
                    : "insufficient_scope: grant the missing scopes to the M2M application in the Auth0 Dashboard under Applications → APIs → Auth0 Management API → Machine to Machine Applications (or Applications → your app → APIs tab), then check again.";
        }

        var message = check.ErrorMessage ?? string.Empty;
        if (message.Contains("access_denied", StringComparison.OrdinalIgnoreCase) || message.Contains("not enabled", StringComparison.OrdinalIgnoreCase))
        {
            return okta
                ? "access_denied: Okta denied the token request. Check that the app is a service app granted the Okta API scopes it asks for."
                : "access_denied (Service not enabled within domain): the M2M app must be explicitly authorized for the Management API in the Auth0 Dashboard under Applications → your app → APIs tab.";
        }

        return check.ErrorType switch
        {
            "upstream_credential_rejected" or "upstream_unauthorized" => okta
                ? "invalid_client: the client secret (or key) in the vault is incorrect or has been rotated in Okta. Generate a new one in the Okta Admin Console and rotate the credential here."
                : "invalid_client: the client id or secret in the vault is wrong, or the secret was rotated in the Auth0 Dashboard. Copy the current secret from Applications → your app → Settings and rotate the credential here.",
            "upstream_forbidden" => okta
                ? "insufficient_scope: add the missing scope in the Okta Admin Console under the app's OAuth2 scopes configuration."
                : "insufficient_scope: grant the scopes to the M2M app in the Auth0 Dashboard (Applications → your app → APIs tab).",
            "upstream_unreachable" => "QuantaSeal could not reach the domain: check the spelling, and that the operator's upstream allowlist (--upstream-allow) permits it.",
            "upstream_timeout" => "The upstream did not answer in time; try again, and check the domain.",
            "upstream_rate_limited" => "The upstream is rate-limiting this client; wait and check again.",
            "upstream_server_error" => "The upstream failed (5xx); check its status page and try again.",
            _ => null,
        };
    }
}
