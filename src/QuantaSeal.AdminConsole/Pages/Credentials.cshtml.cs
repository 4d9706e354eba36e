using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client;
using QuantaSeal.Client.Vault;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Credentials: seal with a form generated from <c>GET /api/v2/vault/credential-types</c>, rotate, delete. Values go
/// straight into the API call and are never rendered back, logged or kept.
/// </summary>
[Authorize(Policy = ConsolePolicies.Admin)]
internal sealed class CredentialsModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "rotate")]
    public string? Rotate { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Values { get; set; } = new(StringComparer.Ordinal);

    public IReadOnlyList<CredentialTypeDetails> Types { get; private set; } = [];

    public IReadOnlyList<CredentialDetails> Credentials { get; private set; } = [];

    /// <summary>The type whose form is shown (for sealing, or for rotating <see cref="Rotate"/>).</summary>
    public CredentialTypeDetails? Selected { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await ReloadAsync(cancellationToken);

    public async Task<IActionResult> OnPostSealAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        if (Selected is null)
        {
            Error = "Choose a credential type.";
            return Page();
        }

        var values = ToValues(Selected);
        if (await TryAsync(async api =>
        {
            var sealedCredential = await api.SealCredentialAsync(Selected.CredentialType, values, string.IsNullOrWhiteSpace(Name) ? null : Name.Trim(), cancellationToken);
            Notice = $"Sealed {sealedCredential.CredentialId} (fingerprint {sealedCredential.Fingerprint}). Its values will never be shown again.";
        }))
        {
            Type = null;
            Selected = null;
            Name = null;
            await ReloadAsync(cancellationToken);
        }

        Values.Clear();
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        if (Selected is null || Rotate is null)
        {
            Error = "Choose a credential to rotate.";
            return Page();
        }

        var values = ToValues(Selected);
        if (await TryAsync(async api =>
        {
            var rotated = await api.RotateCredentialAsync(Rotate, values, cancellationToken);
            Notice = $"Rotated {rotated.CredentialId} to version {rotated.Version}; integrations using it drop their cached token.";
        }))
        {
            Rotate = null;
            Selected = null;
            await ReloadAsync(cancellationToken);
        }

        Values.Clear();
        return Page();
    }

    public Task<IActionResult> OnPostDeleteAsync(string credentialId, CancellationToken cancellationToken) => ChangeAsync(
        async api =>
        {
            await api.DeleteCredentialAsync(credentialId, cancellationToken);
            return $"Deleted {credentialId}.";
        },
        cancellationToken);

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Types = await api.ListCredentialTypesAsync(cancellationToken);
        Credentials = await api.ListCredentialsAsync(cancellationToken);
        var type = Rotate is not null ? Credentials.FirstOrDefault(c => c.CredentialId == Rotate)?.CredentialType : Type;
        Selected = Types.FirstOrDefault(t => t.CredentialType == type);
    }

    /// <summary>The submitted values of the type's fields; blank optional fields are left out; lists split on commas or spaces.</summary>
    private Dictionary<string, object> ToValues(CredentialTypeDetails type)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in type.Fields)
        {
            if (!Values.TryGetValue(field.Name, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            values[field.Name] = field.Type.EndsWith("[]", StringComparison.Ordinal)
                ? text.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : field.Name == "private_key" ? text : text.Trim();
        }

        return values;
    }
}
