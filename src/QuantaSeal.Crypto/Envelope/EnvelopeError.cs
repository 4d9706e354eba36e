using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The <c>error</c> object of an unsuccessful envelope: <c>{type, message, upstream_status?}</c>. It never
/// carries an upstream body (that is inside the encrypted payload). Signed in v2 (as part of the canonical extras), a
/// hint only in v1.
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
