using System.CommandLine;
using System.Security.Cryptography;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Cli.Envelope;

/// <summary>
/// <c>quantaseal envelope open ENVELOPE.json --signing-key PUB.b64 --hmac-key KEY.b64 --recipient-key SECRET.b64</c>:
/// verifies both signatures, decrypts, and writes the plaintext (exact bytes) to stdout with exit code 0. On any
/// failure stdout stays empty, stderr says why, and the exit code is 2 (envelope rejected) or 1 (usage, I/O, bad key file).
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

        var command = new Command("open", "Verify both signatures of an envelope, then decrypt it and print the plaintext.")
        {
            envelope, signingKey, hmacKey, recipientKey, keyId, tenantId,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            console,
            parseResult.GetRequiredValue(envelope),
            parseResult.GetRequiredValue(signingKey),
            parseResult.GetRequiredValue(hmacKey),
            parseResult.GetRequiredValue(recipientKey),
            parseResult.GetValue(keyId),
            parseResult.GetValue(tenantId),
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
                plaintext = HybridEnvelopeOpener.Open(parsed, keys);
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
