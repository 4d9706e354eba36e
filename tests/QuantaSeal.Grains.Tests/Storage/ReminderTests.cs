using Microsoft.Extensions.DependencyInjection;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>Durable reminders through the ADO.NET reminder provider and this project's SQL.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class ReminderTests(PostgresClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReminderTable Table => PostgresClusterFixture.ServicesOf(fixture.Cluster.Silos[0]).GetRequiredService<IReminderTable>();

    [Fact]
    public async Task RegisteredReminder_IsStored_FoundAgain_AndRemovedOnUnregister()
    {
        var key = $"reminder-{Guid.NewGuid():N}";
        var grain = fixture.Client.GetGrain<IReminderTestGrain>(key);

        await grain.RegisterAsync("nightly", TimeSpan.FromMinutes(10), Ct);

        Assert.True(await grain.IsRegisteredAsync("nightly", Ct));
        var periodMs = await fixture.Database.ScalarAsync<long?>(
            "SELECT period_ms FROM orleans_reminders WHERE service_id = @service AND grain_id = @grain AND reminder_name = 'nightly'",
            new Dictionary<string, object?> { ["service"] = fixture.ServiceId, ["grain"] = $"qs.test.reminder/{key}" },
            Ct);
        Assert.Equal((long)TimeSpan.FromMinutes(10).TotalMilliseconds, periodMs);

        await grain.UnregisterAsync("nightly", Ct);

        Assert.False(await grain.IsRegisteredAsync("nightly", Ct));
        Assert.Null(await fixture.Database.ScalarAsync<long?>(
            "SELECT period_ms FROM orleans_reminders WHERE service_id = @service AND grain_id = @grain",
            new Dictionary<string, object?> { ["service"] = fixture.ServiceId, ["grain"] = $"qs.test.reminder/{key}" },
            Ct));
    }

    [Fact]
    public async Task ReminderTable_UpsertsWithVersions_AndReadsPlainAndWrappedRingRanges()
    {
        var grainId = GrainIdAwayFromRingEdges();
        var hash = grainId.GetUniformHashCode();
        var entry = new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = "ranged",
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromMinutes(5),
        };

        var firstETag = await Table.UpsertRow(entry, Ct);
        entry.Period = TimeSpan.FromMinutes(6);
        var secondETag = await Table.UpsertRow(entry, Ct);
        Assert.Equal("0", firstETag);
        Assert.Equal("1", secondETag);

        // (hash-1, hash] is a plain range (ReadRangeRows1Key); (hash, hash-1] and (hash+1, hash] wrap (ReadRangeRows2Key).
        Assert.Contains((await Table.ReadRows(hash - 1, hash, Ct)).Reminders, Ranged);
        Assert.DoesNotContain((await Table.ReadRows(hash, hash - 1, Ct)).Reminders, Ranged);
        Assert.Contains((await Table.ReadRows(hash + 1, hash, Ct)).Reminders, Ranged);

        var byGrain = Assert.Single((await Table.ReadRows(grainId, Ct)).Reminders);
        Assert.Equal(TimeSpan.FromMinutes(6), byGrain.Period);
        Assert.Equal(secondETag, byGrain.ETag);

        Assert.False(await Table.RemoveRow(grainId, "ranged", firstETag!, Ct));
        Assert.True(await Table.RemoveRow(grainId, "ranged", secondETag!, Ct));
        Assert.Null(await Table.ReadRow(grainId, "ranged", Ct));

        // DeleteReminderRowsKey removes every reminder of this service id.
        await Table.UpsertRow(entry, Ct);
        await Table.TestOnlyClearTable(Ct);
        Assert.Empty((await Table.ReadRows(grainId, Ct)).Reminders);

        bool Ranged(ReminderEntry candidate) => candidate.GrainId == grainId && candidate.ReminderName == "ranged";
    }

    private static GrainId GrainIdAwayFromRingEdges()
    {
        while (true)
        {
            var grainId = GrainId.Create("qs.test.reminder", $"ranged-{Guid.NewGuid():N}");
            var signed = unchecked((int)grainId.GetUniformHashCode());
            if (signed is > int.MinValue + 1 and < int.MaxValue - 1 && signed is not (0 or -1))
            {
                return grainId;
            }
        }
    }
}
