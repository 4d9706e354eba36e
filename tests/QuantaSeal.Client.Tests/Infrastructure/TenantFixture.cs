using System.Security.Cryptography;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.Infrastructure;

/// <summary>
/// TEST-ONLY key material of one tenant and one client (generated per test run) and helpers to seal
/// envelopes to it the way the server does, and to write the key files the CLI and Node scripts read.
/// </summary>
internal sealed class TenantFixture : IDisposable
{
    public const string TenantId = "ten_01JCLIENTTEST0000000000001";
    public const string RecipientKeyId = "rk_01JCLIENTTEST000000000001";
    public const string SigningKeyId = "sk_01JCLIENTTEST000000000001";
    public const string AuditEventId = "aud_01JCLIENTTEST00000000000001";

    public RecipientKey Recipient { get; } = RecipientKey.Generate();

    public MlDsa65KeyPair Signing { get; } = MlDsa65KeyPair.Generate();

    public byte[] Hmac { get; } = RandomNumberGenerator.GetBytes(PqcSizes.HmacKey);

    public IReadOnlyDictionary<string, byte[]> SigningKeys => new Dictionary<string, byte[]> { [SigningKeyId] = Signing.PublicKey };

    public static byte[] Payload { get; } = """{"users":[{"user_id":"auth0|65f0c0ffee","email":"jane@example.com","logins_count":3}],"total":1}"""u8.ToArray();

    public HybridEnvelope Seal(byte[]? plaintext = null, bool success = true, EnvelopeError? error = null, string auditEventId = AuditEventId) =>
        HybridEnvelopeSealer.Seal(
            new EnvelopeSealInput(TenantId, RecipientKeyId, Recipient.PublicKey, auditEventId, success, plaintext ?? Payload, error),
            Signing,
            SigningKeyId,
            Hmac);

    /// <summary>A v2 envelope bound to <paramref name="requestSha256"/> and <paramref name="issuedAt"/>, with signed extras.</summary>
    public HybridEnvelope SealV2(
        string requestSha256, DateTimeOffset issuedAt, string? nextCursor = null, IReadOnlyDictionary<string, string>? rateLimit = null, bool success = true, EnvelopeError? error = null) =>
        HybridEnvelopeSealer.Seal(
            new EnvelopeSealInput(TenantId, RecipientKeyId, Recipient.PublicKey, AuditEventId, success, Payload, error, new EnvelopeBinding(requestSha256, issuedAt), nextCursor, rateLimit),
            Signing,
            SigningKeyId,
            Hmac);

    public Client.Encryption.Encryption CreateEncryption(string? expectedTenantId = null) => new(SigningKeys, Hmac, Recipient, expectedTenantId);

    /// <summary>Writes signing.b64, hmac.b64, recipient.b64 (seed) and recipient-public.b64 into <paramref name="directory"/>.</summary>
    public KeyFiles WriteKeyFiles(TempDirectory directory)
    {
        return new KeyFiles(
            directory.WriteBase64("signing.b64", Signing.PublicKey),
            directory.WriteBase64("hmac.b64", Hmac),
            directory.Write("recipient.b64", Recipient.ExportSeedBase64() + "\n"),
            directory.WriteBase64("recipient-public.b64", Recipient.PublicKey),
            directory.WriteBase64("signing-seed.b64", Signing.Seed));
    }

    public void Dispose()
    {
        Recipient.Dispose();
        Signing.Dispose();
    }
}

/// <summary>Paths of a tenant's key files (standard base64 of the FIPS encodings).</summary>
internal sealed record KeyFiles(string SigningPublicKey, string HmacKey, string RecipientPrivateKey, string RecipientPublicKey, string SigningSeed);
