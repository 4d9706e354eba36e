using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Recipient keys: register (paste or file) with proof of possession, choose the default, revoke. Registration takes two steps, like the API:
/// the console asks for a challenge (a ciphertext to the pasted key), the user answers it locally with
/// <c>quantaseal keys recipient prove</c> and pastes the proof back. The private half never comes near the console.
/// </summary>
[Authorize(Policy = ConsolePolicies.Admin)]
internal sealed class RecipientKeysModel(ConsoleApi api) : ConsolePage(api)
{
    /// <summary>ML-KEM-768 encapsulation key size (FIPS 203).</summary>
    private const int PublicKeyBytes = 1184;

    [BindProperty]
    public string? Label { get; set; }

    [BindProperty]
    public string? PublicKey { get; set; }

    [BindProperty]
    public IFormFile? PublicKeyFile { get; set; }

    /// <summary>The pending challenge's id (step 2).</summary>
    [BindProperty]
    public string? ChallengeId { get; set; }

    /// <summary>The proof printed by <c>quantaseal keys recipient prove</c>: its base64 or its whole JSON line.</summary>
    [BindProperty]
    public string? Proof { get; set; }

    /// <summary>The challenge JSON to save as a file for the CLI (step 2); null outside step 2.</summary>
    public string? ChallengeJson { get; private set; }

    public IReadOnlyList<RecipientKeyRegistration> Keys { get; private set; } = [];

    /// <summary>Step 1: checks the pasted key and asks the API for a registration challenge to it.</summary>
    public async Task<IActionResult> OnPostRegisterAsync(CancellationToken cancellationToken)
    {
        var bytes = await ReadKeyAsync(cancellationToken);
        if (bytes is not null)
        {
            await TryAsync(async api =>
            {
                var challenge = await api.CreateRecipientKeyChallengeAsync(bytes, cancellationToken);
                ChallengeId = challenge.ChallengeId;
                PublicKey = Convert.ToBase64String(bytes);
                ChallengeJson = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["challenge_id"] = challenge.ChallengeId,
                    ["ciphertext_kem"] = Convert.ToBase64String(challenge.CiphertextKem),
                    ["expires_at"] = challenge.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                });
                Notice = $"Challenge {challenge.ChallengeId} created: answer it with your private key to finish the registration.";
            });
        }

        return await PageAsync(cancellationToken);
    }

    /// <summary>Step 2: registers the key with the proof that its holder decapsulated the challenge.</summary>
    public async Task<IActionResult> OnPostProveAsync(CancellationToken cancellationToken)
    {
        byte[]? bytes = null;
        byte[]? proof = null;
        try
        {
            bytes = Convert.FromBase64String(PublicKey ?? string.Empty);
            proof = Convert.FromBase64String(ProofText(Proof));
        }
        catch (FormatException)
        {
            Error = "The proof is not standard base64 (paste the proof field, or the whole line printed by quantaseal keys recipient prove).";
        }

        if (bytes is { Length: PublicKeyBytes } && proof is { Length: > 0 } && !string.IsNullOrEmpty(ChallengeId))
        {
            if (await TryAsync(async api =>
            {
                var registered = await api.RegisterRecipientKeyAsync(bytes, string.IsNullOrWhiteSpace(Label) ? null : Label.Trim(), ChallengeId, proof, cancellationToken);
                Notice = $"Registered recipient key {registered.RecipientKeyId}{(registered.IsDefault ? " (the default)" : string.Empty)}.";
            }))
            {
                Label = null;
                PublicKey = null;
                ChallengeId = null;
                Proof = null;
            }
        }
        else
        {
            Error ??= "Paste the proof printed by quantaseal keys recipient prove.";
        }

        return await PageAsync(cancellationToken);
    }

    /// <summary>The proof's base64: the text itself, or the <c>proof</c> member of the CLI's JSON line.</summary>
    private static string ProofText(string? text)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (!trimmed.StartsWith('{'))
        {
            return string.Concat(trimmed.Where(c => !char.IsWhiteSpace(c)));
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed);
            return document.RootElement.TryGetProperty("proof", out var proof) && proof.ValueKind == JsonValueKind.String
                ? proof.GetString() ?? string.Empty
                : string.Empty;
        }
        catch (JsonException)
        {
            throw new FormatException("not JSON");
        }
    }

    /// <summary>Makes a key the one envelopes are sealed to when a call names no <c>recipient_key_id</c>.</summary>
    public Task<IActionResult> OnPostDefaultAsync(string recipientKeyId, CancellationToken cancellationToken) => ChangeAsync(
        async api =>
        {
            var key = await api.SetDefaultRecipientKeyAsync(recipientKeyId, cancellationToken);
            return $"{key.RecipientKeyId} is now the default recipient key: calls that name no recipient key are sealed to it.";
        },
        cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(string recipientKeyId, CancellationToken cancellationToken) => ChangeAsync(
        async api =>
        {
            await api.RevokeRecipientKeyAsync(recipientKeyId, cancellationToken);
            return $"Revoked recipient key {recipientKeyId}.";
        },
        cancellationToken);

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken) =>
        Keys = (await api.GetKeysAsync(cancellationToken)).RecipientKeys;

    /// <summary>The public key from the file (raw 1184 bytes or base64 text) or the text box (base64).</summary>
    private async Task<byte[]?> ReadKeyAsync(CancellationToken cancellationToken)
    {
        string? text = PublicKey;
        if (PublicKeyFile is { Length: > 0 } file)
        {
            if (file.Length > 8 * 1024)
            {
                Error = "The file is too large for an ML-KEM-768 public key.";
                return null;
            }

            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            var raw = buffer.ToArray();
            if (raw.Length == PublicKeyBytes)
            {
                return raw;
            }

            text = Encoding.ASCII.GetString(raw);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Error = "Paste the public key (standard base64) or choose its file.";
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
            if (bytes.Length != PublicKeyBytes)
            {
                Error = $"That is {bytes.Length} bytes; an ML-KEM-768 public key is {PublicKeyBytes} bytes. Did you paste the private key? Never paste it anywhere.";
                return null;
            }

            return bytes;
        }
        catch (FormatException)
        {
            Error = "The public key is not standard base64.";
            return null;
        }
    }
}
