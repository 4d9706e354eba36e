namespace QuantaSeal.Connectors.Catalog;

/// <summary>
/// The outcome of validating a proxy payload for one operation: either the <see cref="OperationRequest"/> a connector
/// executes, or the first bad field (JSON name, dotted for nested fields) with a message that never echoes the value.
/// </summary>
public sealed record PayloadValidationResult
{
    private PayloadValidationResult(OperationRequest? request, string? field, string? message)
    {
        Request = request;
        Field = field;
        Message = message;
    }

    /// <summary>Whether the payload is valid.</summary>
    public bool IsValid => Field is null;

    /// <summary>The validated operation and payload when valid.</summary>
    public OperationRequest? Request { get; }

    /// <summary>The bad field when invalid.</summary>
    public string? Field { get; }

    /// <summary>Client-safe message when invalid.</summary>
    public string? Message { get; }

    /// <summary>A valid payload: only the catalog's validators vouch for one.</summary>
    internal static PayloadValidationResult Valid(OperationRequest request) => new(request, null, null);

    /// <summary>An invalid payload.</summary>
    public static PayloadValidationResult Invalid(string field, string message) => new(null, field, message);
}
