using System.Text.Json;

namespace QuantaSeal.Connectors.Catalog;

/// <summary>
/// The outcome of validating a proxy payload for one operation: either the normalised payload to send, or the
/// first bad field (JSON name, dotted for nested fields) with a message that never echoes the value.
/// </summary>
public sealed record PayloadValidationResult
{
    private PayloadValidationResult(JsonElement? payload, string? field, string? message)
    {
        Payload = payload;
        Field = field;
        Message = message;
    }

    /// <summary>Whether the payload is valid.</summary>
    public bool IsValid => Field is null;

    /// <summary>The validated payload (an object; empty object when none was given).</summary>
    public JsonElement? Payload { get; }

    /// <summary>The bad field when invalid.</summary>
    public string? Field { get; }

    /// <summary>Client-safe message when invalid.</summary>
    public string? Message { get; }

    /// <summary>A valid payload.</summary>
    public static PayloadValidationResult Valid(JsonElement payload) => new(payload, null, null);

    /// <summary>An invalid payload.</summary>
    public static PayloadValidationResult Invalid(string field, string message) => new(null, field, message);
}
