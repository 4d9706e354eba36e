namespace QuantaSeal.Connectors.Auth0;

/// <summary>Where the connector puts a payload field in the upstream request.</summary>
internal enum Auth0FieldLocation
{
    /// <summary>A path segment (escaped with <see cref="Uri.EscapeDataString(string)"/>).</summary>
    Path,

    /// <summary>A query parameter (arrays repeat the parameter).</summary>
    Query,

    /// <summary>A member of the JSON request body.</summary>
    Body,

    /// <summary>The whole JSON request body (the field's value is the body object).</summary>
    WholeBody,
}
