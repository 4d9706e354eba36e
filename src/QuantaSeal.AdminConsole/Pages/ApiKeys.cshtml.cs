namespace QuantaSeal.AdminConsole.Pages;

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

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        if (await TryAsync(async api => Created = await api.CreateApiKeyAsync(Name?.Trim() ?? string.Empty, Scopes, Environment, cancellationToken)))
        {
            Name = null;
            Scopes = [];
        }

        return await PageAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostRevokeAsync(string apiKeyId, CancellationToken cancellationToken) => ChangeAsync(
        async api =>
        {
            await api.RevokeApiKeyAsync(apiKeyId, cancellationToken);
            return $"Revoked {apiKeyId}. Requests with it are refused from now on.";
        },
        cancellationToken);

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken) =>
        Keys = await api.ListApiKeysAsync(cancellationToken);
}
