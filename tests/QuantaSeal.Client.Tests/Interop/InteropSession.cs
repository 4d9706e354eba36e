using System.Text.Json.Nodes;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>One test's tenant keys, scratch directory and Node.js helpers for the interop tests.</summary>
internal sealed class InteropSession(NodeInterop node) : IDisposable
{
    public NodeInterop Node { get; } = node;

    public TenantFixture Tenant { get; } = new();

    public TempDirectory Dir { get; } = new();

    public void Dispose()
    {
        Dir.Dispose();
        Tenant.Dispose();
    }

    public static JsonNode GoldenVectorEntry(string name) =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.GoldenVector))!["vectors"]!.AsArray().Single(v => (string)v!["name"]! == name)!;

    public static HybridEnvelope TamperField(HybridEnvelope envelope, string field)
    {
        static string Flip(string b64)
        {
            var bytes = StrictBase64.Decode(b64);
            bytes[bytes.Length / 2] ^= 0x04;
            return StrictBase64.Encode(bytes);
        }

        return field switch
        {
            "hmac_signature" => envelope with { Signature = envelope.Signature with { HmacSignature = Flip(envelope.Signature.HmacSignature) } },
            "pqc_signature" => envelope with { Signature = envelope.Signature with { PqcSignature = Flip(envelope.Signature.PqcSignature) } },
            "ciphertext_kem" => envelope with { Encrypted = envelope.Encrypted with { CiphertextKem = Flip(envelope.Encrypted.CiphertextKem) } },
            "ciphertext_data" => envelope with { Encrypted = envelope.Encrypted with { CiphertextData = Flip(envelope.Encrypted.CiphertextData) } },
            "nonce" => envelope with { Encrypted = envelope.Encrypted with { Nonce = Flip(envelope.Encrypted.Nonce) } },
            "success" => envelope with { Success = !envelope.Success },
            "audit_event_id" => envelope with { AuditEventId = envelope.AuditEventId + "X" },
            "tenant_id" => envelope with
            {
                Encrypted = envelope.Encrypted with { TenantId = "ten_other" },
                Signature = envelope.Signature with { TenantId = "ten_other" },
            },
            "recipient_key_id" => envelope with { Encrypted = envelope.Encrypted with { RecipientKeyId = "rk_other" } },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
    }

    public KeyFiles Keys() => Tenant.WriteKeyFiles(Dir);

    public async Task<string> SealWithNodeAsync(byte[] payload, params string[] extra)
    {
        var keys = Keys();
        var plaintext = Dir.Write("plaintext-" + Guid.NewGuid().ToString("N") + ".bin", payload);
        var result = await Node.RunAsync(
            "seal.mjs",
            [
                "--recipient-public", keys.RecipientPublicKey,
                "--signing-seed", keys.SigningSeed,
                "--hmac-key", keys.HmacKey,
                "--tenant-id", TenantFixture.TenantId,
                "--recipient-key-id", TenantFixture.RecipientKeyId,
                "--key-id", TenantFixture.SigningKeyId,
                "--audit-event-id", TenantFixture.AuditEventId,
                "--plaintext", plaintext,
                .. extra,
            ]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutputText;
    }

    public Task<ProcessResult> OpenWithNodeAsync(string envelopePath, KeyFiles? keys = null)
    {
        keys ??= Keys();
        return Node.RunAsync(
            "open.mjs",
            [envelopePath, "--signing-key", keys.SigningPublicKey, "--hmac-key", keys.HmacKey, "--recipient-key", keys.RecipientPrivateKey]);
    }
}
