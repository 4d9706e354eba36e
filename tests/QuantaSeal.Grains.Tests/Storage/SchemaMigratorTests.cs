using Microsoft.Extensions.Logging.Abstractions;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>The schema migrator against fresh, empty databases.</summary>
public sealed class SchemaMigratorTests
{
    // Every key the Orleans 10.4.2 clustering, grain storage and reminder providers load from OrleansQuery.
    private static readonly string[] ProviderQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<SchemaMigration> Embedded => SchemaMigration.LoadEmbedded();

    [Fact]
    public void EmbeddedMigrations_AreTheDeploySqlFiles_InOrder()
    {
        Assert.Equal(
            ["0001_orleans_core.sql", "0002_orleans_clustering.sql", "0003_orleans_persistence.sql", "0004_orleans_reminders.sql"],
            Embedded.Take(4).Select(m => m.FileName));
        Assert.Equal(Embedded.OrderBy(m => m.Version).Select(m => m.Version), Embedded.Select(m => m.Version));
    }

    [Fact]
    public async Task Migrate_AppliesEverything_ThenNothingOnTheSecondRun()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);

        var first = await PostgresSchemaMigrator.MigrateAsync(database.ConnectionString, NullLogger.Instance, Ct);
        var second = await PostgresSchemaMigrator.MigrateAsync(database.ConnectionString, NullLogger.Instance, Ct);

        Assert.Equal(Embedded.Select(m => m.Version), first.Select(m => m.Version));
        Assert.Empty(second);
        Assert.Equal(Embedded.Count, await database.ScalarAsync<long>("SELECT count(*) FROM qs_schema_migrations", cancellationToken: Ct));
        foreach (var key in ProviderQueryKeys)
        {
            Assert.True(
                await database.ScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM orleansquery WHERE querykey = @key)",
                    new Dictionary<string, object?> { ["key"] = key },
                    Ct),
                $"OrleansQuery lacks {key}");
        }
    }

    [Fact]
    public async Task ConcurrentMigrators_ApplyEachFileExactlyOnce()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            PostgresSchemaMigrator.MigrateAsync(database.ConnectionString, NullLogger.Instance, Ct)));

        Assert.Equal(Embedded.Count, runs.Sum(applied => applied.Count));
        Assert.Equal(Embedded.Count, await database.ScalarAsync<long>("SELECT count(*) FROM qs_schema_migrations", cancellationToken: Ct));
    }

    [Fact]
    public async Task Migrate_RefusesToStart_WhenAnAppliedFileWasEdited_AndAppliesNothingElse()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var edited = Embedded
            .Select(m => m.Version == 3 ? SchemaMigration.FromFile(m.FileName, m.Sql + "\n-- tuned later\n") : m)
            .Append(SchemaMigration.FromFile("0999_probe.sql", "CREATE TABLE qs_probe (id int);"))
            .ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new PostgresSchemaMigrator(edited, NullLogger.Instance).MigrateAsync(database.ConnectionString, Ct));

        Assert.Contains("0003_orleans_persistence.sql was changed after it was applied", error.Message, StringComparison.Ordinal);
        Assert.Contains("Refusing to start", error.Message, StringComparison.Ordinal);
        Assert.Null(await database.ScalarAsync<string>("SELECT to_regclass('qs_probe')::text", cancellationToken: Ct));
    }

    [Fact]
    public async Task Migrate_RefusesToStart_WhenAnAppliedFileWasRenamed()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var renamed = Embedded
            .Select(m => m.Version == 2 ? SchemaMigration.FromFile("0002_membership.sql", m.Sql) : m)
            .ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new PostgresSchemaMigrator(renamed, NullLogger.Instance).MigrateAsync(database.ConnectionString, Ct));

        Assert.Contains("'orleans_clustering'", error.Message, StringComparison.Ordinal);
        Assert.Contains("0002_membership.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingMigration_IsRolledBackWhole_AndNotRecorded()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var withBroken = Embedded
            .Append(SchemaMigration.FromFile("0998_broken.sql", "CREATE TABLE qs_half_done (id int);\nSELECT 1 / 0;"))
            .ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new PostgresSchemaMigrator(withBroken, NullLogger.Instance).MigrateAsync(database.ConnectionString, Ct));

        Assert.Contains("0998_broken.sql failed and was rolled back", error.Message, StringComparison.Ordinal);
        Assert.Null(await database.ScalarAsync<string>("SELECT to_regclass('qs_half_done')::text", cancellationToken: Ct));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM qs_schema_migrations WHERE version = 998", cancellationToken: Ct));
    }

    [Fact]
    public void Checksum_IgnoresLineEndingsAndByteOrderMark()
    {
        var lf = SchemaMigration.FromFile("0042_x.sql", "SELECT 1;\nSELECT 2;\n");
        var crlf = SchemaMigration.FromFile("0042_x.sql", "\uFEFFSELECT 1;\r\nSELECT 2;\r\n");
        var edited = SchemaMigration.FromFile("0042_x.sql", "SELECT 1;\nSELECT 3;\n");

        Assert.Equal(lf.Checksum, crlf.Checksum);
        Assert.NotEqual(lf.Checksum, edited.Checksum);
        Assert.Equal(42, lf.Version);
        Assert.Equal("x", lf.Name);
    }

    [Theory]
    [InlineData("1_core.sql")]
    [InlineData("0001-core.sql")]
    [InlineData("0001_Core.sql")]
    [InlineData("0001_core.SQL")]
    [InlineData("0001_.sql")]
    public void FileName_MustBeFourDigitsAndLowerSnakeCase(string fileName)
    {
        Assert.Throws<ArgumentException>(() => SchemaMigration.FromFile(fileName, "SELECT 1;"));
    }
}
