using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// An audit timestamp in JSON: written in the canonical text form (<see cref="AuditCanonicalJson.FormatTimestamp"/>,
/// UTC to the millisecond), read as any ISO 8601 timestamp.
/// </summary>
public sealed class AuditTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc/>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(AuditCanonicalJson.FormatTimestamp(value));
    }
}
