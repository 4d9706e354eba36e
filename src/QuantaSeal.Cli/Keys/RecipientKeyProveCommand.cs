using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Cli.Keys;

/// <summary>
/// <c>quantaseal keys recipient prove --recipient-key SECRET.b64 --tenant-id ten_... --challenge CHALLENGE.json
/// [--label LABEL]</c>: answers the server's registration challenge (the JSON from
/// <c>POST /api/v2/tenant/recipient-keys/challenges</c>) and prints the body for
/// <c>POST /api/v2/tenant/recipient-keys</c>: the public key, the challenge id and the proof of possession.
/// </summary>
internal static class RecipientKeyProveCommand
{
    public static Command Create(CliConsole console)
    {
        var recipientKey = new Option<string>("--recipient-key") { Description = "The private key file written by 'keys recipient generate'.", Required = true };
        var tenantId = new Option<string>("--tenant-id") { Description = "The tenant the key is registered for (ten_...).", Required = true };
        var challenge = new Option<string>("--challenge") { Description = "The challenge JSON answered by POST /api/v2/tenant/recipient-keys/challenges.", Required = true };
        var label = new Option<string?>("--label") { Description = "Optional label for the key." };
        var command = new Command("prove", "Answer a recipient key registration challenge (proof of possession).") { recipientKey, tenantId, challenge, label };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            console,
            parseResult.GetRequiredValue(recipientKey),
            parseResult.GetRequiredValue(tenantId),
            parseResult.GetRequiredValue(challenge),
            parseResult.GetValue(label),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string keyPath, string tenantId, string challengePath, string? label, CancellationToken cancellationToken)
    {
        string challengeId;
        byte[] ciphertext;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(challengePath, cancellationToken).ConfigureAwait(false));
            var root = document.RootElement;
            challengeId = root.GetProperty("challenge_id").GetString() ?? throw new CliException("the challenge has no challenge_id.");
            ciphertext = StrictBase64.Decode(root.GetProperty("ciphertext_kem").GetString() ?? string.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the challenge: {CliFiles.Describe(ex)}");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliException("the challenge is not the JSON answered by POST /api/v2/tenant/recipient-keys/challenges (challenge_id, ciphertext_kem).");
        }

        RecipientKey key;
        try
        {
            key = RecipientKey.Load(keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new CliException($"cannot load the recipient key: {ex.Message}");
        }

        using (key)
        {
            var proof = key.ProveRegistration(tenantId, challengeId, ciphertext);
            var body = new JsonObject
            {
                ["public_key"] = key.PublicKeyBase64,
                ["challenge_id"] = challengeId,
                ["proof"] = StrictBase64.Encode(proof),
            };
            if (label is not null)
            {
                body["label"] = label;
            }

            await console.Out.WriteLineAsync(body.ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
            await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            return CliExitCodes.Success;
        }
    }
}
