using Npgsql;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Issue 12, hole 7: an acknowledged audit write is flushed whatever the server, database or role defaults say, and
/// audit connections go only to a server that takes writes.
/// </summary>
public sealed class AuditConnectionDurabilityTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AuditConnections_CommitSynchronously_EvenWhenTheDatabaseDefaultIsOff()
    {
        await using (var admin = await database.OpenAsync(Ct))
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database.Name}\" SET synchronous_commit = off", admin))
        {
            await alter.ExecuteNonQueryAsync(Ct);
        }

        var cs = AuditStreamHosting.ForStreams(database.ConnectionString, AuditStreamSettings.Default);
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(Ct);
        await using var show = new NpgsqlCommand("SHOW synchronous_commit", connection);

        Assert.Equal("on", await show.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public void AuditConnections_ToSeveralHosts_TargetTheOneThatTakesWrites()
    {
        var cs = AuditStreamHosting.ForStreams("Host=db1,db2;Username=qs;Password=p;Database=qs", AuditStreamSettings.Default);

        Assert.Equal("read-write", new NpgsqlConnectionStringBuilder(cs).TargetSessionAttributes);
    }
}
