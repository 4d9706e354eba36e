using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The <c>error</c> object of an unsuccessful envelope: <c>{type, message, upstream_status?}</c>. It never
/// carries an upstream body (that is inside the encrypted payload) and it is not signed.
/// </summary>
/// <param name="Type">A stable error type.</param>
/// <param name="Message">A human-readable, non-secret description.</param>
/// <param name="UpstreamStatus">The upstream HTTP status, when there was an upstream response.</param>
public sealed record EnvelopeError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("upstream_status")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    int? UpstreamStatus = null);
