using System.Text.Json;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>The API's JSON form of a chained event is defined by <see cref="AuditRecord"/> itself, whatever the caller's options.</summary>
public sealed class AuditRecordJsonTests
{
    private const string Outcome =
        """{"event_id":"aud_2","tenant_id":"ten_1","seq":8,"timestamp":"2026-01-02T03:04:05.678Z","actor":"ak","action":"proxy.outbound","integration_id":null,"operation":null,"outcome":"success","upstream_status":204,"request_sha256":null,"latency_ms":41,"object_id":null,"hash":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","attempt_event_id":"aud_1"}""";

    private static readonly AuditRecord Record = new(
        "aud_2", "ten_1", 8, new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), "ak", "proxy.outbound",
        null, null, "success", 204, null, 41, null, "aud_1", new string('b', 64));

    public static TheoryData<string> Options => WireOptions.Names;

    [Theory]
    [MemberData(nameof(Options))]
    public void Serialise_WritesSnakeCase_ExplicitNulls_CanonicalTimestamp_HashThenAttempt(string name)
    {
        Assert.Equal(Outcome, JsonSerializer.Serialize(Record with { Timestamp = Record.Timestamp.ToOffset(TimeSpan.FromHours(-5)).AddTicks(9999) }, For(name)));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Serialise_LeavesOutAttemptEventId_WhenThereIsNone(string name)
    {
        var json = JsonSerializer.Serialize(Record with { AttemptEventId = null }, For(name));

        Assert.EndsWith("\"object_id\":null,\"hash\":\"" + Record.Hash + "\"}", json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Deserialise_ReadsTheWireForm_AndAnyIso8601Timestamp(string name)
    {
        Assert.Equal(Record, JsonSerializer.Deserialize<AuditRecord>(Outcome, For(name)));
        Assert.Equal(Record, JsonSerializer.Deserialize<AuditRecord>(Outcome.Replace("2026-01-02T03:04:05.678Z", "2026-01-02T05:04:05.678+02:00", StringComparison.Ordinal), For(name)));
    }

    [Fact]
    public void Deserialise_WithoutAttemptEventId_GivesNull_AndTheEventRehashesAsTheCanonicalFormSays()
    {
        var json = Outcome.Replace(",\"attempt_event_id\":\"aud_1\"", string.Empty, StringComparison.Ordinal);

        var parsed = JsonSerializer.Deserialize<AuditRecord>(json)!;

        Assert.Null(parsed.AttemptEventId);
        Assert.DoesNotContain("attempt_event_id", System.Text.Encoding.UTF8.GetString(AuditCanonicalJson.Serialize(parsed)), StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_IsNotCovered_ByTheCanonicalForm()
    {
        Assert.Equal(AuditCanonicalJson.Serialize(Record), AuditCanonicalJson.Serialize(Record with { Hash = string.Empty }));
    }

    private static JsonSerializerOptions For(string name) => WireOptions.For(name);
}
