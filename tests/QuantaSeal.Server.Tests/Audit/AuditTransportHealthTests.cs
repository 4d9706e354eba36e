using System.Net;
using Npgsql;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>Dead-lettered audit events are visible to operators: an unhealthy /healthz/audit and a gauge at /metrics.</summary>
public sealed class AuditTransportHealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeadLetteredAuditMessage_TurnsTheAuditHealthCheckUnhealthy_AndShowsInTheMetric()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        await using var server = new QuantaSealServer("postgres", db.ConnectionString);
        using var http = server.Http();
        using var management = server.Management();

        using (var healthy = await http.GetAsync("healthz/audit", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        var metrics = await management.GetStringAsync("metrics", Ct);
        Assert.Matches(@"(?m)^quantaseal_audit_dead_letters(_messages)?(\{[^}]*\})? 0\b", metrics);

        // What the audit queue writes when it gives up on a message (deploy/sql/0007).
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO audit_queue_dead_letters (service_id, queue_id, tx, enqueued_on, reason, payload)
                VALUES ('quantaseal', 'audit-0-0x00000000', '1', now(), 'delivery_failed', '\x00')
                """, connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        using var unhealthy = await http.GetAsync("healthz/audit", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        Assert.Equal("Unhealthy", await unhealthy.Content.ReadAsStringAsync(Ct));
        metrics = await management.GetStringAsync("metrics", Ct);
        Assert.Matches(@"(?m)^quantaseal_audit_dead_letters(_messages)?(\{[^}]*\})? 1\b", metrics);

        // Readiness is not affected: pulling the node would not bring the events back.
        using var ready = await http.GetAsync("readyz", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains(server.Logs.Lines, l => l.Contains("dead-lettered", StringComparison.Ordinal));
    }
}
