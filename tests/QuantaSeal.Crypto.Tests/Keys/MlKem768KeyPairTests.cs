using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Keys;

public sealed class MlKem768KeyPairTests
{
    [Fact]
    public void Generate_ProducesStandardSizes()
    {
        using var key = MlKem768KeyPair.Generate();

        Assert.Equal(PqcSizes.MlKem768PublicKey, key.PublicKey.Length);
        Assert.Equal(PqcSizes.MlKem768Seed, key.Seed!.Length);
        Assert.Equal(PqcSizes.MlKem768ExpandedPrivate, key.ExportExpandedPrivateKey().Length);
    }

    [Fact]
    public void FromSeed_RegeneratesTheSameKeys()
    {
        using var original = MlKem768KeyPair.Generate();

        using var restored = MlKem768KeyPair.FromSeed(original.Seed);

        Assert.Equal(original.PublicKey, restored.PublicKey);
        Assert.Equal(original.ExportExpandedPrivateKey(), restored.ExportExpandedPrivateKey());
    }

    [Fact]
    public void FromPrivateKey_AcceptsSeedAndExpandedForm_AndBothDecapsulateAlike()
    {
        using var original = MlKem768KeyPair.Generate();
        var (ciphertext, sharedSecret) = MlKem768KeyPair.Encapsulate(original.PublicKey);

        using var fromSeed = MlKem768KeyPair.FromPrivateKey(original.Seed);
        using var fromExpanded = MlKem768KeyPair.FromPrivateKey(original.ExportExpandedPrivateKey());

        Assert.Equal(original.PublicKey, fromExpanded.PublicKey);
        Assert.Null(fromExpanded.Seed);
        Assert.Equal(sharedSecret, fromSeed.Decapsulate(ciphertext));
        Assert.Equal(sharedSecret, fromExpanded.Decapsulate(ciphertext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(1184)]
    [InlineData(2399)]
    public void FromPrivateKey_Throws_WhenLengthIsNeitherSeedNorExpanded(int length)
    {
        var bytes = Enumerable.Repeat((byte)0xA5, length).ToArray();

        var ex = Assert.Throws<ArgumentException>(() => MlKem768KeyPair.FromPrivateKey(bytes));

        Assert.DoesNotContain("A5", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void FromPrivateKey_Throws_WhenExpandedKeyFailsHashCheck()
    {
        using var original = MlKem768KeyPair.Generate();
        var expanded = original.ExportExpandedPrivateKey();
        expanded[1152 + 10] ^= 1;

        Assert.Throws<ArgumentException>(() => MlKem768KeyPair.FromPrivateKey(expanded));
    }

    [Fact]
    public void Encapsulate_Throws_WhenPublicKeyHasWrongLength()
    {
        Assert.Throws<ArgumentException>(() => MlKem768KeyPair.Encapsulate(new byte[1183]));
    }

    [Fact]
    public void Encapsulate_Throws_WhenPublicKeyFailsModulusCheck()
    {
        using var key = MlKem768KeyPair.Generate();
        var publicKey = key.PublicKey;
        publicKey[0] = 0xFF;
        publicKey[1] |= 0x0F; // first 12-bit coefficient becomes 0xFFF >= q = 3329

        Assert.Throws<ArgumentException>(() => MlKem768KeyPair.Encapsulate(publicKey));
    }

    [Fact]
    public void Decapsulate_Throws_WhenCiphertextHasWrongLength()
    {
        using var key = MlKem768KeyPair.Generate();

        Assert.Throws<ArgumentException>(() => key.Decapsulate(new byte[1087]));
    }

    [Fact]
    public void Decapsulate_YieldsDifferentSecret_WhenCiphertextTampered()
    {
        // FIPS 203 implicit rejection: no exception, just an unrelated secret (why the opener relies on the GCM tag).
        using var key = MlKem768KeyPair.Generate();
        var (ciphertext, sharedSecret) = MlKem768KeyPair.Encapsulate(key.PublicKey);
        ciphertext[5] ^= 1;

        Assert.NotEqual(sharedSecret, key.Decapsulate(ciphertext));
    }

    [Fact]
    public void Dispose_ZeroesAndHidesTheSeed()
    {
        var key = MlKem768KeyPair.Generate();

        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Seed);
        Assert.Throws<ObjectDisposedException>(() => key.Decapsulate(new byte[PqcSizes.MlKem768Ciphertext]));
    }
}
