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
        Assert.Equal(events[^1].Seq, checkpoints.Max(c => c.Seq));
        Assert.True(AuditChainVerifier.Verify(tenantId, events, checkpoints, keys).Valid);

        var truncated = AuditChainVerifier.Verify(tenantId, events.Take(7), checkpoints, keys);
        Assert.False(truncated.Valid);
        Assert.Equal(8, truncated.FirstBadSeq);
    }

    [Fact]
    public async Task Export_HeaderSaysIncomplete_WithTheCount_WhileTheTenantHasDeadLetteredEvents()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        await using var server = new QuantaSealServer("postgres", db.ConnectionString);
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "acme", cancellationToken: Ct);
        using var http = server.Http();
        http.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);
        await WaitUntil.TrueAsync(
            async () => (await http.GetStringAsync("api/v2/audit/events?limit=10", Ct)).Contains("\"event_id\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            () => "the tenant's first event chained",
            Ct);

        var complete = AuditExport.ReadWithHeader(new StringReader(await http.GetStringAsync("api/v2/audit/export", Ct)), null, null);
        Assert.Equal(new AuditExportCompleteness(0, 0), complete.Completeness);

        // What the audit queue writes when it gives up on a message of this tenant (deploy/sql/0007, 0009).
        await using (var connection = new Npgsql.NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new Npgsql.NpgsqlCommand(
                """
                INSERT INTO audit_queue_dead_letters (service_id, queue_id, tx, enqueued_on, reason, payload, tenant_id, event_count)
                VALUES ('quantaseal', '0', '1', now(), 'delivery_failed', '\x00', @tenant, 7)
                """, connection);
            command.Parameters.AddWithValue("tenant", tenant.TenantId);
            await command.ExecuteNonQueryAsync(Ct);
        }

        var export = await http.GetStringAsync("api/v2/audit/export", Ct);
        var header = export[..export.IndexOf('\n', StringComparison.Ordinal)];
        Assert.Contains("\"complete\":false,\"dead_lettered_events\":7,\"unattributed_dead_letters\":0", header, StringComparison.Ordinal);
        var incomplete = AuditExport.ReadWithHeader(new StringReader(export), null, null);
        Assert.Equal(new AuditExportCompleteness(7, 0), incomplete.Completeness);
        Assert.False(incomplete.Completeness!.Complete);

        // The same through /verify.
        using var verify = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("api/v2/audit/verify", Ct));
        Assert.True(verify.RootElement.GetProperty("valid").GetBoolean());
        Assert.False(verify.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(7, verify.RootElement.GetProperty("dead_lettered_events").GetInt64());
    }
}
