using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>Turns a validated payload into the Auth0 request the operation table describes.</summary>
internal static class Auth0RequestBuilder
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// Builds the request (no Authorization header). <paramref name="payload"/> must have passed
    /// <see cref="Auth0PayloadValidator"/>: fields are looked up, not re-checked.
    /// </summary>
    public static HttpRequestMessage Build(Uri baseUri, Auth0Operation operation, JsonElement payload)
    {
        var pathValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = new List<KeyValuePair<string, string>>();
        var bodyMembers = new List<(Auth0PayloadField Field, JsonElement Value)>();
        JsonElement? wholeBody = null;
        foreach (var property in payload.EnumerateObject())
        {
            var field = operation.Fields.First(f => string.Equals(f.Name, property.Name, StringComparison.Ordinal));
            switch (field.Location)
            {
                case Auth0FieldLocation.Path:
                    pathValues[field.Wire] = property.Value.GetString()!;
                    break;
                case Auth0FieldLocation.Query:
                    AddQuery(query, field, property.Value);
                    break;
                case Auth0FieldLocation.Body:
                    bodyMembers.Add((field, property.Value));
                    break;
                case Auth0FieldLocation.WholeBody:
                    wholeBody = property.Value;
                    break;
            }
        }

        // Auth0's 'q' needs the v3 search engine named explicitly (v1 is gone and v2 retired).
        if (string.Equals(operation.Name, "get_users", StringComparison.Ordinal)
            && payload.TryGetProperty("q", out _) && !payload.TryGetProperty("search_engine", out _))
        {
            query.Add(new("search_engine", "v3"));
        }

        var request = new HttpRequestMessage(operation.Method, Auth0Uri.Build(baseUri, operation.PathTemplate, pathValues, query));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (operation.Method == HttpMethod.Post || operation.Method == HttpMethod.Patch || operation.Method == HttpMethod.Put)
        {
            request.Content = JsonBody(wholeBody, bodyMembers);
        }

        return request;
    }

    /// <summary>JSON content from bytes (the serialiser never sees a credential type, only JSON elements).</summary>
    public static ByteArrayContent JsonContent(byte[] utf8Json)
    {
        var content = new ByteArrayContent(utf8Json);
        content.Headers.ContentType = Json;
        return content;
    }

    private static ByteArrayContent JsonBody(JsonElement? wholeBody, List<(Auth0PayloadField Field, JsonElement Value)> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (wholeBody is { } body)
            {
                body.WriteTo(writer);
            }
            else
            {
                writer.WriteStartObject();
                foreach (var (field, value) in members)
                {
                    writer.WritePropertyName(field.Wire);
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
            }
        }

        return JsonContent(buffer.WrittenSpan.ToArray());
    }

    private static void AddQuery(List<KeyValuePair<string, string>> query, Auth0PayloadField field, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                query.Add(new(field.Wire, value.GetString()!));
                break;
            case JsonValueKind.Number:
                query.Add(new(field.Wire, value.GetInt64().ToString(CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True:
                query.Add(new(field.Wire, "true"));
                break;
            case JsonValueKind.False:
                query.Add(new(field.Wire, "false"));
                break;
            case JsonValueKind.Array:
                // OpenAPI style=form, explode=true: the parameter repeats once per item.
                foreach (var item in value.EnumerateArray())
                {
                    query.Add(new(field.Wire, item.GetString()!));
                }

                break;
            default:
                throw new ArgumentException($"Field '{field.Name}' has no query form.", nameof(value));
        }
    }
}
