using System.Text;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.CommandLine;

/// <summary><c>quantaseal envelope open</c>, in-process through the real command tree.</summary>
public sealed class EnvelopeOpenCommandTests : IDisposable
{
    private readonly TenantFixture _tenant = new();
    private readonly TempDirectory _dir = new();
    private readonly KeyFiles _keys;

    public EnvelopeOpenCommandTests()
    {
        _keys = _tenant.WriteKeyFiles(_dir);
    }

    [Fact]
    public async Task Open_PrintsPlaintextAndExitsZero_WhenEnvelopeIsIntact()
    {
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, _keys));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Encoding.UTF8.GetString(TenantFixture.Payload), result.StandardOutput);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task Open_ReadsEnvelopeFromStandardInput_WhenPathIsDash()
    {
        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs("-", _keys), Encoding.UTF8.GetBytes(_tenant.Seal().ToJson()));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Encoding.UTF8.GetString(TenantFixture.Payload), result.StandardOutput);
    }

    [Fact]
    public async Task Open_AcceptsFilesWithByteOrderMark()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        var envelope = _dir.Write("envelope.json", [.. bom, .. Encoding.UTF8.GetBytes(_tenant.Seal().ToJson())]);
        var keys = _keys with { HmacKey = _dir.Write("hmac-bom.b64", [.. bom, .. Encoding.ASCII.GetBytes(Convert.ToBase64String(_tenant.Hmac) + "\r\n")]) };

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Open_AcceptsExpandedRecipientKey()
    {
        using var expanded = MlKem768KeyPair.FromSeed(Convert.FromBase64String(_tenant.Recipient.ExportSeedBase64()));
        var keys = _keys with { RecipientPrivateKey = _dir.WriteBase64("recipient-expanded.b64", expanded.ExportExpandedPrivateKey()) };
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Open_AcceptsMatchingKeyIdAndTenant()
    {
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(
            CliHarness.OpenArgs(envelope, _keys, "--key-id", TenantFixture.SigningKeyId, "--tenant-id", TenantFixture.TenantId));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Open_Rejects_WhenHmacTampered_WithExitTwoAndEmptyStdout()
    {
        var envelope = _tenant.Seal();
        var hmac = StrictBase64.Decode(envelope.Signature.HmacSignature);
        hmac[^1] ^= 1;
        var path = _dir.Write("envelope.json", (envelope with { Signature = envelope.Signature with { HmacSignature = StrictBase64.Encode(hmac) } }).ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(path, _keys));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("SignatureInvalid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Rejects_WhenKeyIdDiffersFromEnvelope()
    {
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, _keys, "--key-id", "sk_other"));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("UnknownKeyId", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Rejects_WhenTenantIsNotTheExpectedOne()
    {
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, _keys, "--tenant-id", "ten_other"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TenantMismatch", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Rejects_WhenRecipientKeyIsWrong()
    {
        using var other = new TenantFixture();
        var keys = _keys with { RecipientPrivateKey = _dir.Write("other.b64", other.Recipient.ExportSeedBase64()) };
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

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
        var path = _dir.Write("envelope.json", content);

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(path, _keys));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("Malformed", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WhenEnvelopeFileIsMissing()
    {
        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(_dir.File("missing.json"), _keys));

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("file not found", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WithoutEchoingKey_WhenKeyFileHasWrongLength()
    {
        var secretLooking = Convert.ToBase64String(Enumerable.Repeat((byte)0x5A, 48).ToArray());
        var keys = _keys with { HmacKey = _dir.Write("hmac-bad.b64", secretLooking) };
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(envelope, keys));

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("hmac-bad.b64", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(secretLooking, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExitsOne_WhenKeyFileIsNotBase64()
    {
        var keys = _keys with { SigningPublicKey = _dir.Write("signing-bad.b64", "-----BEGIN PUBLIC KEY-----") };
        var envelope = _dir.Write("envelope.json", _tenant.Seal().ToJson());

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

    public void Dispose()
    {
        _dir.Dispose();
        _tenant.Dispose();
    }
}
