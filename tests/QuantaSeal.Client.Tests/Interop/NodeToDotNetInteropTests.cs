using System.Text;
using System.Text.Json.Nodes;
using QuantaSeal.Client.Tests.CommandLine;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>
/// Envelopes sealed by the independent Node.js implementation (tests/interop/seal.mjs) open with the SDK and the CLI.
/// </summary>
public sealed class NodeToDotNetInteropTests(NodeInterop node) : InteropTests(node)
{
    [Fact]
    public async Task NodeSealedEnvelope_OpensWithSdk()
    {
        var envelopeJson = await Session.SealWithNodeAsync(TenantFixture.Payload);
        using var encryption = Session.Tenant.CreateEncryption(expectedTenantId: TenantFixture.TenantId);

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(envelopeJson));
    }

    [Fact]
    public async Task NodeSealedErrorEnvelope_OpensWithSdk_AndKeepsError()
    {
        var envelopeJson = await Session.SealWithNodeAsync(
            """{"statusCode":403,"error":"Forbidden","message":"Insufficient scope"}"""u8.ToArray(),
            "--success", "false", "--error-type", "upstream_error", "--error-message", "Upstream returned 403.", "--upstream-status", "403");
        using var encryption = Session.Tenant.CreateEncryption();

        var envelope = HybridEnvelope.FromJson(envelopeJson);

        Assert.False(envelope.Success);
        Assert.Equal(new EnvelopeError("upstream_error", "Upstream returned 403.", 403), envelope.Error);
        Assert.Contains("Insufficient scope", encryption.DecryptString(envelope), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeSealedEnvelope_OpensWithCliInProcess()
    {
        var path = Session.Dir.Write("node-envelope.json", await Session.SealWithNodeAsync(TenantFixture.Payload));

        var result = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(path, Session.Keys()));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Encoding.UTF8.GetString(TenantFixture.Payload), result.StandardOutput);
    }

    [Fact]
    public async Task NodeSealedEnvelope_OpensWithCliProcess()
    {
        var path = Session.Dir.Write("node-envelope.json", await Session.SealWithNodeAsync(TenantFixture.Payload));

        var result = await CliHarness.RunProcessAsync(CliHarness.OpenArgs(path, Session.Keys()), Session.Dir.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
    }

    [Fact]
    public async Task NodeSealedEnvelope_WithBinaryPayload_RoundTripsThroughSdk()
    {
        var payload = Enumerable.Range(0, 4096).Select(i => (byte)(i * 31)).ToArray();
        var envelopeJson = await Session.SealWithNodeAsync(payload);
        using var encryption = Session.Tenant.CreateEncryption();

        Assert.Equal(payload, encryption.Decrypt(envelopeJson));
    }

    [Fact]
    public async Task NodeSealedEnvelope_TamperedSuccessFlag_IsRejectedBySdk()
    {
        var json = JsonNode.Parse(await Session.SealWithNodeAsync(TenantFixture.Payload))!.AsObject();
        json["success"] = false;
        using var encryption = Session.Tenant.CreateEncryption();

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(json.ToJsonString()));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }
}
