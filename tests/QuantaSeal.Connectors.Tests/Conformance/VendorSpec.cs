using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace QuantaSeal.Connectors.Tests.Conformance;

/// <summary>
/// A vendor's published OpenAPI document (<c>../shared/specs/{vendor}/…</c> beside the repository root), for the
/// Auth0 and Okta conformance tests alike. A YAML document (Okta's, OpenAPI 3.0) is read by Microsoft.OpenApi and written
/// back as OpenAPI 3.1, whose schemas are JSON Schema 2020-12 (3.0's <c>nullable</c> becomes a <c>"null"</c> type); a JSON
/// document (Auth0's) is 3.1 already and is taken as is (Microsoft.OpenApi 2.13 refuses its templated OAuth token URL).
/// JsonSchema.Net validates instances against any schema in it by JSON pointer, so <c>$ref</c>s resolve inside the document.
/// </summary>
internal sealed class VendorSpec
{
    private static readonly ConcurrentDictionary<string, Lazy<VendorSpec>> Cache = new(StringComparer.Ordinal);

    private readonly Uri _baseUri;
    private readonly EvaluationOptions _evaluation;

    private VendorSpec(JsonObject root, string path)
    {
        Root = root;
        SourcePath = path;
        _baseUri = new Uri("https://specs.quantaseal.test/" + Uri.EscapeDataString(Path.GetFileName(path)));
        _evaluation = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        _evaluation.SchemaRegistry.Register(new JsonNodeBaseDocument(root, _baseUri));
    }

    /// <summary>The document as OpenAPI 3.1 JSON.</summary>
    public JsonObject Root { get; }

    public string SourcePath { get; }

    /// <summary>Loads (once per process) <c>{repo}/../shared/specs/{relativePath}</c>; fails with a clear message if it is missing.</summary>
    public static VendorSpec Load(string relativePath)
        => Cache.GetOrAdd(relativePath, p => new Lazy<VendorSpec>(() => LoadFile(p))).Value;

