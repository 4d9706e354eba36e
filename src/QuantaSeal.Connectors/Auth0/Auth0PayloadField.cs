namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// One payload field of an Auth0 operation: its JSON type and limits (checked by <see cref="Auth0PayloadValidator"/>)
/// and where the connector puts it on the wire (path segment, query parameter or JSON body member).
/// </summary>
/// <param name="Name">Payload (JSON) name.</param>
/// <param name="Kind">Value rules.</param>
/// <param name="Location">Where it goes in the upstream request.</param>
/// <param name="Required">Whether the payload must carry it.</param>
/// <param name="Description">Meaning and limits, shown by <c>GET /api/v2/connectors</c>.</param>
internal sealed record Auth0PayloadField(string Name, Auth0FieldKind Kind, Auth0FieldLocation Location, bool Required, string Description)
{
    /// <summary>Name on the wire (query parameter or path placeholder); defaults to <see cref="Name"/>.</summary>
    public string? WireName { get; init; }

    /// <summary>Smallest integer allowed.</summary>
    public long Min { get; init; } = long.MinValue;

    /// <summary>Largest integer allowed.</summary>
    public long Max { get; init; } = long.MaxValue;

    /// <summary>Shortest string allowed (UTF-16 code units).</summary>
    public int MinLength { get; init; }

    /// <summary>Longest string allowed (UTF-16 code units); also the limit of each array item.</summary>
    public int MaxLength { get; init; } = 1024;

    /// <summary>Most items of an array.</summary>
    public int MaxItems { get; init; } = 10;

    /// <summary>The only values a string (or each array item) may take, when set.</summary>
    public IReadOnlyList<string>? Allowed { get; init; }

    /// <summary>Whether JSON <c>null</c> is accepted (Auth0 clears the attribute).</summary>
    public bool Nullable { get; init; }

    /// <summary>The members a <see cref="Auth0FieldKind.ClosedObject"/> may have; any other member is rejected.</summary>
    public IReadOnlyList<Auth0PayloadField>? Members { get; init; }

    /// <summary>The name used on the wire.</summary>
    public string Wire => WireName ?? Name;

    /// <summary>The JSON type shown in the operation catalog.</summary>
    public string JsonType => Kind switch
    {
        Auth0FieldKind.Integer => "integer",
        Auth0FieldKind.Boolean => "boolean",
        Auth0FieldKind.Object or Auth0FieldKind.ClosedObject => "object",
        Auth0FieldKind.StringArray => "array",
        _ => "string",
    };
}
