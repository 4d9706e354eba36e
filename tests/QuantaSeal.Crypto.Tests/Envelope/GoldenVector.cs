using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>
/// The pinned HybridCryptoEnvelope TEST VECTORS (Vectors/envelope-v1.json, Vectors/envelope-v2.json): fixed inputs and
/// the exact bytes they must produce. Every "random" input is fixed (ML-KEM seed, ML-DSA seed, HMAC key, ML-KEM
/// encapsulation randomness m, AES-GCM nonce) and ML-DSA runs in the FIPS 204 deterministic mode
/// (rnd = 32 zero bytes), so the whole envelope is reproducible by any implementation.
/// </summary>
internal sealed record GoldenVector(
    string Name,
    byte[] RecipientKemSeed,
    byte[] SigningSeed,
    byte[] HmacKey,
    byte[] KemRandomness,
    byte[] Nonce,
    string TenantId,
    string RecipientKeyId,
    string SigningKeyId,
    string AuditEventId,
    bool Success,
    string PlaintextUtf8,
    EnvelopeError? Error,
    JsonObject Expected,
    int Version = 1,
    GoldenRequest? Request = null,
    string? IssuedAt = null,
    string? NextCursor = null,
    IReadOnlyDictionary<string, string>? RateLimit = null)
{
    public const string FileName = "envelope-v1.json";

    public static string OutputPath => OutputPathFor(1);

    public static string OutputPathFor(int version) => Path.Combine(AppContext.BaseDirectory, "Vectors", FileNameFor(version));

    public static string FileNameFor(int version) => $"envelope-v{version}.json";

    public static IReadOnlyList<GoldenVector> Load(int version = 1)
    {
        var root = JsonNode.Parse(File.ReadAllText(OutputPathFor(version)))!.AsObject();
        return root["vectors"]!.AsArray().Select(v => FromJson(v!.AsObject(), version)).ToList();
    }

    public string? RequestSha256 => Request is null ? null : EnvelopeRequestHash.ForProxy(Request.IntegrationId, Request.Operation, Request.PayloadJson);

    /// <summary>Seals the fixed inputs with the library's internal fixed-randomness seam.</summary>
    public HybridEnvelope Reseal()
    {
        using var recipient = MlKem768KeyPair.FromSeed(RecipientKemSeed);
        using var signing = MlDsa65KeyPair.FromSeed(SigningSeed);
        var binding = Version == 2 ? new EnvelopeBinding(RequestSha256!, DateTimeOffset.Parse(IssuedAt!, System.Globalization.CultureInfo.InvariantCulture)) : null;
        var input = new EnvelopeSealInput(
            TenantId, RecipientKeyId, recipient.PublicKey, AuditEventId, Success, System.Text.Encoding.UTF8.GetBytes(PlaintextUtf8), Error,
            binding, NextCursor, RateLimit);
        return HybridEnvelopeSealer.Seal(input, signing, SigningKeyId, HmacKey, EnvelopeSealRandomness.Fixed(KemRandomness, Nonce));
    }

    public string ExpectedString(string name) => (string)Expected[name]!;

    public byte[] ExpectedBase64(string name) => StrictBase64.Decode(ExpectedString(name));

    /// <summary>Builds the vector file from labelled fixed inputs. Run only for a deliberate wire change.</summary>
    public static string Generate(int version = 1)
    {
        if (version == 2)
        {
            return GenerateV2();
        }

        var vectors = new JsonArray
        {
            Create("success", success: true, """{"users":[{"user_id":"auth0|test-vector-0001","email":"vector@example.com","name":"Test Vector"}],"total":1}""", error: null),
            Create("upstream-error", success: false, """{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}""",
                new EnvelopeError("upstream_error", "The upstream API returned 404.", 404)),
        };
        var root = new JsonObject
        {
            ["_comment"] = "TEST VECTOR ONLY. HybridCryptoEnvelope v1 (DESIGN section 4). Every key below is derived from a public label " +
                "(SHA-512/SHA-256 of the text in 'derivation') and is NOT secret: never use these keys for anything real. " +
                "ML-DSA-65 runs in the FIPS 204 deterministic mode (rnd = 32 zero bytes) so the envelope is reproducible; " +
                "production signatures are hedged. Changing this file is a wire-format change.",
            ["format"] = "QuantaSeal HybridCryptoEnvelope v1",
            ["derivation"] = new JsonObject
            {
                ["recipient_kem_seed"] = "SHA-512(\"QuantaSeal test vector v1: recipient ML-KEM-768 seed d||z\")",
                ["signing_seed"] = "SHA-256(\"QuantaSeal test vector v1: ML-DSA-65 seed xi\")",
                ["hmac_key"] = "SHA-512(\"QuantaSeal test vector v1: HMAC-SHA-512 key\")",
                ["kem_randomness"] = "SHA-256(\"QuantaSeal test vector v1: ML-KEM-768 encapsulation randomness m / <name>\")",
                ["nonce"] = "first 12 bytes of SHA-256(\"QuantaSeal test vector v1: AES-256-GCM nonce / <name>\")",
            },
            ["vectors"] = vectors,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    public static string SourcePath([CallerFilePath] string thisFile = "") => SourcePathFor(1, thisFile);

    public static string SourcePathFor(int version, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Vectors", FileNameFor(version));

    private static string GenerateV2()
    {
        var rateLimit = new Dictionary<string, string>(StringComparer.Ordinal) { ["limit"] = "50", ["remaining"] = "49", ["reset"] = "1796688000" };
        var vectors = new JsonArray
        {
            Create(
                "success", success: true, """[{"id":"00u-test-vector-0001","status":"ACTIVE","profile":{"login":"vector@example.com"}}]""", error: null,
                version: 2, request: new GoldenRequest("int_01JTESTVECTOR000000000001", "list_users", """{"limit":1}"""),
                nextCursor: "00u-test-vector-0001", rateLimit: rateLimit),
            Create(
                "upstream-error", success: false, """{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: nobody (User)","errorLink":"E0000007","errorId":"test-vector","errorCauses":[]}""",
                new EnvelopeError("upstream_not_found", "The upstream answered 404 \"Not found\".", 404),
                version: 2, request: new GoldenRequest("int_01JTESTVECTOR000000000001", "get_user", """{"id":"nobody"}"""),
                nextCursor: null, rateLimit: rateLimit),
        };
        var root = new JsonObject
        {
            ["_comment"] = "TEST VECTOR ONLY. HybridCryptoEnvelope v2 (docs/envelope-v2.md). Every key below is derived from a public label " +
                "(SHA-512/SHA-256 of the text in 'derivation') and is NOT secret: never use these keys for anything real. " +
                "ML-DSA-65 runs in the FIPS 204 deterministic mode (rnd = 32 zero bytes) so the envelope is reproducible; " +
                "production signatures are hedged. Changing this file is a wire-format change.",
            ["format"] = "QuantaSeal HybridCryptoEnvelope v2",
            ["derivation"] = new JsonObject
            {
                ["recipient_kem_seed"] = "SHA-512(\"QuantaSeal test vector v2: recipient ML-KEM-768 seed d||z\")",
                ["signing_seed"] = "SHA-256(\"QuantaSeal test vector v2: ML-DSA-65 seed xi\")",
                ["hmac_key"] = "SHA-512(\"QuantaSeal test vector v2: HMAC-SHA-512 key\")",
                ["kem_randomness"] = "SHA-256(\"QuantaSeal test vector v2: ML-KEM-768 encapsulation randomness m / <name>\")",
                ["nonce"] = "first 12 bytes of SHA-256(\"QuantaSeal test vector v2: AES-256-GCM nonce / <name>\")",
                ["request_sha256"] = "lowercase hex SHA-256(UTF8(integration_id \"\\n\" operation \"\\n\" payload_json)) of inputs.request",
            },
            ["vectors"] = vectors,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static JsonObject Create(
        string name, bool success, string plaintext, EnvelopeError? error,
        int version = 1, GoldenRequest? request = null, string? nextCursor = null, IReadOnlyDictionary<string, string>? rateLimit = null)
    {
        byte[] Label(string text) => System.Text.Encoding.UTF8.GetBytes($"QuantaSeal test vector v{version}: " + text);
        var vector = new GoldenVector(
            name,
            SHA512.HashData(Label("recipient ML-KEM-768 seed d||z")),
            SHA256.HashData(Label("ML-DSA-65 seed xi")),
            SHA512.HashData(Label("HMAC-SHA-512 key")),
            SHA256.HashData(Label("ML-KEM-768 encapsulation randomness m / " + name)),
            SHA256.HashData(Label("AES-256-GCM nonce / " + name))[..12],
            "ten_01JTESTVECTOR00000000001",
            "rk_01JTESTVECTOR000000000001",
            "sk_01JTESTVECTOR000000000001",
            "aud_01JTESTVECTOR" + (success ? "000000000001" : "000000000002"),
            success,
            plaintext,
            error,
            [],
            version,
            request,
            version == 2 ? (success ? "2026-12-07T23:20:00.000Z" : "2026-12-07T23:20:01.250Z") : null,
            nextCursor,
            rateLimit);

        var envelope = vector.Reseal();
        using var recipient = MlKem768KeyPair.FromSeed(vector.RecipientKemSeed);
        using var signing = MlDsa65KeyPair.FromSeed(vector.SigningSeed);
        var (_, sharedSecret) = MlKem768KeyPair.Encapsulate(recipient.PublicKey, FixedRandomGenerator.Create(vector.KemRandomness));
        var envelopeKey = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, envelopeKey, [], System.Text.Encoding.UTF8.GetBytes(EnvelopeConstants.KeyDerivationInfo));
        var m = HybridEnvelopeOpener.Decode(envelope).BuildSignedBytes();

        var result = new JsonObject
        {
            ["name"] = name,
            ["inputs"] = new JsonObject
            {
                ["recipient_kem_seed"] = StrictBase64.Encode(vector.RecipientKemSeed),
                ["signing_seed"] = StrictBase64.Encode(vector.SigningSeed),
                ["hmac_key"] = StrictBase64.Encode(vector.HmacKey),
                ["kem_randomness"] = StrictBase64.Encode(vector.KemRandomness),
                ["nonce"] = StrictBase64.Encode(vector.Nonce),
                ["signature_mode"] = "deterministic",
                ["tenant_id"] = vector.TenantId,
                ["recipient_key_id"] = vector.RecipientKeyId,
                ["signing_key_id"] = vector.SigningKeyId,
                ["audit_event_id"] = vector.AuditEventId,
                ["success"] = vector.Success,
                ["plaintext_utf8"] = vector.PlaintextUtf8,
                ["error"] = error is null ? null : JsonNode.Parse(JsonSerializer.Serialize(error, GoldenVectorJson.Options)),
            },
            ["expected"] = new JsonObject
            {
                ["recipient_public_key"] = StrictBase64.Encode(recipient.PublicKey),
                ["recipient_expanded_private_key_sha256"] = Convert.ToHexStringLower(SHA256.HashData(recipient.ExportExpandedPrivateKey())),
                ["signing_public_key"] = StrictBase64.Encode(signing.PublicKey),
                ["shared_secret_hex"] = Convert.ToHexStringLower(sharedSecret),
                ["envelope_key_hex"] = Convert.ToHexStringLower(envelopeKey),
                ["aad_hex"] = Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(vector.TenantId + "\0" + vector.AuditEventId)),
                ["signed_bytes"] = StrictBase64.Encode(m),
                ["signed_bytes_sha256_hex"] = Convert.ToHexStringLower(SHA256.HashData(m)),
                ["envelope_json"] = envelope.ToJson(),
            },
        };
        if (version == 2)
        {
            var inputs = result["inputs"]!.AsObject();
            inputs["request"] = new JsonObject { ["integration_id"] = request!.IntegrationId, ["operation"] = request.Operation, ["payload_json"] = request.PayloadJson };
            inputs["issued_at"] = vector.IssuedAt;
            inputs["next_cursor"] = nextCursor;
            inputs["rate_limit"] = rateLimit is null ? null : JsonNode.Parse(JsonSerializer.Serialize(rateLimit, GoldenVectorJson.Options));
            var expected = result["expected"]!.AsObject();
            expected["request_sha256"] = vector.RequestSha256;
            expected["extras_canonical_json"] = System.Text.Encoding.UTF8.GetString(EnvelopeExtras.TryCanonicalize(envelope.Error, envelope.Paging, envelope.RateLimit)!);
        }

        return result;
    }

    private static GoldenVector FromJson(JsonObject v, int version)
    {
        var inputs = v["inputs"]!.AsObject();
        byte[] B64(string name) => StrictBase64.Decode((string)inputs[name]!);
        string S(string name) => (string)inputs[name]!;
        Assert.Equal("deterministic", S("signature_mode"));
        var error = inputs["error"] is JsonObject e ? e.Deserialize<EnvelopeError>(GoldenVectorJson.Options) : null;
        return new GoldenVector(
            (string)v["name"]!,
            B64("recipient_kem_seed"),
            B64("signing_seed"),
            B64("hmac_key"),
            B64("kem_randomness"),
            B64("nonce"),
            S("tenant_id"),
            S("recipient_key_id"),
            S("signing_key_id"),
            S("audit_event_id"),
            (bool)inputs["success"]!,
            S("plaintext_utf8"),
            error,
            v["expected"]!.AsObject(),
            version,
            inputs["request"] is JsonObject r ? new GoldenRequest((string)r["integration_id"]!, (string)r["operation"]!, (string?)r["payload_json"]) : null,
            (string?)inputs["issued_at"],
            (string?)inputs["next_cursor"],
            inputs["rate_limit"] is JsonObject rl ? rl.ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal) : null);
    }
}
