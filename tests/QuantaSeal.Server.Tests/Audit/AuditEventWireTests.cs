using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// The API's JSON for a chained event is defined once, by <see cref="AuditRecord"/>, and is byte for byte what the
/// server wrote before that type carried it (the literals below are the output of the former server-only DTO; the
/// server's encoder leaves HTML-sensitive and non-ASCII BMP characters unescaped).
/// </summary>
public sealed class AuditEventWireTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static readonly string[] CanonicalMembers =
    [
        "event_id", "tenant_id", "seq", "timestamp", "actor", "action", "integration_id", "operation", "outcome", "upstream_status",
        "request_sha256", "latency_ms", "object_id",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<AuditRecord, string> Events => new()
    {
        {
            new AuditRecord(
                "aud_1", "ten_1", 7, new DateTimeOffset(2026, 1, 2, 5, 4, 5, 678, TimeSpan.FromHours(2)).AddTicks(4321), "ak_<x>&'\"é😀", "proxy.outbound",
                null, null, "success", null, null, null, null, null, new string('a', 64)),
            """{"event_id":"aud_1","tenant_id":"ten_1","seq":7,"timestamp":"2026-01-02T03:04:05.678Z","actor":"ak_<x>&'\"é\uD83D\uDE00","action":"proxy.outbound","integration_id":null,"operation":null,"outcome":"success","upstream_status":null,"request_sha256":null,"latency_ms":null,"object_id":null,"hash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"""
        },
        {
            new AuditRecord(
                "aud_2", "ten_1", 8, new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), "ak", "proxy.outbound",
                "int_1", "get", "success", 200, "ff", 41, "obj", "aud_1", new string('b', 64)),
            """{"event_id":"aud_2","tenant_id":"ten_1","seq":8,"timestamp":"2026-01-02T03:04:05.678Z","actor":"ak","action":"proxy.outbound","integration_id":"int_1","operation":"get","outcome":"success","upstream_status":200,"request_sha256":"ff","latency_ms":41,"object_id":"obj","hash":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","attempt_event_id":"aud_1"}"""
        },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_SerialisesWithTheServersJsonOptions_ToTheUnchangedWireForm(AuditRecord record, string expected)
    {
        var options = fixture.Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        Assert.Equal(expected, JsonSerializer.Serialize(record, options));
    }

    [Fact]
    public async Task ListedEvent_HasEveryCanonicalMember_AsExplicitNulls_ThenHash_AndTheCanonicalTimestamp()
    {
        var tenant = await fixture.Server.Sdk(null).CreateTenantAsync(fixture.Server.OperatorKey, "wire", cancellationToken: Ct);
        var events = await new AuditTrail(fixture.Server).SettledAsync(tenant.TenantId, tenant.ApiKey, 1, Ct);
        using var http = fixture.Server.Http();
        http.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);

        using var page = JsonDocument.Parse(await http.GetStringAsync("api/v2/audit/events?limit=1", Ct));

        // tenant.create: no integration, operation, upstream status or latency, and no intent link.
        var item = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal([.. CanonicalMembers, "hash"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, item.GetProperty("integration_id").ValueKind);
        Assert.Equal(AuditCanonicalJson.FormatTimestamp(events[0].Timestamp), item.GetProperty("timestamp").GetString());
        Assert.Matches("^[0-9a-f]{64}$", item.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheEvent_WithEveryMemberAndItsHash()
    {
        using var http = fixture.Server.Http();

        using var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Ct));

        var root = doc.RootElement;
        var list = Resolve(root, root.GetProperty("paths").GetProperty("/api/v2/audit/events").GetProperty("get").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var item = Resolve(root, list.GetProperty("properties").GetProperty("items").GetProperty("items"));
        Assert.Equal([.. CanonicalMembers, "hash", "attempt_event_id"], item.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference))
        {
            return schema;
        }

        var name = reference.GetString()!["#/components/schemas/".Length..];
        return root.GetProperty("components").GetProperty("schemas").GetProperty(name);
    }
}
