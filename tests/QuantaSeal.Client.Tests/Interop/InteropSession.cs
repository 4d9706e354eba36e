using System.Text.Json.Nodes;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>One test's tenant keys, scratch directory and Node.js helpers for the interop tests.</summary>
internal sealed class InteropSession(NodeInterop node) : IDisposable
{
    public NodeInterop Node { get; } = node;

    private readonly TenantWorkspace _workspace = new();

    public TenantFixture Tenant => _workspace.Tenant;

    public TempDirectory Dir => _workspace.Dir;

    public void Dispose() => _workspace.Dispose();

    /// <summary>The vector called <paramref name="name"/> in a vector file (<see cref="RepoPaths.GoldenVector"/>, <see cref="RepoPaths.GoldenVectorV2"/>).</summary>
    public static JsonNode VectorEntry(string file, string name) =>
        JsonNode.Parse(File.ReadAllText(file))!["vectors"]!.AsArray().Single(v => (string)v!["name"]! == name)!;

    /// <summary>The vector's keys, written to this session's directory.</summary>
    public KeyFiles VectorKeys(JsonNode vector)
    {
        var inputs = vector["inputs"]!;
        var expected = vector["expected"]!;
        return new KeyFiles(
            Dir.Write("vector-signing.b64", (string)expected["signing_public_key"]!),
            Dir.Write("vector-hmac.b64", (string)inputs["hmac_key"]!),
            Dir.Write("vector-recipient.b64", (string)inputs["recipient_kem_seed"]!),
            Dir.Write("vector-recipient-public.b64", (string)expected["recipient_public_key"]!),
            Dir.Write("vector-signing-seed.b64", (string)inputs["signing_seed"]!));
    }

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

    public KeyFiles Keys() => _workspace.Keys;

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

    /// <param name="envelopePath">The envelope to open.</param>
    /// <param name="keys">The keys to open it with; this session's tenant keys when null.</param>
    /// <param name="extra">More arguments for open.mjs (binding checks, <c>--show-binding</c>).</param>
    public Task<ProcessResult> OpenWithNodeAsync(string envelopePath, KeyFiles? keys = null, params string[] extra)
    {
        keys ??= Keys();
        return Node.RunAsync(
            "open.mjs",
            [envelopePath, "--signing-key", keys.SigningPublicKey, "--hmac-key", keys.HmacKey, "--recipient-key", keys.RecipientPrivateKey, .. extra]);
    }
}
