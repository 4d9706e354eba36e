using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Console.Sessions;

namespace QuantaSeal.Console.Pages.Console;

/// <summary>API keys: create (shown once), list, revoke.</summary>
[Authorize(Policy = ConsolePolicies.Admin)]
internal sealed class ApiKeysModel(ConsoleApi api) : ConsolePage(api)
{
    public static readonly IReadOnlyList<string> AllScopes = ["admin", "proxy", "audit:read"];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public string Environment { get; set; } = "live";

    public IReadOnlyList<ApiKeyDetails> Keys { get; private set; } = [];

    /// <summary>The key just created: rendered in this one answer only, never stored by the console.</summary>
    public ApiKeyCreation? Created { get; private set; }

    public string? SessionKeyId => User.FindFirst(ConsoleClaims.KeyId)?.Value;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var client = Api;
        if (await TryAsync(async () => Created = await client.CreateApiKeyAsync(Name?.Trim() ?? string.Empty, Scopes, Environment, cancellationToken)))
        {
            Name = null;
            Scopes = [];
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string apiKeyId, CancellationToken cancellationToken)
    {
        var client = Api;
        await TryAsync(async () =>
        {
            await client.RevokeApiKeyAsync(apiKeyId, cancellationToken);
            Notice = $"Revoked {apiKeyId}. Requests with it are refused from now on.";
        });
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var client = Api;
        var error = Error;
        await TryAsync(async () => Keys = await client.ListApiKeysAsync(cancellationToken));
        Error ??= error;
    }
}
