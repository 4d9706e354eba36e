using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>
/// The Orleans membership protocol's table operations against this project's clustering SQL, driven through the
/// real ADO.NET provider with a deployment of its own.
/// </summary>
public sealed class MembershipTableContractTests : IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresTestDatabase _database;
    private readonly string _clusterId = $"membership-{Guid.NewGuid():N}";
    private readonly AdoNetClusteringTable _table;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public MembershipTableContractTests(PostgresTestDatabase database)
    {
        _database = database;
        _table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "membership-tests" }),
            Options.Create(new AdoNetClusteringSiloOptions
            {
                Invariant = PostgresSiloBuilderExtensions.Invariant,
                ConnectionString = PostgresConnectionStrings.WithSafeTimeouts(database.ConnectionString),
            }),
            NullLogger<AdoNetClusteringTable>.Instance);
    }

    [Fact]
    public async Task InsertAndUpdate_AreCompareAndSwapOnTheTableVersion()
    {
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        var empty = await _table.ReadAllAsync(Ct);
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var silo = NewEntry(11111, SiloStatus.Joining);
        Assert.True(await _table.InsertRowAsync(silo, empty.Version.Next(), Ct));
        Assert.False(await _table.InsertRowAsync(NewEntry(11112, SiloStatus.Joining), empty.Version.Next(), Ct));

        var afterInsert = await _table.ReadAllAsync(Ct);
        Assert.Equal(1, afterInsert.Version.Version);
        var (stored, rowETag) = Assert.Single(afterInsert.Members);
        Assert.Equal(silo.SiloAddress, stored.SiloAddress);
        Assert.Equal(silo.SiloName, stored.SiloName);
        Assert.Equal(silo.HostName, stored.HostName);
        Assert.Equal(SiloStatus.Joining, stored.Status);
        Assert.Equal(silo.ProxyPort, stored.ProxyPort);
        Assert.Equal(DateTimeKind.Utc, stored.StartTime.Kind);
        Assert.True((stored.StartTime - silo.StartTime).Duration() < TimeSpan.FromMilliseconds(1));

        // A second insert of the same silo fails and does not move the version.
        Assert.False(await _table.InsertRowAsync(silo, afterInsert.Version.Next(), Ct));
        Assert.Equal(1, (await _table.ReadAllAsync(Ct)).Version.Version);

        var suspecter = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 22222), 7);
        silo.Status = SiloStatus.Active;
        silo.AddOrUpdateSuspector(suspecter, DateTime.UtcNow, 10);
        Assert.True(await _table.UpdateRowAsync(silo, rowETag, afterInsert.Version.Next(), Ct));
        Assert.False(await _table.UpdateRowAsync(silo, rowETag, afterInsert.Version.Next(), Ct));

        var row = await _table.ReadRowAsync(silo.SiloAddress, Ct);
        Assert.Equal(2, row.Version.Version);
        var (updated, _) = Assert.Single(row.Members);
        Assert.Equal(SiloStatus.Active, updated.Status);
        var (suspectingSilo, _) = Assert.Single(updated.SuspectTimes!);
        Assert.Equal(suspecter, suspectingSilo);
    }

    [Fact]
    public async Task IAmAlive_UpdatesTheRow_WithoutBumpingTheVersion()
    {
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        var data = await _table.ReadAllAsync(Ct);
        var silo = NewEntry(11121, SiloStatus.Active);
        Assert.True(await _table.InsertRowAsync(silo, data.Version.Next(), Ct));
        var version = (await _table.ReadAllAsync(Ct)).Version.Version;

        silo.IAmAliveTime = silo.IAmAliveTime.AddMinutes(5);
        await _table.UpdateIAmAliveAsync(silo, Ct);

        var row = await _table.ReadRowAsync(silo.SiloAddress, Ct);
        Assert.Equal(version, row.Version.Version);
        Assert.True((row.Members[0].Item1.IAmAliveTime - silo.IAmAliveTime).Duration() < TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ReadRow_OfAnUnknownSilo_ReturnsOnlyTheTableVersion()
    {
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);

        var row = await _table.ReadRowAsync(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11199), 1), Ct);

        Assert.Empty(row.Members);
        Assert.NotNull(row.Version);
    }

    [Fact]
    public async Task CleanupDefunct_RemovesStaleInactiveSilos_Only()
    {
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        var longAgo = DateTime.UtcNow.AddHours(-2);
        var dead = NewEntry(11131, SiloStatus.Dead, iAmAlive: longAgo);
        var staleActive = NewEntry(11132, SiloStatus.Active, iAmAlive: longAgo);
        var freshDead = NewEntry(11133, SiloStatus.Dead);
        foreach (var entry in new[] { dead, staleActive, freshDead })
        {
            Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync(Ct)).Version.Next(), Ct));
        }

        await _table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct);

        var remaining = (await _table.ReadAllAsync(Ct)).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.DoesNotContain(dead.SiloAddress, remaining);
        Assert.Contains(staleActive.SiloAddress, remaining);
        Assert.Contains(freshDead.SiloAddress, remaining);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesTheWholeDeployment()
    {
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        Assert.True(await _table.InsertRowAsync(NewEntry(11141, SiloStatus.Active), (await _table.ReadAllAsync(Ct)).Version.Next(), Ct));

        await _table.DeleteMembershipTableEntriesAsync(_clusterId, Ct);

        var rows = await _database.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM orleans_membership WHERE deployment_id = @c) + (SELECT count(*) FROM orleans_membership_version WHERE deployment_id = @c)",
            new Dictionary<string, object?> { ["c"] = _clusterId },
            Ct);
        Assert.Equal(0, rows);
    }

    private static MembershipEntry NewEntry(int port, SiloStatus status, DateTime? iAmAlive = null)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 42),
            SiloName = $"silo-{port}",
            HostName = "test-host",
            Status = status,
            ProxyPort = port + 10000,
            StartTime = now,
            IAmAliveTime = iAmAlive ?? now,
        };
    }
}
