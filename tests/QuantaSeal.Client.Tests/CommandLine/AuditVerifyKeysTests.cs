using System.Text;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.CommandLine;

/// <summary><c>quantaseal audit verify</c> with rotated keys, the tenant-keys file, standard input and tampered exports.</summary>
public sealed class AuditVerifyKeysTests : IDisposable
{
    private const string Tenant = "ten_01JTESTCLIROTATE000000000";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("qs-audit-keys-");
    private readonly MlDsa65KeyPair _old = MlDsa65KeyPair.Generate();
    private readonly MlDsa65KeyPair _new = MlDsa65KeyPair.Generate();

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
        _dir.Delete(recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>30 events; checkpoints at 10 (old key sk_old) and 20, 30 (new key sk_new, after a rotation).</summary>
    private List<string> Lines()
    {
        var t0 = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var lines = new List<string> { AuditExport.HeaderLine(Tenant, t0) };
        var checkpoints = new List<string>();
        var previous = AuditHashChain.Genesis;
        for (var seq = 1; seq <= 30; seq++)
        {
            var record = new AuditRecord($"aud_{seq:D26}", Tenant, seq, t0.AddSeconds(seq), "ak_x", "vault.seal", null, null, "success", null, null, 3, "cred_x");
            previous = AuditHashChain.Next(previous, record);
            var hex = Convert.ToHexStringLower(previous);
            lines.Add(AuditExport.EventLine(record with { Hash = hex }));
            if (seq % 10 == 0)
            {
                var (key, id) = seq == 10 ? (_old, "sk_old") : (_new, "sk_new");
                checkpoints.Add(AuditExport.CheckpointLine(new AuditCheckpoint(Tenant, seq, hex, t0.AddMinutes(seq), id, AuditCheckpointSigning.Sign(key, Tenant, seq, hex, t0.AddMinutes(seq)))));
            }
        }

        lines.AddRange(checkpoints);
        return lines;
    }

    private string Export(List<string> lines)
    {
        File.WriteAllLines(PathOf("export.ndjson"), lines);
        return PathOf("export.ndjson");
    }

    private string Key(string name, MlDsa65KeyPair key)
    {
        File.WriteAllText(PathOf(name), Convert.ToBase64String(key.PublicKey) + "\n");
        return PathOf(name);
    }

    private string TenantKeysJson(params (string Id, MlDsa65KeyPair Key, string Algorithm)[] keys)
    {
        var signingKeys = string.Join(',', keys.Select(k =>
            $$"""{"key_id":"{{k.Id}}","algorithm":"{{k.Algorithm}}","public_key":"{{Convert.ToBase64String(k.Key.PublicKey)}}","status":"current","created_at":"2026-11-29T12:00:00Z","retired_at":null}"""));
        File.WriteAllText(PathOf("keys.json"), $$"""{"tenant_id":"{{Tenant}}","current_signing_key_id":"sk_new","signing_keys":[{{signingKeys}}],"recipient_keys":[]}""");
        return PathOf("keys.json");
    }

    [Fact]
    public async Task RotatedKeys_WithoutKeyIds_AreMatchedBySignature()
    {
        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines()), "--signing-key", Key("new.b64", _new), "--signing-key", Key("old.b64", _old)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("30 events, 3 checkpoints", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatedKeys_WithKeyIds_Verify()
    {
        var result = await CliHarness.RunInProcessAsync(
            ["audit", "verify", Export(Lines()), "--signing-key", Key("old.b64", _old), "--key-id", "sk_old", "--signing-key", Key("new.b64", _new), "--key-id", "sk_new"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task RotatedKeys_WithSwappedKeyIds_Exit2_AtTheFirstCheckpoint()
    {
        var result = await CliHarness.RunInProcessAsync(
            ["audit", "verify", Export(Lines()), "--signing-key", Key("old.b64", _old), "--key-id", "sk_new", "--signing-key", Key("new.b64", _new), "--key-id", "sk_old"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seq 10", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheNewKey_Exit2_AtTheCheckpointSignedByTheRetiredKey()
    {
        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines()), "--signing-key", Key("new.b64", _new)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("chain broken at seq 10", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantKeysFile_SuppliesEveryKeyWithItsId()
    {
        var keys = TenantKeysJson(("sk_new", _new, "ML-DSA-65"), ("sk_old", _old, "ML-DSA-65"));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines()), "--tenant-keys", keys]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task TenantKeysFile_WithAnUnknownAlgorithm_IsRefused()
    {
        var keys = TenantKeysJson(("sk_new", _new, "Ed25519"));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines()), "--tenant-keys", keys]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not an ML-DSA-65 public key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantKeysFile_ThatIsNotTheKeysAnswer_IsRefused()
    {
        File.WriteAllText(PathOf("keys.json"), """{"hello":"world"}""");

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines()), "--tenant-keys", PathOf("keys.json")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("GET /api/v2/tenant/keys", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKeyAtAll_IsAUsageError()
    {
        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines())]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--signing-key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyIdCountMismatch_IsAUsageError()
    {
        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(Lines()), "--signing-key", Key("old.b64", _old), "--signing-key", Key("new.b64", _new), "--key-id", "sk_old"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("one --key-id per --signing-key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardInput_IsVerified()
    {
        var text = string.Join('\n', Lines()) + "\n";

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", "-", "--signing-key", Key("new.b64", _new), "--signing-key", Key("old.b64", _old)], Encoding.UTF8.GetBytes(text));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task MalformedLine_Exit1_NamingTheLine()
    {
        var lines = Lines();
        lines[4] = "{\"type\":\"event\",";

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(lines), "--signing-key", Key("new.b64", _new)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 5", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFile_Exit1()
    {
        var result = await CliHarness.RunInProcessAsync(["audit", "verify", PathOf("nope.ndjson"), "--signing-key", Key("new.b64", _new)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("file not found", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("changed", 7)]
    [InlineData("deleted", 7)]
    [InlineData("swapped", 7)]
    [InlineData("inserted", 8)]
    [InlineData("truncated", 21)]
    [InlineData("checkpoint-hash", 20)]
    public async Task TamperedExport_Exit2_NamingTheSeq(string how, long seq)
    {
        var lines = Lines();
        switch (how)
        {
            case "changed":
                lines[7] = lines[7].Replace("\"latency_ms\":3", "\"latency_ms\":4", StringComparison.Ordinal);
                break;
            case "deleted":
                lines.RemoveAt(7);
                break;
            case "swapped":
                (lines[7], lines[8]) = (lines[8], lines[7]);
                break;
            case "inserted":
                lines.Insert(8, lines[7]);
                break;
            case "truncated":
                lines.RemoveRange(21, 10);
                break;
            case "checkpoint-hash":
                // The checkpoint at seq 20 names another hash: its signature no longer verifies.
                lines[^2] = lines[^2].Replace("\"hash\":\"", "\"hash\":\"0", StringComparison.Ordinal);
                break;
        }

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", Export(lines), "--signing-key", Key("new.b64", _new), "--signing-key", Key("old.b64", _old)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"chain broken at seq {seq}:", result.StandardError, StringComparison.Ordinal);
    }
}
