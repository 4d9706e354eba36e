using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Okta;

/// <summary>One management API request, ready to send (no credentials in it).</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Uri">Absolute URI on the integration's base.</param>
/// <param name="JsonBody">UTF-8 JSON body, for POSTs that carry one.</param>
internal sealed record OktaApiCall(HttpMethod Method, Uri Uri, byte[]? JsonBody);

/// <summary>
/// Turns a validated payload into an Okta request. Every URI is built in <see cref="BuildUri"/>: path segments from
/// the caller are escaped with <c>Uri.EscapeDataString</c>, query values too, and the host always comes from the
/// <see cref="Http.ConnectorTarget"/> (never from input).
/// </summary>
internal static class OktaRequests
{
    /// <summary>The org authorization server's token endpoint (OAuth for Okta uses the org AS, not a custom one).</summary>
    public const string TokenPath = "/oauth2/v1/token";

    private static readonly string[] ListUsersQuery = ["search", "filter", "q", "limit", "after", "sortBy", "sortOrder"];
    private static readonly string[] ListAppsQuery = ["q", "filter", "limit", "after"];
    private static readonly string[] SystemLogQuery = ["since", "until", "filter", "q", "sortOrder", "limit", "after"];

    /// <summary><c>{base}/oauth2/v1/token</c>.</summary>
    public static Uri TokenEndpoint(Uri baseUri) => BuildUri(baseUri, TokenPath, null, []);

    /// <summary>Builds the request of a catalog operation from its validated payload.</summary>
    public static OktaApiCall Build(Uri baseUri, OperationDescriptor operation, JsonElement payload)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Name switch
        {
            "list_users" or "list_groups" => Get(baseUri, operation, null, Query(payload, ListUsersQuery)),
            "list_applications" => Get(baseUri, operation, null, Query(payload, ListAppsQuery)),
            "get_system_log" => Get(baseUri, operation, null, Query(payload, SystemLogQuery)),
            "get_user" => Get(baseUri, operation, payload.GetProperty("user_id").GetString(), []),
            "create_user" => new OktaApiCall(
                HttpMethod.Post,
                BuildUri(baseUri, operation.PathTemplate, null, Query(payload, "activate")),
                CreateUserBody(payload)),
            "deactivate_user" => new OktaApiCall(
                HttpMethod.Post,
                BuildUri(baseUri, operation.PathTemplate, payload.GetProperty("user_id").GetString(), Query(payload, "sendEmail")),
                null),
            _ => throw new ArgumentException("Unknown Okta operation.", nameof(operation)),
        };
    }

    /// <summary>
    /// The one place URIs are made: <paramref name="pathTemplate"/> is a catalog constant whose <c>{id}</c> is replaced
    /// by the escaped <paramref name="id"/>; query values are escaped; the base contributes scheme, host and port only.
    /// </summary>
    public static Uri BuildUri(Uri baseUri, string pathTemplate, string? id, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(pathTemplate);
        ArgumentNullException.ThrowIfNull(query);
        var path = pathTemplate;
        if (path.Contains("{id}", StringComparison.Ordinal))
        {
            if (string.IsNullOrEmpty(id))
            {
                throw new ArgumentException("The path needs an id.", nameof(id));
            }

            path = path.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal);
        }

        var builder = new StringBuilder(baseUri.GetLeftPart(UriPartial.Authority)).Append(path);
        for (var i = 0; i < query.Count; i++)
        {
            builder.Append(i == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(query[i].Key))
                .Append('=')
                .Append(Uri.EscapeDataString(query[i].Value));
        }

        return new Uri(builder.ToString(), UriKind.Absolute);
    }

    private static OktaApiCall Get(Uri baseUri, OperationDescriptor operation, string? id, IReadOnlyList<KeyValuePair<string, string>> query)
        => new(HttpMethod.Get, BuildUri(baseUri, operation.PathTemplate, id, query), null);

    private static List<KeyValuePair<string, string>> Query(JsonElement payload, params string[] names)
    {
        var query = new List<KeyValuePair<string, string>>();
        foreach (var name in names)
        {
            if (!payload.TryGetProperty(name, out var value))
            {
                continue;
            }

            string? text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number when value.TryGetDecimal(out var number) => decimal.ToInt64(decimal.Truncate(number)).ToString(CultureInfo.InvariantCulture),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is not null)
            {
                query.Add(new(name, text));
            }
        }

        return query;
    }

    /// <summary>The createUser body (CreateUserRequest): profile, credentials, groupIds, type. activate goes in the query.</summary>
    private static byte[] CreateUserBody(JsonElement payload)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var name in (string[])["profile", "credentials", "groupIds", "type"])
            {
                if (payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
