using System.Text;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>
/// Envelopes sealed by the C# sealer open with the independent Node.js implementation (tests/interop/open.mjs), and tampered ones are rejected by it.
/// </summary>
public sealed class DotNetToNodeInteropTests(NodeInterop node) : InteropTests(node)
{
    [Fact]
    public async Task CSharpSealedEnvelope_OpensWithNode()
    {
        var path = Session.Dir.Write("envelope.json", Session.Tenant.Seal().ToJson());

        var result = await Session.OpenWithNodeAsync(path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
    }

    [Fact]
    public async Task CSharpSealedEnvelope_OpensWithNode_UsingExpandedRecipientKey()
    {
        using var expanded = Crypto.Keys.MlKem768KeyPair.FromSeed(Convert.FromBase64String(Session.Tenant.Recipient.ExportSeedBase64()));
        var expandedPath = Session.Dir.WriteBase64("recipient-expanded.b64", expanded.ExportExpandedPrivateKey());
        var path = Session.Dir.Write("envelope.json", Session.Tenant.Seal().ToJson());

        var result = await Session.OpenWithNodeAsync(path, Session.Keys() with { RecipientPrivateKey = expandedPath });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
    }

    [Fact]
    public async Task CSharpSealedEnvelope_FromStandardInput_OpensWithNode()
    {
        var keys = Session.Keys();
        var result = await Session.Node.RunAsync(
            "open.mjs",
            ["-", "--signing-key", keys.SigningPublicKey, "--hmac-key", keys.HmacKey, "--recipient-key", keys.RecipientPrivateKey],
            Encoding.UTF8.GetBytes(Session.Tenant.Seal(success: false).ToJson()));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
    }

    [Theory]
    [InlineData("hmac_signature")]
    [InlineData("pqc_signature")]
    [InlineData("ciphertext_kem")]
    [InlineData("ciphertext_data")]
    [InlineData("nonce")]
    [InlineData("success")]
    [InlineData("audit_event_id")]
    [InlineData("tenant_id")]
    [InlineData("recipient_key_id")]
    public async Task CSharpSealedEnvelope_Tampered_IsRejectedByNode(string field)
    {
        var tampered = InteropSession.TamperField(Session.Tenant.Seal(), field);
        var path = Session.Dir.Write("tampered.json", tampered.ToJson());

        var result = await Session.OpenWithNodeAsync(path);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("SignatureInvalid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CSharpSealedEnvelope_WithWrongRecipientKey_IsRejectedByNode()
    {
        using var other = new TenantFixture();
        var keys = Session.Keys() with { RecipientPrivateKey = Session.Dir.Write("other.b64", other.Recipient.ExportSeedBase64()) };
        var path = Session.Dir.Write("envelope.json", Session.Tenant.Seal().ToJson());

        var result = await Session.OpenWithNodeAsync(path, keys);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("DecryptionFailed", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CSharpSealedEnvelope_SignedWithAnotherContext_IsRejectedByNode()
    {
        var path = Session.Dir.Write("envelope.json", Resigned("QuantaSeal/v1/other").ToJson());

        var result = await Session.OpenWithNodeAsync(path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SignatureInvalid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CSharpSignedBytesEncoder_AgreesWithNode_OnResignedEnvelope()
    {
        // Re-signing with the right context through the public encoder must satisfy Node: same m on both sides.
        var path = Session.Dir.Write("envelope.json", Resigned(EnvelopeConstants.SignatureContext).ToJson());

        var result = await Session.OpenWithNodeAsync(path);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>
    /// A freshly sealed envelope whose ML-DSA signature is replaced by one over the v1 signed bytes, built by the public
    /// encoder, under <paramref name="context"/>.
    /// </summary>
    private HybridEnvelope Resigned(string context)
    {
        var envelope = Session.Tenant.Seal();
        var m = EnvelopeSignedBytes.Build(
            envelope.Encrypted.TenantId,
            envelope.Encrypted.RecipientKeyId,
            envelope.Encrypted.Algorithm,
            StrictBase64.Decode(envelope.Encrypted.CiphertextKem),
            StrictBase64.Decode(envelope.Encrypted.Nonce),
            StrictBase64.Decode(envelope.Encrypted.CiphertextData),
            envelope.AuditEventId,
            envelope.Success);
        return envelope with { Signature = envelope.Signature with { PqcSignature = StrictBase64.Encode(Session.Tenant.Signing.Sign(m, context)) } };
    }
}
