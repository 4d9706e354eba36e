using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// The API's JSON for a signed checkpoint is defined once, by <see cref="AuditCheckpoint"/>, and is byte for byte what
/// the server wrote before that type carried it (the literal below is the output of the former server-only DTO with the
/// server's JSON options: snake_case, the canonical timestamp text, the signature as standard base64).
/// </summary>
public sealed class AuditCheckpointWireTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static readonly string[] Members = ["tenant_id", "seq", "hash", "timestamp", "key_id", "signature"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Checkpoint_SerialisesWithTheServersJsonOptions_ToTheUnchangedWireForm()
    {
        var options = fixture.Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var checkpoint = new AuditCheckpoint(
            "ten_<1>&'é", 12, new string('c', 64), new DateTimeOffset(2026, 1, 2, 5, 4, 5, 678, TimeSpan.FromHours(2)).AddTicks(4321), "sk_1",
            [0xfb, 0xff, 0xbf, 0x00, 0x01]);

        Assert.Equal(
            """{"tenant_id":"ten_<1>&'é","seq":12,"hash":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","timestamp":"2026-01-02T03:04:05.678Z","key_id":"sk_1","signature":"+/+/AAE="}""",
            JsonSerializer.Serialize(checkpoint, options));
    }

    [Fact]
    public async Task LatestCheckpoint_HasItsMembersInOrder_ACanonicalTimestamp_AndABase64SignatureThatVerifies()
    {
        var tenant = await fixture.Server.Sdk(null).CreateTenantAsync(fixture.Server.OperatorKey, "ckpt-wire", cancellationToken: Ct);
        await new AuditTrail(fixture.Server).SettledAsync(tenant.TenantId, tenant.ApiKey, 1, Ct);
        using var http = fixture.Server.Http();
        http.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);
        // An export signs a checkpoint at the head when it starts.
        _ = await http.GetStringAsync("api/v2/audit/export", Ct);

        using var latest = JsonDocument.Parse(await http.GetStringAsync("api/v2/audit/checkpoints/latest", Ct));
        using var keys = JsonDocument.Parse(await http.GetStringAsync("api/v2/tenant/keys", Ct));

        var root = latest.RootElement;
        Assert.Equal(Members, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(tenant.TenantId, root.GetProperty("tenant_id").GetString());
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("hash").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", root.GetProperty("timestamp").GetString());
        var checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(root.GetRawText())!;
        Assert.Equal(Convert.FromBase64String(root.GetProperty("signature").GetString()!), checkpoint.Signature);
        var signingKeys = keys.RootElement.GetProperty("signing_keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("key_id").GetString()!, k => Convert.FromBase64String(k.GetProperty("public_key").GetString()!));
        Assert.True(checkpoint.VerifySignature(signingKeys));
        Assert.False((checkpoint with { Seq = checkpoint.Seq + 1 }).VerifySignature(signingKeys));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheCheckpoint_WithItsMembers_AStringTimestamp_AndABase64Signature()
    {
        using var http = fixture.Server.Http();

        using var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Ct));

        var root = doc.RootElement;
        var schema = Resolve(root, root.GetProperty("paths").GetProperty("/api/v2/audit/checkpoints/latest").GetProperty("get").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var properties = schema.GetProperty("properties");
        Assert.Equal(Members, properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal("string", TypeOf(properties.GetProperty("timestamp")));
        Assert.Equal("date-time", properties.GetProperty("timestamp").GetProperty("format").GetString());
        Assert.DoesNotContain("byte[]", schema.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("string", TypeOf(properties.GetProperty("signature")));
        Assert.Equal("byte", properties.GetProperty("signature").GetProperty("format").GetString());

        var list = Resolve(root, root.GetProperty("paths").GetProperty("/api/v2/audit/checkpoints").GetProperty("get").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var item = Resolve(root, list.GetProperty("properties").GetProperty("items").GetProperty("items"));
        Assert.Equal(Members, item.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    private static string? TypeOf(JsonElement property) => property.GetProperty("type") switch
    {
        { ValueKind: JsonValueKind.String } type => type.GetString(),
        var types => types.EnumerateArray().Select(t => t.GetString()).Single(t => t != "null"),
    };

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
