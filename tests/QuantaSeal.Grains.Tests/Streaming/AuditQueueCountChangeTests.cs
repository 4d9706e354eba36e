using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Issue 12, hole 4: rows are keyed by queue index, and a silo whose queue count does not read an index that still has
/// messages refuses to start instead of stranding them (the provider's adapter is created as the silo starts).
/// </summary>
public sealed class AuditQueueCountChangeTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_IsRefused_WhileMessagesWaitUnderAQueueTheNewCountDoesNotRead()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        await InsertAsync(serviceId, queueId: "5");
        await using var fewer = Factory(serviceId, queueCount: 4);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => fewer.CreateAdapter(Ct));

        Assert.Contains("queue(s) 5", refused.Message, StringComparison.Ordinal);
        Assert.Contains("4 audit queues", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Proceeds_WhenTheNewCountReadsEveryIndexWithMessages()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        await InsertAsync(serviceId, queueId: "5");
        await using var more = Factory(serviceId, queueCount: 16);

        var adapter = await more.CreateAdapter(Ct);

        Assert.Equal(AuditStreams.ProviderName, adapter.Name);
    }

    private AuditQueueAdapterFactory Factory(string serviceId, int queueCount)
    {
        var services = new ServiceCollection()
            .AddSerializer()
            .AddLogging()
            .Configure<ClusterOptions>(o => o.ServiceId = serviceId)
            .BuildServiceProvider();
        return AuditQueueAdapterFactory.Create(
            services, AuditStreams.ProviderName, database.ConnectionString, AuditStreamSettings.Default with { QueueCount = queueCount });
    }

    private async Task InsertAsync(string serviceId, string queueId)
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var insert = new NpgsqlCommand("INSERT INTO audit_queue_messages (service_id, queue_id, payload) VALUES ($1, $2, '\\x01')", connection);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        await insert.ExecuteNonQueryAsync(Ct);
    }
}
