using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;
using SdkEncryption = QuantaSeal.Client.Encryption.Encryption;

namespace QuantaSeal.Client.Tests.Encryption;

public sealed class EncryptionTests : IDisposable
{
    private readonly TenantFixture _tenant = new();

    [Fact]
    public void Decrypt_ReturnsPayload_WhenEnvelopeIsIntact()
    {
        using var encryption = _tenant.CreateEncryption();

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(_tenant.Seal()));
    }

    [Fact]
    public void Decrypt_AcceptsEnvelopeJson()
    {
        using var encryption = _tenant.CreateEncryption();

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(_tenant.Seal().ToJson()));
    }

    [Fact]
    public void Decrypt_AcceptsProxyResponseWithExtraMembers()
    {
        using var encryption = _tenant.CreateEncryption();
        var response = JsonNode.Parse(_tenant.Seal().ToJson())!.AsObject();
        response["request_id"] = "req_123";

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(response.ToJsonString()));
    }

    [Fact]
    public void DecryptString_ReturnsUtf8Text()
    {
        using var encryption = _tenant.CreateEncryption();
        var envelope = _tenant.Seal("héllo → wörld"u8.ToArray());

        Assert.Equal("héllo → wörld", encryption.DecryptString(envelope));
        Assert.Equal("héllo → wörld", encryption.DecryptString(envelope.ToJson()));
    }

    [Fact]
    public void DecryptString_Throws_WhenPayloadIsNotUtf8()
    {
        using var encryption = _tenant.CreateEncryption();

        Assert.Throws<FormatException>(() => encryption.DecryptString(_tenant.Seal([0xC3, 0x28])));
    }

    [Fact]
    public void DecryptJson_DeserialisesPayload()
    {
        using var encryption = _tenant.CreateEncryption();

        var users = encryption.DecryptJson<UserPage>(_tenant.Seal());

        Assert.NotNull(users);
        Assert.Equal(1, users.Total);
        Assert.Equal("auth0|65f0c0ffee", Assert.Single(users.Users).UserId);
    }

    [Fact]
    public void DecryptJson_AcceptsEnvelopeJson()
    {
        using var encryption = _tenant.CreateEncryption();

        var users = encryption.DecryptJson<UserPage>(_tenant.Seal().ToJson());

        Assert.Equal("jane@example.com", Assert.Single(users!.Users).Email);
    }

    [Fact]
    public void DecryptJson_Throws_WithoutQuotingPayload_WhenPayloadIsNotJson()
    {
        using var encryption = _tenant.CreateEncryption();

        var ex = Assert.Throws<System.Text.Json.JsonException>(() => encryption.DecryptJson<UserPage>(_tenant.Seal("Xsecret-body"u8.ToArray())));

        Assert.DoesNotContain("Xsecret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'X'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_Rejects_WhenHmacTampered()
    {
        using var encryption = _tenant.CreateEncryption();
        var envelope = _tenant.Seal();
        var hmac = StrictBase64.Decode(envelope.Signature.HmacSignature);
        hmac[0] ^= 0x80;
        var tampered = envelope with { Signature = envelope.Signature with { HmacSignature = StrictBase64.Encode(hmac) } };

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(tampered));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public void Decrypt_Rejects_WhenSuccessFlagFlippedInJson()
    {
        using var encryption = _tenant.CreateEncryption();
        var json = _tenant.Seal().ToJson().Replace("\"success\":true", "\"success\":false", StringComparison.Ordinal);

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(json));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public void Decrypt_Rejects_WhenRecipientKeyIsAnotherClients()
    {
        using var other = new TenantFixture();
        using var encryption = new SdkEncryption(_tenant.SigningKeys, _tenant.Hmac, other.Recipient);

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(_tenant.Seal()));

        Assert.Equal(EnvelopeRejectionReason.DecryptionFailed, ex.Reason);
    }

    [Fact]
    public void Decrypt_Rejects_WhenSigningKeyIsAnotherTenants()
    {
        using var other = new TenantFixture();
        using var encryption = new SdkEncryption(
            new Dictionary<string, byte[]> { [TenantFixture.SigningKeyId] = other.Signing.PublicKey }, _tenant.Hmac, _tenant.Recipient);

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(_tenant.Seal()));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public void Decrypt_Rejects_WhenHmacKeyIsAnotherTenants()
    {
        using var other = new TenantFixture();
        using var encryption = new SdkEncryption(_tenant.SigningKeys, other.Hmac, _tenant.Recipient);

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(_tenant.Seal()));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public void Decrypt_Rejects_WhenKeyIdIsNotPinned()
    {
        using var encryption = new SdkEncryption(
            new Dictionary<string, byte[]> { ["sk_other"] = _tenant.Signing.PublicKey }, _tenant.Hmac, _tenant.Recipient);

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(_tenant.Seal()));

        Assert.Equal(EnvelopeRejectionReason.UnknownKeyId, ex.Reason);
    }

    [Fact]
    public void Decrypt_Rejects_WhenTenantIsNotTheExpectedOne()
    {
        using var encryption = _tenant.CreateEncryption(expectedTenantId: "ten_someone_else");

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(_tenant.Seal()));

        Assert.Equal(EnvelopeRejectionReason.TenantMismatch, ex.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"success\":true}")]
    public void Decrypt_Rejects_WhenJsonIsNotAnEnvelope(string json)
    {
        using var encryption = _tenant.CreateEncryption();

        var ex = Assert.Throws<EnvelopeVerificationException>(() => encryption.Decrypt(json));

        Assert.Equal(EnvelopeRejectionReason.Malformed, ex.Reason);
    }

    [Fact]
    public void Decrypt_Accepts_EnvelopeSignedWithRetiredKey_WhenPinned()
    {
        using var retired = new TenantFixture();
        var keys = new Dictionary<string, byte[]> { ["sk_retired"] = retired.Signing.PublicKey, [TenantFixture.SigningKeyId] = _tenant.Signing.PublicKey };
        var oldEnvelope = HybridEnvelopeSealer.Seal(
            new EnvelopeSealInput(TenantFixture.TenantId, TenantFixture.RecipientKeyId, _tenant.Recipient.PublicKey, TenantFixture.AuditEventId, true, TenantFixture.Payload),
            retired.Signing,
            "sk_retired",
            _tenant.Hmac);
        using var encryption = new SdkEncryption(keys, _tenant.Hmac, _tenant.Recipient);

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(oldEnvelope));
    }

    [Fact]
    public void FromBase64_BuildsAWorkingOpener()
    {
        using var encryption = SdkEncryption.FromBase64(
            TenantFixture.SigningKeyId, Convert.ToBase64String(_tenant.Signing.PublicKey), Convert.ToBase64String(_tenant.Hmac) + "\n", _tenant.Recipient);

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(_tenant.Seal()));
    }

    [Fact]
    public void Constructor_Throws_WhenHmacKeyHasWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new SdkEncryption(_tenant.SigningKeys, new byte[32], _tenant.Recipient));
    }

    [Fact]
    public void Constructor_Throws_WhenSigningKeyHasWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new SdkEncryption(new Dictionary<string, byte[]> { ["sk"] = new byte[10] }, _tenant.Hmac, _tenant.Recipient));
    }

    [Fact]
    public void Constructor_Throws_WhenNoSigningKeyPinned()
    {
        Assert.Throws<ArgumentException>(() => new SdkEncryption(new Dictionary<string, byte[]>(), _tenant.Hmac, _tenant.Recipient));
    }

    [Fact]
    public void Constructor_CopiesKeys_SoLaterChangesDoNotAffectIt()
    {
        var hmac = (byte[])_tenant.Hmac.Clone();
        var publicKey = _tenant.Signing.PublicKey;
        using var encryption = new SdkEncryption(new Dictionary<string, byte[]> { [TenantFixture.SigningKeyId] = publicKey }, hmac, _tenant.Recipient);
        Array.Clear(hmac);
        Array.Clear(publicKey);

        Assert.Equal(TenantFixture.Payload, encryption.Decrypt(_tenant.Seal()));
    }

    [Fact]
    public void Decrypt_Throws_AfterDispose()
    {
        var encryption = _tenant.CreateEncryption();
        encryption.Dispose();

        Assert.Throws<ObjectDisposedException>(() => encryption.Decrypt(_tenant.Seal()));
    }

    public void Dispose() => _tenant.Dispose();

    private sealed record UserPage(IReadOnlyList<User> Users, int Total);

    private sealed record User([property: JsonPropertyName("user_id")] string UserId, string Email);
}
