using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client.Models;
using QuantaSeal.Console.Sessions;

namespace QuantaSeal.Console.Pages.Console;

/// <summary>Recipient keys: register (paste or file), revoke. The private half never comes near the console.</summary>
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

    public IReadOnlyList<RecipientKeyRegistration> Keys { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostRegisterAsync(CancellationToken cancellationToken)
    {
        var bytes = await ReadKeyAsync(cancellationToken);
        if (bytes is not null)
        {
            var client = Api;
            if (await TryAsync(async () =>
            {
                var registered = await client.RegisterRecipientKeyAsync(bytes, string.IsNullOrWhiteSpace(Label) ? null : Label.Trim(), cancellationToken);
                Notice = $"Registered recipient key {registered.RecipientKeyId}.";
            }))
            {
                Label = null;
                PublicKey = null;
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string recipientKeyId, CancellationToken cancellationToken)
    {
        var client = Api;
        await TryAsync(async () =>
        {
            await client.RevokeRecipientKeyAsync(recipientKeyId, cancellationToken);
            Notice = $"Revoked recipient key {recipientKeyId}.";
        });
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var client = Api;
        var error = Error;
        await TryAsync(async () => Keys = (await client.GetKeysAsync(cancellationToken)).RecipientKeys);
        Error ??= error;
    }

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
