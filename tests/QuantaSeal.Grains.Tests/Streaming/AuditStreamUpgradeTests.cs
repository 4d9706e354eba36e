using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Issue 14 item 4: the audit stream provider and namespace are QuantaSeal's (<c>qs-audit</c>), and messages an earlier
/// version queued under the namespace <c>audit</c> are still delivered to their tenant's chain after the upgrade.
/// </summary>
[Collection(AuditStreamCollection.Name)]
public sealed class AuditStreamUpgradeTests(AuditStreamFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Names_AreQuantaSealScoped()
    {
        Assert.Equal("qs-audit", AuditStreams.ProviderName);
        Assert.Equal("qs-audit", AuditStreams.Namespace);
        Assert.NotNull(fixture.Cluster.Silos[0].ServiceProvider.GetKeyedService<Orleans.Streams.IStreamProvider>("qs-audit"));
        Assert.Null(fixture.Cluster.Silos[0].ServiceProvider.GetKeyedService<Orleans.Streams.IStreamProvider>("audit"));
    }

    [Fact]
    public async Task MessageQueuedUnderTheOldNamespace_IsDeliveredToTheTenantsStream()
    {
        var tenant = $"ten_upgrade_{Guid.NewGuid():N}";
        var legacyEvent = AuditStreamTestCluster.NewEvent(tenant, operation: "queued_before_upgrade");
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var serializer = silo.GetRequiredService<Serializer<AuditQueueBatch>>();
        var payload = serializer.SerializeToArray(new AuditQueueBatch { StreamId = StreamId.Create("audit", tenant), Events = [legacyEvent] });

        // As a silo of the previous version left it: a committed row under queue 0 whose stream is "audit"/tenant.
        await using (var connection = await fixture.Database.OpenAsync(Ct))
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO audit_queue_messages (service_id, queue_id, tenant_id, event_count, payload) VALUES ($1, '0', $2, 1, $3)", connection))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = silo.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await fixture.Probe.WaitForAsync(tenant, 1, TimeSpan.FromSeconds(20), Ct);

        Assert.Equal([legacyEvent.EventId], fixture.Probe.FirstDeliveryOrder(tenant));
    }
}
