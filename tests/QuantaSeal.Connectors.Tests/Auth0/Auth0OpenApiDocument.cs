using System.Text.Json;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// Auth0's published Management API v2 OpenAPI document (<c>../shared/specs/auth0/openapi.management.json</c> next
/// to the repository), loaded once. Paths in it are relative to the server URL <c>https://{tenant}/api/v2</c>.
/// </summary>
internal sealed class Auth0OpenApiDocument
{
    private static readonly Lazy<Auth0OpenApiDocument> Shared = new(Load);

    private Auth0OpenApiDocument(JsonDocument document, string path)
    {
        Root = document.RootElement;
        Path = path;
        Schemas = new Auth0SchemaValidator(Root);
    }

    public static Auth0OpenApiDocument Instance => Shared.Value;

    public JsonElement Root { get; }

    public string Path { get; }

    public Auth0SchemaValidator Schemas { get; }

    /// <summary>The operation object for <paramref name="method"/> on an upstream path template (<c>/api/v2/users/{id}</c>).</summary>
    public JsonElement Operation(string method, string upstreamPathTemplate)
    {
        const string prefix = "/api/v2";
        Assert.StartsWith(prefix + "/", upstreamPathTemplate, StringComparison.Ordinal);
        var specPath = upstreamPathTemplate[prefix.Length..];
        Assert.True(Root.GetProperty("paths").TryGetProperty(specPath, out var item), $"The Auth0 OpenAPI document has no path {specPath}.");
        Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"The Auth0 OpenAPI document has no {method} {specPath}.");
        return operation;
    }

    /// <summary>The operation's parameters of one location (<c>query</c>, <c>path</c>) by name, <c>$ref</c>s resolved.</summary>
    public Dictionary<string, JsonElement> Parameters(JsonElement operation, string location)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray().Select(Schemas.Resolve))
            {
                if (parameter.GetProperty("in").GetString() == location)
                {
                    result[parameter.GetProperty("name").GetString()!] = Schemas.Resolve(parameter.GetProperty("schema"));
                }
            }
        }

        return result;
    }

    /// <summary>The JSON request body schema, resolved.</summary>
    public JsonElement RequestBodySchema(JsonElement operation) =>
        Schemas.Resolve(operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));

    /// <summary>The JSON response schema for a status, or null when the spec declares no body for it.</summary>
    public static JsonElement? ResponseSchema(JsonElement operation, int status)
    {
        Assert.True(operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response),
            $"The Auth0 OpenAPI document declares no {status} response for {operation.GetProperty("operationId").GetString()}.");
        return response.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json)
            ? json.GetProperty("schema")
            : null;
    }

    /// <summary>The OAuth2 scopes the operation's <c>security</c> accepts.</summary>
    public static IReadOnlyList<string> Scopes(JsonElement operation) =>
        [.. operation.GetProperty("security").EnumerateArray()
            .Where(s => s.TryGetProperty("oAuth2ClientCredentials", out _))
            .SelectMany(s => s.GetProperty("oAuth2ClientCredentials").EnumerateArray().Select(x => x.GetString()!))];

    private static Auth0OpenApiDocument Load()
    {
        var root = RepositoryRoot();
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "specs", "auth0", "openapi.management.json"));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Auth0's OpenAPI document is missing: expected {path} (shared/specs/auth0/openapi.management.json beside the repository " +
                $"root {root}). The conformance tests check the emulator and the connector against it and cannot run without it.", path);
        }

        return new Auth0OpenApiDocument(JsonDocument.Parse(File.ReadAllBytes(path)), path);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "QuantaSeal.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No QuantaSeal.Orleans.sln above {AppContext.BaseDirectory}: cannot find the repository root (and ../shared/specs beside it).");
    }
}
