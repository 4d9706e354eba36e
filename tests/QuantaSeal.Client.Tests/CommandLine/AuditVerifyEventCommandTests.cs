using QuantaSeal.Client.Tests.Audit;
using QuantaSeal.Client.Tests.Infrastructure;

namespace QuantaSeal.Client.Tests.CommandLine;

public sealed class AuditVerifyEventCommandTests : IDisposable
{
    private readonly AuditJson _chain = new(12, 5, 10);
    private readonly TempDirectory _dir = new();
    private readonly string _key;

    public AuditVerifyEventCommandTests() => _key = _dir.WriteBase64("signing.b64", _chain.PublicKey);

    public void Dispose()
    {
        _chain.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    public async Task HonestAnswer_Exits0_WithOneLineSummary(long seq)
    {
        var file = _dir.Write("event.json", _chain.EventWithProof(seq));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"OK {_chain.Records[(int)seq - 1].EventId} (tenant {AuditJson.Tenant}, seq {seq},", line, StringComparison.Ordinal);
        Assert.Contains($"signed by {AuditJson.KeyId}", line, StringComparison.Ordinal);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task ExplicitKeyId_Verifies()
    {
        var file = _dir.Write("event.json", _chain.EventWithProof(3));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key, "--key-id", AuditJson.KeyId]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task StandardInput_IsRead()
    {
        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", "-", "--signing-key", _key], System.Text.Encoding.UTF8.GetBytes(_chain.EventWithProof(2)));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("\"outcome\":\"success\"", "\"outcome\":\"denied\"", "does not match its hash")]
    [InlineData("\"latency_ms\":7", "\"latency_ms\":8", "does not match its hash")]
    [InlineData("\"attempt_event_id\":\"aud_01JCLIENTAUDIT000000000000002\"", "\"attempt_event_id\":\"aud_01JCLIENTAUDIT000000000000001\"", "does not match its hash")]
    [InlineData(",\"attempt_event_id\":\"aud_01JCLIENTAUDIT000000000000002\"", "", "does not match its hash")]
    [InlineData("\"previous_hash\":\"", "\"previous_hash\":\"1", "previous_hash is not 64 hexadecimal characters")]
    [InlineData("\"timestamp\":\"2026-11-29T16:46:02.123Z\"", "\"timestamp\":\"2026-11-29T16:46:03.123Z\"", "signature does not verify")]
    [InlineData("\"seq\":5,\"hash\"", "\"seq\":6,\"hash\"", "the proof ends at seq 5 but the checkpoint is at seq 6")]
    public async Task TamperedAnswer_Exits2_WithTheReason(string from, string to, string reason)
    {
        var file = _dir.Write("event.json", _chain.EventWithProof(3).Replace(from, to, StringComparison.Ordinal));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task ExplicitWrongKeyId_Exits2_NamingTheKey()
    {
        var file = _dir.Write("event.json", _chain.EventWithProof(3));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key, "--key-id", "sk_other"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("names signing key sk_01JCLIENTAUDIT000000000000", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DroppedFollowingEvent_Exits2()
    {
        var answer = _chain.EventWithProof(3);
        var fourth = AuditJson.Event(_chain.Records[3]) + ",";
        var file = _dir.Write("event.json", answer.Replace(fourth, string.Empty, StringComparison.Ordinal));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("jumps from seq 3 to seq 5", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherTenantsKey_Exits2()
    {
        using var other = new AuditJson(1, 1);
        var otherKey = _dir.WriteBase64("other.b64", other.PublicKey);
        var file = _dir.Write("event.json", _chain.EventWithProof(3));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", otherKey]);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task EventNotYetCovered_Exits2_SayingSo()
    {
        var file = _dir.Write("event.json", _chain.EventWithProof(12));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no signed checkpoint covers this event yet", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"items":[],"next_cursor":null}""")]
    public async Task NotAnEventAnswer_Exits1(string content)
    {
        var file = _dir.Write("event.json", content);

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file, "--signing-key", _key]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not the JSON answer of GET /api/v2/audit/events/{id}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingKeys_IsAUsageError()
    {
        var file = _dir.Write("event.json", _chain.EventWithProof(3));

        var result = await CliHarness.RunInProcessAsync(["audit", "verify-event", file]);

        Assert.Equal(1, result.ExitCode);
    }
}
