using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.CommandLine;

public sealed class AuditVerifyCommandTests : IDisposable
{
    private const string Tenant = "ten_01JTESTCLIAUDIT00000000000";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("qs-audit-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (string ExportPath, string KeyPath, List<string> Lines) WriteExport(int count, params long[] checkpointAt)
    {
        using var key = MlDsa65KeyPair.Generate();
        var t0 = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var lines = new List<string> { AuditExport.HeaderLine(Tenant, t0) };
        var checkpointLines = new List<string>();
        var previous = AuditHashChain.Genesis;
        for (var seq = 1; seq <= count; seq++)
        {
            var record = new AuditRecord($"aud_{seq:D26}", Tenant, seq, t0.AddSeconds(seq), "ak_x", "proxy.outbound", "int_x", "get_users", "success", 200, null, 5, null);
            previous = AuditHashChain.Next(previous, record);
            var hex = Convert.ToHexStringLower(previous);
            lines.Add(AuditExport.EventLine(record with { Hash = hex }));
            if (checkpointAt.Contains(seq))
            {
                checkpointLines.Add(AuditExport.CheckpointLine(new AuditCheckpoint(Tenant, seq, hex, t0.AddMinutes(seq), "sk_cli", AuditCheckpointSigning.Sign(key, Tenant, seq, hex, t0.AddMinutes(seq)))));
            }
        }

        lines.AddRange(checkpointLines);
        var keyPath = Path.Combine(_dir.FullName, "signing.b64");
        File.WriteAllText(keyPath, Convert.ToBase64String(key.PublicKey));
        var exportPath = Path.Combine(_dir.FullName, "export.ndjson");
        File.WriteAllLines(exportPath, lines);
        return (exportPath, keyPath, lines);
    }

    [Fact]
    public async Task IntactExport_Exits0_WithASummary()
    {
        var (export, key, _) = WriteExport(20, 10, 20);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("20 events, 2 checkpoints", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntactExport_WhoseHeaderReportsDeadLetteredEvents_Exits3_AndSaysIncompleteWithTheCount()
    {
        var (export, key, lines) = WriteExport(20, 10, 20);
        lines[0] = AuditExport.HeaderLine(Tenant, DateTimeOffset.UnixEpoch, new AuditExportCompleteness(7, 1));
        File.WriteAllLines(export, lines);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("20 events, 2 checkpoints", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("INCOMPLETE", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("7 acknowledged events", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntactExport_ReportedComplete_Exits0_AndAnOldHeaderWithoutTheReportStillVerifies()
    {
        var (export, key, lines) = WriteExport(20, 10, 20);
        lines[0] = AuditExport.HeaderLine(Tenant, DateTimeOffset.UnixEpoch, new AuditExportCompleteness(0, 0));
        File.WriteAllLines(export, lines);
        var complete = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);
        lines[0] = """{"type":"header","format":"quantaseal-audit-export/v1","tenant_id":"ten_01JTESTCLIAUDIT00000000000","exported_at":"2026-11-29T12:00:00.000Z"}""";
        File.WriteAllLines(export, lines);
        var old = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);

        Assert.Equal(0, complete.ExitCode);
        Assert.Contains("complete: yes", complete.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, old.ExitCode);
        Assert.Contains("not reported", old.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderWhoseCompleteFlagContradictsItsCounts_IsMalformed()
    {
        var (export, key, lines) = WriteExport(5, 5);
        lines[0] = AuditExport.HeaderLine(Tenant, DateTimeOffset.UnixEpoch, new AuditExportCompleteness(3, 0)).Replace("\"complete\":false", "\"complete\":true", StringComparison.Ordinal);
        File.WriteAllLines(export, lines);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 1", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedEvent_Exits2_NamingItsSeq()
    {
        var (export, key, lines) = WriteExport(20, 10, 20);
        lines[7] = lines[7].Replace("\"success\"", "\"denied\"", StringComparison.Ordinal);
        File.WriteAllLines(export, lines);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seq 7", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task TruncatedTail_Exits2_NamingTheFirstMissingSeq()
    {
        var (export, key, lines) = WriteExport(20, 10, 20);
        lines.RemoveRange(18, 3);
        File.WriteAllLines(export, lines);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", key]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seq 18", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSigningKey_Exits2()
    {
        var (export, _, _) = WriteExport(5, 5);
        using var other = MlDsa65KeyPair.Generate();
        var otherPath = Path.Combine(_dir.FullName, "other.b64");
        await File.WriteAllTextAsync(otherPath, Convert.ToBase64String(other.PublicKey), TestContext.Current.CancellationToken);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--signing-key", otherPath]);

        Assert.Equal(2, result.ExitCode);
    }
}
