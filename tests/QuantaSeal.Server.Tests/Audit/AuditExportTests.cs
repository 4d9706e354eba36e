using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>An export ends at a checkpoint signed when it was taken, so cutting its tail is always detectable.</summary>
public sealed class AuditExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Export_EndsAtACheckpointSignedNow_AndATruncatedCopyFailsOfflineVerification()
    {
        await using var server = new QuantaSealServer();
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "acme", cancellationToken: Ct);
        using var http = server.Http();
        http.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);
        for (var i = 0; i < 3; i++)
        {
            using var seal = await http.PostAsync(
                "api/v2/vault/seal",
                new StringContent("""{"credential_type":"api_key","values":{"api_token":"not-a-real-token-0123456789"}}""", System.Text.Encoding.UTF8, "application/json"),
                Ct);
            Assert.True(seal.IsSuccessStatusCode);
        }

        // Wait for the eight events (tenant.create + 3 seals, each intent + outcome) to be chained; the 10 s checkpoint
        // timer has not fired yet.
        await WaitUntil.TrueAsync(
            async () => (await http.GetStringAsync("api/v2/audit/events?limit=10", Ct)).Split("\"event_id\"").Length - 1 >= 8,
            TimeSpan.FromSeconds(20),
            () => "eight audit events chained",
            Ct);

        var export = await http.GetStringAsync("api/v2/audit/export", Ct);
        var keysJson = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("api/v2/tenant/keys", Ct));
        var keys = keysJson.RootElement.GetProperty("signing_keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("key_id").GetString()!, k => Convert.FromBase64String(k.GetProperty("public_key").GetString()!));

        var (tenantId, events, checkpoints) = AuditExport.Read(new StringReader(export));
        Assert.Equal(8, events.Count);
        Assert.Equal(events[^1].Record.Seq, checkpoints.Max(c => c.Seq));
        Assert.True(AuditChainVerifier.Verify(tenantId, events, checkpoints, keys).Valid);

        var truncated = AuditChainVerifier.Verify(tenantId, events.Take(7), checkpoints, keys);
        Assert.False(truncated.Valid);
        Assert.Equal(8, truncated.FirstBadSeq);
    }
}
