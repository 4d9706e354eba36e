using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace QuantaSeal.Connectors.Tests.Okta.Conformance;

/// <summary>
/// A vendor's published OpenAPI 3.0 document, read from <c>../shared/specs</c> beside the repository root (the folder
/// holding <c>QuantaSeal.Orleans.sln</c>). Answers what a conformance test asks: does a path/method exist, which query
/// parameters and body members does it declare, which schema describes a response.
/// </summary>
internal sealed class OpenApiDocument
{
    private static readonly ConcurrentDictionary<string, Lazy<OpenApiDocument>> Cache = new(StringComparer.Ordinal);

    private OpenApiDocument(JsonObject root, string path)
    {
        Root = root;
        SourcePath = path;
    }

    public JsonObject Root { get; }

    public string SourcePath { get; }

    /// <summary>Loads (once per process) <c>{repo}/../shared/specs/{relativePath}</c>; fails with a clear message if it is missing.</summary>
    public static OpenApiDocument Load(string relativePath)
        => Cache.GetOrAdd(relativePath, p => new Lazy<OpenApiDocument>(() => LoadFile(p))).Value;

    public static string SpecsFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "QuantaSeal.Orleans.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"Cannot find the repository root (the folder holding QuantaSeal.Orleans.sln) above {AppContext.BaseDirectory}.");
        }

        return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "specs"));
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/components/...</c>) chain to the referenced object.</summary>
    public JsonObject Resolve(JsonNode node)
    {
        var current = node as JsonObject ?? throw new InvalidOperationException("Expected a schema object.");
        var hops = 0;
        while (current["$ref"] is JsonValue reference)
        {
            current = Pointer(reference.GetValue<string>());
            if (++hops > 32)
            {
                throw new InvalidOperationException("A $ref chain is too long.");
            }
        }

        return current;
    }

    public JsonObject Pointer(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Only local references are supported: {reference}");
        }

        JsonNode? node = Root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node as JsonObject ?? throw new InvalidOperationException($"Unresolved reference {reference} in {SourcePath}.");
    }

    /// <summary>The path template whose segments match a concrete path (<c>{param}</c> matches one segment).</summary>
    public string? MatchPath(string concretePath)
    {
        var segments = concretePath.Trim('/').Split('/');
        foreach (var (template, _) in (JsonObject)Root["paths"]!)
        {
            var parts = template.Trim('/').Split('/');
            if (parts.Length == segments.Length && parts.Zip(segments).All(p => (p.First.StartsWith('{') && p.First.EndsWith('}')) || p.First == p.Second))
            {
                return template;
            }
        }

        return null;
    }

    public JsonObject? Operation(string pathTemplate, string method)
        => Root["paths"]?[pathTemplate]?[method.ToLowerInvariant()] as JsonObject;

    /// <summary>Query parameter names declared on the path item and the operation (after resolving <c>$ref</c>s).</summary>
    public IReadOnlySet<string> QueryParameters(string pathTemplate, string method)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var holder in new[] { Root["paths"]?[pathTemplate], Operation(pathTemplate, method) })
        {
            if (holder?["parameters"] is JsonArray parameters)
            {
                foreach (var parameter in parameters.Select(p => Resolve(p!)))
                {
                    if ((string?)parameter["in"] == "query")
                    {
                        names.Add((string)parameter["name"]!);
                    }
                }
            }
        }

        return names;
    }

    /// <summary>The JSON schema of a response (status code or <c>default</c>), resolving <c>#/components/responses</c>.</summary>
    public JsonObject? ResponseSchema(string pathTemplate, string method, int status)
    {
        var responses = Operation(pathTemplate, method)?["responses"] as JsonObject;
        var response = responses?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses?["default"];
        if (response is null)
        {
            return null;
        }

        var resolved = Resolve(response);
        return resolved["content"]?["application/json"]?["schema"] as JsonObject;
    }

    public JsonObject? RequestBodySchema(string pathTemplate, string method, string mediaType)
    {
        var body = Operation(pathTemplate, method)?["requestBody"];
        return body is null ? null : Resolve(body)["content"]?[mediaType]?["schema"] as JsonObject;
    }

    /// <summary>Property names a schema declares, through <c>$ref</c> and <c>allOf</c>.</summary>
    public IReadOnlySet<string> PropertyNames(JsonNode schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(Resolve(schema), names, 0);
        return names;
    }

    private void Collect(JsonObject schema, HashSet<string> names, int depth)
    {
        if (depth > 16)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            names.UnionWith(properties.Select(p => p.Key));
        }

        if (schema["allOf"] is JsonArray all)
        {
            foreach (var part in all)
            {
                Collect(Resolve(part!), names, depth + 1);
            }
        }
    }

    private static OpenApiDocument LoadFile(string relativePath)
    {
        var folder = SpecsFolder();
        var path = Path.Combine(folder, relativePath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The vendor OpenAPI document {relativePath} is missing: expected it at {path} (the shared/specs folder beside the repository). " +
                "Conformance tests need the published specs; restore shared/ next to the repository root.");
        }

        var root = MiniYaml.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidOperationException($"{path} is not an OpenAPI document.");
        return new OpenApiDocument(root, path);
    }
}
