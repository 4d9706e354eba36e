using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Keys;

/// <summary>Issue 13 finding 1: degenerate ML-KEM-768 encapsulation keys are recognised; genuine ones never are.</summary>
public sealed class MlKem768PublicKeyCheckTests
{
    /// <summary>A key whose three polynomials of t are the given (normal-domain) polynomial, with a real ρ.</summary>
    private static byte[] KeyWithT(Func<int, int> coefficient)
    {
        using var genuine = MlKem768KeyPair.Generate();
        var key = genuine.PublicKey.ToArray();
        Span<int> poly = stackalloc int[256];
        for (var p = 0; p < 3; p++)
        {
            for (var i = 0; i < 256; i++)
            {
                poly[i] = ((coefficient(i) % 3329) + 3329) % 3329;
            }

            MlKem768PublicKeyCheck.Ntt(poly);
            MlKem768PublicKeyCheck.Encode12(poly, key.AsSpan(p * 384, 384));
        }

        return key;
    }

    [Fact]
    public void AllZeroKey_IsDegenerate() => Assert.True(MlKem768PublicKeyCheck.IsDegenerate(new byte[PqcSizes.MlKem768PublicKey]));

    [Fact]
    public void ZeroTWithARealRho_IsDegenerate() => Assert.True(MlKem768PublicKeyCheck.IsDegenerate(KeyWithT(_ => 0)));

    [Fact]
    public void ConstantOneT_IsDegenerate() => Assert.True(MlKem768PublicKeyCheck.IsDegenerate(KeyWithT(i => i == 0 ? 1 : 0)));

    [Fact]
    public void SmallNoiseT_IsDegenerate() => Assert.True(MlKem768PublicKeyCheck.IsDegenerate(KeyWithT(i => (i % 5) - 2)));

    [Fact]
    public void NttRoundTrip_IsTheIdentity()
    {
        var random = new Random(13);
        var original = Enumerable.Range(0, 256).Select(_ => random.Next(3329)).ToArray();
        var poly = original.ToArray();

        MlKem768PublicKeyCheck.Ntt(poly);
        MlKem768PublicKeyCheck.InverseNtt(poly);

        Assert.Equal(original, poly);
    }

    [Fact]
    public void GenuineKeys_AreNeverDegenerate()
    {
        for (var i = 0; i < 200; i++)
        {
            using var pair = MlKem768KeyPair.Generate();
            Assert.False(MlKem768PublicKeyCheck.IsDegenerate(pair.PublicKey));
        }
    }

    [Fact]
    public void UniformTWithARealRho_IsAccepted()
    {
        var random = new Random(7);
        Assert.False(MlKem768PublicKeyCheck.IsDegenerate(KeyWithT(_ => random.Next(3329))));
    }
}
