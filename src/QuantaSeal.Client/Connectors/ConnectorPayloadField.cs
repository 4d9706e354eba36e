namespace QuantaSeal.Client.Connectors;

/// <summary>A payload field of a connector operation.</summary>
/// <param name="Name">Field name (the vendor's spelling).</param>
/// <param name="Type">JSON type.</param>
/// <param name="Required">Whether it must be given.</param>
/// <param name="Description">What it means.</param>
public sealed record ConnectorPayloadField(string Name, string Type, bool Required, string? Description);
