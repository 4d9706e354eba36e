using System.CommandLine;
using System.Security.Cryptography;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Cli.Envelope;

/// <summary>
/// <c>quantaseal envelope open ENVELOPE.json --signing-key PUB.b64 --hmac-key KEY.b64 --recipient-key SECRET.b64</c>:
/// verifies both signatures, decrypts, and writes the plaintext (exact bytes) to stdout with exit code 0. On any
/// failure stdout stays empty, stderr says why, and the exit code is 2 (envelope rejected) or 1 (usage, I/O, bad key file).
/// Opens v1 and v2 envelopes; <c>--request-sha256</c>, <c>--max-age</c> and <c>--require-v2</c> add the v2 binding
/// checks of docs/envelope-v2.md (any of them rejects a v1 envelope).
/// </summary>
internal static class EnvelopeOpenCommand
{
    public static Command Create(CliConsole console)
    {
        var envelope = new Argument<string>("ENVELOPE")
        {
            Description = "Envelope JSON: the bare envelope or the proxy response body. '-' reads standard input.",
        };
        var signingKey = new Option<string>("--signing-key")
        {
            Description = "File with the tenant's ML-DSA-65 public key (standard base64 of 1952 bytes).",
            Required = true,
        };
        var hmacKey = new Option<string>("--hmac-key")
        {
            Description = "File with the tenant's HMAC-SHA-512 key (standard base64 of 64 bytes).",
            Required = true,
        };
        var recipientKey = new Option<string>("--recipient-key")
        {
            Description = "File with the client's ML-KEM-768 private key (standard base64 of the 64-byte seed or the 2400-byte expanded key).",
            Required = true,
        };
        var keyId = new Option<string?>("--key-id")
        {
            Description = "The key id (sk_...) the signing key belongs to. Default: the envelope's signature.key_id.",
        };
        var tenantId = new Option<string?>("--tenant-id")
        {
            Description = "Reject the envelope unless it belongs to this tenant.",
        };

        var requestSha256 = new Option<string?>("--request-sha256")
        {
            Description = "Reject the envelope unless its signed request_sha256 (v2) is this hex hash of the request it answers.",
        };
        var maxAge = new Option<int?>("--max-age")
        {
            Description = "Reject the envelope unless its signed issued_at (v2) is at most this many seconds old (plus 120 s clock skew either way).",
        };
        var requireV2 = new Option<bool>("--require-v2")
        {
            Description = "Reject v1 envelopes (they bind no request and no time of issue).",
        };

        var command = new Command("open", "Verify both signatures of an envelope, then decrypt it and print the plaintext.")
        {
            envelope, signingKey, hmacKey, recipientKey, keyId, tenantId, requestSha256, maxAge, requireV2,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            console,
            parseResult.GetRequiredValue(envelope),
            parseResult.GetRequiredValue(signingKey),
            parseResult.GetRequiredValue(hmacKey),
            parseResult.GetRequiredValue(recipientKey),
            parseResult.GetValue(keyId),
            parseResult.GetValue(tenantId),
            Expectations(parseResult.GetValue(requestSha256), parseResult.GetValue(maxAge), parseResult.GetValue(requireV2)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console,
        string envelopePath,
        string signingKeyPath,
        string hmacKeyPath,
        string recipientKeyPath,
        string? keyId,
        string? expectedTenantId,
        EnvelopeExpectations? expectations,
        CancellationToken cancellationToken)
    {
        var envelopeJson = await CliFiles.ReadTextAsync(envelopePath, console, "envelope", cancellationToken).ConfigureAwait(false);
        var signingPublicKey = await CliFiles.ReadBase64KeyAsync(signingKeyPath, console, "signing key", [PqcSizes.MlDsa65PublicKey], cancellationToken).ConfigureAwait(false);
        var hmacKey = await CliFiles.ReadBase64KeyAsync(hmacKeyPath, console, "HMAC key", [PqcSizes.HmacKey], cancellationToken).ConfigureAwait(false);
        var recipientBytes = await CliFiles.ReadBase64KeyAsync(
            recipientKeyPath, console, "recipient key", [PqcSizes.MlKem768Seed, PqcSizes.MlKem768ExpandedPrivate], cancellationToken).ConfigureAwait(false);

        try
        {
            using var recipient = ImportRecipientKey(recipientBytes, recipientKeyPath);

            HybridEnvelope parsed;
            try
            {
                parsed = HybridEnvelope.FromJson(envelopeJson);
            }
            catch (EnvelopeFormatException ex)
            {
                return await RejectAsync(console, EnvelopeRejectionReason.Malformed, ex.Message).ConfigureAwait(false);
            }

            // Without --key-id the one signing key is pinned under whatever key id the envelope names; with it, a
            // different key id in the envelope is an unknown key.
            var pinnedKeyId = keyId ?? parsed.Signature.KeyId;
            var keys = new EnvelopeOpenKeys(
                new Dictionary<string, byte[]>(StringComparer.Ordinal) { [pinnedKeyId] = signingPublicKey },
                hmacKey,
                recipient,
                expectedTenantId);

            byte[] plaintext;
            try
            {
                plaintext = HybridEnvelopeOpener.OpenVerified(parsed, keys, expectations).Plaintext;
            }
            catch (EnvelopeVerificationException ex)
            {
                return await RejectAsync(console, ex.Reason, ex.Message).ConfigureAwait(false);
            }

            try
            {
                await console.WriteOutputBytesAsync(plaintext, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }

            return CliExitCodes.Success;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hmacKey);
            CryptographicOperations.ZeroMemory(recipientBytes);
        }
    }

    private static EnvelopeExpectations? Expectations(string? requestSha256, int? maxAgeSeconds, bool requireV2)
    {
        if (requestSha256 is not null && !EnvelopeRequestHash.IsSha256Hex(requestSha256))
        {
            throw new CliException("--request-sha256 must be 64 lowercase hex digits.");
        }

        if (maxAgeSeconds is < 0)
        {
            throw new CliException("--max-age must be a number of seconds, 0 or more.");
        }

        return requestSha256 is null && maxAgeSeconds is null && !requireV2
            ? null
            : new EnvelopeExpectations
            {
                RequestSha256 = requestSha256,
                MaxAge = maxAgeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                RequireVersion2 = requireV2,
            };
    }

    private static MlKem768KeyPair ImportRecipientKey(byte[] bytes, string path)
    {
        try
        {
            return MlKem768KeyPair.FromPrivateKey(bytes);
        }
        catch (ArgumentException)
        {
            throw new CliException($"recipient key '{CliFiles.Display(path)}' is not a valid ML-KEM-768 private key (FIPS 203 check failed).");
        }
    }

    private static async Task<int> RejectAsync(CliConsole console, EnvelopeRejectionReason reason, string message)
    {
        await console.Error.WriteLineAsync($"quantaseal: envelope rejected ({reason}): {message}").ConfigureAwait(false);
        return CliExitCodes.Rejected;
    }
}
