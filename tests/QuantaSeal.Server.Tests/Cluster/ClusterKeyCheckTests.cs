using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Server.Hosting;
using QuantaSeal.Server.Hosting.Cluster;
using QuantaSeal.Server.Security;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Cluster;

/// <summary>
/// Issue 14.2: a fresh cluster must not split its keys. The first node records a check value; the others verify it
/// or refuse to start; only the single-node role generates a missing key, and only if it wins the record.
/// </summary>
public sealed class ClusterKeyCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ClusterKeyCheck.Result> EnsureOperatorAsync(string cs, string file, bool mayGenerate) =>
        ClusterKeyCheck.EnsureAsync(cs, "quantaseal", ClusterKeyCheck.Operator, file, null,
            OperatorKeyVerifier.NewKey, ClusterKeyCheck.OperatorCheckValue, mayGenerate, Ct);

    private static string KeyFile(string name) => Path.Combine(Directory.CreateTempSubdirectory("qs-kcv-").FullName, name);

    [Fact]
    public async Task FreshCluster_ThreeSingleNodeStartsAtOnce_ExactlyOneGenerates_TheOthersRefuse()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var files = Enumerable.Range(0, 3).Select(_ => KeyFile("operator.key")).ToArray();

        var results = await Task.WhenAll(files.Select(f => EnsureOperatorAsync(db.ConnectionString, f, mayGenerate: true)));

        Assert.Single(results, r => r.Created);
        Assert.Equal(2, results.Count(r => r.Problem is not null));
        Assert.Single(files, File.Exists);
        Assert.All(results.Where(r => r.Problem is not null), r => Assert.Contains("Copy", r.Problem!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClusterRole_MissingKeyFile_RefusesAndCreatesNothing()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var file = KeyFile("master.key");

        var result = await ClusterKeyCheck.EnsureAsync(db.ConnectionString, "quantaseal", ClusterKeyCheck.Master, file, null,
            LocalKeyWrapProvider.GenerateMasterKeyBase64, v => LocalKeyWrapProvider.FromBase64(v).KeyRef, mayGenerate: false, Ct);

        Assert.NotNull(result.Problem);
        Assert.Contains("Only the single-node role", result.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM quantaseal_cluster_keys", cancellationToken: Ct));
    }

    [Fact]
    public async Task SecondNode_WithADifferentKey_Refuses_WithTheSameKey_Serves()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var first = KeyFile("operator.key");
        var same = KeyFile("operator.key");
        var other = KeyFile("operator.key");

        var created = await EnsureOperatorAsync(db.ConnectionString, first, mayGenerate: true);
        File.Copy(first, same);
        await File.WriteAllTextAsync(other, OperatorKeyVerifier.NewKey(), Ct);
        var withSame = await EnsureOperatorAsync(db.ConnectionString, same, mayGenerate: false);
        var withOther = await EnsureOperatorAsync(db.ConnectionString, other, mayGenerate: true);

        Assert.True(created.Created);
        Assert.Null(withSame.Problem);
        Assert.Equal(created.Value, withSame.Value);
        Assert.NotNull(withOther.Problem);
        Assert.Contains("is not the cluster's", withOther.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Value!, withOther.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshCluster_ThreeSiloProcessesWithMissingKeyFiles_AllRefuseInsteadOfSplitting()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dirs = Enumerable.Range(0, 3).Select(_ => Directory.CreateTempSubdirectory("qs-split-").FullName).ToArray();
        var servers = dirs.Select(dir => ServerProcess.Launch(
        [
            "--storage", "postgres", "--connection-string", db.ConnectionString, "--role", "silo",
            .. ServerProcess.NodeArgs(dir),
            "--QuantaSeal:ClusterId=split",
        ])).ToArray();
        try
        {
            var exits = await Task.WhenAll(servers.Select(s => s.WaitForExitAsync(Ct)));
            // A refused node may leave a backend that is still closing; DROP DATABASE (FORCE) cannot end one that has
            // not authenticated yet, so wait for them to go before the database is dropped.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", cancellationToken: Ct) > 0
                && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, Ct);
            }

            Assert.All(exits, e => Assert.Equal(2, e));
            Assert.All(servers, s => Assert.Contains("does not exist", s.Output, StringComparison.Ordinal));
            Assert.All(dirs, d => Assert.False(File.Exists(Path.Combine(d, "master.key"))));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
