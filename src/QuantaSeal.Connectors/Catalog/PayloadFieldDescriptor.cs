namespace QuantaSeal.Connectors.Catalog;

/// <summary>A payload field of an operation.</summary>
/// <param name="Name">JSON name.</param>
/// <param name="Type">JSON type: <c>string</c>, <c>integer</c>, <c>boolean</c>, <c>object</c>, <c>array</c>.</param>
/// <param name="Required">Whether the field must be present.</param>
/// <param name="Description">What it means and its limits (e.g. <c>0..100</c>).</param>
public sealed record PayloadFieldDescriptor(string Name, string Type, bool Required, string Description);
