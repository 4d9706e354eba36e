using System.Buffers.Binary;
using System.Security.Cryptography;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>
/// Pins the HybridCryptoEnvelope v2 bytes (Vectors/envelope-v2.json, docs/envelope-v2.md). If one of these fails, the
/// wire format drifted: fix the code, do not regenerate the vector (unless the wire change is deliberate and versioned).
/// </summary>
public sealed class GoldenVectorV2Tests
{
    public static TheoryData<string> VectorNames => [.. GoldenVector.Load(2).Select(v => v.Name)];

    [Fact]
    public void GoldenVectorFile_IsLabeledAsTestVector_AndHasBothOutcomes_WithExtras()
    {
        var text = File.ReadAllText(GoldenVector.OutputPathFor(2));
        var vectors = GoldenVector.Load(2);

        Assert.Contains("TEST VECTOR ONLY", text, StringComparison.Ordinal);
        Assert.Contains(vectors, v => v.Success && v.NextCursor is not null && v.RateLimit is not null);
        Assert.Contains(vectors, v => !v.Success && v.Error is not null);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Reseal_ReproducesThePinnedEnvelope_ByteForByte(string name)
    {
        var vector = GoldenVector.Load(2).Single(v => v.Name == name);

        var envelope = vector.Reseal();

        Assert.Equal(vector.ExpectedString("envelope_json"), envelope.ToJson());
        Assert.Equal(vector.ExpectedBase64("signed_bytes"), HybridEnvelopeOpener.Decode(envelope).BuildSignedBytes());
        Assert.Equal(vector.ExpectedString("request_sha256"), envelope.RequestSha256);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Open_AcceptsThePinnedEnvelope_AndReturnsTheSignedBinding(string name)
    {
        var vector = GoldenVector.Load(2).Single(v => v.Name == name);
        using var recipient = MlKem768KeyPair.FromSeed(vector.RecipientKemSeed);
        var issuedAt = DateTimeOffset.Parse(vector.IssuedAt!, System.Globalization.CultureInfo.InvariantCulture);
        var expectations = new EnvelopeExpectations
        {
            RequestSha256 = vector.ExpectedString("request_sha256"),
            MaxAge = TimeSpan.FromMinutes(5),
            TimeProvider = new FixedTimeProvider(issuedAt.AddMinutes(1)),
        };

        var opened = HybridEnvelopeOpener.OpenVerified(HybridEnvelope.FromJson(vector.ExpectedString("envelope_json")), Keys(vector, recipient), expectations);

        Assert.Equal(vector.PlaintextUtf8, System.Text.Encoding.UTF8.GetString(opened.Plaintext));
        Assert.Equal(2, opened.Verified.Version);
        Assert.Equal(issuedAt, opened.Verified.IssuedAt);
        Assert.Equal(vector.NextCursor, opened.Verified.NextCursor);
        Assert.Equal(vector.Error, opened.Verified.Error);
        Assert.Equal(vector.RateLimit!["remaining"], opened.Verified.RateLimit!.Value.GetProperty("remaining").GetString());
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void PinnedEnvelope_FollowsTheSpec_CheckedWithBclPrimitivesOnly(string name)
    {
        // The v2 tail of m rebuilt straight from docs/envelope-v2.md: the v1 layout under the tag QSENV2, then three
        // length-prefixed fields; then both signatures checked with the v2 context.
        var vector = GoldenVector.Load(2).Single(v => v.Name == name);
        var envelope = HybridEnvelope.FromJson(vector.ExpectedString("envelope_json"));
        var m = vector.ExpectedBase64("signed_bytes");
        var requestHash = System.Text.Encoding.UTF8.GetBytes(vector.ExpectedString("request_sha256"));
        var issuedAt = System.Text.Encoding.UTF8.GetBytes(vector.IssuedAt!);
        var extras = System.Text.Encoding.UTF8.GetBytes(vector.ExpectedString("extras_canonical_json"));
        var tail = new List<byte>();
        foreach (var field in new[] { requestHash, issuedAt, extras })
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)field.Length);
            tail.AddRange(length);
            tail.AddRange(field);
        }

        Assert.Equal("QSENV2"u8.ToArray(), m[..6]);
        Assert.Equal(tail.ToArray(), m[^tail.Count..]);
        Assert.Equal(vector.Success ? 1 : 0, m[^(tail.Count + 1)]);
        Assert.Equal(vector.ExpectedString("signed_bytes_sha256_hex"), Convert.ToHexStringLower(SHA256.HashData(m)));
        Assert.Equal(HMACSHA512.HashData(vector.HmacKey, m), Convert.FromBase64String(envelope.Signature.HmacSignature));
        Assert.True(MlDsa65KeyPair.Verify(vector.ExpectedBase64("signing_public_key"), m, "QuantaSeal/v2/envelope", StrictBase64.Decode(envelope.Signature.PqcSignature)));
        Assert.False(MlDsa65KeyPair.Verify(vector.ExpectedBase64("signing_public_key"), m, "QuantaSeal/v1/envelope", StrictBase64.Decode(envelope.Signature.PqcSignature)));
        Assert.Equal(
            Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{vector.Request!.IntegrationId}\n{vector.Request.Operation}\n{vector.Request.PayloadJson}"))),
            vector.ExpectedString("request_sha256"));
    }

    [Fact]
    public void ExtrasCanonicalJson_IsSortedCompactAndEscapedAsJcs()
    {
        var failed = GoldenVector.Load(2).Single(v => !v.Success);

        Assert.Equal(
            """{"error":{"message":"The upstream answered 404 \"Not found\".","type":"upstream_not_found","upstream_status":404},"rate_limit":{"limit":"50","remaining":"49","reset":"1796688000"}}""",
            failed.ExpectedString("extras_canonical_json"));
    }

    /// <summary>
    /// The checked-in file must be exactly the generator's output, like the v1 vector: regenerate only for a deliberate
    /// wire change with <c>QUANTASEAL_REGENERATE_GOLDEN_VECTOR=1</c>, which fails under CI (see <see cref="GoldenVectorTests"/>).
    /// </summary>
    [Fact]
    public void GoldenVectorFile_MatchesTheGenerator()
    {
        var generated = GoldenVector.Generate(2);
        if (Environment.GetEnvironmentVariable("QUANTASEAL_REGENERATE_GOLDEN_VECTOR") == "1")
        {
            Assert.True(
                string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")),
                "QUANTASEAL_REGENERATE_GOLDEN_VECTOR is set in CI: the golden vector would rewrite itself instead of being checked.");
            File.WriteAllText(GoldenVector.SourcePathFor(2), generated);
            File.WriteAllText(GoldenVector.OutputPathFor(2), generated);
        }

        Assert.Equal(File.ReadAllText(GoldenVector.OutputPathFor(2)), generated);
    }

    private static EnvelopeOpenKeys Keys(GoldenVector vector, MlKem768KeyPair recipient) => new(
        new Dictionary<string, byte[]> { [vector.SigningKeyId] = vector.ExpectedBase64("signing_public_key") },
        vector.HmacKey,
        recipient,
        vector.TenantId);
}
