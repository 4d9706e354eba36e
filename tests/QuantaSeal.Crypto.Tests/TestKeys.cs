using System.Security.Cryptography;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests;

/// <summary>Shared TEST-ONLY keys (immutable and thread-safe, so one set serves every test).</summary>
internal static class TestKeys
{
    public const string TenantId = "ten_01JTEST0000000000000000001";
    public const string RecipientKeyId = "rk_01JTEST000000000000000001";
    public const string SigningKeyId = "sk_01JTEST000000000000000001";
    public const string AuditEventId = "aud_01JTEST00000000000000000001";

    public static MlKem768KeyPair Recipient { get; } = MlKem768KeyPair.Generate();

    public static MlKem768KeyPair OtherRecipient { get; } = MlKem768KeyPair.Generate();

    public static MlDsa65KeyPair Signing { get; } = MlDsa65KeyPair.Generate();

    public static MlDsa65KeyPair OtherSigning { get; } = MlDsa65KeyPair.Generate();

    public static byte[] Hmac { get; } = RandomNumberGenerator.GetBytes(PqcSizes.HmacKey);

    public static byte[] OtherHmac { get; } = RandomNumberGenerator.GetBytes(PqcSizes.HmacKey);

    public static byte[] Plaintext { get; } = """{"users":[{"user_id":"auth0|abc","email":"a@example.com"}],"total":1}"""u8.ToArray();

    public static EnvelopeSealInput Input(byte[]? plaintext = null, bool success = true, EnvelopeError? error = null) =>
        new(TenantId, RecipientKeyId, Recipient.PublicKey, AuditEventId, success, plaintext ?? Plaintext, error);

    public static HybridEnvelope Seal(byte[]? plaintext = null, bool success = true) =>
        HybridEnvelopeSealer.Seal(Input(plaintext, success), Signing, SigningKeyId, Hmac);

    public static EnvelopeOpenKeys OpenKeys(
        MlKem768KeyPair? recipient = null,
        byte[]? hmac = null,
        IReadOnlyDictionary<string, byte[]>? signingKeys = null,
        string? expectedTenantId = null) =>
        new(
            signingKeys ?? new Dictionary<string, byte[]>(StringComparer.Ordinal) { [SigningKeyId] = Signing.PublicKey },
            hmac ?? Hmac,
            recipient ?? Recipient,
            expectedTenantId);
}
