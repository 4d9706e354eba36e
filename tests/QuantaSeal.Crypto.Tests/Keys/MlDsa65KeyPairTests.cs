using FsCheck.Xunit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Keys;

public sealed class MlDsa65KeyPairTests
{
    private static readonly byte[] Message = "message"u8.ToArray();

    [Fact]
    public void Sign_ProducesVerifiableStandardSizeSignature()
    {
        using var key = MlDsa65KeyPair.Generate();

        var signature = key.Sign(Message, "ctx");

        Assert.Equal(PqcSizes.MlDsa65PublicKey, key.PublicKey.Length);
        Assert.Equal(PqcSizes.MlDsa65Signature, signature.Length);
        Assert.True(MlDsa65KeyPair.Verify(key.PublicKey, Message, "ctx", signature));
    }

    [Fact]
    public void Sign_IsHedged_SoSignaturesDiffer()
    {
        using var key = MlDsa65KeyPair.Generate();

        Assert.NotEqual(key.Sign(Message, "ctx"), key.Sign(Message, "ctx"));
    }

    [Fact]
    public void Sign_Deterministic_IsReproducible()
    {
        using var key = MlDsa65KeyPair.Generate();

        Assert.Equal(key.Sign(Message, "ctx", deterministic: true), key.Sign(Message, "ctx", deterministic: true));
    }

    [Fact]
    public void FromSeed_RegeneratesTheSameKey()
    {
        using var original = MlDsa65KeyPair.Generate();

        using var restored = MlDsa65KeyPair.FromSeed(original.Seed);

        Assert.Equal(original.PublicKey, restored.PublicKey);
        Assert.True(MlDsa65KeyPair.Verify(original.PublicKey, Message, "ctx", restored.Sign(Message, "ctx")));
    }

    [Fact]
    public void FromSeed_Throws_WhenSeedHasWrongLength()
    {
        Assert.Throws<ArgumentException>(() => MlDsa65KeyPair.FromSeed(new byte[31]));
    }

    [Fact]
    public void Verify_ReturnsFalse_WhenContextDiffers()
    {
        using var key = MlDsa65KeyPair.Generate();

        Assert.False(MlDsa65KeyPair.Verify(key.PublicKey, Message, "other", key.Sign(Message, "ctx")));
        Assert.False(MlDsa65KeyPair.Verify(key.PublicKey, Message, string.Empty, key.Sign(Message, "ctx")));
    }

    [Fact]
    public void Sign_Throws_WhenContextLongerThan255Bytes()
    {
        using var key = MlDsa65KeyPair.Generate();

        Assert.Throws<ArgumentException>(() => key.Sign(Message, new string('c', 256)));
    }

    [Property(MaxTest = 100)]
    public void Verify_NeverThrows_OnMalformedInput(byte[] publicKey, byte[] message, string? context, byte[] signature)
    {
        Assert.False(MlDsa65KeyPair.Verify(publicKey, message, context!, signature));
    }

    [Property(MaxTest = 25)]
    public void Verify_NeverThrows_OnRandomFullLengthInput(byte seed)
    {
        var random = new Random(seed);
        var publicKey = new byte[PqcSizes.MlDsa65PublicKey];
        var signature = new byte[PqcSizes.MlDsa65Signature];
#pragma warning disable CA5394 // Test input, not key material.
        random.NextBytes(publicKey);
        random.NextBytes(signature);
#pragma warning restore CA5394

        Assert.False(MlDsa65KeyPair.Verify(publicKey, Message, "ctx", signature));
    }
}