    /// <summary>The folder holding <c>QuantaSeal.Orleans.sln</c>, above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QuantaSeal.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No QuantaSeal.Orleans.sln above {AppContext.BaseDirectory}: cannot find the repository root (and ../shared/specs beside it).");
    }

    /// <summary>The path template whose segments match a concrete path (<c>{param}</c> matches one segment).</summary>
    public string? MatchPath(string concretePath)
    {
        var segments = concretePath.Trim('/').Split('/');
        return ((JsonObject)Root["paths"]!).Select(p => p.Key).FirstOrDefault(template =>
        {
            var parts = template.Trim('/').Split('/');
            return parts.Length == segments.Length && parts.Zip(segments).All(p => (p.First.StartsWith('{') && p.First.EndsWith('}')) || p.First == p.Second);
        });
    }

    public JsonObject? Operation(string pathTemplate, string method)
        => Root["paths"]?[pathTemplate]?[method.ToLowerInvariant()] as JsonObject;

    /// <summary>Parameters of one location (<c>query</c>, <c>path</c>) declared on the path item and the operation, by name.</summary>
    public IReadOnlyDictionary<string, SpecSchema> Parameters(string pathTemplate, string method, string location)
    {
        var result = new Dictionary<string, SpecSchema>(StringComparer.Ordinal);
        var item = Pointer("/paths").Child(pathTemplate);
        foreach (var holder in new[] { item, item.Child(method.ToLowerInvariant()) })
        {
            if (holder.Node["parameters"] is JsonArray parameters)
            {
                for (var i = 0; i < parameters.Count; i++)
                {
                    var parameter = Resolve(holder.Child("parameters").Child(i.ToString(CultureInfo.InvariantCulture)));
                    if ((string?)parameter.Node["in"] == location)
                    {
                        result[(string)parameter.Node["name"]!] = Resolve(parameter.Child("schema"));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The JSON schema of a response (status code, else <c>default</c>); null when that response has no JSON body or is not declared.</summary>
    public SpecSchema? ResponseSchema(string pathTemplate, string method, int status)
    {
        var responses = Pointer("/paths").Child(pathTemplate).Child(method.ToLowerInvariant()).Child("responses");
        var code = status.ToString(CultureInfo.InvariantCulture);
        if (responses.Node[code] is null && responses.Node["default"] is null)
        {
            return null;
        }

        var response = Resolve(responses.Child(responses.Node[code] is null ? "default" : code));
        return response.Node["content"]?["application/json"]?["schema"] is null ? null : Resolve(response.Child("content").Child("application/json").Child("schema"));
    }

    /// <summary>True when the operation declares a response for <paramref name="status"/> (or a default).</summary>
    public bool DeclaresResponse(string pathTemplate, string method, int status)
        => Operation(pathTemplate, method)?["responses"]?[status.ToString(CultureInfo.InvariantCulture)] is not null;

    public SpecSchema? RequestBodySchema(string pathTemplate, string method, string mediaType)
    {
        var operation = Pointer("/paths").Child(pathTemplate).Child(method.ToLowerInvariant());
        if (operation.Node["requestBody"] is null)
        {
            return null;
        }

        var body = Resolve(operation.Child("requestBody"));
        return body.Node["content"]?[mediaType]?["schema"] is null ? null : Resolve(body.Child("content").Child(mediaType).Child("schema"));
    }

    /// <summary>The schema at a local reference (<c>#/components/schemas/User</c>).</summary>
    public SpecSchema Schema(string reference) => Resolve(Pointer(reference.TrimStart('#')));

    /// <summary>Property names a schema declares, through <c>$ref</c> and <c>allOf</c>.</summary>
    public IReadOnlySet<string> PropertyNames(SpecSchema schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<SpecSchema>([schema]);
        for (var seen = 0; pending.TryPop(out var current) && seen < 64; seen++)
        {
            if (current.Node["properties"] is JsonObject properties)
            {
                names.UnionWith(properties.Select(p => p.Key));
            }

            if (current.Node["allOf"] is JsonArray all)
            {
                for (var i = 0; i < all.Count; i++)
                {
                    pending.Push(Resolve(current.Child("allOf").Child(i.ToString(CultureInfo.InvariantCulture))));
                }
            }
        }

        return names;
    }

    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="instance"/>, as "instance-location keyword: message" (empty = valid).</summary>
    public IReadOnlyList<string> Validate(SpecSchema schema, JsonNode? instance)
    {
        var reference = new JsonObject { ["$ref"] = _baseUri.AbsoluteUri + "#" + string.Concat(schema.Pointer.Split('/').Skip(1).Select(s => "/" + Uri.EscapeDataString(s))) };
        var result = JsonSchema.FromText(reference.ToJsonString()).Evaluate(instance, _evaluation);
        return result.IsValid
            ? []
            : [.. result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))];
    }

    private SpecSchema Pointer(string pointer)
    {
        JsonNode? node = Root;
        foreach (var part in pointer.Split('/').Skip(1))
        {
            node = node?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node is not null ? new SpecSchema(pointer, node) : throw new InvalidOperationException($"Nothing at {pointer} in {SourcePath}.");
    }

    /// <summary>Follows a chain of local <c>$ref</c>s to the object they name.</summary>
    private SpecSchema Resolve(SpecSchema at)
    {
        for (var hops = 0; at.Node["$ref"] is JsonValue reference; hops++)
        {
            var target = reference.GetValue<string>();
            at = hops < 32 && target.StartsWith("#/", StringComparison.Ordinal)
                ? Pointer(target[1..])
                : throw new InvalidOperationException($"Unsupported or cyclic $ref {target} in {SourcePath}.");
        }

        return at;
    }

    private static VendorSpec LoadFile(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "specs", relativePath));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The vendor OpenAPI document {relativePath} is missing: expected it at {path} (the shared/specs folder beside the repository). " +
                "The conformance tests check the emulators and the connectors against it and cannot run without it.", path);
        }

        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            return new VendorSpec((JsonObject)JsonNode.Parse(File.ReadAllBytes(path))!, path);
        }

        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = new MemoryStream(File.ReadAllBytes(path));
        var read = OpenApiDocument.Load(stream, OpenApiConstants.Yaml, settings);
        var document = read.Document ?? throw new InvalidOperationException($"{path} is not an OpenAPI document: {string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        using var json = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(json));
        return new VendorSpec((JsonObject)JsonNode.Parse(json.ToString())!, path);
    }
}

/// <summary>An object of a <see cref="VendorSpec"/> and the JSON pointer it sits at (validation refers to it by pointer).</summary>
internal sealed record SpecSchema(string Pointer, JsonNode Node)
{
    public SpecSchema Child(string name) => new(
        Pointer + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal),
        (Node is JsonArray array ? array[int.Parse(name, CultureInfo.InvariantCulture)] : Node[name]) ?? new JsonObject());
}
