using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Auth0;

/// <content><c>POST /oauth/token</c>: the client-credentials grant as Auth0 answers it.</content>
internal sealed partial class Auth0Api
{
    private async Task TokenAsync(HttpContext context)
    {
        var body = await ReadJsonObjectAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await Auth0Wire.TokenErrorAsync(context, 400, "invalid_request", "Request body must be JSON or form-encoded.").ConfigureAwait(false);
            return;
        }

        var grantType = Text(body, "grant_type");
        var clientId = Text(body, "client_id");
        var secret = Text(body, "client_secret");
        var audience = Text(body, "audience");
        var scope = Text(body, "scope");
        if (string.IsNullOrEmpty(grantType))
        {
            await Auth0Wire.TokenErrorAsync(context, 400, "invalid_request", "Missing required parameter: grant_type").ConfigureAwait(false);
            return;
        }

        if (grantType != "client_credentials")
        {
            await Auth0Wire.TokenErrorAsync(context, 403, "unauthorized_client", $"Grant type '{grantType}' not allowed for the client.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(clientId))
        {
            await Auth0Wire.TokenErrorAsync(context, 401, "access_denied", "Unauthorized").ConfigureAwait(false);
            return;
        }

        var client = state.FindClient(clientId);

        // One answer for an unknown client and a wrong secret, as Auth0 does: no client enumeration.
        if (client is null || secret is null || !SameSecret(client.Secret, secret))
        {
            await Auth0Wire.TokenErrorAsync(context, 401, "access_denied", "Unauthorized").ConfigureAwait(false);
            return;
        }

        if (!client.AllowClientCredentials)
        {
            await Auth0Wire.TokenErrorAsync(context, 403, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(audience))
        {
            await Auth0Wire.TokenErrorAsync(context, 403, "access_denied", "Non-global clients are not allowed access to APIv1").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(audience, state.Audience, StringComparison.Ordinal))
        {
            await Auth0Wire.TokenErrorAsync(context, 403, "access_denied", "Service not enabled within domain: " + audience).ConfigureAwait(false);
            return;
        }

        if (client.Scopes.Count == 0)
        {
            await Auth0Wire.TokenErrorAsync(context, 403, "access_denied",
                $"Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants").ConfigureAwait(false);
            return;
        }

        IReadOnlyList<string> scopes = client.Scopes;
        if (!string.IsNullOrWhiteSpace(scope))
        {
            var requested = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
            var missing = requested.Where(s => !client.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                await Auth0Wire.TokenErrorAsync(context, 403, "access_denied", "Client has not been granted scopes: " + string.Join(",", missing)).ConfigureAwait(false);
                return;
            }

            scopes = requested;
        }

        var lifetime = state.TokenLifetime;
        var token = issuer.Issue(clientId, scopes, lifetime, audience);
        await Auth0Wire.JsonAsync(context, 200, new JsonObject
        {
            ["access_token"] = token,
            ["scope"] = string.Join(' ', scopes),
            ["expires_in"] = (long)lifetime.TotalSeconds,
            ["token_type"] = "Bearer",
        }).ConfigureAwait(false);
    }

    private static bool SameSecret(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
            SHA256.HashData(Encoding.UTF8.GetBytes(given)));
}
