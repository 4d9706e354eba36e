using System.Text;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Client.Tests.CommandLine;

/// <summary>The CLI as a real process (<c>dotnet QuantaSeal.Cli.dll ...</c>): exit codes and stdout discipline.</summary>
public sealed class CliProcessTests : IDisposable
{
    private readonly TenantWorkspace _workspace = new();

    [Fact]
    public async Task Process_Open_WritesExactPlaintextBytes_AndExitsZero()
    {
        var envelope = _workspace.Dir.Write("envelope.json", _workspace.Tenant.Seal().ToJson());

        var result = await CliHarness.RunProcessAsync(CliHarness.OpenArgs(envelope, _workspace.Keys), _workspace.Dir.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task Process_Open_ReadsStandardInput()
    {
        var result = await CliHarness.RunProcessAsync(CliHarness.OpenArgs("-", _workspace.Keys), _workspace.Dir.Path, Encoding.UTF8.GetBytes(_workspace.Tenant.Seal().ToJson()));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
    }

    [Fact]
    public async Task Process_Open_Rejects_TamperedEnvelope_WithExitTwoAndNothingOnStdout()
    {
        var envelope = _workspace.Tenant.Seal();
        var data = StrictBase64.Decode(envelope.Encrypted.CiphertextData);
        data[0] ^= 1;
        var path = _workspace.Dir.Write("envelope.json", (envelope with { Encrypted = envelope.Encrypted with { CiphertextData = StrictBase64.Encode(data) } }).ToJson());

        var result = await CliHarness.RunProcessAsync(CliHarness.OpenArgs(path, _workspace.Keys), _workspace.Dir.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("SignatureInvalid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_UsageError_ExitsOne_WithNothingOnStdout()
    {
        var result = await CliHarness.RunProcessAsync(["envelope", "open"], _workspace.Dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.NotEmpty(result.StandardError);
    }

    [Fact]
    public async Task Process_GenerateThenOpen_WorksEndToEnd()
    {
        var secret = _workspace.Dir.File("client.b64");
        var generated = await CliHarness.RunProcessAsync(["keys", "recipient", "generate", "--out", secret], _workspace.Dir.Path);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var publicKey = Convert.FromBase64String(generated.StandardOutputText.Trim());
        var envelope = Crypto.Envelope.HybridEnvelopeSealer.Seal(
            new Crypto.Envelope.EnvelopeSealInput(TenantFixture.TenantId, "rk_generated", publicKey, TenantFixture.AuditEventId, true, TenantFixture.Payload),
            _workspace.Tenant.Signing,
            TenantFixture.SigningKeyId,
            _workspace.Tenant.Hmac);
        var path = _workspace.Dir.Write("envelope.json", envelope.ToJson());

        var opened = await CliHarness.RunProcessAsync(CliHarness.OpenArgs(path, _workspace.Keys with { RecipientPrivateKey = secret }), _workspace.Dir.Path);

        Assert.True(opened.ExitCode == 0, opened.ToString());
        Assert.Equal(TenantFixture.Payload, opened.StandardOutput);
    }

    public void Dispose() => _workspace.Dispose();
}
