using System.Text.Json;

namespace QuantaSeal.Connectors.Catalog;

/// <summary>
/// A catalog operation with a payload that passed its validation: what <see cref="IUpstreamConnector.ExecuteAsync"/>
/// takes. Only the catalog makes one (<see cref="IConnectorCatalog.Validate"/>), so a connector maps the payload onto
/// the wire without checking it again: holding an <see cref="OperationRequest"/> is the proof it was checked.
/// </summary>
public sealed class OperationRequest
{
    internal OperationRequest(OperationDescriptor operation, JsonElement payload)
    {
        Operation = operation;
        Payload = payload;
    }

    /// <summary>The operation the payload was validated for.</summary>
    public OperationDescriptor Operation { get; }

    /// <summary>The validated payload: a JSON object (empty when none was given), independent of any disposable document.</summary>
    public JsonElement Payload { get; }

    /// <summary>The operation's system type (<c>auth0</c>, <c>okta</c>).</summary>
    public string SystemType => Operation.SystemType;

    /// <summary>The operation's name (<c>get_users</c>).</summary>
    public string Name => Operation.Name;

    /// <inheritdoc/>
    /// <remarks>Never prints the payload: it may hold user data (an email, a password for <c>create_user</c>).</remarks>
    public override string ToString() => $"OperationRequest {{ {SystemType}.{Name} }}";
}
