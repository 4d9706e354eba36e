using System.Text;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.CommandLine;

/// <summary><c>quantaseal envelope open</c>, in-process through the real command tree.</summary>
public sealed class EnvelopeOpenCommandTests : IDisposable
{
    private readonly TenantWorkspace _workspace = new();

    [Fact]
    public async Task Open_PrintsPlaintextAndExitsZero_WhenEnvelopeIsIntact()
    {
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, _workspace.Keys));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Encoding.UTF8.GetString(TenantFixture.Payload), result.StandardOutput);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task Open_ReadsEnvelopeFromStandardInput_WhenPathIsDash()
    {
        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs("-", _workspace.Keys), Encoding.UTF8.GetBytes(_workspace.Tenant.Seal().ToJson()));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Encoding.UTF8.GetString(TenantFixture.Payload), result.StandardOutput);
    }

    [Fact]
    public async Task Open_AcceptsFilesWithByteOrderMark()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        var envelope = _workspace.Dir.Write("envelope.json", [.. bom, .. Encoding.UTF8.GetBytes(_workspace.Tenant.Seal().ToJson())]);
        var keys = _workspace.Keys with { HmacKey = _workspace.Dir.Write("hmac-bom.b64", [.. bom, .. Encoding.ASCII.GetBytes(Convert.ToBase64String(_workspace.Tenant.Hmac) + "\r\n")]) };

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Open_AcceptsExpandedRecipientKey()
    {
        using var expanded = MlKem768KeyPair.FromSeed(Convert.FromBase64String(_workspace.Tenant.Recipient.ExportSeedBase64()));
        var keys = _workspace.Keys with { RecipientPrivateKey = _workspace.Dir.WriteBase64("recipient-expanded.b64", expanded.ExportExpandedPrivateKey()) };
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Open_AcceptsMatchingKeyIdAndTenant()
    {
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(
            CliHarness.OpenArgs(envelope, _workspace.Keys, "--key-id", TenantFixture.SigningKeyId, "--tenant-id", TenantFixture.TenantId));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Open_Rejects_WhenHmacTampered_WithExitTwoAndEmptyStdout()
    {
        var envelope = _workspace.Tenant.Seal();
        var hmac = StrictBase64.Decode(envelope.Signature.HmacSignature);
        hmac[^1] ^= 1;
        var path = _workspace.Dir.Write("envelope.json", (envelope with { Signature = envelope.Signature with { HmacSignature = StrictBase64.Encode(hmac) } }).ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(path, _workspace.Keys));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("SignatureInvalid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Rejects_WhenKeyIdDiffersFromEnvelope()
    {
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, _workspace.Keys, "--key-id", "sk_other"));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("UnknownKeyId", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Rejects_WhenTenantIsNotTheExpectedOne()
    {
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, _workspace.Keys, "--tenant-id", "ten_other"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TenantMismatch", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Rejects_WhenRecipientKeyIsWrong()
    {
        using var other = new TenantFixture();
        var keys = _workspace.Keys with { RecipientPrivateKey = _workspace.Dir.Write("other.b64", other.Recipient.ExportSeedBase64()) };
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("DecryptionFailed", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"success\":true}")]
    [InlineData("<html>502 Bad Gateway</html>")]
    public async Task Open_Rejects_WhenFileIsNotAnEnvelope(string content)
    {
        var path = _workspace.Dir.Write("envelope.json", content);

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(path, _workspace.Keys));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("Malformed", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WhenEnvelopeFileIsMissing()
    {
        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(_workspace.Dir.File("missing.json"), _workspace.Keys));

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("file not found", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WithoutEchoingKey_WhenKeyFileHasWrongLength()
    {
        var secretLooking = Convert.ToBase64String(Enumerable.Repeat((byte)0x5A, 48).ToArray());
        var keys = _workspace.Keys with { HmacKey = _workspace.Dir.Write("hmac-bad.b64", secretLooking) };
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("hmac-bad.b64", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(secretLooking, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WhenKeyFileIsNotBase64()
    {
        var keys = _workspace.Keys with { SigningPublicKey = _workspace.Dir.Write("signing-bad.b64", "-----BEGIN PUBLIC KEY-----") };
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not standard base64", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WhenRequiredOptionsAreMissing()
    {
        var result = await CliHarness.RunInProcessAsync(["envelope", "open", "envelope.json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("--signing-key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsOne_WithEmptyStdout()
    {
        var result = await CliHarness.RunInProcessAsync(["envelope", "seal"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Help_PrintsUsageToStdout_AndExitsZero()
    {
        var result = await CliHarness.RunInProcessAsync(["envelope", "open", "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--recipient-key", result.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();
}
