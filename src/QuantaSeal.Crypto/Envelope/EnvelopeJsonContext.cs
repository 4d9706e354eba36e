using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>Source-generated JSON for the envelope, with strict reading options.</summary>
[JsonSerializable(typeof(HybridEnvelope))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Strict reading: non-nullable members must not be JSON null, duplicate members are refused (a second
    /// "success" must not silently win), names are case-sensitive. Writing uses the relaxed encoder so base64
    /// '+' stays '+' rather than "\u002B"; the output is an API body, never embedded in HTML.
    /// </summary>
    public static EnvelopeJsonContext Strict { get; } = new(new JsonSerializerOptions
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        PropertyNameCaseInsensitive = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    });
}
