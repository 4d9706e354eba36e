namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// Refuses ML-KEM-768 encapsulation keys that are well-formed but useless as a secret: FIPS 203 §7.2 only checks that
/// each coefficient of t̂ is below q, so an all-zero key, or one whose t is a small polynomial, passes. Encapsulating
/// to such a key leaves the message readable from the ciphertext's v = tᵀr + e₂ + Decompress(m) without any private
/// key (tᵀr is then zero or small noise), and with it the shared secret. A genuine key has t = A·s + e, which is
/// indistinguishable from uniform mod q, so the thresholds below are never met by one in practice.
/// </summary>
public static class MlKem768PublicKeyCheck
{
    private const int Q = 3329;
    private const int N = 256;
    private const int K = 3;

    /// <summary>At least this many of the 768 coefficients of t̂ must be non-zero (a uniform key has ≈ 767.8).</summary>
    internal const int MinNonZeroNttCoefficients = 576;

    /// <summary>
    /// At least this many of the 768 coefficients of t (after the inverse NTT) must be large, |c| ≥ q/8 centred
    /// (a uniform key has ≈ 576; a key whose t is small has none, which is what lets an observer recover m).
    /// </summary>
    internal const int MinLargeCoefficients = 384;

    private static readonly int[] Zetas = BuildZetas();

    /// <summary>Whether <paramref name="publicKey"/> (1184 bytes, FIPS 203 encoding) is degenerate; see the type remarks.</summary>
    public static bool IsDegenerate(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PqcSizes.MlKem768PublicKey)
        {
            return true;
        }

        var nonZero = 0;
        var large = 0;
        Span<int> poly = stackalloc int[N];
        for (var p = 0; p < K; p++)
        {
            // ByteDecode₁₂ (FIPS 203 Algorithm 6): 384 bytes → 256 twelve-bit coefficients.
            var bytes = publicKey.Slice(p * 384, 384);
            for (var i = 0; i < N / 2; i++)
            {
                int b0 = bytes[3 * i], b1 = bytes[(3 * i) + 1], b2 = bytes[(3 * i) + 2];
                poly[2 * i] = b0 | ((b1 & 0x0F) << 8);
                poly[(2 * i) + 1] = (b1 >> 4) | (b2 << 4);
            }

            foreach (var c in poly)
            {
                if (c >= Q)
                {
                    // Not a valid encoding at all (the modulus check of FIPS 203 §7.2).
                    return true;
                }

                if (c != 0)
                {
                    nonZero++;
                }
            }

            InverseNtt(poly);
            foreach (var c in poly)
            {
                var centred = c > Q / 2 ? Q - c : c;
                if (centred >= Q / 8)
                {
                    large++;
                }
            }
        }

        return nonZero < MinNonZeroNttCoefficients || large < MinLargeCoefficients;
    }

    /// <summary>NTT⁻¹ (FIPS 203 Algorithm 10), in place, coefficients in [0, q).</summary>
    internal static void InverseNtt(Span<int> f)
    {
        var k = 127;
        for (var len = 2; len <= 128; len <<= 1)
        {
            for (var start = 0; start < N; start += 2 * len)
            {
                var zeta = Zetas[k--];
                for (var j = start; j < start + len; j++)
                {
                    var t = f[j];
                    f[j] = (t + f[j + len]) % Q;
                    f[j + len] = (int)((long)zeta * (f[j + len] - t + Q) % Q);
                }
            }
        }

        for (var j = 0; j < N; j++)
        {
            f[j] = (int)((long)f[j] * 3303 % Q);
        }
    }

    /// <summary>NTT (FIPS 203 Algorithm 9), in place; used by tests to build keys with a chosen t.</summary>
    internal static void Ntt(Span<int> f)
    {
        var k = 1;
        for (var len = 128; len >= 2; len >>= 1)
        {
            for (var start = 0; start < N; start += 2 * len)
            {
                var zeta = Zetas[k++];
                for (var j = start; j < start + len; j++)
                {
                    var t = (int)((long)zeta * f[j + len] % Q);
                    f[j + len] = (f[j] - t + Q) % Q;
                    f[j] = (f[j] + t) % Q;
                }
            }
        }
    }

    /// <summary>ByteEncode₁₂ of one polynomial into 384 bytes (the inverse of the decoding above).</summary>
    internal static void Encode12(ReadOnlySpan<int> poly, Span<byte> output)
    {
        for (var i = 0; i < N / 2; i++)
        {
            int a = poly[2 * i], b = poly[(2 * i) + 1];
            output[3 * i] = (byte)a;
            output[(3 * i) + 1] = (byte)((a >> 8) | ((b & 0x0F) << 4));
            output[(3 * i) + 2] = (byte)(b >> 4);
        }
    }

    /// <summary>ζ^BitRev₇(i) mod q for i = 0..127, ζ = 17 (FIPS 203 §4.3).</summary>
    private static int[] BuildZetas()
    {
        var zetas = new int[128];
        for (var i = 0; i < 128; i++)
        {
            var rev = 0;
            for (var bit = 0; bit < 7; bit++)
            {
                rev |= ((i >> bit) & 1) << (6 - bit);
            }

            long z = 1;
            for (var e = 0; e < rev; e++)
            {
                z = z * 17 % Q;
            }

            zetas[i] = (int)z;
        }

        return zetas;
    }
}
