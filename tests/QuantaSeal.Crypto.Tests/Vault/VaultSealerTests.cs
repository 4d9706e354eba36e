using QuantaSeal.Crypto.Keys;
using QuantaSeal.Crypto.Vault;

namespace QuantaSeal.Crypto.Tests.Vault;

public sealed class VaultSealerTests
{
    private static readonly VaultAad Aad = new("ten_a", "cred_1", "oauth2_client", 1);
    private static readonly byte[] Secret = """{"client_id":"abc","client_secret":"s3cr3t-value"}"""u8.ToArray();

    [Fact]
    public void SealThenUnseal_RoundTrips()
    {
        var sealedSecret = VaultSealer.Seal(TestKeys.Recipient.PublicKey, Aad, Secret);

        Assert.Equal(Secret, VaultSealer.Unseal(TestKeys.Recipient, Aad, sealedSecret));
        Assert.Equal(PqcSizes.MlKem768Ciphertext, sealedSecret.CiphertextKem.Length);
        Assert.Equal(PqcSizes.AesGcmNonce, sealedSecret.Nonce.Length);
        Assert.Equal(Secret.Length + PqcSizes.AesGcmTag, sealedSecret.CiphertextData.Length);
    }

    [Theory]
    [InlineData("ten_b", "cred_1", "oauth2_client", 1)]
    [InlineData("ten_a", "cred_2", "oauth2_client", 1)]
    [InlineData("ten_a", "cred_1", "api_key", 1)]
    [InlineData("ten_a", "cred_1", "oauth2_client", 2)]
    public void Unseal_Rejects_WhenAadDiffers(string tenantId, string credentialId, string credentialType, int version)
    {
        var sealedSecret = VaultSealer.Seal(TestKeys.Recipient.PublicKey, Aad, Secret);

        var ex = Assert.Throws<VaultUnsealException>(() =>
            VaultSealer.Unseal(TestKeys.Recipient, new VaultAad(tenantId, credentialId, credentialType, version), sealedSecret));

        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unseal_Rejects_WhenVaultKeyIsWrong()
    {
        var sealedSecret = VaultSealer.Seal(TestKeys.Recipient.PublicKey, Aad, Secret);

        Assert.Throws<VaultUnsealException>(() => VaultSealer.Unseal(TestKeys.OtherRecipient, Aad, sealedSecret));
    }

    [Fact]
    public void Unseal_Rejects_WhenCiphertextTampered()
    {
        var sealedSecret = VaultSealer.Seal(TestKeys.Recipient.PublicKey, Aad, Secret);
        var data = (byte[])sealedSecret.CiphertextData.Clone();
        data[0] ^= 1;

        Assert.Throws<VaultUnsealException>(() => VaultSealer.Unseal(TestKeys.Recipient, Aad, sealedSecret with { CiphertextData = data }));
    }

    [Fact]
    public void Unseal_Rejects_WhenTruncated()
    {
        var sealedSecret = VaultSealer.Seal(TestKeys.Recipient.PublicKey, Aad, Secret);

        Assert.Throws<VaultUnsealException>(() => VaultSealer.Unseal(TestKeys.Recipient, Aad, sealedSecret with { Nonce = new byte[11] }));
        Assert.Throws<VaultUnsealException>(() => VaultSealer.Unseal(TestKeys.Recipient, Aad, sealedSecret with { CiphertextData = new byte[15] }));
    }

    [Fact]
    public void VaultAad_ToBytes_IsTheDocumentedLayout()
    {
        byte[] expected =
        [
            .. "QSVAULT1"u8,
            0, 0, 0, 5, .. "ten_a"u8,
            0, 0, 0, 6, .. "cred_1"u8,
            0, 0, 0, 13, .. "oauth2_client"u8,
            0, 0, 0, 1,
        ];

        Assert.Equal(expected, Aad.ToBytes());
    }

    [Fact]
    public void VaultAad_ToBytes_Throws_WhenVersionNegative()
    {
        Assert.Throws<ArgumentException>(() => (Aad with { Version = -1 }).ToBytes());
    }
}
